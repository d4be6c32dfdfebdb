'use strict'
// verify(): jsonwebtoken's verify with its option checks and messages; the token checks (structure,
// algorithm, key fit, signature, claims) run in Rust on a verifier prepared once per key and options.

const native = require('./native')
const { verifyingKey, defaultAlgorithms, jwkAlgorithm, VERIFIER_CACHE_LIMIT } = require('./keys')
const { boundedMap } = require('./bounded-map')
const { legacyVerifier } = require('./legacy-rsa')
const { boundVerifier } = require('./handles')
const { tokenError, optionError, fromNative, keyFunctionError } = require('./errors')
const ms = require('ms')
// Resolved once: a require() on every call costs more than an HMAC check.
const { SUPPORTED_ALGS, readSignal, inPool, timespanMessage, abortError } = require('./sign')

// The options that shape a native verifier; the others are read per call.
const POLICY_OPTIONS = [
  'algorithms',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'nonce',
  'typ',
  'accessToken',
  'ignoreExpiration',
  'ignoreNotBefore',
  'clockTolerance',
  'maxAge',
  'allowInsecureKeySizes',
  'strict',
]

// RFC 9068 §2.2: the claims a JWT access token carries, each required by `accessToken: true`.
const ACCESS_TOKEN_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']

// Cache keys that two different option values never share: strings are length-prefixed, so no value can
// imitate a separator. Values no valid option takes (objects, functions, nested arrays) give `null`: such
// options are never cached, and their validation reports the error.
function describeValue(value, nested) {
  if (typeof value === 'string') return `s${value.length}:${value}`
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return `${typeof value}:${value};`
  if (value instanceof RegExp) return `r${String(value).length}:${value}`
  if (!Array.isArray(value) || nested || value.length > MAX_OPTION_LIST) return null
  const items = value.map((item) => describeValue(item, true))
  return items.includes(null) ? null : `a${items.length}[${items.join('')}]`
}

function policyKey(options, names = POLICY_OPTIONS) {
  let key = ''
  for (const name of names) {
    const value = options[name]
    if (value === undefined) continue
    const text = describeValue(value, false)
    if (text === null) return null
    key += `${name}=${text}`
  }
  return key
}

// The longest list `algorithms`, `audience` or `issuer` may be. Each is walked whole, holes included: an array
// made with a length of 2^32 - 1 and one value would otherwise hold a call for minutes.
const MAX_OPTION_LIST = 10_000

// Turns verify options into what the native verifier takes. `fail` builds the error for a bad option.
function policyOptions(options, algorithms, fail) {
  for (const [name, list] of [
    ['algorithms', algorithms],
    ['audience', options.audience],
    ['issuer', options.issuer],
  ]) {
    if (Array.isArray(list) && list.length > MAX_OPTION_LIST) {
      throw fail(`"${name}" must list at most ${MAX_OPTION_LIST} values`)
    }
  }
  if (!Array.isArray(algorithms) || algorithms.some((alg) => typeof alg !== 'string')) {
    throw fail('"algorithms" must be an array of strings')
  }
  const policy = { algorithms: algorithms.filter(isKnownAlgorithm), algorithmsGiven: options.algorithms !== undefined }
  if (options.audience) {
    const audiences = audienceList(options.audience)
    if (audiences.some((aud) => typeof aud !== 'string' && !(aud instanceof RegExp))) {
      throw fail('"audience" must be a string, a RegExp or an array of them')
    }
    // Strings are matched natively; with a RegExp among them, JS matches the whole option (see withAudience).
    if (hasRegExp(options.audience)) policy.audienceByCaller = true
    else policy.audience = audiences
    policy.audienceExpected = audiences.join(' or ')
  }
  if (options.issuer) {
    const list = Array.isArray(options.issuer) ? Array.from(options.issuer) : [options.issuer]
    if (list.some((iss) => typeof iss !== 'string')) throw fail('"issuer" must be a string or an array of strings')
    policy.issuer = list
    policy.issuerIsList = Array.isArray(options.issuer)
    policy.issuerExpected = String(options.issuer)
  }
  for (const name of ['subject', 'jwtid', 'nonce']) {
    if (options[name]) {
      if (typeof options[name] !== 'string') throw fail(`"${name}" must be a string`)
      policy[name] = options[name]
    }
  }
  if (options.typ !== undefined) {
    if (typeof options.typ !== 'string' || options.typ === '') throw fail('"typ" must be a non-empty string')
    policy.typ = options.typ
  }
  if (options.accessToken !== undefined && typeof options.accessToken !== 'boolean') {
    throw fail('"accessToken" must be a boolean')
  }
  if (options.accessToken) {
    // RFC 9068 §4: the resource server checks the issuer and that it is the audience.
    if (!options.audience || !options.issuer) throw fail('"accessToken" needs "audience" and "issuer"')
    policy.typ ??= 'at+jwt'
    policy.requiredClaims = ACCESS_TOKEN_CLAIMS
  }
  policy.ignoreExpiration = options.ignoreExpiration === true
  policy.ignoreNotBefore = options.ignoreNotBefore === true
  if (options.clockTolerance) {
    if (typeof options.clockTolerance !== 'number') throw fail('"clockTolerance" must be a number of seconds')
    policy.clockTolerance = options.clockTolerance
  }
  if (options.maxAge) {
    if (typeof options.maxAge === 'number') {
      policy.maxAgeSeconds = options.maxAge
    } else {
      const milliseconds = typeof options.maxAge === 'string' ? ms(options.maxAge) : undefined
      if (milliseconds === undefined) {
        throw fail(timespanMessage('maxAge'))
      }
      policy.maxAgeMillis = milliseconds
    }
  }
  policy.allowInsecureKeySizes = options.allowInsecureKeySizes === true
  policy.strict = options.strict === true
  return policy
}

