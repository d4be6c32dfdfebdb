'use strict'
// fast-jwt's createSigner, createVerifier and createDecoder (the option names and units @fastify/jwt hands on, the
// error codes and messages it answers with) on ringjwt's compiled signers and verifiers. The signature and the
// claim checks run natively; fast-jwt's options that ringjwt has no native form for (a RegExp issuer, a list of
// subjects, `requiredClaims`, `checkTyp`) run here, on the payload of a token that passed them.

const ms = require('ms')
const compiled = require('../compiled')
const { signingKey, verifyingKey, defaultAlgorithms, HS_ALGS } = require('../keys')
const { COMPLETE, isTokenFault } = require('./core')
const { payloadOpensObject } = require('../decode')

const codes = Object.freeze({
  invalidType: 'FAST_JWT_INVALID_TYPE',
  invalidOption: 'FAST_JWT_INVALID_OPTION',
  invalidAlgorithm: 'FAST_JWT_INVALID_ALGORITHM',
  invalidClaimType: 'FAST_JWT_INVALID_CLAIM_TYPE',
  invalidClaimValue: 'FAST_JWT_INVALID_CLAIM_VALUE',
  invalidKey: 'FAST_JWT_INVALID_KEY',
  invalidSignature: 'FAST_JWT_INVALID_SIGNATURE',
  invalidPayload: 'FAST_JWT_INVALID_PAYLOAD',
  malformed: 'FAST_JWT_MALFORMED',
  inactive: 'FAST_JWT_INACTIVE',
  expired: 'FAST_JWT_EXPIRED',
  missingKey: 'FAST_JWT_MISSING_KEY',
  keyFetchingError: 'FAST_JWT_KEY_FETCHING_ERROR',
  verifyError: 'FAST_JWT_VERIFY_ERROR',
  missingRequiredClaim: 'FAST_JWT_MISSING_REQUIRED_CLAIM',
  missingSignature: 'FAST_JWT_MISSING_SIGNATURE',
  invalidCritHeader: 'FAST_JWT_INVALID_CRIT_HEADER',
})

// fast-jwt's error: `code` is one of `codes`; `cause` is ringjwt's error when there is one.
class TokenError extends Error {
  constructor(code, message, cause) {
    super(message, cause === undefined ? undefined : { cause })
    this.code = code
  }
}
TokenError.codes = codes

const BASE64URL = /^[A-Za-z0-9_-]*$/

const notBase64urlJson = (part) =>
  new TokenError(codes.malformed, `The token ${part} is not a valid base64url serialized JSON.`)

// A header or payload segment, parsed; `part` names it in the error.
function parseSegment(segment, part) {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    throw notBase64urlJson(part)
  }
}

// fast-jwt's decoder: its segment rules and its messages. `checkTyp` compares the header's `typ` as given.
function decodeComplete(token, checkTyp) {
  if (Buffer.isBuffer(token)) token = token.toString('utf8')
  else if (typeof token !== 'string') throw new TokenError(codes.invalidType, 'The token must be a string or a buffer.')
  const first = token.indexOf('.')
  const last = token.lastIndexOf('.')
  if (first === -1 || first >= last) throw new TokenError(codes.malformed, 'The token is malformed.')
  const parts = [token.slice(0, first), token.slice(first + 1, last), token.slice(last + 1)]
  // Every segment's alphabet is checked before any is parsed.
  if (!BASE64URL.test(parts[0])) throw notBase64urlJson('header')
  if (!BASE64URL.test(parts[1])) throw notBase64urlJson('payload')
  if (!BASE64URL.test(parts[2])) throw new TokenError(codes.invalidSignature, 'The token signature is invalid.')
  const header = parseSegment(parts[0], 'header')
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new TokenError(codes.malformed, 'The token header is not a valid JSON object.')
  }
  if (checkTyp && header.typ !== checkTyp) throw new TokenError(codes.invalidType, `The type must be "${checkTyp}".`)
  const payload = parseSegment(parts[1], 'payload')
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TokenError(codes.invalidPayload, 'The payload must be an object')
  }
  return { header, payload, signature: parts[2], input: token.slice(0, last), token }
}

