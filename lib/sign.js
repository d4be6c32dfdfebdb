'use strict'
// sign(): jsonwebtoken's sign with its option checks, messages and token layout, and the signature made in
// Rust. `createSigner` (lib/compiled.js) reuses the same steps with the option work done once.

const { types } = require('node:util')
const native = require('./native')
const { Cancellation } = native
const { signingKey, checkJwkAlgorithm } = require('./keys')
const { legacySigner } = require('./legacy-rsa')
const { boundSigner } = require('./handles')
const { timespan } = require('./timespan')
const { tokenError, optionError, fromNative } = require('./errors')

const SUPPORTED_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
  'none',
]

const SUPPORTED = new Set(SUPPORTED_ALGS)

const isString = (v) => typeof v === 'string'
const isBoolean = (v) => typeof v === 'boolean'
// lodash's isNumber, as jsonwebtoken checks the time claims: a number, or a Number object (JSON writes its number).
const isNumber = (v) => typeof v === 'number' || types.isNumberObject(v)
const isTimespan = (v) => Number.isInteger(v) || (isString(v) && v !== '')

// A Buffer that is bytes: Buffer.isBuffer is an instanceof check, which an object made from Buffer.prototype passes
// without being a typed array (its methods then throw V8's TypeErrors).
function isBuffer(value) {
  return Buffer.isBuffer(value) && types.isUint8Array(value)
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || Object.prototype.toString.call(value) !== '[object Object]') {
    return false
  }
  const proto = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}

const SIGN_OPTIONS = {
  expiresIn: [isTimespan, '"expiresIn" should be a number of seconds or string representing a timespan'],
  notBefore: [isTimespan, '"notBefore" should be a number of seconds or string representing a timespan'],
  audience: [(v) => isString(v) || Array.isArray(v), '"audience" must be a string or array'],
  algorithm: [(v) => SUPPORTED.has(v), '"algorithm" must be a valid string enum value'],
  header: [isPlainObject, '"header" must be an object'],
  encoding: [isString, '"encoding" must be a string'],
  issuer: [isString, '"issuer" must be a string'],
  subject: [isString, '"subject" must be a string'],
  jwtid: [isString, '"jwtid" must be a string'],
  noTimestamp: [isBoolean, '"noTimestamp" must be a boolean'],
  keyid: [isString, '"keyid" must be a string'],
  mutatePayload: [isBoolean, '"mutatePayload" must be a boolean'],
  allowInsecureKeySizes: [isBoolean, '"allowInsecureKeySizes" must be a boolean'],
  allowInvalidAsymmetricKeyTypes: [isBoolean, '"allowInvalidAsymmetricKeyTypes" must be a boolean'],
}

// jsonwebtoken's payload schema: these three claims, when present, must be numbers.
const NUMERIC_CLAIM_MESSAGES = {
  iat: '"iat" should be a number of seconds',
  exp: '"exp" should be a number of seconds',
  nbf: '"nbf" should be a number of seconds',
}

const OBJECT_ONLY_OPTIONS = ['expiresIn', 'notBefore', 'noTimestamp', 'audience', 'issuer', 'subject', 'jwtid']
const TIMESPAN_HINT = ' eg: "1d", "20h", 60'
// jsonwebtoken's message for a timespan option it cannot read (`expiresIn`, `notBefore`, verify's `maxAge`).
const timespanMessage = (name) =>
  `"${name}" should be a number of seconds or string representing a timespan${TIMESPAN_HINT}`

// Validates `object` against `schema`; `fail(message)` builds the error (a token error for sign(), a
// TypeError for createSigner()).
function validate(schema, allowUnknown, object, name, fail, extra) {
  if (!isPlainObject(object)) throw fail(`Expected "${name}" to be a plain object.`)
  for (const key of Object.keys(object)) {
    // Own rules only: a claim or option named "constructor" or "toString" is not Object.prototype's.
    const rule = Object.hasOwn(schema, key) ? schema[key] : undefined
    if (rule === undefined) {
      if (!allowUnknown && !(extra && key in extra)) throw fail(`"${key}" is not allowed in "${name}"`)
      continue
    }
    if (!rule[0](object[key])) throw fail(rule[1])
  }
}

