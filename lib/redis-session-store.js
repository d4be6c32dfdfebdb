'use strict'
// createRedisSessionStore(client): the session store's interface on Redis, so that every server behind a load
// balancer sees the same sessions. The client is the caller's, connected: node-redis or ioredis, one node,
// Sentinel or Cluster (lib/redis/client.js); this module uses it but never creates or closes it.
//
// Keys (P is the prefix, default 'ringjwt:session:'):
//   P{<sid>}          a hash: sub, created, used, expires, absolute, meta, refresh (hex SHA-256 of the current
//                     refresh token), t:<jti> → the access token's expiry, f:<jti> → the first 16 bytes of the
//                     SHA-256 of its signature, hex (when the app signed through the store), r:<first 16 bytes of
//                     a retired refresh token's SHA-256, hex> → when it would have expired; an ended session keeps only
//                     ended, sub, until and by (a tombstone, until its last access token has expired, and at least
//                     `timeout` ms; `by` is the value of the call that ended it, see FINISH)
//   P subject:{<sub>} a set of the subject's session ids, for listing and ending them all
// Each key expires (PEXPIRE) when nothing in it can matter any more, so Redis holds only live sessions and
// recent tombstones. Times are epoch milliseconds from the app's clock; TTLs are counted from it too.
//
// Rotation, reuse detection and ending run as Lua scripts on the session's one key, so they are atomic: of two
// refreshes racing with one token, exactly one wins. Every write is safe to run twice (ioredis re-sends a command
// whose reply was lost with its connection; a client may retry): each script carries a value only its call knows
// (the digest of a refresh token it has just made, a nonce) and a second run that finds it answers as the first.
// With Redis Cluster, the braces make each session's key its own hash slot, and the scripts touch only that key;
// the subject index is written with separate commands (its own slot), which are safe to run twice as they are. A
// prefix with a hash tag of its own ('{ringjwt}:session:') puts everything in one slot.
//
// Redis down or slow: every call is refused at once while the client is not connected, and after `timeout` ms
// otherwise, with a StoreUnavailableError (status 503): requests fail closed and fast. With `minReplicas`, an
// end, a logout everywhere and a rotation count only once that many replicas have them (lib/redis/client.js).

const crypto = require('node:crypto')
const { optionError } = require('./errors')
const {
  REDIS_OPTIONS,
  redisCaller,
  redisScript,
  runScript,
  prefixOption,
  replyFields,
  replyStrings,
  replyNumber,
  replyOneOf,
  unreadable,
} = require('./redis/client')
const {
  sessionOptions,
  SESSION_OPTIONS,
  refusal,
  subjectOf,
  metadataJson,
  newRefreshToken,
  refreshDigest,
  presentedDigests,
  sessionIdOf,
  sessionView,
  issued,
  checkedClaims,
  loginTimes,
  issueOptions,
  signAndRecord,
  signatureFingerprint,
  timeOrderedId,
  REFUSALS,
  clock,
} = require('./session-store')

const DEFAULT_PREFIX = 'ringjwt:session:'

// Turns a session into a tombstone that refuses its tokens until the last of them has expired. `by` is a value only
// the call that ends the session knows (END's nonce, REFRESH's next digest): a second run of that call (a client
// that re-sends a command whose reply was lost) finds it there and answers as the first run did. So the tombstone
// is kept for `keep` ms at least (the store's timeout, as long as the caller waits for the reply), also when no
// token is left alive: `until` is then `now`, which refuses as a missing key would.
const FINISH = `
local function finish(key, now, tolerance, reason, by, keep)
  local fields = redis.call('HGETALL', key)
  local last, sub
  for i = 1, #fields, 2 do
    local name = fields[i]
    if string.sub(name, 1, 2) == 't:' then
      local exp = tonumber(fields[i + 1])
      if not last or exp > last then last = exp end
    elseif name == 'sub' then
      sub = fields[i + 1]
    end
  end
  redis.call('DEL', key)
  local ends = now
  if last and last + tolerance > now then ends = last + tolerance end
  redis.call('HSET', key, 'ended', reason, 'sub', sub, 'until', ends, 'by', by)
  redis.call('PEXPIRE', key, math.max(ends - now, keep))
end
`

