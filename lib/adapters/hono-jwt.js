'use strict'
// hono/jwt's token functions (`sign`, `verify`, `decode`, `verifyWithJwks`) and error classes, with the signatures
// made and checked by ringjwt. Hono's order of checks, its claim rules and its messages are kept, so code written
// against hono/jwt sees the same results; the error classes add ringjwt's `code`. The clock is Date.now().

const { signAsync } = require('../sign')
const { verifyAsync } = require('../verify')
const { decode: decodeToken, payloadOpensObject, partJson } = require('../decode')
const { createLocalJwks, createRemoteJwks, SET_FAULT } = require('../jwks')
const { JsonWebTokenError, optionError } = require('../errors')
const { keyFor } = require('./hono-keys')
const { boundedMap } = require('../bounded-map')
const { COMPLETE } = require('./core')

const AlgorithmTypes = Object.freeze({
  HS256: 'HS256',
  HS384: 'HS384',
  HS512: 'HS512',
  RS256: 'RS256',
  RS384: 'RS384',
  RS512: 'RS512',
  PS256: 'PS256',
  PS384: 'PS384',
  PS512: 'PS512',
  ES256: 'ES256',
  ES384: 'ES384',
  ES512: 'ES512',
  EdDSA: 'EdDSA',
})
const ALGORITHMS = Object.values(AlgorithmTypes)
const SYMMETRIC = ['HS256', 'HS384', 'HS512']

// ─── Error classes: hono's names, constructor arguments and messages, with a ringjwt `code` ──────────────────

// `code` is not enumerable: hono's errors compare equal (and print) as `name` and `message` only, and so do these.
function withCode(err, code) {
  Object.defineProperty(err, 'code', { value: code, enumerable: false, writable: true, configurable: true })
  return err
}

function errorClass(name, code, message) {
  const ErrorClass = class extends JsonWebTokenError {
    constructor(...args) {
      super(message(...args), undefined, code)
      this.name = name
      withCode(this, code)
    }
  }
  Object.defineProperty(ErrorClass, 'name', { value: name })
  return ErrorClass
}

const JwtAlgorithmNotImplemented = errorClass(
  'JwtAlgorithmNotImplemented',
  'ERR_JWT_INVALID_OPTION',
  (alg) => `${alg} is not an implemented algorithm`,
)
const JwtAlgorithmRequired = errorClass(
  'JwtAlgorithmRequired',
  'ERR_JWT_INVALID_OPTION',
  () => 'JWT verification requires "alg" option to be specified',
)
const JwtAlgorithmMismatch = errorClass(
  'JwtAlgorithmMismatch',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  (expected, actual) => `JWT algorithm mismatch: expected "${expected}", got "${actual}"`,
)
// hono names the token it refuses. What has not even the shape of one (no dot, or characters no token has: a PEM, a
// secret given in the token's place) is described instead, so that a key never reaches a message.
const TOKEN_SHAPED = /^[A-Za-z0-9_=-]*(?:\.[A-Za-z0-9_=-]*)+$/
const JwtTokenInvalid = errorClass('JwtTokenInvalid', 'ERR_JWT_MALFORMED', (token) =>
  typeof token === 'string' && !TOKEN_SHAPED.test(token)
    ? `invalid JWT token: (${token.length} characters that are not a JWT)`
    : `invalid JWT token: ${token}`,
)
const JwtTokenNotBefore = errorClass(
  'JwtTokenNotBefore',
  'ERR_JWT_NOT_ACTIVE',
  (token) => `token (${token}) is being used before it's valid`,
)
const JwtTokenExpired = errorClass('JwtTokenExpired', 'ERR_JWT_EXPIRED', (token) => `token (${token}) expired`)
const JwtTokenIssuedAt = errorClass(
  'JwtTokenIssuedAt',
  'ERR_JWT_ISSUED_IN_FUTURE',
  (now, iat) => `Invalid "iat" claim, must be a valid number lower than "${now}" (iat: "${iat}")`,
)
const JwtTokenIssuer = errorClass(
  'JwtTokenIssuer',
  'ERR_JWT_ISSUER_INVALID',
  (expected, iss) => `expected issuer "${expected}", got ${iss ? `"${iss}"` : 'none'} `,
)
const JwtHeaderInvalid = errorClass(
  'JwtHeaderInvalid',
  'ERR_JWT_HEADER_INVALID',
  (header) => `jwt header is invalid: ${JSON.stringify(header)}`,
)
const JwtHeaderRequiresKid = errorClass(
  'JwtHeaderRequiresKid',
  'ERR_JWT_HEADER_INVALID',
  (header) => `required "kid" in jwt header: ${JSON.stringify(header)}`,
)
const JwtSymmetricAlgorithmNotAllowed = errorClass(
  'JwtSymmetricAlgorithmNotAllowed',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  (alg) => `symmetric algorithm "${alg}" is not allowed for JWK verification`,
)
const JwtAlgorithmNotAllowed = errorClass(
  'JwtAlgorithmNotAllowed',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  (alg, allowed) => `algorithm "${alg}" is not in the allowed list: [${allowed.join(', ')}]`,
)
const JwtTokenSignatureMismatched = errorClass(
  'JwtTokenSignatureMismatched',
  'ERR_JWS_SIGNATURE_INVALID',
  (token) => `token(${token}) signature mismatched`,
)
const JwtPayloadRequiresAud = errorClass(
  'JwtPayloadRequiresAud',
  'ERR_JWT_AUDIENCE_INVALID',
  (payload) => `required "aud" in jwt payload: ${JSON.stringify(payload)}`,
)
const JwtTokenAudience = errorClass(
  'JwtTokenAudience',
  'ERR_JWT_AUDIENCE_INVALID',
  (expected, aud) => `expected audience "${Array.isArray(expected) ? expected.join(', ') : expected}", got "${aud}"`,
)

