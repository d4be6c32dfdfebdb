'use strict'
// decrypt() and createDecrypter(): open a compact JWE, with `algorithms` and `encryptions` allow-lists, and check
// what is inside with verify()'s claim options. A nested token (`cty: "JWT"`) is verified in the same native call
// with `verify: { key, algorithms }`.

const native = require('./native')
const { decryptionKey, defaultAlgorithms, KEY_MANAGEMENT, CONTENT_ENCRYPTION, isPbes2 } = require('./jwe-keys')
const { verifyingKey, jwkAlgorithm } = require('./keys')
const {
  preparedVerifier,
  forKey,
  policyOptions,
  policyKey,
  parsePayload,
  hasRegExp,
  audienceList,
  audienceMatches,
  POLICY_OPTIONS,
} = require('./verify')
const { isPlainObject, readSignal, inPool } = require('./sign')
const { partJson } = require('./decode')
const { tokenError, optionError, factoryOptionsError, fromNative, keyFunctionError } = require('./errors')

// verify()'s claim options; `algorithms` and key sizes belong to the signed token inside (`verify`).
const CLAIM_OPTIONS = POLICY_OPTIONS.filter((name) => name !== 'algorithms' && name !== 'allowInsecureKeySizes')
const DECRYPT_OPTIONS = new Set([
  'algorithms',
  'encryptions',
  'maxPbes2Count',
  'maxInflatedSize',
  'verify',
  'complete',
  'clockTimestamp',
  ...CLAIM_OPTIONS,
])
const VERIFY_OPTIONS = ['key', 'algorithms', 'allowInsecureKeySizes']
const isUint32 = (v) => Number.isInteger(v) && v > 0 && v <= 0xffffffff

function validateOptions(options, extra = []) {
  if (!isPlainObject(options)) throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (!DECRYPT_OPTIONS.has(name) && !extra.includes(name)) throw optionError(`"${name}" is not allowed in "options"`)
  }
  const list = (name, known) => {
    const value = options[name]
    if (value === undefined) return
    // Array.from: every() skips the holes of a sparse array.
    if (!Array.isArray(value) || value.length === 0 || !Array.from(value).every((item) => known.includes(item))) {
      throw optionError(`"${name}" must be a non-empty array of: ${known.join(', ')}`)
    }
  }
  list('algorithms', KEY_MANAGEMENT)
  list('encryptions', CONTENT_ENCRYPTION)
  if (options.maxPbes2Count !== undefined && !(isUint32(options.maxPbes2Count) && options.maxPbes2Count >= 1000)) {
    throw optionError('"maxPbes2Count" must be an integer of at least 1000')
  }
  if (options.algorithms?.some(isPbes2) && options.maxPbes2Count === undefined) {
    throw optionError('"maxPbes2Count" is required to allow PBES2: each token names its own PBKDF2 iteration count')
  }
  if (options.maxInflatedSize !== undefined && !isUint32(options.maxInflatedSize)) {
    throw optionError('"maxInflatedSize" must be a positive integer number of bytes')
  }
  if (options.complete !== undefined && typeof options.complete !== 'boolean') {
    throw optionError('"complete" must be a boolean')
  }
  if (options.clockTimestamp !== undefined && typeof options.clockTimestamp !== 'number') {
    throw optionError('clockTimestamp must be a number')
  }
  if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
    throw optionError('nonce must be a non-empty string')
  }
  for (const name of ['ignoreExpiration', 'ignoreNotBefore']) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean')
      throw optionError(`"${name}" must be a boolean`)
  }
  if (options.verify !== undefined) {
    if (!isPlainObject(options.verify)) throw optionError('"verify" must be an object: { key, algorithms }')
    for (const name of Object.keys(options.verify)) {
      if (!VERIFY_OPTIONS.includes(name)) throw optionError(`"${name}" is not allowed in "verify"`)
    }
    if (!options.verify.key) throw optionError('"verify.key" is required: the key that checks the inner signature')
    if (typeof options.verify.key === 'function') {
      throw optionError('"verify.key" must be key material, not a function')
    }
  }
}

function claimOptions(options) {
  const claims = {}
  for (const name of CLAIM_OPTIONS) if (options[name] !== undefined) claims[name] = options[name]
  return claims
}

// The options that shape a native decrypter; `verify` is keyed by its verifier.
const KEYED_OPTIONS = [...DECRYPT_OPTIONS].filter((name) => !['verify', 'complete', 'clockTimestamp'].includes(name))

// A cache key for the options that shape a native decrypter, or null for values that are never cached. Each value
// is written with its type (verify()'s cache keys): the string "/a/" and the RegExp /a/ once shared a key, and a
// decrypter made for a RegExp audience, which leaves the audience to JS, then served a string audience unchecked.
function optionsKey(options, verifier) {
  const key = policyKey(options, KEYED_OPTIONS)
  if (key === null) return null
  return verifier === null ? key : `${key}&verify=${verifierId(verifier)}`
}