// A dense copy: Array methods skip the holes of a sparse array, which would then reach the native layer unchecked.
function audienceList(audience) {
  return Array.isArray(audience) ? Array.from(audience) : [audience]
}

function hasRegExp(audience) {
  return audience instanceof RegExp || (Array.isArray(audience) && audience.some((aud) => aud instanceof RegExp))
}

// jsonwebtoken's audience check, call for call: its targets in order, each against the audiences in order, stopping
// at the first match. RegExp.test keeps state between calls (`lastIndex`, with the g and y flags) and a RegExp
// subclass may do anything in `exec`, so only the same calls in the same order give the same verdict.
function audienceMatches(audiences, payload) {
  const aud = payload.aud
  const targets = Array.isArray(aud) ? aud : [aud]
  return targets.some((target) =>
    audiences.some((audience) => (audience instanceof RegExp ? audience.test(target) : audience === target)),
  )
}

// A verifier whose options hold a RegExp audience. Only JavaScript runs a RegExp with JavaScript's semantics, so
// the native checks stop before the audience step; the RegExps then run on the payload the caller gets, for
// tokens that got that far (as in jsonwebtoken, where a token that fails earlier never reaches them), and the
// native verifier runs the audience step with that verdict and the checks after it.
// The payload is parsed once: the value the RegExps were run on is the one returned, in place of the text.
function withAudience(verifier, audience) {
  const audiences = audienceList(audience)
  const finish = (payloadText, now) => {
    const payload = parsePayload(payloadText)
    verifier.finishAudience(payloadText, now, audienceMatches(audiences, payload))
    return payload
  }
  const finishParts = (parts, now) => {
    parts[1] = finish(parts[1], now)
    return parts
  }
  return {
    verify: (token, now) => finish(verifier.verify(token, now), now),
    verifyComplete: (token, now) => finishParts(verifier.verifyComplete(token, now), now),
    verifyAsync: (token, now) => verifier.verifyAsync(token, now).then((parts) => finishParts(parts, now)),
    verifyAsyncCancellable: (token, now, cancellation) =>
      verifier.verifyAsyncCancellable(token, now, cancellation).then((parts) => finishParts(parts, now)),
  }
}

const KNOWN_ALGORITHMS = new Set(SUPPORTED_ALGS)
function isKnownAlgorithm(alg) {
  return KNOWN_ALGORITHMS.has(alg)
}

const tokenOptionFailure = (message) => tokenError('ERR_JWT_INVALID_OPTION', message)

// The verifier for a key entry (or none) and options: the native one, built once and cached on the entry; for an
// RSA key under 2048 bits with `allowInsecureKeySizes`, the same with node:crypto's signature check; with a
// RegExp audience, bound to this call's RegExps (they carry state, so they are never shared through the cache).
function nativeVerifier(entry, options, fail = tokenOptionFailure) {
  const verifier = preparedVerifier(entry, options, fail)
  return options.audience && hasRegExp(options.audience) ? withAudience(verifier, options.audience) : verifier
}

