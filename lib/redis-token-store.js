'use strict'
// createRedisTokenStore(client): the token store's interface on Redis, so every server behind a load balancer
// sees the same revocations. Each key expires with the token it concerns (its remaining life, plus the clock
// tolerance), so Redis never holds dead entries. The client is the caller's: a connected node-redis v5 client
// (the `redis` package), which this module uses but never creates or closes.
//
// Keys: `<prefix>jti:<jti>` → '1'; `<prefix>sub:<sub>` → the cut-off in epoch milliseconds. A lookup is one
// MGET of both. With Redis Cluster, put a hash tag in the prefix (`'{ringjwt}:'`) so the two share a slot.
//
// Redis down or slow: every call is refused at once while the client is not connected and after `timeout` ms
// otherwise, with a StoreUnavailableError (status 503): requests fail closed and fast (lib/redis-guard.js).

const { optionError } = require('./errors')
const { storeOptions, revocationOf, cutoffOf, lookupOf, nowSeconds, STORE_OPTIONS } = require('./token-store')
const { redisCaller, redisScript, runScript, timeoutOption, replyFields } = require('./redis-guard')

const DEFAULT_PREFIX = 'ringjwt:revoked:'

// Keeps the later of two cut-offs, and its expiry, in one step: a late call with an older `when` must not
// shorten a logout-everywhere.
const SET_CUTOFF = redisScript(`
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`)

// Whole seconds for EX, rounded up so an entry never expires before its token.
function remainingSeconds(until) {
  return Math.ceil(until - nowSeconds())
}

function createRedisTokenStore(client, options) {
  if (client === null || typeof client !== 'object' || typeof client.mGet !== 'function') {
    throw optionError('createRedisTokenStore() expects a node-redis v5 client (from the "redis" package)')
  }
  const settings = storeOptions(options, [...STORE_OPTIONS, 'prefix', 'timeout'])
  const prefix = options?.prefix ?? DEFAULT_PREFIX
  if (typeof prefix !== 'string') throw optionError('"prefix" must be a string')
  const call = redisCaller(client, timeoutOption(options))
  const jtiKey = (jti) => `${prefix}jti:${jti}`
  const subKey = (sub) => `${prefix}sub:${sub}`

  return {
    async revoke(tokenOrPayload) {
      const { jti, until } = revocationOf(tokenOrPayload, settings.clockTolerance)
      const seconds = remainingSeconds(until)
      if (seconds <= 0) return false
      await call((redis) => redis.set(jtiKey(jti), '1', { expiration: { type: 'EX', value: seconds } }))
      return true
    },
    async isRevoked(...args) {
      const { jti, sub, iat } = lookupOf(args)
      const keys = []
      if (jti !== undefined) keys.push(jtiKey(jti))
      if (sub !== undefined) keys.push(subKey(sub))
      if (keys.length === 0) return false
      const values = replyFields(await call((redis) => redis.mGet(keys)), keys.length)
      if (jti !== undefined && values[0] !== null) return true
      const cutoff = sub === undefined ? null : values[keys.length - 1]
      if (cutoff === null) return false
      // A token without `iat` may be older than the cut-off: nothing shows otherwise.
      return iat === undefined || iat * 1000 < Number(cutoff)
    },
    async revokeAllFor(sub, when) {
      const { time, until } = cutoffOf(sub, when, settings)
      const seconds = remainingSeconds(until)
      if (seconds <= 0) return false
      await call((redis) => runScript(redis, SET_CUTOFF, [subKey(sub)], [String(time), String(seconds)]))
      return true
    },
  }
}

module.exports = { createRedisTokenStore }