const optionFailure = (message) => tokenError('ERR_JWT_INVALID_OPTION', message)
const payloadFailure = (message) => tokenError('ERR_JWT_PAYLOAD_INVALID', message)

function validateOptions(options, fail = optionFailure, extra) {
  validate(SIGN_OPTIONS, false, options, 'options', fail, extra)
  // jsonwebtoken checks only that it is a string, and Buffer then throws its TypeError: the same class and message
  // here, with the option code instead of node's.
  if (options.encoding !== undefined && !Buffer.isEncoding(options.encoding)) {
    throw optionError(`Unknown encoding: ${options.encoding}`)
  }
}

// jsonwebtoken's validate(payload schema, allowUnknown, payload) written out: only `iat`, `exp` and `nbf` have a
// rule (a number), so the other claims (most of a large payload) cost a comparison. Same checks, same order (the
// payload's), same reads; each claim is read by its name, which V8 serves from the object's shape, where a read by
// a key that varies goes through its megamorphic cache (half the time of this loop on a 28-claim payload).
function validatePayload(payload) {
  if (!isPlainObject(payload)) throw payloadFailure('Expected "payload" to be a plain object.')
  for (const key of Object.keys(payload)) {
    const invalid =
      key === 'iat'
        ? !isNumber(payload.iat)
        : key === 'exp'
          ? !isNumber(payload.exp)
          : key === 'nbf' && !isNumber(payload.nbf)
    if (invalid) throw payloadFailure(NUMERIC_CLAIM_MESSAGES[key])
  }
}

function algorithmOf(header) {
  const alg = header.alg
  if (!SUPPORTED.has(alg)) throw optionFailure('"algorithm" must be a valid string enum value')
  return alg
}

// JSON.stringify with its own TypeErrors (a cycle, a BigInt) given a ringjwt `code`; their class and message stay
// jsonwebtoken's. An error the caller's code throws (a toJSON, a getter) passes unchanged.
function stringify(value, code, replacer) {
  try {
    return JSON.stringify(value, replacer)
  } catch (err) {
    throw withCode(err, code)
  }
}

// JavaScript's own TypeError (a cycle, a BigInt, a claim a frozen payload cannot take), as the same TypeError with
// `code`; any other error as it is.
function withCode(err, code) {
  if (!(err instanceof TypeError) || err.code !== undefined) return err
  const error = new TypeError(err.message, { cause: err })
  error.code = code
  return error
}

// A `header` option with a toJSON of its own would replace what is signed (its `alg` with another, or with
// nothing), so it is refused: the header is its members.
function checkHeaderOption(header, fail) {
  if (header !== undefined && header !== null && typeof header.toJSON === 'function') {
    throw fail('"header" must be an object of header parameters, without a toJSON method')
  }
}

function buildHeader(alg, isObjectPayload, options) {
  checkHeaderOption(options.header, optionFailure)
  return stringify(
    Object.assign({ alg, typ: isObjectPayload ? 'JWT' : undefined, kid: options.keyid }, options.header),
    'ERR_JWT_INVALID_OPTION',
  )
}

// The header jsonwebtoken writes for the common case, computed once per algorithm.
const plainHeaders = new Map()
function headerText(alg, isObjectPayload, options) {
  if (options.header !== undefined || options.keyid !== undefined) return buildHeader(alg, isObjectPayload, options)
  const key = isObjectPayload ? alg : `${alg}!`
  let text = plainHeaders.get(key)
  if (text === undefined) {
    text = buildHeader(alg, isObjectPayload, options)
    plainHeaders.set(key, text)
  }
  return text
}

