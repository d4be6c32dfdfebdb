'use strict'
// A key ring's state in Redis, shared by every instance of an issuer: one string key, read with GET and replaced
// by a script that compares and sets in one step, on any client the Redis stores take (node-redis or ioredis; one
// node, Sentinel or Cluster: one key, so one slot). Every call fails closed within `timeout` (lib/redis/client.js).
// Private keys reach Redis wrapped when the ring has a `kek`.

const { optionError } = require('./errors')
const { redisCaller, redisScript, runScript, replyOneOf, unreadable } = require('./redis/client')
const { knownOptions } = require('./token-store')

const DEFAULT_KEY = 'ringjwt:key-ring'

// KEYS[1] the record; ARGV[1] the expected text ('' for none), ARGV[2] the new text. 1 when written, or when the
// record holds the new text already: a second run of the same call (a client that re-sends a command whose reply was
// lost, or retries it) then answers as the first run did, and writes nothing. The new text is the call's own: a
// ring's state carries each key's start time and newly made key material, so no other write makes the same text
// (and if one did, the record would hold just what this call meant to write).
const COMPARE_AND_SET = redisScript(`
local current = redis.call('GET', KEYS[1])
if current == ARGV[2] then return 1 end
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

/** A key ring store on a connected node-redis or ioredis client. */
function createRedisKeyRingStore(client, options) {
  knownOptions(options, ['key', 'timeout'])
  const key = options?.key ?? DEFAULT_KEY
  if (typeof key !== 'string' || key === '') throw optionError('createRedisKeyRingStore(): "key" must be a string')
  const { call } = redisCaller(client, { timeout: options?.timeout }, 'createRedisKeyRingStore')
  return {
    get: () =>
      call(async (redis) => {
        const reply = await redis.get(key)
        if (reply !== null && typeof reply !== 'string') throw unreadable()
        return reply
      }),
    compareAndSet: (expected, value) =>
      call(async (redis) => {
        const reply = await runScript(redis, COMPARE_AND_SET, [key], [expected ?? '', value])
        return replyOneOf(reply, [0, 1]) === 1
      }),
  }
}

module.exports = { createRedisKeyRingStore }
