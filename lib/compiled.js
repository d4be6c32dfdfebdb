'use strict'
// createSigner / createVerifier: every option validated once (a TypeError at creation), the key parsed once
// into a native handle, the header and claim checks prepared once. The returned objects do no option work.

const {
  isPlainObject,
  isBuffer,
  validateOptions,
  checkKeyKind,
  checkPayload,
  applyClaims,
  nativeSigner,
  headerText,
  signPrepared,
  signPreparedAsync,
  algorithmOf,
  readSignal,
  inPool,
  timespanMessage,
} = require('./sign')
const { nativeVerifier, parsePayload, completeResult, checkToken } = require('./verify')
const { signingKey, verifyingKey, defaultAlgorithms, jwkAlgorithm, checkJwkAlgorithm } = require('./keys')
const { boundedMap } = require('./bounded-map')
const {
  tokenError,
  optionError,
  factoryOptionsError,
  fromNative,
  NotBeforeError,
  TokenExpiredError,
  copyError,
} = require('./errors')
const { timespan } = require('./timespan')

// An option error found while preparing (a timespan, the header's alg, an audience RegExp) is a TypeError at
// creation like the others.
function asOptionError(err) {
  return err?.code === 'ERR_JWT_INVALID_OPTION' && !(err instanceof TypeError) ? optionError(err.message) : err
}

function createSigner(options) {
  if (!isPlainObject(options)) throw factoryOptionsError("createSigner({ key, algorithm: 'HS256' })")
  const { key, ...signOptions } = options
  validateOptions(signOptions, optionError)
  for (const name of ['expiresIn', 'notBefore']) {
    if (signOptions[name] !== undefined && timespan(signOptions[name], 1) === undefined) {
      throw optionError(timespanMessage(name))
    }
  }
  let alg
  try {
    alg = algorithmOf(Object.assign({ alg: signOptions.algorithm || 'HS256' }, signOptions.header))
  } catch (err) {
    throw asOptionError(err)
  }
  if (!key && alg !== 'none') throw tokenError('ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value')
  const entry = key ? signingKey(key) : null
  if (entry !== null) {
    checkJwkAlgorithm(key, 'sign', 'secretOrPrivateKey', alg)
    checkKeyKind(entry, alg, signOptions)
  }
  const signer = nativeSigner(entry, alg, signOptions.allowInsecureKeySizes)
  let headers
  try {
    headers = { object: headerText(alg, true, signOptions), other: headerText(alg, false, signOptions) }
  } catch (err) {
    throw asOptionError(err)
  }
  const encoding = signOptions.encoding

  function prepare(payload) {
    const isObjectPayload = typeof payload === 'object' && payload !== null && !isBuffer(payload)
    payload = checkPayload(payload, signOptions, isObjectPayload)
    applyClaims(payload, signOptions, isObjectPayload)
    return { signer, header: isObjectPayload ? headers.object : headers.other, payload, alg }
  }

  return {
    algorithm: alg,
    sign(payload) {
      return signPrepared(prepare(payload), encoding)
    },
    signAsync(payload, options) {
      const { signal, rejection } = readSignal(options)
      if (rejection) return rejection
      try {
        return signPreparedAsync(prepare(payload), encoding, signal)
      } catch (err) {
        return Promise.reject(err)
      }
    },
  }
}

const VERIFIER_OPTIONS = new Set([
  'key',
  'algorithms',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'nonce',
  'typ',
  'accessToken',
  'complete',
  'ignoreExpiration',
  'ignoreNotBefore',
  'clockTolerance',
  'clockTimestamp',
  'maxAge',
  'allowInvalidAsymmetricKeyTypes',
  'allowInsecureKeySizes',
  'strict',
  'cache',
  'cacheTTL',
  'cacheErrors',
])

const BOOLEAN_OPTIONS = [
  'complete',
  'ignoreExpiration',
  'ignoreNotBefore',
  'allowInvalidAsymmetricKeyTypes',
  'allowInsecureKeySizes',
  'strict',
  'accessToken',
  'cacheErrors',
]

