'use strict'
// createSessionStore(): the in-process record of the sessions a server has issued (src/session.rs holds them).
// A login starts a session and gets a refresh token and the claims of an access token to sign; a refresh
// rotates the refresh token; the middleware check accepts a token only if its session is live and issued it.
// Given a `sign` function, create() and refresh() sign the access token themselves and record its signature's
// fingerprint with it, in the same write: the check then refuses a token re-signed over other claims (another
// role, another email) even with the app's own key. Time comes from Date.now(), so fake timers drive expiry.
//
// The helpers below are shared with the Redis store (lib/redis-session-store.js), so both read options, make
// tokens and refuse them the same way.

const crypto = require('node:crypto')
const { NativeSessionStore } = require('./native')
const { decode, isCompleteToken } = require('./decode')
const { optionError } = require('./errors')
const { UnauthorizedError } = require('./express')
const { isPlainObject, stringify } = require('./sign')
const { lifetimeSeconds } = require('./timespan')
const { knownOptions, checkClockTolerance, clock } = require('./token-store')

// Each default once, here. Access tokens short, so that a session's end takes effect within minutes even for
// a client that never calls the server; sessions that survive a week away, and never a month.
const DEFAULTS = Object.freeze({
  accessTokenLifetime: 15 * 60,
  idleLifetime: 7 * 24 * 60 * 60,
  absoluteLifetime: 30 * 24 * 60 * 60,
  clockTolerance: 0,
})
const SESSION_OPTIONS = Object.keys(DEFAULTS)

// The app's metadata (user agent, address ...) is kept as JSON text of at most this many bytes.
const MAX_METADATA_BYTES = 2048

// What each refusal means. The codes are UnauthorizedError codes, as express-jwt's own are.
const REFUSALS = Object.freeze({
  session_unknown: 'The session of this token is unknown.',
  session_expired: 'The session of this token has expired.',
  session_ended: 'The session has ended.',
  token_not_issued: 'This token was not issued by its session.',
  token_signature_required: "The session check needs the token's signature: its session binds the tokens it issued.",
  refresh_token_invalid: 'The refresh token is not valid.',
  refresh_token_expired: 'The refresh token has expired.',
  refresh_token_reused: 'The refresh token was already used: the session has ended.',
})

function refusal(code) {
  return new UnauthorizedError(code, { message: REFUSALS[code] })
}

// Lifetimes in milliseconds, validated once at creation.
function sessionOptions(options, allowed = SESSION_OPTIONS) {
  options = knownOptions(options, allowed)
  const settings = {}
  for (const name of ['accessTokenLifetime', 'idleLifetime', 'absoluteLifetime']) {
    const seconds = lifetimeSeconds(options[name] ?? DEFAULTS[name])
    if (seconds === undefined) {
      throw optionError(`"${name}" must be a positive number of seconds or a timespan string such as "15m"`)
    }
    settings[name] = Math.ceil(seconds * 1000)
  }
  const clockTolerance = options.clockTolerance ?? DEFAULTS.clockTolerance
  checkClockTolerance(clockTolerance)
  settings.clockTolerance = Math.ceil(clockTolerance * 1000)
  return settings
}

function subjectOf(subject) {
  if (typeof subject !== 'string' || subject === '') throw optionError('"subject" must be a non-empty string')
  return subject
}

function metadataJson(metadata) {
  if (metadata === undefined || metadata === null) return null
  if (!isPlainObject(metadata)) throw optionError('"metadata" must be a plain object')
  const json = stringify(metadata, 'ERR_JWT_INVALID_OPTION', function jsonOnly(name, value) {
    // JSON would drop a function or a Symbol unseen, at any depth: most often `create(subject, { sign })`, the
    // options given where the metadata goes. Each value is read once, by JSON.stringify itself.
    if (typeof value !== 'function' && typeof value !== 'symbol') return value
    if (name === 'sign' && this === metadata) {
      throw optionError(
        '"sign" is an option: create(subject, metadata, { sign }) takes it third, after the metadata ({} for none)',
      )
    }
    throw optionError(`"metadata" must be JSON: its "${name}" is a ${typeof value}`)
  })
  // What is stored is the JSON text, so it must be an object's (a `toJSON` may return anything, or nothing).
  if (typeof json !== 'string' || json[0] !== '{') throw optionError('"metadata" must be a plain object')
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES) {
    throw optionError(`"metadata" must be at most ${MAX_METADATA_BYTES} bytes as JSON`)
  }
  return json
}