// As a key entry's verifiers (lib/keys.js): FIFO, at most VERIFIER_CACHE_LIMIT.
const unsecuredVerifiers = boundedMap(VERIFIER_CACHE_LIMIT)
function preparedVerifier(entry, options, fail) {
  const cache = entry === null ? unsecuredVerifiers : entry.verifiers
  // Most callers pass the same options on every call: compare with the last ones before building a cache key.
  const last = lastUsed.get(cache)
  if (last !== undefined && sameOptions(last.values, options)) return last.verifier
  const key = policyKey(options)
  let verifier = key === null ? undefined : cache.get(key)
  if (verifier === undefined) {
    const algorithms = options.algorithms ?? (entry === null ? [] : defaultAlgorithms(entry))
    const policy = policyOptions(options, algorithms, fail)
    try {
      verifier = boundVerifier(entry === null ? native.unsecuredVerifier(policy) : entry.native.verifier(policy))
    } catch (err) {
      throw fromNative(err)
    }
    if (entry !== null && entry.legacyRsa !== null && policy.allowInsecureKeySizes) {
      verifier = legacyVerifier(verifier, entry.legacyRsa)
    }
    if (key === null) return verifier
    cache.set(key, verifier)
  }
  if (key !== null) lastUsed.set(cache, { values: snapshot(options), verifier })
  return verifier
}

// The last options a verifier cache served, as copies of their values (the caller may change its objects later).
const lastUsed = new WeakMap()

function copyValue(value) {
  return Array.isArray(value) ? value.slice() : value
}

// The values of POLICY_OPTIONS, by name: named reads of the caller's options stay fast where reads through a list
// of names go through V8's generic (megamorphic) lookup, which other code in a process slows down.
function snapshot(options) {
  return {
    algorithms: copyValue(options.algorithms),
    audience: copyValue(options.audience),
    issuer: copyValue(options.issuer),
    subject: copyValue(options.subject),
    jwtid: copyValue(options.jwtid),
    nonce: copyValue(options.nonce),
    typ: copyValue(options.typ),
    accessToken: copyValue(options.accessToken),
    ignoreExpiration: copyValue(options.ignoreExpiration),
    ignoreNotBefore: copyValue(options.ignoreNotBefore),
    clockTolerance: copyValue(options.clockTolerance),
    maxAge: copyValue(options.maxAge),
    allowInsecureKeySizes: copyValue(options.allowInsecureKeySizes),
    strict: copyValue(options.strict),
  }
}

function sameOptions(seen, options) {
  return (
    sameValue(seen.algorithms, options.algorithms) &&
    sameValue(seen.audience, options.audience) &&
    sameValue(seen.issuer, options.issuer) &&
    sameValue(seen.subject, options.subject) &&
    sameValue(seen.jwtid, options.jwtid) &&
    sameValue(seen.nonce, options.nonce) &&
    sameValue(seen.typ, options.typ) &&
    sameValue(seen.accessToken, options.accessToken) &&
    sameValue(seen.ignoreExpiration, options.ignoreExpiration) &&
    sameValue(seen.ignoreNotBefore, options.ignoreNotBefore) &&
    sameValue(seen.clockTolerance, options.clockTolerance) &&
    sameValue(seen.maxAge, options.maxAge) &&
    sameValue(seen.allowInsecureKeySizes, options.allowInsecureKeySizes) &&
    sameValue(seen.strict, options.strict)
  )
}

function sameValue(seen, value) {
  if (value === seen) return true
  if (!Array.isArray(value) || !Array.isArray(seen) || value.length !== seen.length) return false
  for (let j = 0; j < value.length; j++) {
    if (value[j] !== seen[j] && !sameRegExp(value[j], seen[j])) return false
  }
  return true
}

function sameRegExp(a, b) {
  return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags
}

// A payload's text as the caller gets it: an object, an array, or the text. A value that is not text was parsed
// already (by the audience step of withAudience) and is returned as it is.
function parsePayload(text) {
  if (typeof text !== 'string') return text
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' ? value : text
  } catch {
    return text
  }
}

function completeResult(token, [header, payload]) {
  return {
    header: JSON.parse(header),
    payload: parsePayload(payload),
    signature: token.slice(token.lastIndexOf('.') + 1),
  }
}