// The key checks jsonwebtoken runs before looking at the payload: HMAC only with secrets (and never with PEM
// text), asymmetric algorithms only with private keys, RSA at 2048 bits unless allowed.
function checkKeyKind(entry, alg, options) {
  if (alg.startsWith('HS')) {
    if (entry.type !== 'secret' || entry.pemText) {
      throw tokenError('ERR_KEY_TYPE_MISMATCH', `secretOrPrivateKey must be a symmetric key when using ${alg}`)
    }
  } else if (/^(?:RS|PS|ES|EdDSA)/.test(alg)) {
    if (entry.type !== 'private') {
      throw tokenError('ERR_KEY_TYPE_MISMATCH', `secretOrPrivateKey must be an asymmetric key when using ${alg}`)
    }
    if (!options.allowInsecureKeySizes && !alg.startsWith('ES') && entry.bits !== undefined && entry.bits < 2048) {
      throw tokenError('ERR_KEY_TOO_SMALL', `secretOrPrivateKey has a minimum key size of 2048 bits for ${alg}`)
    }
  }
}

// The native signer for a key and algorithm: it runs the full RFC 8725 checks (type, curve, size) once. An RSA key
// under 2048 bits that passed them (`allowInsecureKeySizes`) signs through node:crypto.
let unsecuredSigner
function nativeSigner(entry, alg, allowInsecureKeySizes) {
  if (entry !== null && entry.native === null) {
    throw tokenError('ERR_KEY_UNSUPPORTED', `Unknown key type "${entry.asymmetricKeyType}".`)
  }
  if (alg === 'none') {
    // The native check refuses an asymmetric key (jsonwebtoken's message); a secret goes unused, as there.
    if (entry !== null && entry.type !== 'secret') callNative(() => entry.native.signer(alg, false))
    return (unsecuredSigner ??= boundSigner(native.unsecuredSigner()))
  }
  const cacheKey = allowInsecureKeySizes ? `${alg}!` : alg
  let signer = entry.signers.get(cacheKey)
  if (signer === undefined) {
    signer = boundSigner(callNative(() => entry.native.signer(alg, allowInsecureKeySizes === true)))
    if (entry.legacyRsa !== null) signer = legacySigner(entry.legacyRsa, alg, entry.bits)
    entry.signers.set(cacheKey, signer)
  }
  return signer
}

function callNative(fn) {
  try {
    return fn()
  } catch (err) {
    throw fromNative(err)
  }
}

function payloadText(payload) {
  if (typeof payload === 'string') return payload
  if (typeof payload === 'number' || isBuffer(payload)) return payload.toString()
  const text = stringify(payload, 'ERR_JWT_PAYLOAD_INVALID')
  if (text === undefined) throw payloadFailure('payload must be an object, string, Buffer or number')
  return text
}

// Sets iat, nbf, exp and the claims that options carry, as jsonwebtoken does. With `mutatePayload` they are written
// to the caller's object, which may be frozen or sealed.
function applyClaims(payload, options, isObjectPayload) {
  try {
    writeClaims(payload, options, isObjectPayload)
  } catch (err) {
    throw withCode(err, 'ERR_JWT_PAYLOAD_INVALID')
  }
}

function writeClaims(payload, options, isObjectPayload) {
  const timestamp = payload.iat || Math.floor(Date.now() / 1000)
  if (options.noTimestamp) {
    delete payload.iat
  } else if (isObjectPayload) {
    payload.iat = timestamp
  }
  if (options.notBefore !== undefined) {
    payload.nbf = timespan(options.notBefore, timestamp)
    if (payload.nbf === undefined) {
      throw optionFailure(timespanMessage('notBefore'))
    }
  }
  if (options.expiresIn !== undefined && typeof payload === 'object') {
    payload.exp = timespan(options.expiresIn, timestamp)
    if (payload.exp === undefined) {
      throw optionFailure(timespanMessage('expiresIn'))
    }
  }
  // jsonwebtoken's order, each written out: with constant names V8 reads the options by their shape.
  claimFromOption(payload, options, 'audience', 'aud')
  claimFromOption(payload, options, 'issuer', 'iss')
  claimFromOption(payload, options, 'subject', 'sub')
  claimFromOption(payload, options, 'jwtid', 'jti')
}

