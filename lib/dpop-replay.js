'use strict'
// Replay caches for DPoP proofs: each remembers a proof (by its key's thumbprint and `jti`) until the proof's `iat`
// window has closed, and answers whether it was new. `remember(id, until, now)` takes unix seconds and returns
// true for a proof not seen before. createDpopReplayCache() keeps them in this process (in the native core);
// createRedisDpopReplayCache() in Redis, so that a proof replayed to another server behind the load balancer is
// refused too.

const crypto = require('node:crypto')
const native = require('./native')
const { optionError, fromNative } = require('./errors')
const { redisCaller, redisScript, runScript, prefixOption, replyOneOf } = require('./redis/client')

// About 1,600 proofs a second held for the default 60-second window, in under 10 MB (docs/dpop.md: a replay cache
// that fills). Past it, new proofs are refused (ERR_DPOP_REPLAY_CACHE_FULL) rather than an unexpired one forgotten.
const DEFAULT_MAX_ENTRIES = 100_000
const DEFAULT_PREFIX = 'ringjwt:dpop:'

// A full cache is the server's capacity, not the client's fault: the refusal carries status 503, and in
// `retryAfter` the whole seconds until the entry at the front of the cache's queue leaves it (at least 1): the
// earliest a room can free.
function cacheFull(err, cache, now) {
  if (err?.code !== 'ERR_DPOP_REPLAY_CACHE_FULL') return err
  const next = cache.nextExpiry
  err.status = 503
  err.retryAfter = next === null ? 1 : Math.max(1, Math.ceil(next - now))
  return err
}

function checkOptions(options, allowed) {
  if (options === undefined) return
  if (options === null || typeof options !== 'object') throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) throw optionError(`"${name}" is not allowed in "options"`)
  }
}

// What verifyDpopProof hands a cache: the proof's replay id and unix seconds.
function checkEntry(id, until, now) {
  if (typeof id !== 'string' || id === '') throw optionError('"id" must be a non-empty string')
  if (!Number.isFinite(until) || !Number.isFinite(now)) throw optionError('"until" and "now" must be numbers')
}

function createDpopReplayCache(options) {
  checkOptions(options, ['maxEntries'])
  const maxEntries = options?.maxEntries ?? DEFAULT_MAX_ENTRIES
  if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0 || maxEntries > 0xffffffff) {
    throw optionError('"maxEntries" must be a positive whole number')
  }
  const cache = new native.NativeReplayCache(maxEntries)
  return {
    remember(id, until, now) {
      checkEntry(id, until, now)
      try {
        return cache.remember(id, until, now)
      } catch (err) {
        throw cacheFull(fromNative(err), cache, now)
      }
    },
    get size() {
      return cache.size
    },
  }
}

// KEYS[1] the proof's key; ARGV[1] this call's own mark, ARGV[2] milliseconds to keep it. 1 when the proof is new:
// the key was not there (it is written, as SET NX PX would), or holds this call's own mark, which only a second
// run of the same call finds (a client that re-sends a command whose reply was lost, or retries it): that run
// answers as the first did and writes nothing. 0 when another call marked the proof: a replay.
const REMEMBER = redisScript(`
local mark = redis.call('GET', KEYS[1])
if mark == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if mark == ARGV[1] then return 1 end
return 0`)

// One script per proof (one round trip, as SET NX PX was): Redis says whether the key was new, and forgets it when
// the window closes. The key is a digest of fixed length; with Redis Cluster each key lives in its own slot, as no
// command touches two. Any client the Redis stores accept (lib/redis/client.js) will do. Each call's mark is this
// cache's random prefix and a count: unique to the call, and known to no one else.
function createRedisDpopReplayCache(client, options) {
  checkOptions(options, ['prefix', 'timeout'])
  const prefix = prefixOption(options, DEFAULT_PREFIX)
  const { call } = redisCaller(client, options, 'createRedisDpopReplayCache')
  const own = crypto.randomBytes(12).toString('base64url')
  let count = 0
  return {
    async remember(id, until, now) {
      checkEntry(id, until, now)
      const ms = Math.max(1, Math.ceil((until - now) * 1000))
      count += 1
      const args = [`${own}.${count.toString(36)}`, String(ms)]
      const reply = await call((redis) => runScript(redis, REMEMBER, [`${prefix}${id}`], args))
      return replyOneOf(reply, [0, 1]) === 1
    },
  }
}

module.exports = { createDpopReplayCache, createRedisDpopReplayCache }
