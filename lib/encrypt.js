'use strict'
// encrypt() and createEncrypter(): compact JWE tokens (RFC 7516) with sign()'s claim options, the key parsed once
// and the encryption done in Rust. With `sign: { key, algorithm }` the claims are signed first and the signed token
// is encrypted (a nested JWT, `cty: "JWT"`).

const { encryptionKey, KEY_MANAGEMENT, CONTENT_ENCRYPTION } = require('./jwe-keys')
const { checkJwkAlgorithm } = require('./keys')
const {
  isPlainObject,
  isBuffer,
  checkPayload,
  applyClaims,
  payloadText,
  readSignal,
  stringify,
  checkHeaderOption,
  inPool,
  timespanMessage,
} = require('./sign')
const { createSigner } = require('./compiled')
const { timespan } = require('./timespan')
const { tokenError, optionError, factoryOptionsError, fromNative, keyFunctionError } = require('./errors')

/** The content encryption used when `encryption` is not given. */
const DEFAULT_ENCRYPTION = 'A256GCM'

// Members encryption writes itself; `header` may not set them.
const GENERATED_HEADER = ['alg', 'enc', 'zip', 'epk', 'iv', 'tag', 'p2s', 'p2c', 'crit']

const isString = (v) => typeof v === 'string'
const isTimespan = (v) => Number.isInteger(v) || (isString(v) && v !== '')
const isUint32 = (v) => Number.isInteger(v) && v > 0 && v <= 0xffffffff

const ENCRYPT_OPTIONS = {
  algorithm: [(v) => KEY_MANAGEMENT.includes(v), `"algorithm" must be one of: ${KEY_MANAGEMENT.join(', ')}`],
  encryption: [(v) => CONTENT_ENCRYPTION.includes(v), `"encryption" must be one of: ${CONTENT_ENCRYPTION.join(', ')}`],
  zip: [(v) => v === 'DEF', '"zip" must be "DEF"'],
  pbes2Count: [(v) => isUint32(v) && v >= 1000, '"pbes2Count" must be an integer of at least 1000'],
  expiresIn: [isTimespan, '"expiresIn" should be a number of seconds or string representing a timespan'],
  notBefore: [isTimespan, '"notBefore" should be a number of seconds or string representing a timespan'],
  audience: [(v) => isString(v) || Array.isArray(v), '"audience" must be a string or array'],
  issuer: [isString, '"issuer" must be a string'],
  subject: [isString, '"subject" must be a string'],
  jwtid: [isString, '"jwtid" must be a string'],
  noTimestamp: [(v) => typeof v === 'boolean', '"noTimestamp" must be a boolean'],
  header: [isPlainObject, '"header" must be an object'],
  keyid: [isString, '"keyid" must be a string'],
  sign: [isPlainObject, '"sign" must be an object: { key, algorithm }'],
}
const CLAIM_OPTIONS = ['expiresIn', 'notBefore', 'audience', 'issuer', 'subject', 'jwtid', 'noTimestamp']
const SIGN_OPTIONS = ['key', 'algorithm', 'header', 'keyid', 'allowInsecureKeySizes']

function validateOptions(options, allowed = ENCRYPT_OPTIONS, extra = []) {
  if (!isPlainObject(options)) throw optionError('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    if (options[name] === undefined) continue
    const rule = Object.hasOwn(allowed, name) ? allowed[name] : undefined
    if (rule === undefined) {
      if (extra.includes(name)) continue
      throw optionError(`"${name}" is not allowed in "options"`)
    }
    if (!rule[0](options[name])) throw optionError(rule[1])
  }
  if (options.algorithm === undefined) {
    throw optionError(`"algorithm" must be one of: ${KEY_MANAGEMENT.join(', ')}`)
  }
  for (const name of ['expiresIn', 'notBefore']) {
    if (options[name] !== undefined && timespan(options[name], 1) === undefined)
      throw optionError(timespanMessage(name))
  }
  for (const name of Object.keys(options.header ?? {})) {
    if (GENERATED_HEADER.includes(name) || (name === 'cty' && options.sign !== undefined)) {
      throw optionError(`"header" must not set "${name}": encryption writes it`)
    }
  }
  if (options.sign !== undefined) {
    for (const name of Object.keys(options.sign)) {
      if (!SIGN_OPTIONS.includes(name)) throw optionError(`"${name}" is not allowed in "sign"`)
    }
  }
}

function headerText(options) {
  checkHeaderOption(options.header, optionError)
  return stringify(
    {
      alg: options.algorithm,
      enc: options.encryption ?? DEFAULT_ENCRYPTION,
      zip: options.zip,
      cty: options.sign !== undefined ? 'JWT' : undefined,
      kid: options.keyid,
      ...options.header,
    },
    'ERR_JWT_INVALID_OPTION',
  )
}

// The native encrypter for a key entry and options, built once per combination and kept on the entry.
function nativeEncrypter(entry, options) {
  if (entry.type === 'secret' && entry.pemText)
    throw tokenError('ERR_KEY_INVALID', 'encryption key is not valid key material')
  const settings = {
    algorithm: options.algorithm,
    encryption: options.encryption ?? DEFAULT_ENCRYPTION,
    zip: options.zip === 'DEF',
    pbes2Count: options.pbes2Count,
  }
  const cacheKey = `${settings.algorithm}|${settings.encryption}|${settings.zip}|${settings.pbes2Count}`
  let encrypter = entry.encrypters.get(cacheKey)
  if (encrypter === undefined) {
    try {
      encrypter = entry.native.encrypter(settings)
    } catch (err) {
      throw fromNative(err)
    }
    entry.encrypters.set(cacheKey, encrypter)
  }
  return encrypter
}