function claimFromOption(payload, options, option, claim) {
  if (options[option] !== undefined) {
    if (payload[claim] !== undefined) {
      throw payloadFailure(`Bad "options.${option}" option. The payload already has an "${claim}" property.`)
    }
    payload[claim] = options[option]
  }
}

function checkPayload(payload, options, isObjectPayload) {
  if (payload === undefined) throw payloadFailure('payload is required')
  // `null` is an object to jsonwebtoken, so it fails the plain-object check.
  if (isObjectPayload || payload === null) {
    validatePayload(payload)
    // A spread keeps V8's fast properties (an Object.assign copy of a few dozen claims is a slow dictionary-mode
    // object for JSON.stringify). An own "__proto__" claim is left out, as jsonwebtoken's Object.assign copy leaves
    // it out of the token; but not made the copy's prototype, whose getters and setters would then run on `iat`,
    // `exp` and `nbf`.
    if (!options.mutatePayload) payload = Object.hasOwn(payload, '__proto__') ? withoutProto(payload) : { ...payload }
  } else {
    const invalid = OBJECT_ONLY_OPTIONS.filter((opt) => options[opt] !== undefined)
    if (invalid.length > 0) {
      throw optionFailure(`invalid ${invalid.join(',')} option for ${typeof payload} payload`)
    }
  }
  if (payload.exp !== undefined && options.expiresIn !== undefined) {
    throw payloadFailure('Bad "options.expiresIn" option the payload already has an "exp" property.')
  }
  if (payload.nbf !== undefined && options.notBefore !== undefined) {
    throw payloadFailure('Bad "options.notBefore" option the payload already has an "nbf" property.')
  }
  return payload
}

function withoutProto({ ['__proto__']: _left, ...claims }) {
  return claims
}

function isUtf8(encoding) {
  return encoding === undefined || encoding === 'utf8' || encoding === 'utf-8'
}

// Everything sign() does before the signature: returns what the native signer needs.
function prepare(payload, secretOrPrivateKey, options) {
  const isObjectPayload = typeof payload === 'object' && payload !== null && !isBuffer(payload)
  const header = Object.assign({ alg: options.algorithm || 'HS256' }, options.header)
  if (!secretOrPrivateKey && options.algorithm !== 'none') {
    throw tokenError('ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value')
  }
  const entry = secretOrPrivateKey != null ? signingKey(secretOrPrivateKey) : null
  // jsonwebtoken's order: key kind, payload, options, and only then an unknown algorithm.
  if (entry !== null && typeof header.alg === 'string') {
    checkJwkAlgorithm(secretOrPrivateKey, 'sign', 'secretOrPrivateKey', header.alg)
    checkKeyKind(entry, header.alg, options)
  }
  payload = checkPayload(payload, options, isObjectPayload)
  validateOptions(options)
  const alg = algorithmOf(header)
  if (entry === null && alg !== 'none') throw tokenError('ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value')
  const signer = nativeSigner(entry, alg, options.allowInsecureKeySizes)
  applyClaims(payload, options, isObjectPayload)
  return { signer, header: headerText(alg, isObjectPayload, options), payload, alg }
}

function signPrepared({ signer, header, payload }, encoding, text = payloadText(payload)) {
  try {
    return isUtf8(encoding) ? signer.sign(header, text) : signer.signBytes(header, Buffer.from(text, encoding))
  } catch (err) {
    throw fromNative(err)
  }
}

// Signing that pays for a thread hop only where the work is worth it: RSA, EC, EdDSA, or a large payload.
const POOL_THRESHOLD = 8 * 1024
function signPreparedAsync(prepared, encoding, signal) {
  let text
  try {
    text = payloadText(prepared.payload)
  } catch (err) {
    // Promise forms and callbacks report every failure the same way: through the promise.
    return Promise.reject(err)
  }
  if (!isUtf8(encoding) || (prepared.alg.startsWith('HS') && text.length < POOL_THRESHOLD) || prepared.alg === 'none') {
    return Promise.resolve().then(() => signPrepared(prepared, encoding, text))
  }
  return inPool(prepared.signer, 'signAsync', [prepared.header, text], signal)
}