// A session id that says when its login began, which the Redis store reads back (lib/redis-session-store.js): a
// version 7 UUID (RFC 9562), the epoch milliseconds in its first 48 bits, then a 12-bit count of the ids this
// process made before in the same millisecond (RFC 9562 §6.2, method 1), so that ids sort in the order of their
// logins, then 62 random bits.
let lastMs = -1
let sequence = 0
function timeOrderedId(ms) {
  const at = Math.min(Math.max(Math.trunc(ms), 0), 2 ** 48 - 1)
  sequence = at === lastMs ? (sequence + 1) & 0xfff : 0
  lastMs = at
  const bytes = crypto.randomBytes(16)
  bytes.writeUIntBE(at, 0, 6)
  bytes[6] = 0x70 | (sequence >> 8)
  bytes[7] = sequence & 0xff
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// A refresh token is `<session id>.<32 random bytes, base64url>`: the id finds the session, the random part is
// the secret. Only its SHA-256 is stored. The session id is a UUID (version 7), as is each access token's `jti`
// (version 4).
const REFRESH_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/

function newRefreshToken(sessionId) {
  return `${sessionId}.${crypto.randomBytes(32).toString('base64url')}`
}

// DPoP: a session created or refreshed with a proof is bound to the proof's key (its RFC 7638 thumbprint, `jkt`).
// The store then keeps the digest of the refresh token with the thumbprint, so only a refresh that proves the
// same key presents the digest it holds; the session's access tokens carry `cnf: { jkt }`.
function refreshDigest(refreshToken, jkt) {
  const hash = crypto.createHash('sha256').update(refreshToken)
  if (jkt !== undefined) hash.update(`.${jkt}`)
  return hash.digest()
}

// The digests a refresh may present, in order: bound to the proof's key, then (a session not bound yet, which
// this refresh binds) the plain one. A digest that matches nothing changes nothing in either store.
function presentedDigests(refreshToken, jkt) {
  return jkt === undefined
    ? [refreshDigest(refreshToken)]
    : [refreshDigest(refreshToken, jkt), refreshDigest(refreshToken)]
}

// The session id of a well-formed refresh token, else null.
function sessionIdOf(refreshToken) {
  if (typeof refreshToken !== 'string') return null
  const match = REFRESH_TOKEN.exec(refreshToken)
  return match === null ? null : match[1]
}

// What the app shows of a session. Times are Dates; metadata is the object the app gave.
function sessionView({ id, subject, createdAt, lastUsedAt, expiresAt, metadata }) {
  return {
    id,
    subject,
    createdAt: new Date(createdAt),
    lastUsedAt: new Date(lastUsedAt),
    expiresAt: new Date(expiresAt),
    metadata: metadata === null || metadata === undefined ? {} : JSON.parse(metadata),
  }
}

// A login's times: the session's deadlines and its first access token's end (src/session.rs computes the same).
function loginTimes({ accessTokenLifetime, idleLifetime, absoluteLifetime }, now) {
  const absolute = now + absoluteLifetime
  const expires = Math.min(absolute, now + idleLifetime)
  return { absolute, expires, tokenExpiresAt: Math.min(expires, now + accessTokenLifetime) }
}

// The options of create() and refresh(): `jkt`, the thumbprint of a verified DPoP proof's key, which binds the
// session to it, and `sign`, the function that signs the access token.
function issueOptions(options) {
  if (options === undefined) return {}
  if (!isPlainObject(options)) throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (name !== 'jkt' && name !== 'sign') throw optionError(`"${name}" is not allowed in "options"`)
  }
  const { jkt, sign } = options
  if (jkt !== undefined && (typeof jkt !== 'string' || !/^[\w-]{43}$/.test(jkt))) {
    throw optionError('"jkt" must be a SHA-256 JWK thumbprint (43 base64url characters)')
  }
  if (sign !== undefined && typeof sign !== 'function') {
    throw optionError('"sign" must be a function that signs the claims it is given and returns the token')
  }
  return { jkt, sign }
}