function createDecoder(options = {}) {
  const { complete = false, checkTyp } = options ?? {}
  return function decode(token) {
    const decoded = decodeComplete(token, checkTyp)
    return complete
      ? { header: decoded.header, payload: decoded.payload, signature: decoded.signature, input: decoded.input }
      : decoded.payload
  }
}

// ---- keys and algorithms

function entryOf(read, key) {
  try {
    return read(key)
  } catch (err) {
    throw new TokenError(codes.invalidKey, err.message, err)
  }
}

const EC_BY_CURVE = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }

// The algorithm fast-jwt signs with when none is given: the key's own.
function privateKeyAlgorithm(entry) {
  if (entry.type === 'secret') return 'HS256'
  switch (entry.asymmetricKeyType) {
    case 'rsa':
      return 'RS256'
    case 'rsa-pss':
      return 'PS256'
    case 'ec':
      return EC_BY_CURVE[entry.curve] ?? 'ES256'
    default:
      return 'EdDSA'
  }
}

// ---- signing

function timespanOption(value, name) {
  const converted = typeof value === 'string' ? ms(value) : value
  if (typeof converted !== 'number' || Number.isNaN(converted) || (name === 'notBefore' && converted < 0)) {
    throw new TokenError(codes.invalidOption, `The ${name} option must be a positive number or a valid string.`)
  }
  return converted
}

function stringOption(options, name) {
  const value = options[name]
  if (value && typeof value !== 'string')
    throw new TokenError(codes.invalidOption, `The ${name} option must be a string.`)
  return value || undefined
}

function withoutUndefined(object) {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key]
  return object
}

// fast-jwt's createSigner. A key function makes an asynchronous signer: `key({ header, payload }, callback)`
// (or a promise) gives the key for each token, and the signer returns a promise or calls `callback`.
function createSigner(options = {}) {
  let { key, algorithm, noTimestamp, mutatePayload, clockTimestamp, expiresIn, notBefore, header } = options
  if (algorithm === 'none') throw new TokenError(codes.invalidOption, 'ringjwt does not sign unsigned tokens.')
  if (
    !key ||
    (typeof key !== 'string' && !Buffer.isBuffer(key) && typeof key !== 'function' && typeof key !== 'object')
  ) {
    throw new TokenError(
      codes.invalidOption,
      'The key option must be a string, a buffer, an object containing key/passphrase properties or a function returning the algorithm secret or private key.',
    )
  }
  if (expiresIn || Number.isNaN(expiresIn)) expiresIn = timespanOption(expiresIn, 'expiresIn')
  if (notBefore || Number.isNaN(notBefore)) notBefore = timespanOption(notBefore, 'notBefore')
  assertNumber(clockTimestamp, 'clockTimestamp')
  const fixed = {}
  for (const name of ['jti', 'aud', 'iss', 'sub', 'nonce']) {
    if (name === 'aud') {
      const aud = options.aud
      if (aud && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
        throw new TokenError(codes.invalidOption, 'The aud option must be a string or an array of strings.')
      }
      fixed.aud = aud || undefined
    } else {
      fixed[name] = stringOption(options, name)
    }
  }
  const kid = stringOption(options, 'kid')
  const typ = stringOption(options, 'typ')
  if (header !== undefined && header !== null && typeof header !== 'object') {
    throw new TokenError(codes.invalidOption, 'The header option must be an object.')
  }
  const headerFields = withoutUndefined({ typ: typ || 'JWT', kid, ...header })

  function claims(payload) {
    if (payload === null || typeof payload !== 'object') {
      throw new TokenError(codes.invalidType, 'The payload must be an object.')
    }
    if (payload.exp && (!Number.isInteger(payload.exp) || payload.exp < 0)) {
      throw new TokenError(codes.invalidClaimValue, 'The exp claim must be a positive integer.')
    }
    if (payload.nbf && (!Number.isInteger(payload.nbf) || payload.nbf < 0)) {
      throw new TokenError(codes.invalidClaimValue, 'The nbf claim must be a positive integer.')
    }
    const iat = payload.iat !== undefined ? payload.iat * 1000 : (clockTimestamp ?? Date.now())
    const final = withoutUndefined({
      ...payload,
      ...withoutUndefined({ ...fixed }),
      iat: noTimestamp ? undefined : Math.floor(iat / 1000),
      exp: Number.isFinite(expiresIn) ? Math.floor((iat + expiresIn) / 1000) : payload.exp || undefined,
      nbf: Number.isFinite(notBefore) ? Math.floor((iat + notBefore) / 1000) : payload.nbf || undefined,
    })
    if (mutatePayload) Object.assign(payload, final)
    return final
  }

  function signerFor(keyValue) {
    const entry = entryOf(signingKey, keyValue)
    const alg = algorithm ?? privateKeyAlgorithm(entry)
    try {
      return compiled.createSigner({ key: keyValue, algorithm: alg, noTimestamp: !!noTimestamp, header: headerFields })
    } catch (err) {
      if (err.code === 'ERR_JWT_INVALID_OPTION') throw new TokenError(codes.invalidOption, err.message, err)
      throw new TokenError(codes.invalidKey, `Invalid private key provided for algorithm ${alg}.`, err)
    }
  }

  function signWith(signer, payload) {
    try {
      return signer.sign(payload)
    } catch (err) {
      if (err instanceof TokenError) throw err
      throw new TokenError(codes.invalidClaimValue, err.message, err)
    }
  }

  if (typeof key !== 'function') {
    const signer = signerFor(key)
    return (payload) => signWith(signer, claims(payload))
  }
  return function signAsync(payload, callback) {
    const final = claims(payload)
    const promise = keyFrom(key, { header: { alg: algorithm, ...headerFields }, payload }).then((resolved) =>
      signWith(signerFor(resolved), final),
    )
    return settle(promise, callback)
  }
}