// ARGV: sub, now, expires, absolute, refresh digest, jti, token expiry, TTL, metadata JSON ('' for none),
// the token's signature fingerprint ('' for none). 1 when written; 0 when the key holds another session. The refresh
// digest is this call's own (of a token it has just made, and handed to no one yet): a second run of the call that
// finds it in place answers 1, as the first run did, and writes nothing.
const CREATE = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'refresh') == ARGV[5] then return 1 end
  return 0
end
redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'created', ARGV[2], 'used', ARGV[2], 'expires', ARGV[3],
  'absolute', ARGV[4], 'refresh', ARGV[5], 't:' .. ARGV[6], ARGV[7])
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'meta', ARGV[9]) end
if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'f:' .. ARGV[6], ARGV[10]) end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return 1`)

// ARGV: presented digest, next digest, presented fingerprint, jti, now, idle, access token life, tolerance, the
// new token's signature fingerprint ('' for none), how long a tombstone is kept at least (see FINISH).
// Returns { refusal } or { 'ok', sub, created, used, expires, token expiry, meta }.
// The next digest is this call's own (of a token it has just made): a second run of the call finds it as the
// session's `refresh` (the rotation happened) or as the tombstone's `by` (the reuse it detected ended the session),
// and answers what the first run answered, from the stored fields, writing nothing.
const REFRESH = redisScript(`${FINISH}
local now, idle, access, tolerance = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 'sub', 'ended', 'until', 'expires', 'absolute', 'refresh', 'r:' .. ARGV[3], 'by')
if not s[1] then return {'refresh_token_invalid'} end
if s[2] then
  if s[8] == ARGV[2] then return {s[2]} end
  if tonumber(s[3]) <= now then return {'refresh_token_invalid'} end
  return {'session_ended'}
end
if s[6] == ARGV[2] then
  local done = redis.call('HMGET', KEYS[1], 'created', 'used', 'expires', 't:' .. ARGV[4], 'meta')
  return {'ok', s[1], done[1], done[2], done[3], done[4], done[5] or ''}
end
local expires = tonumber(s[4])
if expires + tolerance <= now then return {'refresh_token_invalid'} end
if expires <= now then return {'refresh_token_expired'} end
if s[6] ~= ARGV[1] then
  if s[7] and tonumber(s[7]) > now then
    finish(KEYS[1], now, tolerance, 'refresh_token_reused', ARGV[2], tonumber(ARGV[10]))
    return {'refresh_token_reused'}
  end
  return {'refresh_token_invalid'}
end
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local kind = string.sub(fields[i], 1, 2)
  local value = tonumber(fields[i + 1])
  if (kind == 't:' and value + tolerance <= now) or (kind == 'r:' and value <= now) then
    redis.call('HDEL', KEYS[1], fields[i])
    if kind == 't:' then redis.call('HDEL', KEYS[1], 'f:' .. string.sub(fields[i], 3)) end
  end