// The signature of a token `sign` returned: its last segment. Only a signed token (three segments) can be bound;
// an app that encrypts its tokens signs here and encrypts the token it gets back (the check reads the inner
// signature of a nested token).
function signatureOfSigned(token) {
  const parts = typeof token === 'string' ? token.split('.') : []
  if (parts.length !== 3 || parts[2] === '') {
    throw optionError('"sign" must return a signed token (compact JWS: header.payload.signature)')
  }
  return parts[2]
}

// The fingerprint the Redis store keeps of a signature (the in-process store computes the same in Rust): the first
// 16 bytes of its SHA-256, hex.
function signatureFingerprint(signature) {
  return crypto.createHash('sha256').update(signature).digest('hex').slice(0, 32)
}

// Signs the issued claims with `sign`, when given, and records the token with `commit(signature)`, which writes
// it; without `sign`, records the token unbound. `sign` may return a promise; then so does this.
function signAndRecord(result, sign, commit) {
  if (sign === undefined) return then(commit(undefined), () => result)
  const finish = (token) => {
    const signature = signatureOfSigned(token)
    return then(commit(signature), () => ({ ...result, token }))
  }
  const { cnf, ...claims } = result.claims
  if (cnf !== undefined) claims.cnf = { ...cnf }
  return then(sign(claims, result.session), finish)
}

// `next(value)`, after `value` settles when it is a promise.
function then(value, next) {
  return typeof value?.then === 'function' ? value.then(next) : next(value)
}

// What create() and refresh() return: the session, the new refresh token, and the claims of the new access
// token, which the app signs as they are (plus any claims of its own). `exp` is whole seconds, never later than
// the instant the store keeps the token's `jti` until.
function issued(record, refreshToken, jti, jkt) {
  const session = sessionView(record.session)
  const claims = { sub: session.subject, sid: session.id, jti, exp: Math.floor(record.tokenExpiresAt / 1000) }
  if (jkt !== undefined) claims.cnf = { jkt }
  return { session, refreshToken, claims }
}

// What the check is given: isRevoked(req, decoded) as the middleware calls it, where decoded is
// `{ header, payload, signature }` (or a decrypted nested token, whose inner signature is `signed.signature`);
// isRevoked(decoded) as verify({ complete: true }) returns it; isRevoked(token), the token string already
// verified; or isRevoked(payload), the claims alone, without a signature.
function tokenOfCall(args) {
  const given = args.length >= 2 ? args[1] : args[0]
  if (typeof given === 'string') return decode(given, { complete: true }) ?? { payload: null }
  if (args.length >= 2 || isCompleteToken(given)) {
    const signature = typeof given?.signature === 'string' ? given.signature : given?.signed?.signature
    return {
      payload: given?.payload,
      signature: typeof signature === 'string' && signature !== '' ? signature : undefined,
    }
  }
  return { payload: given }
}

// The `sid`, `jti`, `sub` and signature the check reads, or the refusal a token without them gets. Every session
// has a subject, so a token without `sub` is not one it issued.
function checkedClaims(args) {
  const { payload, signature } = tokenOfCall(args)
  if (payload === null || typeof payload !== 'object') throw refusal('session_unknown')
  const { sid, jti, sub } = payload
  if (typeof sid !== 'string' || sid === '') throw refusal('session_unknown')
  if (typeof jti !== 'string' || jti === '') throw refusal('token_not_issued')
  if (typeof sub !== 'string' || sub === '') throw refusal('token_not_issued')
  return { sid, jti, sub, signature: typeof signature === 'string' ? signature : undefined }
}