// ─── Tokens ───────────────────────────────────────────────────────────────────────────────────────────────────

function notString() {
  const err = new TypeError('jwt must be a string')
  err.code = 'ERR_JWT_NOT_STRING'
  return err
}

// hono's decode: three parts whose header and payload are base64url JSON. The parts are decoded in Rust, which
// refuses what is not UTF-8 and a header that is not a JSON object.
function decodeParts(token) {
  if (typeof token !== 'string') throw notString()
  if (token.split('.').length !== 3) throw new JwtTokenInvalid(token)
  const decoded = decodeToken(token, { complete: true, json: true })
  if (decoded === null) throw new JwtTokenInvalid(token)
  // hono parses the payload once: a JSON string stays that string, where ringjwt, as jsonwebtoken, reads the
  // claims object a string holds.
  if (!payloadOpensObject(token)) decoded.payload = jsonPart(token, 1)
  return decoded
}

function decode(token) {
  const { header, payload } = decodeParts(token)
  return { header, payload }
}

function decodeHeader(token) {
  return decodeParts(token).header
}

// verify's decoding: a header that is JSON but not an object (`[1]`, `null`) is hono's JwtHeaderInvalid.
function decodeForVerify(token) {
  try {
    return decodeParts(token)
  } catch (err) {
    if (!(err instanceof JwtTokenInvalid)) throw err
    const header = jsonPart(token, 0)
    const notAnObject = typeof header !== 'object' || header === null || Array.isArray(header)
    if (header !== undefined && notAnObject && jsonPart(token, 1) !== undefined) {
      throw new JwtHeaderInvalid(header)
    }
    throw err
  }
}

function jsonPart(token, index) {
  try {
    return partJson(token, index)
  } catch {
    return undefined
  }
}