// The structural checks jsonwebtoken makes before it looks at the key, so that a bad token reports the same
// error whatever the key.
function checkStructure(token, hasKey) {
  let parts
  try {
    parts = native.decodeToken(token)
  } catch (err) {
    throw fromNative(err)
  }
  const hasSignature = parts[2] !== ''
  if (!hasSignature && hasKey) throw tokenError('ERR_JWS_SIGNATURE_REQUIRED', 'jwt signature is required')
  if (hasSignature && !hasKey) throw tokenError('ERR_KEY_REQUIRED', 'secret or public key must be provided')
  return parts
}

// The key's entry and the native verifier for it and the options (a JWK's own `alg` narrows them: forKey).
function keyedVerifier(token, key, options) {
  if (!key) return { entry: null, verifier: nativeVerifier(null, options) }
  let alg
  let entry
  try {
    alg = jwkAlgorithm(key, 'verify', 'secretOrPublicKey')
    entry = verifyingKey(key)
    if (entry.type === 'secret' && entry.pemText)
      throw tokenError('ERR_KEY_INVALID', 'secretOrPublicKey is not valid key material')
    if (entry.native === null) throw tokenError('ERR_KEY_UNSUPPORTED', `Unknown key type "${entry.asymmetricKeyType}".`)
  } catch (err) {
    checkStructure(token, true)
    throw err
  }
  return { entry, verifier: nativeVerifier(entry, forKey(alg, entry, options)) }
}

function checkOptions(options) {
  if (options.clockTimestamp && typeof options.clockTimestamp !== 'number') {
    throw tokenError('ERR_JWT_INVALID_OPTION', 'clockTimestamp must be a number')
  }
  if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
    throw tokenError('ERR_JWT_INVALID_OPTION', 'nonce must be a non-empty string')
  }
  if (
    options.allowInvalidAsymmetricKeyTypes !== undefined &&
    typeof options.allowInvalidAsymmetricKeyTypes !== 'boolean'
  ) {
    throw tokenError('ERR_JWT_INVALID_OPTION', 'allowInvalidAsymmetricKeyTypes must be a boolean')
  }
  if (options.strict !== undefined && typeof options.strict !== 'boolean') {
    throw tokenError('ERR_JWT_INVALID_OPTION', 'strict must be a boolean')
  }
}

function checkToken(token) {
  if (!token) throw tokenError('ERR_JWT_REQUIRED', 'jwt must be provided')
  if (typeof token !== 'string') throw tokenError('ERR_JWT_NOT_STRING', 'jwt must be a string')
  // The part count is jsonwebtoken's first look at a token ("jwt malformed"); Rust checks it again.
}

function now(options) {
  return options.clockTimestamp || Math.floor(Date.now() / 1000)
}

// The options for a key whose JWK has an `alg` of its own (lib/keys.js jwkAlgorithm): that algorithm alone, of
// those allowed (none when they do not include it: every token is then "invalid algorithm").
function forKey(alg, entry, options) {
  if (alg === undefined) return options
  return { ...options, algorithms: (options.algorithms ?? defaultAlgorithms(entry)).filter((a) => a === alg) }
}

// verify() with a key in hand (not a key function).
function verifyWithKey(token, key, options, clockTimestamp) {
  return runVerifier(keyedVerifier(token, key, options).verifier, token, options, clockTimestamp)
}

function runVerifier(verifier, token, options, clockTimestamp) {
  try {
    if (options.complete === true) return completeResult(token, verifier.verifyComplete(token, clockTimestamp))
    return parsePayload(verifier.verify(token, clockTimestamp))
  } catch (err) {
    throw fromNative(err)
  }
}