function validateVerifierOptions(options) {
  if (!isPlainObject(options)) throw factoryOptionsError("createVerifier({ key, algorithms: ['HS256'] })")
  for (const name of Object.keys(options)) {
    if (!VERIFIER_OPTIONS.has(name)) throw optionError(`"${name}" is not allowed in "options"`)
  }
  for (const name of BOOLEAN_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw optionError(`"${name}" must be a boolean`)
    }
  }
  if (options.clockTimestamp !== undefined && typeof options.clockTimestamp !== 'number') {
    throw optionError('clockTimestamp must be a number')
  }
  if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
    throw optionError('nonce must be a non-empty string')
  }
  if (
    options.cache !== undefined &&
    options.cache !== false &&
    !(Number.isInteger(options.cache) && options.cache > 0)
  ) {
    throw optionError('"cache" must be a positive integer (the number of tokens to keep)')
  }
  if (options.cacheTTL !== undefined && !(typeof options.cacheTTL === 'number' && options.cacheTTL > 0)) {
    throw optionError('"cacheTTL" must be a positive number of milliseconds')
  }
}

const DEFAULT_CACHE_TTL = 600_000

// The refusals that come after the signature verified (src/token.rs: the `typ` option, the payload and its
// claims), which only a token the key's holder signed can reach. Only these are kept with `cacheErrors`: a token
// refused before that (malformed, a bad signature, an algorithm not allowed) never is, so tokens nobody signed
// neither fill the cache (each entry holds the whole token) nor push out what it holds.
const SIGNED_REFUSALS = new Set([
  'ERR_JWT_TYPE_INVALID',
  'ERR_JWT_PAYLOAD_NOT_OBJECT',
  'ERR_JWT_CLAIM_INVALID',
  'ERR_JWT_CLAIM_MISSING',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_ACTIVE',
  'ERR_JWT_AUDIENCE_INVALID',
  'ERR_JWT_ISSUER_INVALID',
  'ERR_JWT_SUBJECT_INVALID',
  'ERR_JWT_JWTID_INVALID',
  'ERR_JWT_NONCE_INVALID',
])

// A bounded LRU of verified tokens, keyed by the whole token string: two tokens that differ in any byte
// (a tampered signature included) never share an entry. An entry holds while the clock (the same JS clock as the
// checks) is within the time its answer is true for: an acceptance from the token's `nbf` to the earliest of its
// `exp`, its `maxAge` deadline and `cacheTTL`; a refusal for not being active yet until `nbf`, one for having
// expired from then on (a clock set back, by fake timers say, reads it again), any other until `cacheTTL`.
function createCache(size, ttlMs, maxAge, ignoreNotBefore) {
  // LRU: a hit's refresh (a delete and a set) is small beside the verification it saves, and keeps hot tokens in.
  const entries = boundedMap(size, { refreshOnHit: true })
  return {
    get(token, now) {
      const entry = entries.get(token)
      if (entry === undefined) return undefined
      if (now >= entry.expiresAt || now < entry.validFrom) {
        entries.delete(token)
        return undefined
      }
      return entry
    },
    set(token, now, value, isError, tolerance) {
      let expiresAt = now + ttlMs / 1000
      let validFrom = -Infinity
      if (isError) {
        if (value instanceof NotBeforeError && value.date instanceof Date) {
          expiresAt = Math.min(expiresAt, value.date.getTime() / 1000 - tolerance)
        } else if (value instanceof TokenExpiredError && value.expiredAt instanceof Date) {
          validFrom = value.expiredAt.getTime() / 1000 + tolerance
        }
      } else {
        const payload = value.payload ?? value
        if (payload !== null && typeof payload === 'object') {
          if (typeof payload.exp === 'number') expiresAt = Math.min(expiresAt, payload.exp + tolerance)
          if (maxAge !== undefined && typeof payload.iat === 'number') {
            expiresAt = Math.min(expiresAt, timespan(maxAge, payload.iat) + tolerance)
          }
          if (!ignoreNotBefore && typeof payload.nbf === 'number') validFrom = payload.nbf - tolerance
        }
      }
      if (!(validFrom <= now && now < expiresAt)) return
      entries.set(token, { value, isError, expiresAt, validFrom })
    },
  }
}

// A cached result is the one object every hit returns: frozen, so that no caller can change what the next sees.
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze(value[key])
  }
  return value
}

// With `strict`, an HMAC secret shorter than the hash of every HMAC algorithm allowed (RFC 7518 §3.2) is refused
// when the verifier is made: as a misconfiguration, not later at each request as if the token were at fault.
function checkStrictSecret(entry, algorithms) {
  if (entry.type !== 'secret' || entry.pemText) return
  const hmac = algorithms.filter((alg) => /^HS(?:256|384|512)$/.test(alg))
  const fits = (alg) => entry.secretBytes >= Number(alg.slice(2)) / 8
  if (hmac.length === 0 || hmac.some(fits)) return
  const alg = hmac.reduce((a, b) => (Number(b.slice(2)) < Number(a.slice(2)) ? b : a))
  throw tokenError(
    'ERR_KEY_SECRET_TOO_SHORT',
    `secretOrPublicKey must be at least ${Number(alg.slice(2)) / 8} bytes long for ${alg}`,
  )
}