const normalizeTyp = (typ) => typ.toLowerCase().replace(/^application\//, '')
const isTyp = (value, expected) =>
  typeof value === 'string' &&
  (value === expected || [expected].flat().some((typ) => normalizeTyp(typ) === normalizeTyp(value)))

// hono's header rule: a known `alg`, the expected `typ` (by default `JWT` or none), and no `crit`.
function isTokenHeader(header, typ) {
  if (typeof header !== 'object' || header === null) return false
  return (
    'alg' in header &&
    ALGORITHMS.includes(header.alg) &&
    (typ === undefined ? !('typ' in header) || isTyp(header.typ, 'JWT') : isTyp(header.typ, typ)) &&
    !('crit' in header)
  )
}

const isTime = (value) => typeof value === 'number' && Number.isFinite(value)

// hono's claim checks, in its order and before the signature: `nbf`, `exp`, `iat` (none in the future), `iss`, `aud`.
function checkClaims(token, payload, { nbf, exp, iat, iss, aud }, now) {
  if (nbf && payload.nbf !== undefined) {
    if (!isTime(payload.nbf)) throw withCode(new JwtTokenNotBefore(token), 'ERR_JWT_CLAIM_INVALID')
    if (payload.nbf > now) throw new JwtTokenNotBefore(token)
  }
  if (exp && payload.exp !== undefined) {
    if (!isTime(payload.exp)) throw withCode(new JwtTokenExpired(token), 'ERR_JWT_CLAIM_INVALID')
    if (payload.exp <= now) throw new JwtTokenExpired(token)
  }
  if (iat && payload.iat !== undefined) {
    if (!isTime(payload.iat)) throw withCode(new JwtTokenIssuedAt(now, payload.iat), 'ERR_JWT_CLAIM_INVALID')
    if (now < payload.iat) throw new JwtTokenIssuedAt(now, payload.iat)
  }
  if (iss) {
    if (!payload.iss) throw new JwtTokenIssuer(iss, null)
    if (typeof iss === 'string' && payload.iss !== iss) throw new JwtTokenIssuer(iss, payload.iss)
    if (iss instanceof RegExp && !iss.test(payload.iss)) throw new JwtTokenIssuer(iss, payload.iss)
  }
  if (aud) {
    if (!payload.aud) throw new JwtPayloadRequiresAud(payload)
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    const matches = (value) =>
      aud instanceof RegExp
        ? aud.test(value)
        : typeof aud === 'string'
          ? value === aud
          : Array.isArray(aud) && aud.includes(value)
    if (!audiences.some(matches)) throw new JwtTokenAudience(aud, payload.aud)
  }
}

// What ringjwt's signature check reports, as hono's classes; key errors keep ringjwt's class and code.
function fromSignatureCheck(err, token) {
  switch (err?.code) {
    case 'ERR_JWS_SIGNATURE_INVALID':
    case 'ERR_JWS_SIGNATURE_REQUIRED':
      return new JwtTokenSignatureMismatched(token)
    case 'ERR_JWT_MALFORMED':
    case 'ERR_JWT_INVALID_UTF8':
    case 'ERR_JWT_HEADER_INVALID':
      return withCode(new JwtTokenInvalid(token), err.code)
    default:
      return err
  }
}

// `sign(payload, 'HS256', secret)`: an algorithm's name where the key goes is the key and the algorithm given in each
// other's place. Said so, before a message would name the key as an algorithm.
function checkNotSwapped(key, call) {
  if (typeof key === 'string' && ALGORITHMS.includes(key)) {
    throw optionError(`${call}: "${key}" is given as the key; the algorithm comes after the key`)
  }
}

// `form` COMPLETE (ringjwt/hono's middleware): the verified `{ header, payload, signature }`, not the payload. A
// default, so that `verify.length` is hono's 3.
async function verify(token, publicKey, algOrOptions, form = undefined) {
  checkNotSwapped(publicKey, 'verify(token, key, alg)')
  if (!algOrOptions) throw new JwtAlgorithmRequired()
  const options = typeof algOrOptions === 'string' ? { alg: algOrOptions } : algOrOptions
  const { alg, iss, nbf = true, exp = true, iat = true, aud, typ } = options
  if (!alg) throw new JwtAlgorithmRequired()
  const now = Math.floor(Date.now() / 1000)
  // ringjwt checks the key against the algorithm and the signature (asymmetric ones on the thread pool) in the
  // same pass that decodes the token; the time claims are left to hono's rules below.
  let verified
  let failure
  try {
    verified = await verifyAsync(token, keyFor(publicKey, alg, 'verify'), {
      algorithms: [alg],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      clockTimestamp: now,
      complete: true,
    })
  } catch (err) {
    failure = err
  }
  // hono's checks in hono's order, all before the signature: a token that fails one of them and the signature too
  // reports what hono reports. A payload that is not a JSON object is decoded as hono decodes it.
  const decoded = verified !== undefined && payloadOpensObject(token) ? verified : decodeForVerify(token)
  const { header, payload, signature } = decoded
  if (!isTokenHeader(header, typ)) throw new JwtHeaderInvalid(header)
  if (header.alg !== alg) throw new JwtAlgorithmMismatch(alg, header.alg)
  checkClaims(token, payload, { nbf, exp, iat, iss, aud }, now)
  // hono reads the signature as canonical base64url only.
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) throw new JwtTokenInvalid(token)
  if (failure !== undefined) throw fromSignatureCheck(failure, token)
  return form === COMPLETE ? { header, payload, signature } : payload
}

