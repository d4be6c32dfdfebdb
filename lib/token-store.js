'use strict'
// createTokenStore(): the in-process record of revoked tokens. Revoked `jti`s and per-subject cut-offs live in
// Rust (src/revocation.rs) until the tokens they concern have expired and are then dropped, so memory follows
// the number of tokens still alive. Time comes from Date.now(), so fake timers drive expiry.
//
// The helpers below are shared with the Redis store, so both read tokens and options the same way.

const { NativeRevocationList } = require('./native')
const { decode, isCompleteToken } = require('./decode')
const { optionError } = require('./errors')
const { isPlainObject } = require('./sign')
const { lifetimeSeconds, MAX_LIFETIME_SECONDS } = require('./timespan')

// A cut-off must outlive every token it can refuse. Tokens living longer than this need the option raised.
const DEFAULT_MAX_TOKEN_LIFETIME = 30 * 24 * 60 * 60

const STORE_OPTIONS = ['clockTolerance', 'maxTokenLifetime']

// Validated once at creation: `clockTolerance` in seconds (default 0), `maxTokenLifetime` in seconds or an `ms`
// timespan string.
function storeOptions(options, allowed = STORE_OPTIONS) {
  const { clockTolerance = 0, maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME } = knownOptions(options, allowed)
  checkClockTolerance(clockTolerance)
  const lifetime = lifetimeSeconds(maxTokenLifetime)
  if (lifetime === undefined) {
    throw optionError('"maxTokenLifetime" must be a positive number of seconds or a timespan string such as "1d"')
  }
  return { clockTolerance, maxTokenLifetime: lifetime }
}

// A store's options object (none given: {}), with no name outside `allowed`. Shared with the session stores.
function knownOptions(options = {}, allowed) {
  if (!isPlainObject(options)) throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) throw optionError(`"${name}" is not allowed in "options"`)
  }
  return options
}

function checkClockTolerance(seconds) {
  if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_LIFETIME_SECONDS)) {
    throw optionError('"clockTolerance" must be a number of seconds, 0 or more')
  }
}

// The time every store method runs at, in milliseconds: Date.now(), which fake timers set. A clock replaced by one
// that answers no finite number is the caller's mistake, said so rather than passed on to the store.
function clock() {
  const now = Date.now()
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw optionError('Date.now() must return a finite number of milliseconds: the store reads the time there')
  }
  return now
}

function nowSeconds() {
  return clock() / 1000
}

// The payload of what revoke() is given: a token string (decoded, not verified), a `{ header, payload }` pair as
// the middleware and verify({ complete: true }) produce, or a payload.
function payloadOf(tokenOrPayload, who = 'revoke()') {
  if (typeof tokenOrPayload === 'string') {
    const payload = decode(tokenOrPayload)
    if (payload === null) throw optionError(`${who} was given a string that is not a token`)
    return payload
  }
  if (isCompleteToken(tokenOrPayload)) return tokenOrPayload.payload
  return tokenOrPayload
}

// What a revocation records: the `jti`, kept until `exp` plus the clock tolerance the verifier allows.
function revocationOf(tokenOrPayload, clockTolerance) {
  const payload = payloadOf(tokenOrPayload)
  if (!isPlainObject(payload)) throw optionError('revoke() expects a token, a payload object or { header, payload }')
  const { jti, exp } = payload // each read once
  if (typeof jti !== 'string' || jti === '') {
    throw optionError('revoke() needs a token with a "jti" claim: sign with a jwtid, or use revokeAllFor(sub)')
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw optionError('revoke() needs a token with an "exp" claim: without one it would have to be kept forever')
  }
  return { jti, until: exp + clockTolerance }
}

// A cut-off: tokens of `sub` issued before `when` (a Date or epoch milliseconds) are refused until the last of
// them has expired.
function cutoffOf(sub, when, { clockTolerance, maxTokenLifetime }) {
  if (typeof sub !== 'string' || sub === '') throw optionError('revokeAllFor() expects "sub" to be a non-empty string')
  const time = when instanceof Date ? when.getTime() : when === undefined ? clock() : when
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw optionError('revokeAllFor() expects "when" to be a Date or a number of milliseconds since the epoch')
  }
  const issuedBefore = time / 1000
  return { sub, time, issuedBefore, until: issuedBefore + maxTokenLifetime + clockTolerance }
}

// The payload a lookup is given: isRevoked(payload), isRevoked(req, { header, payload }) as express-jwt calls it,
// or, as revoke() takes them, a token string (decoded, not verified) or `{ header, payload }` alone. A string that
// is not a token is refused: no claims can be read from it, and "not revoked" would be an answer about nothing.
function payloadOfCall(args) {
  if (args.length < 2) return payloadOf(args[0], 'isRevoked()')
  return typeof args[1] === 'string' ? payloadOf(args[1], 'isRevoked()') : args[1]?.payload
}

// The claims a lookup reads.
function lookupOf(args) {
  const payload = payloadOfCall(args)
  if (payload === null || typeof payload !== 'object') return { jti: undefined, sub: undefined, iat: undefined }
  // Each claim read once: a getter may answer otherwise the second time.
  const { jti, sub, iat } = payload
  return {
    jti: typeof jti === 'string' ? jti : undefined,
    sub: typeof sub === 'string' ? sub : undefined,
    iat: typeof iat === 'number' ? iat : undefined,
  }
}

// Methods return plain values; `await` works on them too, so code written for the Redis store runs unchanged.
function createTokenStore(options) {
  const settings = storeOptions(options)
  const list = new NativeRevocationList()

  return {
    revoke(tokenOrPayload) {
      const { jti, until } = revocationOf(tokenOrPayload, settings.clockTolerance)
      return list.revoke(jti, until, nowSeconds())
    },
    isRevoked(...args) {
      const { jti, sub, iat } = lookupOf(args)
      if (jti === undefined && sub === undefined) return false
      return list.isRevoked(jti, sub, iat, nowSeconds())
    },
    revokeAllFor(sub, when) {
      const cutoff = cutoffOf(sub, when, settings)
      return list.revokeAllFor(cutoff.sub, cutoff.issuedBefore, cutoff.until, nowSeconds())
    },
    prune() {
      return list.prune(nowSeconds())
    },
    get size() {
      return list.size
    },
  }
}

module.exports = {
  clock,
  createTokenStore,
  storeOptions,
  knownOptions,
  checkClockTolerance,
  revocationOf,
  cutoffOf,
  lookupOf,
  payloadOfCall,
  nowSeconds,
  STORE_OPTIONS,
}