// Methods return plain values; `await` works on them too, so code written for the Redis store runs unchanged.
function createSessionStore(options) {
  const settings = sessionOptions(options)
  const native = new NativeSessionStore(
    settings.accessTokenLifetime,
    settings.idleLifetime,
    settings.absoluteLifetime,
    settings.clockTolerance,
  )

  return {
    create(subject, metadata, options) {
      const meta = metadataJson(metadata)
      subjectOf(subject)
      const { jkt, sign } = issueOptions(options)
      const now = clock()
      const id = timeOrderedId(now)
      const jti = crypto.randomUUID()
      const refreshToken = newRefreshToken(id)
      const { expires, tokenExpiresAt } = loginTimes(settings, now)
      const session = { id, subject, createdAt: now, lastUsedAt: now, expiresAt: expires, metadata: meta }
      const result = issued({ session, tokenExpiresAt }, refreshToken, jti, jkt)
      return signAndRecord(result, sign, (signature) => {
        native.create(id, subject, meta, refreshDigest(refreshToken, jkt), jti, signature ?? null, now)
      })
    },
    refresh(refreshToken, options) {
      const { jkt, sign } = issueOptions(options)
      const id = sessionIdOf(refreshToken)
      if (id === null) throw refusal('refresh_token_invalid')
      const next = newRefreshToken(id)
      const nextDigest = refreshDigest(next, jkt)
      const jti = crypto.randomUUID()
      const now = clock()
      // Each digest in turn (see presentedDigests) until one is not refused as unknown: `attempt(digest)` is the
      // outcome for it.
      const firstKnown = (attempt) => {
        let outcome, presented
        for (presented of presentedDigests(refreshToken, jkt)) {
          outcome = attempt(presented)
          if (outcome.refusal !== 'refresh_token_invalid') break
        }
        if (outcome.refusal) throw refusal(outcome.refusal)
        return { presented, issued: outcome.issued }
      }
      const rotate = (presented, signature) => native.refresh(id, presented, nextDigest, jti, signature ?? null, now)
      if (sign === undefined) return issued(firstKnown((digest) => rotate(digest)).issued, next, jti, jkt)
      // What the rotation will issue, so that the token is signed before it is recorded with its signature.
      const preview = firstKnown((digest) => native.previewRefresh(id, digest, now))
      return signAndRecord(issued(preview.issued, next, jti, jkt), sign, (signature) => {
        const outcome = rotate(preview.presented, signature)
        if (outcome.refusal) throw refusal(outcome.refusal)
      })
    },
    // Never true: a token that is not accepted throws an UnauthorizedError saying why, which the middleware
    // passes on as it does its own.
    isRevoked(...args) {
      const { sid, jti, sub, signature } = checkedClaims(args)
      const code = native.check(sid, jti, sub, signature ?? null, clock())
      if (code !== null) throw refusal(code)
      return false
    },
    get(id) {
      if (typeof id !== 'string') return null
      const record = native.get(id, clock())
      return record === null ? null : sessionView(record)
    },
    list(subject) {
      return native.list(subjectOf(subject), clock()).map(sessionView)
    },
    end(id) {
      return typeof id === 'string' && native.end(id, clock())
    },
    endAll(subject) {
      return native.endAll(subjectOf(subject), clock())
    },
    prune() {
      return native.prune(clock())
    },
    get size() {
      return native.size
    },
  }
}

module.exports = {
  clock,
  createSessionStore,
  sessionOptions,
  SESSION_OPTIONS,
  loginTimes,
  issueOptions,
  signAndRecord,
  signatureFingerprint,
  timeOrderedId,
  REFUSALS,
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
}