async function sign(payload, privateKey, alg = 'HS256') {
  checkNotSwapped(privateKey, 'sign(payload, key, alg)')
  // hono's token layout: JSON.stringify of the payload as it is (no `iat` added), a header of `alg`, `typ` and,
  // for a JWK with an `alg`, that algorithm and the JWK's `kid`.
  const payloadText = JSON.stringify(payload) ?? ''
  let kid
  if (typeof privateKey === 'object' && 'alg' in privateKey) {
    alg = privateKey.alg
    kid = privateKey.kid
  }
  if (!ALGORITHMS.includes(alg)) throw new JwtAlgorithmNotImplemented(alg)
  return signAsync(payloadText, keyFor(privateKey, alg, 'sign'), { algorithm: alg, header: { typ: 'JWT', kid } })
}

// ─── JWK Sets ─────────────────────────────────────────────────────────────────────────────────────────────────

// A `keys` array is parsed into a ringjwt set once per JSON text: hono's `keys` may be a function that returns a
// new array on each request, and equal arrays share one set, whose keys node:crypto has read already. The last
// LOCAL_SET_LIMIT texts are kept, the least recently used one dropped first.
const LOCAL_SET_LIMIT = 100
// LRU: a set dropped loses the keys it imported; a hit's refresh is nothing beside the JSON.stringify before it.
const localSets = boundedMap(LOCAL_SET_LIMIT, { refreshOnHit: true })

function localSet(keys) {
  const text = JSON.stringify(keys)
  let set = localSets.get(text)
  if (set === undefined) {
    set = createLocalJwks({ keys })
    localSets.set(text, set)
  }
  return set
}

// Remote sets through createRemoteJwks (cached, refetched on an unknown `kid`, bounded in time and size), one per
// URL and RequestInit. `init` goes to every request, as hono passes it to fetch. The last REMOTE_SET_LIMIT URLs used
// are kept (per RequestInit), the least recently used one dropped first.
const REMOTE_SET_LIMIT = 100
// LRU: a set dropped is fetched again over the network; a hit's refresh is nothing beside a token's verification.
const remoteSets = () => boundedMap(REMOTE_SET_LIMIT, { refreshOnHit: true })
const remoteSetsByInit = new WeakMap()
const remoteSetsWithoutInit = remoteSets()

function remoteSet(uri, init) {
  let sets = remoteSetsWithoutInit
  if (init !== undefined && init !== null) {
    sets = remoteSetsByInit.get(init)
    if (sets === undefined) remoteSetsByInit.set(init, (sets = remoteSets()))
  }
  let set = sets.get(uri)
  if (set === undefined) {
    const fetchSet = (target, request) =>
      globalThis.fetch(target, { ...init, signal: request.signal, redirect: init?.redirect ?? request.redirect })
    set = createRemoteJwks(uri, { fetch: fetchSet })
    sets.set(uri, set)
  }
  return set
}