const verifierIds = new WeakMap()
let nextVerifierId = 1
function verifierId(verifier) {
  let id = verifierIds.get(verifier)
  if (id === undefined) {
    id = nextVerifierId++
    verifierIds.set(verifier, id)
  }
  return id
}

// The native verifier for the signed token inside a nested JWE: verify()'s own, with its key and algorithms.
function innerVerifier(options) {
  if (options.verify === undefined) return null
  const { key, ...rest } = options.verify
  const alg = jwkAlgorithm(key, 'verify', 'secretOrPublicKey')
  const entry = verifyingKey(key)
  if (entry.type === 'secret' && entry.pemText)
    throw tokenError('ERR_KEY_INVALID', 'secretOrPublicKey is not valid key material')
  if (entry.native === null) throw tokenError('ERR_KEY_UNSUPPORTED', `Unknown key type "${entry.asymmetricKeyType}".`)
  const verifier = preparedVerifier(entry, forKey(alg, entry, { ...claimOptions(options), ...rest }), optionError)
  // The signature inside is checked in the same native call as the decryption: node:crypto's check for RSA keys
  // under 2048 bits cannot take part in it.
  if (verifier.handle === undefined) {
    throw tokenError('ERR_KEY_UNSUPPORTED', 'nested tokens cannot be verified with an RSA key under 2048 bits')
  }
  return verifier
}

// The allow-lists and caps, as the native decrypter takes them.
function nativeSettings(entry, options) {
  return {
    algorithms: options.algorithms ?? defaultAlgorithms(entry),
    encryptions: options.encryptions ?? CONTENT_ENCRYPTION,
    maxPbes2Count: options.maxPbes2Count,
    maxInflatedSize: options.maxInflatedSize,
  }
}

// The key a decrypter is made for: given, and never PEM text taken for a secret; with its JWK's own `alg`, if any.
function decryptionEntry(key) {
  if (key === undefined || key === null || key === '')
    throw tokenError('ERR_KEY_REQUIRED', 'decryption key must have a value')
  const alg = jwkAlgorithm(key, 'decrypt', 'decryption key')
  const entry = decryptionKey(key)
  if (entry.type === 'secret' && entry.pemText)
    throw tokenError('ERR_KEY_INVALID', 'decryption key is not valid key material')
  return { entry, alg }
}

function nativeDecrypter(entry, options) {
  const verifier = innerVerifier(options)
  const cacheKey = optionsKey(options, verifier)
  let decrypter = cacheKey === null ? undefined : entry.decrypters.get(cacheKey)
  if (decrypter !== undefined) return decrypter
  const settings = nativeSettings(entry, options)
  try {
    decrypter =
      verifier === null
        ? entry.native.decrypter(settings, policyOptions(claimOptions(options), [], optionError))
        : entry.native.nestedDecrypter(settings, verifier.handle)
  } catch (err) {
    throw fromNative(err)
  }
  decrypter.pooled = entry.type !== 'secret' || settings.algorithms.some(isPbes2)
  if (cacheKey !== null) entry.decrypters.set(cacheKey, decrypter)
  return decrypter
}

function checkToken(token) {
  if (!token) throw tokenError('ERR_JWT_REQUIRED', 'jwt must be provided')
  if (typeof token !== 'string') throw tokenError('ERR_JWT_NOT_STRING', 'jwt must be a string')
}

function completeResult(parts) {
  const result = { header: JSON.parse(parts[0]), payload: parsePayload(parts[1]) }
  if (parts.length === 4) result.signed = { header: JSON.parse(parts[2]), signature: parts[3] }
  return result
}

const now = (options) => options.clockTimestamp || Math.floor(Date.now() / 1000)

// With a RegExp audience the native checks stop before the audience step (see verify.js withAudience): the
// RegExps run here, on the payload that passed the checks before it, and the native side finishes with the verdict.
// Returns the payload, parsed once: the value the RegExps ran on, or the text when there are none.
function finishAudience(decrypter, payloadText, t, options) {
  const audience = options.audience
  if (!audience || !hasRegExp(audience)) return payloadText
  const payload = parsePayload(payloadText)
  decrypter.finishAudience(payloadText, t, audienceMatches(audienceList(audience), payload))
  return payload
}

function run(decrypter, token, options) {
  try {
    const t = now(options)
    if (options.complete) {
      const parts = decrypter.decryptComplete(token, t)
      parts[1] = finishAudience(decrypter, parts[1], t, options)
      return completeResult(parts)
    }
    return parsePayload(finishAudience(decrypter, decrypter.decrypt(token, t), t, options))
  } catch (err) {
    throw fromNative(err)
  }
}

function runAsync(decrypter, token, options, signal) {
  if (!decrypter.pooled) return Promise.resolve().then(() => run(decrypter, token, options))
  const t = now(options)
  return inPool(decrypter, 'decryptAsync', [token, t], signal).then((parts) => {
    try {
      parts[1] = finishAudience(decrypter, parts[1], t, options)
    } catch (err) {
      throw fromNative(err)
    }
    return options.complete ? completeResult(parts) : parsePayload(parts[1])
  })
}