// A key function called fast-jwt's way: `(decoded, callback)`, or returning a promise. A failure is fast-jwt's.
function keyFrom(keyFunction, decoded) {
  return new Promise((resolve, reject) => {
    const done = (err, value) => (err ? reject(err) : resolve(value))
    const result = keyFunction(decoded, done)
    if (result && typeof result.then === 'function') result.then((value) => resolve(value), done)
  }).then(
    (value) => {
      if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
        throw new TokenError(
          codes.keyFetchingError,
          'The key returned from the callback must be a string or a buffer containing a secret or a public key.',
        )
      }
      return value
    },
    (err) => {
      throw err instanceof TokenError ? err : new TokenError(codes.keyFetchingError, 'Cannot fetch key.', err)
    },
  )
}

function settle(promise, callback) {
  if (typeof callback !== 'function') return promise
  promise.then(
    (value) => callback(null, value),
    (err) => callback(err),
  )
  return undefined
}

// ---- verifying

// The claims fast-jwt checks, in its order, with its messages: what a token that ringjwt refused is told.
const STRING_CLAIMS = [
  ['allowedJti', 'jti', false],
  ['allowedAud', 'aud', true],
  ['allowedIss', 'iss', false],
  ['allowedSub', 'sub', false],
  ['allowedNonce', 'nonce', false],
]

function matchers(allowed) {
  return (Array.isArray(allowed) ? allowed : [allowed])
    .filter((a) => a)
    .map((a) => {
      if (a instanceof RegExp) {
        return (value) => {
          try {
            a.lastIndex = 0
          } catch {
            // A frozen RegExp keeps its lastIndex; test() still decides.
          }
          return a.test(value)
        }
      }
      if (typeof a.test === 'function') return (value) => a.test(value)
      return (value) => value === a
    })
}

function claimTypeError(claim, allowArray, isArray, type) {
  const message = allowArray
    ? `The ${claim} claim must be a ${type} or an array of ${type}s.`
    : `The ${claim} claim must be a ${type}.`
  return new TokenError(isArray && !allowArray ? codes.invalidClaimValue : codes.invalidClaimType, message)
}