// hono reports a JWK Set it cannot fetch or read as fetch and response.json() make it: an HTTP status other than 2xx,
// or `keys` missing or not an array, is a plain Error (which its `jwk` middleware lets through, as a 500); no
// connection is fetch's TypeError, a body that is not JSON a SyntaxError, and a key it cannot use a failure of its
// verify (each a 401). The same here, with ringjwt's code and its error as `cause`. A timeout is a failed fetch,
// and a response over the size limit a plain Error.
function remoteFailure(err, uri) {
  const failure = (Class, message) => Object.assign(new Class(message, { cause: err }), { code: err.code })
  const unread = `failed to fetch JWKS from ${uri}`
  if (err.code === 'ERR_JWKS_INVALID') {
    const fault = err[SET_FAULT]
    if (fault === 'keys-missing') return failure(Error, 'invalid JWKS response. "keys" field is missing')
    if (fault === 'keys-not-array') return failure(Error, 'invalid JWKS response. "keys" field is not an array')
    return failure(fault === 'body' ? SyntaxError : TypeError, `invalid JWKS response. ${err.message}`)
  }
  const status = err.code === 'ERR_JWKS_FETCH_FAILED' && err.inner === undefined
  return failure(status || err.code === 'ERR_JWKS_TOO_LARGE' ? Error : TypeError, unread)
}

const NO_KEY = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'])

async function jwksKey(token, header, keys, uri, init) {
  if (keys) {
    const named = keys.find((key) => key.kid === header.kid)
    if (named?.alg && named.alg !== header.alg) throw new JwtAlgorithmMismatch(named.alg, header.alg)
    try {
      return localSet(keys)(header)
    } catch (err) {
      if (!NO_KEY.has(err.code) || !uri) throw fromKeySelection(err, token)
    }
  }
  try {
    return await remoteSet(uri, init)(header)
  } catch (err) {
    throw err.code?.startsWith('ERR_JWKS_') && !NO_KEY.has(err.code)
      ? remoteFailure(err, uri)
      : fromKeySelection(err, token)
  }
}

function fromKeySelection(err, token) {
  return NO_KEY.has(err.code) ? withCode(new JwtTokenInvalid(token), err.code) : err
}

async function verifyWithJwks(token, options, init, form = undefined) {
  const verification = options.verification || {}
  const header = decodeHeader(token)
  if (!isTokenHeader(header, verification.typ)) throw new JwtHeaderInvalid(header)
  if (!header.kid) throw new JwtHeaderRequiresKid(header)
  if (SYMMETRIC.includes(header.alg)) throw new JwtSymmetricAlgorithmNotAllowed(header.alg)
  if (!options.allowedAlgorithms.includes(header.alg)) {
    throw new JwtAlgorithmNotAllowed(header.alg, options.allowedAlgorithms)
  }
  if (!options.keys && !options.jwks_uri) {
    throw new Error('verifyWithJwks requires options for either "keys" or "jwks_uri" or both')
  }
  const key = await jwksKey(token, header, options.keys, options.jwks_uri, init)
  return verify(token, key, { alg: header.alg, ...verification }, form)
}

const Jwt = Object.freeze({ sign, verify, decode, verifyWithJwks })

module.exports = {
  sign,
  verify,
  decode,
  decodeHeader,
  isTokenHeader,
  verifyWithJwks,
  Jwt,
  AlgorithmTypes,
  JwtAlgorithmNotImplemented,
  JwtAlgorithmRequired,
  JwtAlgorithmMismatch,
  JwtTokenInvalid,
  JwtTokenNotBefore,
  JwtTokenExpired,
  JwtTokenIssuedAt,
  JwtTokenIssuer,
  JwtHeaderInvalid,
  JwtHeaderRequiresKid,
  JwtSymmetricAlgorithmNotAllowed,
  JwtAlgorithmNotAllowed,
  JwtTokenSignatureMismatched,
  JwtPayloadRequiresAud,
  JwtTokenAudience,
}