function verify(token, secretOrPublicKey, options, callback) {
  if (typeof options === 'function' && !callback) {
    callback = options
    options = {}
  }
  if (!options) options = {}
  // The common call: a key in hand and no callback. The same steps as below, errors thrown as they come.
  if (typeof callback !== 'function' && typeof secretOrPublicKey !== 'function') {
    checkOptions(options)
    const clockTimestamp = now(options)
    checkToken(token)
    return verifyWithKey(token, secretOrPublicKey, options, clockTimestamp)
  }
  const done =
    typeof callback === 'function'
      ? callback
      : (err, data) => {
          if (err) throw err
          return data
        }

  let clockTimestamp
  try {
    checkOptions(options)
    clockTimestamp = now(options)
    checkToken(token)
  } catch (err) {
    return done(err)
  }

  if (typeof secretOrPublicKey !== 'function') {
    let result
    try {
      result = verifyWithKey(token, secretOrPublicKey, options, clockTimestamp)
    } catch (err) {
      return done(err)
    }
    return done(null, result)
  }

  // A key function: jsonwebtoken decodes the header first, then asks for the key.
  let header
  try {
    if (token.split('.').length !== 3) throw tokenError('ERR_JWT_MALFORMED', 'jwt malformed')
    header = JSON.parse(decodeParts(token)[0])
  } catch (err) {
    return done(err)
  }
  if (typeof callback !== 'function') {
    return done(
      tokenError(
        'ERR_KEY_FUNCTION_SYNC',
        'verify must be called asynchronous if secret or public key is provided as a callback',
      ),
    )
  }
  // The key function may call back later, outside any try of the caller's: whatever the error it gives (one whose
  // `message` throws, say), the outcome goes to `done`, or it would be an uncaught exception. What it throws before
  // calling back goes to `done` too; only the first outcome counts.
  let called = false
  const onKey = (err, key) => {
    if (called) return undefined
    called = true
    let error = null
    let result
    try {
      if (err) error = keyFunctionError(err, KEY_FUNCTION)
      else result = verifyWithKey(token, key, options, clockTimestamp)
    } catch (thrown) {
      error = thrown
    }
    return error === null ? done(null, result) : done(error)
  }
  try {
    const returned = secretOrPublicKey(header, onKey)
    // An async key function is heard by its promise too: one that resolves with a key gives it, one that rejects
    // gives its error (never an unhandled rejection). One that resolves with nothing may still call back.
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      Promise.resolve(returned).then(
        (key) => {
          if (key !== undefined) onKey(null, key)
        },
        (err) => onKey(err || keyFunctionFailure()),
      )
    }
    return returned
  } catch (err) {
    if (called) throw err
    called = true
    let error
    try {
      error = keyFunctionError(err, KEY_FUNCTION)
    } catch (thrown) {
      // Reading what it threw ran the caller's code, which threw in turn: that error goes on unchanged.
      error = thrown
    }
    return done(error)
  }
}

// jsonwebtoken's name for the key function in its message ("error in secret or public key callback: ...").
const KEY_FUNCTION = 'secret or public key callback'

// What a key function's promise that rejects without a reason is taken for.
function keyFunctionFailure() {
  return new Error('the key function failed without a reason: its promise rejected with a falsy value')
}

function decodeParts(token) {
  try {
    return native.decodeToken(token)
  } catch (err) {
    throw fromNative(err)
  }
}

// verifyAsync: the same checks; asymmetric signatures are checked on the libuv thread pool.
function verifyAsync(token, secretOrPublicKey, options = {}) {
  options = options || {}
  const { signal, rejection } = readSignal(options)
  if (rejection) return rejection
  if (typeof secretOrPublicKey === 'function') {
    return new Promise((resolve, reject) => {
      // Aborted before the key function has answered, the promise rejects with the signal's reason at once, and
      // what the key function gives later is dropped.
      let settled = false
      const onAbort = () => {
        settled = true
        reject(abortError(signal))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      verify(token, secretOrPublicKey, options, (err, result) => {
        signal?.removeEventListener('abort', onAbort)
        if (settled) return
        settled = true
        if (err) reject(err)
        else resolve(result)
      })
    })
  }
  try {
    checkOptions(options)
    const clockTimestamp = now(options)
    checkToken(token)
    const { entry, verifier } = keyedVerifier(token, secretOrPublicKey, options)
    if (entry === null || entry.type === 'secret') {
      return Promise.resolve(runVerifier(verifier, token, options, clockTimestamp))
    }
    return inPool(verifier, 'verifyAsync', [token, clockTimestamp], signal).then((parts) =>
      options.complete === true ? completeResult(token, parts) : parsePayload(parts[1]),
    )
  } catch (err) {
    return Promise.reject(err)
  }
}

module.exports = {
  forKey,
  verify,
  verifyAsync,
  nativeVerifier,
  preparedVerifier,
  hasRegExp,
  audienceList,
  audienceMatches,
  policyOptions,
  policyKey,
  POLICY_OPTIONS,
  snapshot,
  sameOptions,
  parsePayload,
  completeResult,
  checkToken,
  keyedVerifier,
  optionError,
}
