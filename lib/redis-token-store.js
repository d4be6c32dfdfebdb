'use strict'
// createRedisTokenStore(client): the token store's interface on Redis, so every server behind a load balancer
// sees the same revocations. Each key expires with the token it concerns (its remaining life, plus the clock
// tolerance), so Redis never holds dead entries. The client is the caller's, connected: node-redis or ioredis, one
// node, Sentinel or Cluster (lib/redis/client.js); this module uses it but never creates or closes it.
//
// Keys: `<prefix>jti:<jti>` → '1'; `<prefix>sub:<sub>` → the cut-off in epoch milliseconds. Each key is its own
// hash slot, so a Cluster spreads them over its nodes; a lookup reads both with two GETs sent together (one round
// trip on one node, one per node on a Cluster), never one command across slots.
//
// Redis down or slow: every call is refused at once while the client is not connected and after `timeout` ms
// otherwise, with a StoreUnavailableError (status 503): requests fail closed and fast. With `minReplicas`, a
// revocation counts only once that many replicas have it.
//
// Both writes are safe to run twice (ioredis re-sends a command whose reply was lost with its connection; a client
// may retry): `revoke`'s SET writes the same value again, and only counts its expiry from the second run (later by
// the time between the two: never sooner, so a revocation never ends early); SET_CUTOFF finds its own cut-off in
// place and keeps it. Neither store call reads the reply, so both answer as the first run did.

const { storeOptions, revocationOf, cutoffOf, lookupOf, nowSeconds, STORE_OPTIONS } = require('./token-store')
const {
  REDIS_OPTIONS,
  redisCaller,
  redisScript,
  runScript,
  prefixOption,
  replyFields,
  replyNumber,
} = require('./redis/client')

const DEFAULT_PREFIX = 'ringjwt:revoked:'

// Keeps the later of two cut-offs, and its expiry, in one step: a late call with an older `when` must not
// shorten a logout-everywhere.
const SET_CUTOFF = redisScript(`
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`)

// The longest an entry is kept, in seconds (about 31,700 years): Redis refuses an EX it cannot add to its clock in
// milliseconds, and writes no number in exponent form, so a token whose `exp` is further off is revoked for this
// long rather than not at all.
const MAX_SECONDS = 1e12

// Whole seconds for EX, rounded up so an entry never expires before its token.
function remainingSeconds(until) {
  return Math.min(Math.ceil(until - nowSeconds()), MAX_SECONDS)
}

function createRedisTokenStore(client, options) {
  const settings = storeOptions(options, [...STORE_OPTIONS, ...REDIS_OPTIONS])
  const prefix = prefixOption(options, DEFAULT_PREFIX)
  const { call, cached, revoking } = redisCaller(client, options, 'createRedisTokenStore')
  const jtiKey = (jti) => `${prefix}jti:${jti}`
  const subKey = (sub) => `${prefix}sub:${sub}`

  return {
    async revoke(tokenOrPayload) {
      const { jti, until } = revocationOf(tokenOrPayload, settings.clockTolerance)
      const seconds = remainingSeconds(until)
      if (seconds <= 0) return false
      const key = jtiKey(jti)
      await revoking([key], (redis) => redis.set(key, '1', seconds))
      return true
    },
    async isRevoked(...args) {
      const { jti, sub, iat } = lookupOf(args)
      const keys = []
      if (jti !== undefined) keys.push(jtiKey(jti))
      if (sub !== undefined) keys.push(subKey(sub))
      if (keys.length === 0) return false
      const hits = cached === null ? null : keys.map((key) => cached(['GET', key]))
      const values = replyFields(
        hits === null || hits.includes(undefined)
          ? await call((redis) => Promise.all(keys.map((key) => redis.get(key))))
          : hits,
        keys.length,
      )
      if (jti !== undefined && values[0] !== null) return true
      const cutoff = sub === undefined ? null : values[keys.length - 1]
      if (cutoff === null) return false
      // A token without `iat` may be older than the cut-off: nothing shows otherwise.
      return iat === undefined || iat * 1000 < replyNumber(cutoff)
    },
    async revokeAllFor(sub, when) {
      const { time, until } = cutoffOf(sub, when, settings)
      const seconds = remainingSeconds(until)
      if (seconds <= 0) return false
      const key = subKey(sub)
      await revoking([key], (redis) => runScript(redis, SET_CUTOFF, [key], [String(time), String(seconds)]))
      return true
    },
  }
}

module.exports = { createRedisTokenStore }