// The payload's text: the signed token for nested tokens, else the claims with sign()'s options applied.
function claimsText(payload, options) {
  const isObjectPayload = typeof payload === 'object' && payload !== null && !isBuffer(payload)
  payload = checkPayload(payload, options, isObjectPayload)
  applyClaims(payload, options, isObjectPayload)
  try {
    return payloadText(payload)
  } catch (err) {
    // JSON.stringify throws on a BigInt or a cycle.
    const error = tokenError('ERR_JWT_PAYLOAD_INVALID', `payload cannot be written as JSON: ${err.message}`)
    error.inner = err
    throw error
  }
}

// Work that pays for a thread hop: public-key operations and PBKDF2.
const pooled = (alg) => /^(?:RSA|ECDH|PBES2)/.test(alg)

function compile(key, options) {
  if (key === undefined || key === null || key === '') {
    throw tokenError('ERR_KEY_REQUIRED', 'encryption key must have a value')
  }
  checkJwkAlgorithm(key, 'encrypt', 'encryption key', options.algorithm, options.encryption ?? DEFAULT_ENCRYPTION)
  const entry = encryptionKey(key)
  const encrypter = nativeEncrypter(entry, options)
  const header = headerText(options)
  const claimOptions = {}
  for (const name of CLAIM_OPTIONS) if (options[name] !== undefined) claimOptions[name] = options[name]
  const signer = options.sign === undefined ? null : createSigner({ ...options.sign, ...claimOptions })
  const text = (payload) => (signer === null ? claimsText(payload, claimOptions) : signer.sign(payload))
  const encryptText = (plaintext) => {
    try {
      return encrypter.encrypt(header, plaintext)
    } catch (err) {
      throw fromNative(err)
    }
  }
  return {
    encrypt: (payload) => encryptText(text(payload)),
    encryptAsync(payload, signal) {
      const plaintext = text(payload)
      if (!pooled(options.algorithm)) return Promise.resolve().then(() => encryptText(plaintext))
      return inPool(encrypter, 'encryptAsync', [header, plaintext], signal)
    },
  }
}

// What a key function throws or rejects with is reported as decrypt() and verify() report it: `error in encryption
// key function: <its message>`, with its code if it is a ringjwt error (a JWK Set without a fitting key), else
// ERR_KEY_FUNCTION_FAILED, and what it threw as `inner`.
const keyError = (err) => keyFunctionError(err, 'encryption key function')

// A key function (a JWK Set resolver, say) is asked for the recipient's key with the header being written.
function resolveKey(key, options) {
  if (typeof key !== 'function') return key
  try {
    return key({ alg: options.algorithm, enc: options.encryption ?? DEFAULT_ENCRYPTION, kid: options.keyid })
  } catch (err) {
    throw keyError(err)
  }
}

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function'

/**
 * Encrypts `payload` (claims, a string or a Buffer) for the holder of `key` and returns a compact JWE.
 */
function encrypt(payload, key, options) {
  validateOptions(options)
  const resolved = resolveKey(key, options)
  if (isThenable(resolved)) {
    throw tokenError('ERR_KEY_FUNCTION_SYNC', 'a key function that returns a Promise needs encryptAsync()')
  }
  return compile(resolved, options).encrypt(payload)
}

function withoutSignal(options) {
  if (!isPlainObject(options) || !('signal' in options)) return options
  const { signal: _signal, ...rest } = options
  return rest
}

/**
 * `encrypt` returning a Promise; RSA, ECDH-ES and PBES2 run on the libuv thread pool.
 */
function encryptAsync(payload, key, options) {
  try {
    const { signal, rejection } = readSignal(options)
    if (rejection) return rejection
    const rest = withoutSignal(options)
    validateOptions(rest)
    return Promise.resolve(resolveKey(key, rest)).then(
      (resolved) => compile(resolved, rest).encryptAsync(payload, signal),
      (err) => Promise.reject(keyError(err)),
    )
  } catch (err) {
    return Promise.reject(err)
  }
}

/**
 * Validates the options and parses the key once: `{ encrypt(payload), encryptAsync(payload, { signal }) }`.
 */
function createEncrypter(options) {
  if (!isPlainObject(options))
    throw factoryOptionsError("createEncrypter({ key, algorithm: 'dir', encryption: 'A256GCM' })")
  const { key, ...rest } = options
  validateOptions(rest)
  if (typeof key === 'function') throw optionError('"key" must be key material; key functions are for encrypt()')
  const compiled = compile(key, rest)
  return {
    algorithm: rest.algorithm,
    encryption: rest.encryption ?? DEFAULT_ENCRYPTION,
    encrypt: (payload) => compiled.encrypt(payload),
    encryptAsync(payload, callOptions) {
      const { signal, rejection } = readSignal(callOptions)
      if (rejection) return rejection
      try {
        return compiled.encryptAsync(payload, signal)
      } catch (err) {
        return Promise.reject(err)
      }
    },
  }
}

module.exports = { encrypt, encryptAsync, createEncrypter, DEFAULT_ENCRYPTION }
