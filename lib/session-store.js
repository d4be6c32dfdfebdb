'use strict'
// createSessionStore(): the in-process record of the sessions a server has issued (src/session.rs holds them).
// A login starts a session and gets a refresh token and the claims of an access token to sign; a refresh
// rotates the refresh token; the middleware check accepts a token only if its session is live and issued its
// `jti`. Time comes from Date.now(), so fake timers drive expiry.
//
// The helpers below are shared with the Redis store (lib/redis-session-store.js), so both read options, make
// tokens and refuse them the same way.

const crypto = require('node:crypto')
const { NativeSessionStore } = require('./native')
const { optionError } = require('./errors')
const { UnauthorizedError } = require('./express')
const { isPlainObject, stringify } = require('./sign')
const { lifetimeSeconds } = require('./timespan')
const { payloadOfCall, knownOptions, checkClockTolerance } = require('./token-store')

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
  const json = stringify(metadata, 'ERR_JWT_INVALID_OPTION')
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES) {
    throw optionError(`"metadata" must be at most ${MAX_METADATA_BYTES} bytes as JSON`)
  }
  return json
}

// A refresh token is `<session id>.<32 random bytes, base64url>`: the id finds the session, the random part is
// the secret. Only its SHA-256 is stored. The session id is a UUID, as is each access token's `jti`.
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

// The `{ jkt }` option of create() and refresh(): the thumbprint of a verified DPoP proof's key.
function bindingOf(options) {
  if (options === undefined) return undefined
  if (!isPlainObject(options)) throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (name !== 'jkt') throw optionError(`"${name}" is not allowed in "options"`)
  }
  const { jkt } = options
  if (jkt !== undefined && (typeof jkt !== 'string' || !/^[\w-]{43}$/.test(jkt))) {
    throw optionError('"jkt" must be a SHA-256 JWK thumbprint (43 base64url characters)')
  }
  return jkt
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

// What create() and refresh() return: the session, the new refresh token, and the claims of the new access
// token, which the app signs as they are (plus any claims of its own). `exp` is whole seconds, never later than
// the instant the store keeps the token's `jti` until.
function issued(record, refreshToken, jti, jkt) {
  const session = sessionView(record.session)
  const claims = { sub: session.subject, sid: session.id, jti, exp: Math.floor(record.tokenExpiresAt / 1000) }
  if (jkt !== undefined) claims.cnf = { jkt }
  return { session, refreshToken, claims }
}

// The `sid`, `jti` and `sub` the check reads, or the refusal a token without them gets.
function checkedClaims(args) {
  const payload = payloadOfCall(args)
  if (payload === null || typeof payload !== 'object') throw refusal('session_unknown')
  const { sid, jti, sub } = payload
  if (typeof sid !== 'string' || sid === '') throw refusal('session_unknown')
  if (typeof jti !== 'string' || jti === '') throw refusal('token_not_issued')
  if (sub !== undefined && typeof sub !== 'string') throw refusal('token_not_issued')
  return { sid, jti, sub }
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
      const jkt = bindingOf(options)
      const id = crypto.randomUUID()
      const jti = crypto.randomUUID()
      const refreshToken = newRefreshToken(id)
      const record = native.create(id, subjectOf(subject), meta, refreshDigest(refreshToken, jkt), jti, Date.now())
      return issued(record, refreshToken, jti, jkt)
    },
    refresh(refreshToken, options) {
      const jkt = bindingOf(options)
      const id = sessionIdOf(refreshToken)
      if (id === null) throw refusal('refresh_token_invalid')
      const next = newRefreshToken(id)
      const jti = crypto.randomUUID()
      let outcome
      for (const presented of presentedDigests(refreshToken, jkt)) {
        outcome = native.refresh(id, presented, refreshDigest(next, jkt), jti, Date.now())
        if (outcome.refusal !== 'refresh_token_invalid') break
      }
      if (outcome.refusal) throw refusal(outcome.refusal)
      return issued(outcome.issued, next, jti, jkt)
    },
    // Never true: a token that is not accepted throws an UnauthorizedError saying why, which the middleware
    // passes on as it does its own.
    isRevoked(...args) {
      const { sid, jti, sub } = checkedClaims(args)
      const code = native.check(sid, jti, sub, Date.now())
      if (code !== null) throw refusal(code)
      return false
    },
    get(id) {
      if (typeof id !== 'string') return null
      const record = native.get(id, Date.now())
      return record === null ? null : sessionView(record)
    },
    list(subject) {
      return native.list(subjectOf(subject), Date.now()).map(sessionView)
    },
    end(id) {
      return typeof id === 'string' && native.end(id, Date.now())
    },
    endAll(subject) {
      return native.endAll(subjectOf(subject), Date.now())
    },
    prune() {
      return native.prune(Date.now())
    },
    get size() {
      return native.size
    },
  }
}

module.exports = {
  createSessionStore,
  sessionOptions,
  SESSION_OPTIONS,
  REFUSALS,
  refusal,
  subjectOf,
  metadataJson,
  newRefreshToken,
  refreshDigest,
  presentedDigests,
  bindingOf,
  sessionIdOf,
  sessionView,
  issued,
  checkedClaims,
}