function stringClaimError(payload, claim, allowArray, allowed) {
  if (!(claim in payload)) return null
  const value = payload[claim]
  const isArray = Array.isArray(value)
  const values = isArray ? value : [value]
  if ((isArray && !allowArray) || values.some((v) => typeof v !== 'string')) {
    return claimTypeError(claim, allowArray, isArray, 'string')
  }
  if (!values.some((v) => allowed.some((test) => test(v)))) {
    return new TokenError(
      codes.invalidClaimValue,
      isArray ? `None of ${claim} claim values are allowed.` : `The ${claim} claim value is not allowed.`,
    )
  }
  return null
}

function dateClaimError(payload, claim, adjust, greater, code, verb, now) {
  if (!(claim in payload)) return null
  const value = payload[claim]
  if (typeof value !== 'number') return claimTypeError(claim, false, Array.isArray(value), 'number')
  const adjusted = value * 1000 + adjust
  if (greater ? now >= adjusted : now <= adjusted) return null
  return new TokenError(code, `The token ${verb} at ${new Date(adjusted).toISOString()}.`)
}

// The fast-jwt claim options a native verifier takes: strings (and for `aud` RegExps, for `iss` lists of strings).
function isNativeClaim(option, value) {
  if (!value) return true
  if (typeof value === 'string') return true
  const list = Array.isArray(value) ? value : [value]
  if (option === 'allowedAud') return list.every((a) => !a || typeof a === 'string' || a instanceof RegExp)
  if (option === 'allowedIss') return Array.isArray(value) && list.every((a) => !a || typeof a === 'string')
  return false
}

const NATIVE_CLAIM = {
  allowedJti: 'jwtid',
  allowedAud: 'audience',
  allowedIss: 'issuer',
  allowedSub: 'subject',
  allowedNonce: 'nonce',
}

// Lists (for `aud` and `iss` only, see isNativeClaim) without fast-jwt's ignored empty entries.
const nativeClaimValue = (value) => (Array.isArray(value) ? value.filter((a) => a) : value)

// fast-jwt's check of clockTimestamp and clockTolerance, with its message.
function assertNumber(value, name) {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new TokenError(codes.invalidOption, `The ${name} option must be a finite, non-negative number.`)
  }
}

// fast-jwt's `allowedCritHeaders` names the extensions the app understands, which a token may then list in `crit`.
// ringjwt implements none and refuses every token with `crit`, so it cannot honour a name: a list with one is
// refused here rather than ignored (a token listing it would fail anyway). An empty list is fast-jwt's default.
// `cacheKeyBuilder` is taken and not used: ringjwt's cache keys by the whole token.
function assertCritHeaders(value) {
  if (value === undefined) return
  if (!Array.isArray(value) || value.some((h) => typeof h !== 'string' || h.length === 0)) {
    throw new TokenError(codes.invalidOption, 'The allowedCritHeaders option must be an array of strings.')
  }
  if (value.length > 0) {
    throw new TokenError(
      codes.invalidOption,
      `The allowedCritHeaders option cannot be honoured: ringjwt implements no crit extension, and refuses every token whose header has crit (got ${JSON.stringify(value)}).`,
    )
  }
}

