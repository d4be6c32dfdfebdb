'use strict'
// A key ring's state in Redis, shared by every instance of an issuer: one string key, read with GET and replaced
// by a script that compares and sets in one step. Written against node-redis v5's client; every call fails closed
// within `timeout` (lib/redis-guard.js). Private keys reach Redis wrapped when the ring has a `kek`.

const { optionError } = require('./errors')
const { redisCaller, redisScript, runScript, timeoutOption, replyOneOf, unreadable } = require('./redis-guard')

const DEFAULT_KEY = 'ringjwt:key-ring'

// KEYS[1] the record; ARGV[1] the expected text ('' for none), ARGV[2] the new text. 1 when written.
const COMPARE_AND_SET = redisScript(`
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

/** A key ring store on a connected node-redis v5 client. */
function createRedisKeyRingStore(client, options = {}) {
  if (client === null || typeof client !== 'object' || typeof client.get !== 'function') {
    throw optionError('createRedisKeyRingStore(): "client" must be a node-redis client')
  }
  const key = options.key ?? DEFAULT_KEY
  if (typeof key !== 'string' || key === '') throw optionError('createRedisKeyRingStore(): "key" must be a string')
  const call = redisCaller(client, timeoutOption(options))
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