// The protected header a key function is asked with; decryption checks it again in full.
function protectedHeader(token) {
  try {
    const header = partJson(token)
    if (isPlainObject(header)) return header
  } catch {
    // reported below
  }
  throw tokenError('ERR_JWT_MALFORMED', 'invalid token')
}

// Whether a token's protected header says it is nested (`cty` "JWT" or "application/jwt", without case, as the
// native decrypter reads it), without decrypting it. A header that cannot be read counts as nested: the decrypter
// then reports what is wrong with it.
function isNestedToken(token) {
  let header
  try {
    header = protectedHeader(token)
  } catch {
    return true
  }
  const cty = header.cty
  return typeof cty === 'string' && ['jwt', 'application/jwt'].includes(cty.toLowerCase())
}

const KEY_FUNCTION = 'decryption key function'

function keyFromFunction(key, token) {
  // What decryption refuses without a key (a member named twice, say) is refused before the function runs.
  try {
    native.checkJweBeforeKey(token)
  } catch (err) {
    throw fromNative(err)
  }
  const header = protectedHeader(token)
  try {
    return key(header)
  } catch (err) {
    throw keyFunctionError(err, KEY_FUNCTION)
  }
}

// A JWK with an `alg` of its own decrypts that key management algorithm alone, of those allowed; a `dir` key's
// `alg` names its content encryption (as jose reads it), which it alone then decrypts.
function decrypterFor(key, options) {
  const { entry, alg } = decryptionEntry(key)
  if (alg === undefined) return nativeDecrypter(entry, options)
  const allowed = options.algorithms ?? defaultAlgorithms(entry)
  if (CONTENT_ENCRYPTION.includes(alg)) {
    const encryptions = (options.encryptions ?? CONTENT_ENCRYPTION).filter((enc) => enc === alg)
    return nativeDecrypter(entry, { ...options, algorithms: allowed.filter((a) => a === 'dir'), encryptions })
  }
  return nativeDecrypter(entry, { ...options, algorithms: allowed.filter((a) => a === alg) })
}

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function'

/**
 * Decrypts a compact JWE and returns its claims (`{ header, payload }` with `complete`).
 */
function decrypt(token, key, options = {}) {
  validateOptions(options)
  checkToken(token)
  if (typeof key === 'function') {
    key = keyFromFunction(key, token)
    if (isThenable(key)) {
      throw tokenError('ERR_KEY_FUNCTION_SYNC', 'a key function that returns a Promise needs decryptAsync()')
    }
  }
  return run(decrypterFor(key, options), token, options)
}

/**
 * `decrypt` returning a Promise; RSA, ECDH-ES and PBES2 run on the libuv thread pool. Takes `signal`.
 */
function decryptAsync(token, key, options = {}) {
  try {
    const { signal, rejection } = readSignal(options)
    if (rejection) return rejection
    validateOptions(options ?? {}, ['signal'])
    options = options ?? {}
    checkToken(token)
    const pending = typeof key === 'function' ? keyFromFunction(key, token) : key
    return Promise.resolve(pending).then(
      (resolved) => runAsync(decrypterFor(resolved, options), token, options, signal),
      (err) => Promise.reject(keyFunctionError(err, KEY_FUNCTION)),
    )
  } catch (err) {
    return Promise.reject(err)
  }
}

/**
 * Validates the options and parses the keys once: `{ decrypt(token), decryptAsync(token, { signal }) }`.
 */
function createDecrypter(options) {
  if (!isPlainObject(options)) throw factoryOptionsError("createDecrypter({ key, algorithms: ['dir'] })")
  const { key, ...rest } = options
  validateOptions(rest)
  if (typeof key === 'function') throw optionError('"key" must be key material; key functions are for decrypt()')
  const decrypter = decrypterFor(key, rest)
  return {
    decrypt(token) {
      checkToken(token)
      return run(decrypter, token, rest)
    },
    decryptAsync(token, callOptions) {
      const { signal, rejection } = readSignal(callOptions)
      if (rejection) return rejection
      try {
        checkToken(token)
        return runAsync(decrypter, token, rest, signal)
      } catch (err) {
        return Promise.reject(err)
      }
    },
  }
}

// For the middleware with a key function as `secret`: decrypts a nested token and returns the signed JWT inside,
// unverified, for the middleware to verify with the key it then picks from that token. Not exported from the
// package: a caller of its own would be tempted to skip the verification.
function createInnerTokenDecrypter(options) {
  const { key, ...rest } = options
  validateOptions(rest)
  const { entry } = decryptionEntry(key)
  let decrypter
  try {
    decrypter = entry.native.innerTokenDecrypter(nativeSettings(entry, rest))
  } catch (err) {
    throw fromNative(err)
  }
  return {
    decrypt(token) {
      try {
        return decrypter.decrypt(token, 0)
      } catch (err) {
        throw fromNative(err)
      }
    },
  }
}

module.exports = { decrypt, decryptAsync, createDecrypter, createInnerTokenDecrypter, isNestedToken, CLAIM_OPTIONS }