// fast-jwt's createVerifier. A key function makes an asynchronous verifier, as in fast-jwt.
function createVerifier(options = {}) {
  const {
    key,
    algorithms,
    complete = false,
    cache,
    cacheTTL = 600_000,
    errorCacheTTL = -1,
    checkTyp,
    clockTimestamp,
    clockTolerance = 0,
    ignoreExpiration = false,
    ignoreNotBefore = false,
    maxAge,
    requiredClaims,
  } = options
  assertNumber(clockTimestamp, 'clockTimestamp')
  assertNumber(clockTolerance, 'clockTolerance')
  if (typeof cacheTTL !== 'number' || Number.isNaN(cacheTTL) || cacheTTL < 0) {
    throw new TokenError(codes.invalidOption, 'The cacheTTL option must be a non-negative number.')
  }
  if (requiredClaims && !Array.isArray(requiredClaims)) {
    throw new TokenError(codes.invalidOption, 'The requiredClaims option must be an array.')
  }
  assertCritHeaders(options.allowedCritHeaders)
  if (typeof key !== 'string' && typeof key !== 'object' && typeof key !== 'function') {
    throw new TokenError(
      codes.invalidOption,
      'The key option must be a string, a buffer or a function returning the algorithm secret or public key.',
    )
  }
  if (!key && typeof key !== 'function') {
    throw new TokenError(codes.invalidKey, 'The key option is required unless the only allowed algorithm is "none".')
  }
  const normalizedTyp = checkTyp ? checkTyp.toLowerCase().replace(/^application\//, '') : null

  // The options the native verifier takes; the string claims the options name, in fast-jwt's order, for the checks
  // only JS does (a RegExp issuer, a list of subjects) and for fast-jwt's claim types and messages.
  const policy = { ignoreExpiration: !!ignoreExpiration, ignoreNotBefore: !!ignoreNotBefore }
  if (clockTolerance) policy.clockTolerance = clockTolerance / 1000
  const stringClaims = []
  for (const [option, claim, allowArray] of STRING_CLAIMS) {
    const value = options[option]
    if (!value || (Array.isArray(value) && value.filter((a) => a).length === 0)) continue
    if (isNativeClaim(option, value)) policy[NATIVE_CLAIM[option]] = nativeClaimValue(value)
    stringClaims.push([claim, allowArray, matchers(value)])
  }
  if (cache) {
    const size = parseInt(cache === true ? 1000 : cache, 10)
    if (size > 0 && cacheTTL > 0) {
      Object.assign(policy, {
        cache: size,
        cacheTTL,
        cacheErrors: typeof errorCacheTTL === 'function' || errorCacheTTL >= 0,
      })
    }
  }

  const now = () => clockTimestamp || Date.now()

  // The fast-jwt error for a token ringjwt refused.
  function refusal(err, decoded, allowed) {
    if (!isTokenFault(err)) return err
    const { header } = decoded
    switch (err.code) {
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
      case 'ERR_KEY_TYPE_MISMATCH':
      case 'ERR_JWS_UNSIGNED_NOT_ALLOWED':
        return new TokenError(codes.invalidAlgorithm, 'The token algorithm is invalid.', err)
      case 'ERR_JWS_SIGNATURE_INVALID':
        // fast-jwt cannot convert an ECDSA signature of the wrong length and says so.
        if (ECDSA_SIGNATURE_BYTES[header.alg] !== undefined) {
          const bytes = Buffer.from(decoded.signature, 'base64url').length
          if (bytes !== ECDSA_SIGNATURE_BYTES[header.alg]) {
            return new TokenError(codes.verifyError, 'Cannot verify the signature.', err)
          }
        }
        return new TokenError(codes.invalidSignature, 'The token signature is invalid.', err)
      case 'ERR_JWS_SIGNATURE_REQUIRED':
        return new TokenError(codes.missingSignature, 'The token signature is missing.', err)
      case 'ERR_JWS_CRIT_INVALID':
      case 'ERR_JWS_CRIT_UNSUPPORTED':
        return new TokenError(codes.invalidCritHeader, critMessage(header.crit), err)
      case 'ERR_JWT_EXPIRED':
      case 'ERR_JWT_NOT_ACTIVE':
      case 'ERR_JWT_CLAIM_INVALID':
      case 'ERR_JWT_AUDIENCE_INVALID':
      case 'ERR_JWT_ISSUER_INVALID':
      case 'ERR_JWT_SUBJECT_INVALID':
      case 'ERR_JWT_JWTID_INVALID':
      case 'ERR_JWT_NONCE_INVALID':
        return claimRefusal(err, decoded)
      default:
        if (allowed !== null && !allowed.includes(header.alg)) {
          return new TokenError(codes.invalidAlgorithm, 'The token algorithm is invalid.', err)
        }
        return new TokenError(codes.malformed, 'The token is malformed.', err)
    }
  }

  // fast-jwt's claim checks, in its order, find what it would have said; what it lets through and ringjwt does not
  // (a claim the options expect that the token lacks) is told as a missing required claim.
  function claimRefusal(err, decoded) {
    const { payload } = decoded
    const t = now()
    const tolerance = clockTolerance
    const found =
      typeAndRequiredError(decoded) ??
      (ignoreNotBefore
        ? null
        : dateClaimError(payload, 'nbf', -tolerance, true, codes.inactive, 'will be active', t)) ??
      (ignoreExpiration ? null : dateClaimError(payload, 'exp', tolerance, false, codes.expired, 'has expired', t)) ??
      (typeof maxAge === 'number'
        ? dateClaimError(payload, 'iat', maxAge, false, codes.expired, 'has expired', t)
        : null) ??
      stringClaimsError(payload, false)
    if (found !== null) {
      found.cause = err
      return found
    }
    const claim = MISSING_CLAIM[err.code]
    if (err.code === 'ERR_JWT_EXPIRED') {
      const at = err.expiredAt instanceof Date ? err.expiredAt : new Date(t)
      return new TokenError(codes.expired, `The token has expired at ${at.toISOString()}.`, err)
    }
    if (err.code === 'ERR_JWT_NOT_ACTIVE') {
      const at = err.date instanceof Date ? err.date : new Date(t)
      return new TokenError(codes.inactive, `The token will be active at ${at.toISOString()}.`, err)
    }
    const name = claim ?? 'exp'
    if (!(name in payload)) return new TokenError(codes.missingRequiredClaim, `The ${name} claim is required.`, err)
    return new TokenError(codes.invalidClaimValue, `The ${name} claim value is not allowed.`, err)
  }

  // `checkTyp` and `requiredClaims`, which fast-jwt checks before the claim values.
  function typeAndRequiredError({ header, payload }) {
    if (
      normalizedTyp &&
      (typeof header.typ !== 'string' || normalizedTyp !== header.typ.toLowerCase().replace(/^application\//, ''))
    ) {
      return new TokenError(codes.invalidType, 'Invalid typ.')
    }
    for (const claim of requiredClaims ?? []) {
      if (!(claim in payload)) return new TokenError(codes.missingRequiredClaim, `The ${claim} claim is required.`)
    }
    return null
  }

  // fast-jwt's verdict on the string claims; a claim the token lacks is refused (fast-jwt skips it).
  function stringClaimsError(payload, requirePresence) {
    for (const [claim, allowArray, allowed] of stringClaims) {
      if (!(claim in payload)) {
        if (requirePresence) return new TokenError(codes.missingRequiredClaim, `The ${claim} claim is required.`)
        continue
      }
      const found = stringClaimError(payload, claim, allowArray, allowed)
      if (found !== null) return found
    }
    return null
  }

  // What fast-jwt checks after the signature that the native verifier was not asked to, in fast-jwt's order. `maxAge`
  // is here: fast-jwt counts it in milliseconds (a `maxAge` of 0 refuses a token issued before this millisecond).
  function afterNative(decoded) {
    const { payload } = decoded
    const failed = typeAndRequiredError(decoded)
    if (failed !== null) throw failed
    if (typeof maxAge === 'number') {
      if (!('iat' in payload)) throw new TokenError(codes.missingRequiredClaim, 'The iat claim is required.')
      const found = dateClaimError(payload, 'iat', maxAge, false, codes.expired, 'has expired', now())
      if (found !== null) throw found
    }
    const found = stringClaimsError(payload, true)
    if (found !== null) throw found
  }

  function verifierFor(keyValue, keyAlgorithms) {
    // `complete`: the header and payload come back parsed with the verdict, read once.
    const nativeOptions = { ...policy, key: keyValue, algorithms: keyAlgorithms, complete: true }
    if (clockTimestamp) nativeOptions.clockTimestamp = Math.floor(clockTimestamp / 1000)
    try {
      return compiled.createVerifier(nativeOptions)
    } catch (err) {
      if (err.code === 'ERR_JWT_INVALID_OPTION') throw new TokenError(codes.invalidOption, err.message, err)
      throw new TokenError(codes.invalidKey, err.message, err)
    }
  }

  // The algorithms for a key: those given, which must fit the key, or those the key serves.
  function algorithmsFor(keyValue) {
    const entry = entryOf(verifyingKey, keyValue)
    const served = defaultAlgorithms(entry)
    if (!Array.isArray(algorithms) || algorithms.length === 0) return served
    if (algorithms.every((alg) => HS_ALGS.includes(alg)) && entry.type === 'secret') return algorithms
    if (!algorithms.some((alg) => served.includes(alg))) {
      throw new TokenError(codes.invalidKey, `Invalid public key provided for algorithms ${algorithms.join(', ')}.`)
    }
    return algorithms
  }

  // A token the native verifier accepts, with the header and payload it read: it checked everything the decoder
  // checks but the payload's kind. A token it refuses, or whose payload is not an object, goes the decoder's way
  // (verified again), so that the refusals and their order stay fast-jwt's.
  function verifiedFirst(verifier, token) {
    if (typeof token !== 'string') return null
    let result
    try {
      result = verifier.verify(token)
    } catch {
      return null
    }
    const { header, payload } = result
    // A payload that is a JSON string holding claims is not an object to fast-jwt's decoder.
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !payloadOpensObject(token)) {
      return null
    }
    const last = token.lastIndexOf('.')
    return { header, payload, signature: token.slice(last + 1), input: token.slice(0, last), token }
  }

  function run(verifier, allowed, token, whole) {
    let decoded = verifiedFirst(verifier, token)
    let payload
    if (decoded !== null) {
      payload = decoded.payload
    } else {
      decoded = decodeComplete(token)
      if (!decoded.signature) throw new TokenError(codes.missingSignature, 'The token signature is missing.')
      if (!allowed.includes(decoded.header.alg))
        throw new TokenError(codes.invalidAlgorithm, 'The token algorithm is invalid.')
      try {
        payload = verifier.verify(decoded.token).payload
      } catch (err) {
        throw refusal(err, decoded, allowed)
      }
    }
    afterNative(decoded)
    return whole ? { header: decoded.header, payload, signature: decoded.signature, input: decoded.input } : payload
  }

  if (typeof key !== 'function') {
    const allowed = algorithmsFor(key)
    const verifier = verifierFor(key, allowed)
    const verify = (token) => run(verifier, allowed, token, complete)
    verify[COMPLETE] = (token) => run(verifier, allowed, token, true)
    return verify
  }
  const verifyAsync = (token, callback) => verifyWithKeyFunction(token, callback, complete)
  verifyAsync[COMPLETE] = (token, callback) => verifyWithKeyFunction(token, callback, true)
  return verifyAsync

  function verifyWithKeyFunction(token, callback, whole) {
    let decoded
    try {
      decoded = decodeComplete(token)
    } catch (err) {
      return settle(Promise.reject(err), callback)
    }
    const promise = keyFrom(key, {
      header: decoded.header,
      payload: decoded.payload,
      signature: decoded.signature,
    }).then((resolved) => {
      const allowed = algorithmsFor(resolved)
      return run(verifierFor(resolved, allowed), allowed, token, whole)
    })
    return settle(promise, callback)
  }
}

const ECDSA_SIGNATURE_BYTES = { ES256: 64, ES384: 96, ES512: 132 }

const MISSING_CLAIM = {
  ERR_JWT_AUDIENCE_INVALID: 'aud',
  ERR_JWT_ISSUER_INVALID: 'iss',
  ERR_JWT_SUBJECT_INVALID: 'sub',
  ERR_JWT_JWTID_INVALID: 'jti',
  ERR_JWT_NONCE_INVALID: 'nonce',
}

const REGISTERED_HEADERS = ['alg', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'typ', 'cty', 'crit']

// fast-jwt's message for a `crit` header (it understands no extension unless told; ringjwt understands none).
function critMessage(crit) {
  if (!Array.isArray(crit) || crit.length === 0) return 'The crit header must be a non-empty array.'
  const seen = new Set()
  for (const ext of crit) {
    if (typeof ext !== 'string') return 'Each crit entry must be a string.'
    if (REGISTERED_HEADERS.includes(ext)) {
      return `The crit header must not contain the standard header parameter name "${ext}".`
    }
    if (seen.has(ext)) return `Duplicate entry "${ext}" in crit header.`
    seen.add(ext)
    return `Critical extension "${ext}" is not supported.`
  }
  return 'The crit header must be a non-empty array.'
}

module.exports = { TokenError, createSigner, createVerifier, createDecoder }