end
local nextExpires = math.min(tonumber(s[5]), now + idle)
local tokenExpires = math.min(nextExpires, now + access)
redis.call('HSET', KEYS[1], 'refresh', ARGV[2], 'used', now, 'expires', nextExpires,
  'r:' .. ARGV[3], expires, 't:' .. ARGV[4], tokenExpires)
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'f:' .. ARGV[4], ARGV[9]) end
redis.call('PEXPIRE', KEYS[1], nextExpires + tolerance - now)
local view = redis.call('HMGET', KEYS[1], 'created', 'meta')
return {'ok', s[1], view[1], tostring(now), tostring(nextExpires), tostring(tokenExpires), view[2] or ''}`)

// ARGV: now, tolerance, this call's nonce, how long a tombstone is kept at least (see FINISH). 1 when a live session
// was ended, 0 when it was over already, -1 when there is no key. A second run of the call finds its nonce in the
// tombstone and answers 1 again.
const END = redisScript(`${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local now = tonumber(ARGV[1])
local s = redis.call('HMGET', KEYS[1], 'sub', 'ended', 'expires', 'by')
if s[4] == ARGV[3] then return 1 end
if not s[1] or s[2] or tonumber(s[3]) <= now then return 0 end
finish(KEYS[1], now, tonumber(ARGV[2]), 'ended', ARGV[3], tonumber(ARGV[4]))
return 1`)

const VIEW_FIELDS = ['sub', 'ended', 'expires', 'created', 'used', 'meta']
const PREVIEW_FIELDS = ['sub', 'ended', 'expires', 'absolute', 'refresh', 'created', 'meta']

// Metadata as stored: none, or the JSON text of an object.
function isMetadata(meta) {
  if (meta === null || meta === '') return true
  try {
    const value = JSON.parse(meta)
    return value !== null && typeof value === 'object'
  } catch {
    return false
  }
}

// The first 16 bytes of a retired refresh token's digest are enough to recognise it (see src/session.rs).
const fingerprint = (digest) => digest.toString('hex', 0, 16)

// When the login of a session id from timeOrderedId (lib/session-store.js) began; undefined for any other id.
function loginStartOf(id) {
  if (id.length !== 36 || id[14] !== '7' || id[8] !== '-') return undefined
  const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
  return Number.isNaN(ms) ? undefined : ms
}

// Login adds the session's id to the subject index, then writes the session (two slots on a Cluster, so two
// steps). An id in the index without a session may be one whose login is still writing it: it stays listed,
// so that a later logout everywhere finds the session, until it is older than any login can take (the store's
// timeout refuses a login that takes longer, and a minute covers the clocks of several servers).
const LOGIN_MARGIN = 60_000

function createRedisSessionStore(client, options) {
  const settings = sessionOptions(options, [...SESSION_OPTIONS, ...REDIS_OPTIONS])
  const prefix = prefixOption(options, DEFAULT_PREFIX)
  const { call, cached, revoking, timeout } = redisCaller(client, options, 'createRedisSessionStore')
  const { accessTokenLifetime, idleLifetime, absoluteLifetime, clockTolerance } = settings
  const sessionKey = (id) => `${prefix}{${id}}`
  const subjectKey = (subject) => `${prefix}subject:{${subject}}`

  // Whether an id in the index whose session is not (or no longer) in Redis can leave it (see LOGIN_MARGIN).
  const loginOver = (id, now) => !(now - (loginStartOf(id) ?? -Infinity) < timeout + clockTolerance + LOGIN_MARGIN)

  // A live session's view from its VIEW_FIELDS, else null.
  function liveView(id, subject, fields, now) {
    const [sub, ended, expires, created, used, meta] = replyFields(fields, VIEW_FIELDS.length)
    if (sub === null || ended !== null || expires === null || replyNumber(expires) <= now) return null
    if (!isMetadata(meta)) throw unreadable()
    if (subject !== undefined && sub !== subject) return null
    return sessionView({
      id,
      subject: sub,
      createdAt: replyNumber(created),
      lastUsedAt: replyNumber(used),
      expiresAt: replyNumber(expires),
      metadata: meta,
    })
  }

  // Writes a new session (ARGV of CREATE but the fingerprint) and its subject index entry.
  async function record(id, subject, args, signature) {
    const created = await call(async (redis) => {
      // The index first: a session that logout-all cannot find must never exist. Both commands go out in one
      // round trip, in order.
      await Promise.all([
        redis.sAdd(subjectKey(subject), id),
        redis.pExpire(subjectKey(subject), absoluteLifetime + clockTolerance),
      ])
      const argv = [...args, signature === undefined ? '' : signatureFingerprint(signature)]
      return replyOneOf(await runScript(redis, CREATE, [sessionKey(id)], argv.map(String)), [0, 1])
    })
    // Random UUIDs do not collide in practice; this keeps an existing session safe if they ever did.
    if (created !== 1) throw optionError('a session with this id already exists')
  }

  // Rotates the refresh token (ARGV of REFRESH but the fingerprint): `{ issued }`, the session and the new token's
  // expiry, or `{ refusal }`, the code the script refused with.
  async function rotation(id, args, signature) {
    const argv = [...args, signature === undefined ? '' : signatureFingerprint(signature), timeout]
    const key = sessionKey(id)
    // A rotation retires the presented token (and a reuse ends the session): it takes access away.
    const reply = replyFields(await revoking([key], (redis) => runScript(redis, REFRESH, [key], argv.map(String))))
    if (reply[0] !== 'ok') {
      if (!Object.hasOwn(REFUSALS, reply[0])) throw unreadable()
      return { refusal: reply[0] }
    }
    if (reply.length !== 7) throw unreadable()
    const [, subject, created, used, expires, tokenExpiresAt, meta] = reply
    if (!isMetadata(meta)) throw unreadable()
    const session = {
      id,
      subject,
      createdAt: replyNumber(created),
      lastUsedAt: replyNumber(used),
      expiresAt: replyNumber(expires),
      metadata: meta || null,
    }
    return { issued: { session, tokenExpiresAt: replyNumber(tokenExpiresAt) } }
  }

  // What rotating the one of the `digests` the session holds at `now` would issue, as REFRESH computes it, with
  // that digest (`presented`); null when the session would refuse them all.
  async function previewRefresh(id, digests, now) {
    const fields = await call((redis) => redis.hmGet(sessionKey(id), PREVIEW_FIELDS))
    const [sub, ended, expires, absolute, current, created, meta] = replyFields(fields, PREVIEW_FIELDS.length)
    const presented = digests.find((digest) => current === digest.toString('hex'))
    if (sub === null || ended !== null || expires === null || presented === undefined) return null
    if (replyNumber(expires) <= now) return null
    if (!isMetadata(meta)) throw unreadable()
    const nextExpires = Math.min(replyNumber(absolute), now + idleLifetime)
    const session = {
      id,
      subject: sub,
      createdAt: replyNumber(created),
      lastUsedAt: now,
      expiresAt: nextExpires,
      metadata: meta || null,
    }
    return { session, tokenExpiresAt: Math.min(nextExpires, now + accessTokenLifetime), presented }
  }

  // 1 when a live session was ended, 0 when it was over, -1 when it is not in Redis. `nonce` is the calling
  // end's or endAll's own (see END).
  async function endSession(redis, id, now, nonce) {
    const argv = [String(now), String(clockTolerance), nonce, String(timeout)]
    return replyOneOf(await runScript(redis, END, [sessionKey(id)], argv), [-1, 0, 1])
  }

  return {
    async create(subject, metadata, options) {
      const meta = metadataJson(metadata) ?? ''
      subjectOf(subject)
      const { jkt, sign } = issueOptions(options)
      const now = clock()
      const id = timeOrderedId(now)
      const jti = crypto.randomUUID()
      const refreshToken = newRefreshToken(id)
      const { absolute, expires, tokenExpiresAt } = loginTimes(settings, now)
      const session = { id, subject, createdAt: now, lastUsedAt: now, expiresAt: expires, metadata: meta || null }
      const result = issued({ session, tokenExpiresAt }, refreshToken, jti, jkt)
      const digest = refreshDigest(refreshToken, jkt).toString('hex')
      const args = [subject, now, expires, absolute, digest, jti, tokenExpiresAt, expires + clockTolerance - now, meta]
      return signAndRecord(result, sign, (signature) => record(id, subject, args, signature))
    },

    async refresh(refreshToken, options) {
      const { jkt, sign } = issueOptions(options)
      const id = sessionIdOf(refreshToken)
      if (id === null) throw refusal('refresh_token_invalid')
      const next = newRefreshToken(id)
      const jti = crypto.randomUUID()
      const now = clock()
      const digests = presentedDigests(refreshToken, jkt)
      const nextDigest = refreshDigest(next, jkt).toString('hex')
      const rotate = (presented, signature) => {
        const args = [presented.toString('hex'), nextDigest, fingerprint(presented), jti, now]
        return rotation(id, [...args, idleLifetime, accessTokenLifetime, clockTolerance], signature)
      }
      // Unsigned: each digest in turn (see presentedDigests) until one is not refused as unknown.
      const rotateUnsigned = async () => {
        let outcome
        for (const presented of digests) {
          outcome = await rotate(presented, undefined)
          if (outcome.refusal !== 'refresh_token_invalid') break
        }
        if (outcome.refusal) throw refusal(outcome.refusal)
        return outcome.issued
      }
      if (sign === undefined) return issued(await rotateUnsigned(), next, jti, jkt)
      // What the rotation will issue, read first so that the token is signed before it is recorded with its
      // signature. The script checks everything again; when the read already refuses, only the script runs
      // (its refusal is the one that counts, and a retired token ends the session there).
      const preview = await previewRefresh(id, digests, now)
      if (preview === null) {
        await rotateUnsigned() // refuses
        throw unreadable() // a rotation the read said could not happen
      }
      return signAndRecord(issued(preview, next, jti, jkt), sign, async (signature) => {
        const outcome = await rotate(preview.presented, signature)
        if (outcome.refusal) throw refusal(outcome.refusal)
        if (outcome.issued.tokenExpiresAt !== preview.tokenExpiresAt) throw unreadable()
      })
    },

    // Never true: a token that is not accepted rejects with an UnauthorizedError saying why. One HMGET of four
    // fields, read straight from node-redis's client-side cache when it holds the reply (lib/redis/node-redis.js).
    // A session without `expires` is a tombstone (FINISH leaves only `ended`, `sub`, `until` and `by`; nothing else
    // removes `expires`), and only the refusal of its tokens needs `ended` and `until`: a second HMGET reads them
    // then.
    async isRevoked(...args) {
      const { sid, jti, sub, signature } = checkedClaims(args)
      const key = sessionKey(sid)
      const read = ['HMGET', key, 'sub', 'expires', `t:${jti}`, `f:${jti}`]
      const [subject, expires, tokenExpires, recorded] = replyFields(
        cached?.(read) ?? (await call((redis) => redis.hmGet(key, read.slice(2)))),
        4,
      )
      // The same order of checks as the in-process store (src/session.rs `check`).
      const now = clock()
      if (subject === null) throw refusal('session_unknown')
      if (expires === null) {
        const [ended, until] = replyFields(await call((redis) => redis.hmGet(key, ['ended', 'until'])), 2)
        throw refusal(ended === null || Number(until) <= now ? 'session_unknown' : 'session_ended')
      }
      const expiresAt = replyNumber(expires)
      if (expiresAt + clockTolerance <= now) throw refusal('session_unknown')
      if (expiresAt <= now) throw refusal('session_expired')
      if (sub !== subject) throw refusal('token_not_issued')
      if (tokenExpires === null || replyNumber(tokenExpires) + clockTolerance <= now) throw refusal('token_not_issued')
      if (recorded !== null) {
        if (signature === undefined) throw refusal('token_signature_required')
        if (signatureFingerprint(signature) !== recorded) throw refusal('token_not_issued')
      }
      return false
    },
    async get(id) {
      if (typeof id !== 'string') return null
      clock()
      const fields = await call((redis) => redis.hmGet(sessionKey(id), VIEW_FIELDS))
      return liveView(id, undefined, fields, clock())
    },

    async list(subject) {
      subjectOf(subject)
      clock() // a clock without a finite time is refused as such, not as the store's failure
      return call(async (redis) => {
        const ids = replyStrings(await redis.sMembers(subjectKey(subject)))
        const records = await Promise.all(ids.map((id) => redis.hmGet(sessionKey(id), VIEW_FIELDS)))
        const now = clock()
        const views = []
        const gone = []
        ids.forEach((id, i) => {
          const view = liveView(id, subject, records[i], now)
          if (view !== null) views.push(view)
          else if (records[i][0] !== null || loginOver(id, now)) gone.push(id)
        })
        // An ended or expired session never becomes live again: its index entry can go (one not written yet may
        // be a login under way: see LOGIN_MARGIN).
        if (gone.length > 0) await redis.sRem(subjectKey(subject), gone)
        // Oldest first; logins of one millisecond in the order of their ids (timeOrderedId).
        return views.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      })
    },

    async end(id) {
      if (typeof id !== 'string') return false
      clock()
      const nonce = crypto.randomUUID()
      return revoking([sessionKey(id)], async (redis) => (await endSession(redis, id, clock(), nonce)) === 1)
    },

    async endAll(subject) {
      subjectOf(subject)
      clock()
      const ids = replyStrings(await call((redis) => redis.sMembers(subjectKey(subject))))
      if (ids.length === 0) return 0
      const nonce = crypto.randomUUID()
      return revoking(ids.map(sessionKey), async (redis) => {
        const now = clock()
        const ended = await Promise.all(ids.map((id) => endSession(redis, id, now, nonce)))
        // Only the ids seen here leave the index, and of those not one whose login may still be writing its
        // session (LOGIN_MARGIN): a session started meanwhile stays listed.
        const gone = ids.filter((id, i) => ended[i] !== -1 || loginOver(id, now))
        if (gone.length > 0) await redis.sRem(subjectKey(subject), gone)
        return ended.filter((code) => code === 1).length
      })
    },
  }
}

module.exports = { createRedisSessionStore }