// Calls `target[method](...args)`, which queues work on the thread pool, and settles as a promise of this realm
// (so `instanceof Promise` holds in Jest's sandbox too), with native errors made ours. With a signal it calls the
// method's `Cancellable` form: an abort cancels the work if it has not started, and the promise rejects with the
// signal's reason.
function inPool(target, method, args, signal) {
  let pending
  let release = () => {}
  if (signal === undefined || signal === null) {
    pending = target[method](...args)
  } else {
    const cancellation = new Cancellation()
    const cancel = () => cancellation.cancel()
    signal.addEventListener('abort', cancel, { once: true })
    release = () => signal.removeEventListener('abort', cancel)
    pending = target[`${method}Cancellable`](...args, cancellation)
  }
  return new Promise((resolve, reject) => {
    pending.then(
      (value) => {
        release()
        resolve(value)
      },
      (err) => {
        release()
        reject(signal?.aborted ? abortError(signal) : fromNative(err))
      },
    )
  })
}

function normaliseArgs(options, callback) {
  if (typeof options === 'function') return [{}, options]
  return [options || {}, callback]
}

function sign(payload, secretOrPrivateKey, options, callback) {
  ;[options, callback] = normaliseArgs(options, callback)
  if (typeof callback !== 'function') {
    return signPrepared(prepare(payload, secretOrPrivateKey, options), options.encoding)
  }
  let prepared
  try {
    prepared = prepare(payload, secretOrPrivateKey, options)
  } catch (err) {
    return callback(err)
  }
  // Settled on a promise (libuv pool or microtask), never a timer: fake timers do not hold callbacks back.
  signPreparedAsync(prepared, options.encoding).then(
    (token) => callback(null, token),
    (err) => callback(err),
  )
}

function signAsync(payload, secretOrPrivateKey, options) {
  try {
    options = options || {}
    const { signal, rejection } = readSignal(options)
    if (rejection) return rejection
    const rest = typeof options === 'object' && 'signal' in options ? withoutSignal(options) : options
    return signPreparedAsync(prepare(payload, secretOrPrivateKey, rest), rest?.encoding, signal)
  } catch (err) {
    return Promise.reject(err)
  }
}

function withoutSignal(options) {
  const { signal: _signal, ...rest } = options
  return rest
}

// `options.signal`, read once (a getter may answer differently the next time, and the signal used must be the
// one checked): `{ signal }` when work may start, `{ rejection }`, a rejected promise, when it is not an
// AbortSignal, has already fired, or cannot be read. Promise-returning functions report everything through the
// promise.
const NO_SIGNAL = Object.freeze({ signal: undefined, rejection: null })

function readSignal(options) {
  try {
    const signal = options?.signal
    if (signal === undefined || signal === null) return NO_SIGNAL
    if (!(signal instanceof AbortSignal)) {
      return { rejection: Promise.reject(tokenError('ERR_JWT_INVALID_OPTION', '"signal" must be an AbortSignal')) }
    }
    return signal.aborted ? { rejection: Promise.reject(abortError(signal)) } : { signal, rejection: null }
  } catch (err) {
    return { rejection: Promise.reject(err) }
  }
}

// The signal's reason, as fetch() and node:timers/promises reject: an `AbortError` DOMException unless the caller
// gave another reason.
function abortError(signal) {
  return signal.reason
}

module.exports = {
  checkHeaderOption,
  sign,
  signAsync,
  SUPPORTED_ALGS,
  isPlainObject,
  isBuffer,
  stringify,
  validateOptions,
  checkKeyKind,
  checkPayload,
  applyClaims,
  nativeSigner,
  headerText,
  signPrepared,
  signPreparedAsync,
  algorithmOf,
  optionError,
  abortError,
  readSignal,
  inPool,
  timespanMessage,
  payloadText,
}