function createVerifier(options) {
  validateVerifierOptions(options)
  const { key, cache: cacheSize, cacheTTL, cacheErrors, complete, clockTimestamp, ...policy } = options
  if (key !== undefined && key !== null && typeof key === 'function') {
    throw optionError('"key" must be key material; key functions are for verify()')
  }
  const jwkAlg = key ? jwkAlgorithm(key, 'verify', 'secretOrPublicKey') : undefined
  const entry = key ? verifyingKey(key) : null
  if (entry !== null && entry.type === 'secret' && entry.pemText) {
    throw tokenError('ERR_KEY_INVALID', 'secretOrPublicKey is not valid key material')
  }
  if (entry !== null && entry.native === null) {
    throw tokenError('ERR_KEY_UNSUPPORTED', `Unknown key type "${entry.asymmetricKeyType}".`)
  }
  if (Array.isArray(policy.algorithms) && policy.algorithms.length === 0) {
    throw optionError('"algorithms" must list at least one algorithm: an empty list would refuse every token')
  }
  // A JWK with an `alg` of its own verifies that algorithm alone.
  if (jwkAlg !== undefined) {
    if (!(policy.algorithms ?? defaultAlgorithms(entry)).includes(jwkAlg)) {
      throw tokenError(
        'ERR_KEY_TYPE_MISMATCH',
        `secretOrPublicKey is a JWK for "alg" ${jwkAlg}, which "algorithms" does not allow`,
      )
    }
    policy.algorithms = [jwkAlg]
  }
  if (policy.strict === true && entry !== null) checkStrictSecret(entry, policy.algorithms ?? defaultAlgorithms(entry))
  let verifier
  try {
    verifier = nativeVerifier(entry, policy, optionError)
  } catch (err) {
    throw asOptionError(err)
  }
  const pooled = entry !== null && entry.type !== 'secret'
  const tolerance = typeof policy.clockTolerance === 'number' ? policy.clockTolerance : 0
  const cache = cacheSize
    ? createCache(cacheSize, cacheTTL ?? DEFAULT_CACHE_TTL, policy.maxAge, policy.ignoreNotBefore === true)
    : null

  const now = () => clockTimestamp || Math.floor(Date.now() / 1000)
  const finish = (token, parts) => (complete ? completeResult(token, parts) : parsePayload(parts[1]))

  // The value as the caller gets it: with the cache on, an accepted token's result is frozen.
  function remember(token, t, value, isError) {
    if (cache === null) return value
    if (!isError) deepFreeze(value)
    if (!isError) cache.set(token, t, value, false, tolerance)
    else if (cacheErrors && SIGNED_REFUSALS.has(value.code))
      cache.set(token, t, copyError(value, remember), true, tolerance)
    return value
  }

  function verifyNow(token, t) {
    try {
      return complete
        ? completeResult(token, verifier.verifyComplete(token, t))
        : parsePayload(verifier.verify(token, t))
    } catch (err) {
      throw fromNative(err)
    }
  }

  function verify(token) {
    checkToken(token)
    const t = now()
    const hit = cache?.get(token, t)
    if (hit !== undefined) {
      if (hit.isError) throw copyError(hit.value, verify)
      return hit.value
    }
    let value
    try {
      value = verifyNow(token, t)
    } catch (err) {
      remember(token, t, err, true)
      throw err
    }
    remember(token, t, value, false)
    return value
  }

  function verifyAsync(token, options) {
    const { signal, rejection } = readSignal(options)
    if (rejection) return rejection
    try {
      if (!pooled) return Promise.resolve(verify(token))
      checkToken(token)
      const t = now()
      const hit = cache?.get(token, t)
      if (hit !== undefined) {
        return hit.isError ? Promise.reject(copyError(hit.value, verifyAsync)) : Promise.resolve(hit.value)
      }
      return inPool(verifier, 'verifyAsync', [token, t], signal).then(
        (parts) => {
          const value = finish(token, parts)
          remember(token, t, value, false)
          return value
        },
        (error) => {
          if (!signal?.aborted) remember(token, t, error, true)
          throw error
        },
      )
    } catch (err) {
      return Promise.reject(err)
    }
  }

  return { verify, verifyAsync }
}

module.exports = { createSigner, createVerifier, VERIFIER_OPTIONS, SIGNED_REFUSALS }
