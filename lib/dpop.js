'use strict'
// DPoP (RFC 9449): proofs of possession of a key, one per request, that bind an access token to that key.
// verifyDpopProof() checks a proof: the native core runs the checks on the token itself (typ, algorithm, a public
// `jwk`, the signature, htm, the iat window, nonce, ath, the key binding); this layer compares `htu` as URLs
// (normalised by the WHATWG parser, RFC 9449 §4.3) and asks a replay cache whether the `jti` is new.
// createDpopProof() makes proofs for Node clients; calculateJwkThumbprint() is RFC 7638.

const crypto = require('node:crypto')
const native = require('./native')
const { sign } = require('./sign')
const { tokenError, optionError, fromNative } = require('./errors')

// Every asymmetric JWS algorithm: a proof is signed with the client's own key pair, never with a shared secret.
const ASYMMETRIC_ALGORITHMS = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
])
// How long (seconds) a proof is accepted after its `iat`, and before it for clocks that run ahead (RFC 9449 §11.1:
// a short window keeps the replay cache small and a captured proof short-lived).
const DEFAULT_MAX_AGE = 60
const DEFAULT_CLOCK_TOLERANCE = 0

const VERIFY_OPTIONS = [
  'htm',
  'htu',
  'accessToken',
  'jkt',
  'nonce',
  'algorithms',
  'maxAge',
  'clockTolerance',
  'clockTimestamp',
  'replayCache',
]

function checkOptionNames(options, allowed, where) {
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) throw optionError(`"${name}" is not allowed in "${where}"`)
  }
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function nonNegative(value, name, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw optionError(`"${name}" must be a number of seconds, 0 or more`)
  }
  return value
}

function optionalString(value, name) {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw optionError(`"${name}" must be a non-empty string`)
  }
  return value
}

// The form of a URL that `htu` is compared in (RFC 9449 §4.3, RFC 3986 §6.2.2): scheme and host lowercase, no
// default port, dot segments resolved, percent-encodings in upper case and those of unreserved characters decoded
// (`%7Euser` is `~user`), no query or fragment. null for what is not an http(s) URL.
function normaliseHtu(url) {
  if (typeof url !== 'string') return null
  let parsed
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  const path = parsed.pathname.includes('%')
    ? parsed.pathname.replace(PERCENT_ENCODED, percentNormalised)
    : parsed.pathname
  return `${parsed.protocol}//${parsed.host}${path}`
}

const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

function percentNormalised(_encoded, hex) {
  const char = String.fromCharCode(Number.parseInt(hex, 16))
  return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`
}

function requestHtu(htu) {
  const normalised = normaliseHtu(htu)
  if (normalised === null) throw optionError('"htu" must be an absolute http(s) URL')
  return normalised
}

function algorithmsOption(algorithms) {
  if (algorithms === undefined) return ASYMMETRIC_ALGORITHMS
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    // Array.from: every() skips the holes of a sparse array.
    !Array.from(algorithms).every((alg) => ASYMMETRIC_ALGORITHMS.includes(alg))
  ) {
    throw optionError(`"algorithms" must be a non-empty array of: ${ASYMMETRIC_ALGORITHMS.join(', ')}`)
  }
  return [...algorithms]
}

function replayCacheOption(cache) {
  if (cache === undefined) return null
  if (!isObject(cache) || typeof cache.remember !== 'function') {
    throw optionError('"replayCache" must be a replay cache: createDpopReplayCache() or createRedisDpopReplayCache()')
  }
  return cache
}

function nowSeconds(clockTimestamp) {
  if (clockTimestamp === undefined) return Date.now() / 1000
  if (typeof clockTimestamp !== 'number' || !Number.isFinite(clockTimestamp)) {
    throw optionError('"clockTimestamp" must be a number')
  }
  return clockTimestamp
}

// A proof checker with its options read once: { algorithms, maxAge, clockTolerance, replayCache }. `check` takes
// what one request expects ({ htm, htu (normalised), accessToken, jkt, nonces, now }) and returns the verified
// proof, or a promise of it when the replay cache answers with one.
function createProofChecker(options = {}) {
  const algorithms = algorithmsOption(options.algorithms)
  const maxAge = nonNegative(options.maxAge, 'maxAge', DEFAULT_MAX_AGE)
  const clockTolerance = nonNegative(options.clockTolerance, 'clockTolerance', DEFAULT_CLOCK_TOLERANCE)
  const replayCache = replayCacheOption(options.replayCache)
  const verifier = new native.NativeDpopVerifier({ algorithms, maxAge, clockTolerance })

  function finish(proof, fresh) {
    if (!fresh) throw tokenError('ERR_DPOP_REPLAYED', 'DPoP proof "jti" has been used before')
    return { header: JSON.parse(proof.header), payload: JSON.parse(proof.payload), jkt: proof.jkt }
  }

  function check(proof, expected) {
    if (typeof proof !== 'string' || proof === '') {
      throw tokenError('ERR_DPOP_PROOF_REQUIRED', 'DPoP proof must be a non-empty string')
    }
    let verified
    try {
      verified = verifier.verify(proof, expected.htm, expected.accessToken, expected.jkt, expected.nonces, expected.now)
    } catch (err) {
      throw fromNative(err)
    }
    if (expected.htu === null || normaliseHtu(verified.htu) !== expected.htu) {
      throw tokenError('ERR_DPOP_HTU_MISMATCH', 'DPoP proof "htu" does not match the request URL')
    }
    if (replayCache === null) return finish(verified, true)
    let fresh
    try {
      fresh = replayCache.remember(verified.replayId, verified.rememberUntil, expected.now)
    } catch (err) {
      throw fromNative(err)
    }
    if (typeof fresh?.then === 'function') return Promise.resolve(fresh).then((answer) => finish(verified, answer))
    return finish(verified, fresh)
  }

  return { algorithms, check }
}

function nonceList(nonce) {
  if (nonce === undefined) return undefined
  const list = Array.isArray(nonce) ? Array.from(nonce) : [nonce]
  if (list.length === 0 || !list.every((value) => typeof value === 'string' && value !== '')) {
    throw optionError('"nonce" must be a non-empty string or array of them')
  }
  return list
}

// verifyDpopProof(proof, options): a promise of { header, payload, jkt } for a proof that passes every check.
async function verifyDpopProof(proof, options) {
  if (!isObject(options)) throw optionError('"options" must be an object: { htm, htu, ... }')
  checkOptionNames(options, VERIFY_OPTIONS, 'options')
  if (typeof options.htm !== 'string' || options.htm === '') throw optionError('"htm" must be a non-empty string')
  const expected = {
    htm: options.htm,
    htu: requestHtu(options.htu),
    accessToken: optionalString(options.accessToken, 'accessToken'),
    jkt: optionalString(options.jkt, 'jkt'),
    nonces: nonceList(options.nonce),
    now: nowSeconds(options.clockTimestamp),
  }
  return createProofChecker(options).check(proof, expected)
}

const PROOF_OPTIONS = ['htm', 'htu', 'accessToken', 'nonce', 'jti', 'iat', 'algorithm']
const DEFAULT_ALGORITHM = { ed25519: 'EdDSA', rsa: 'PS256', 'rsa-pss': 'PS256' }
const CURVE_ALGORITHM = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }

function privateKeyOf(key) {
  if (key instanceof crypto.KeyObject) {
    if (key.type !== 'private') throw optionError('createDpopProof() needs the private key of the key pair')
    return key
  }
  try {
    if (isObject(key) && typeof key.kty === 'string') return crypto.createPrivateKey({ key, format: 'jwk' })
    return crypto.createPrivateKey(key)
  } catch {
    throw optionError('createDpopProof() needs a private key: a KeyObject, PEM or a private JWK')
  }
}

// A public KeyObject's JWK, or the TypeError `message` for a key type that has none (rsa-pss, dsa, dh, ...).
function exportedJwk(publicKey, message) {
  try {
    return publicKey.export({ format: 'jwk' })
  } catch {
    throw optionError(message)
  }
}

// The members of a public JWK that a proof's header carries: only those RFC 7638 hashes, so that nothing else
// (a `kid`, an `alg`) travels with every request.
function publicJwkOf(privateKey) {
  const jwk = exportedJwk(crypto.createPublicKey(privateKey), '"key" must be an RSA, EC or Ed25519 private key')
  if (jwk.kty === 'EC') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
  if (jwk.kty === 'RSA') return { kty: jwk.kty, n: jwk.n, e: jwk.e }
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
}

// createDpopProof(key, { htm, htu, accessToken, nonce, jti, iat, algorithm }): a proof for one request, signed
// with `key` (the client's private key), with its public JWK in the header.
function createDpopProof(key, options) {
  if (!isObject(options)) throw optionError('"options" must be an object: { htm, htu, ... }')
  checkOptionNames(options, PROOF_OPTIONS, 'options')
  if (typeof options.htm !== 'string' || options.htm === '') throw optionError('"htm" must be a non-empty string')
  const htu = requestHtu(options.htu)
  const privateKey = privateKeyOf(key)
  const jwk = publicJwkOf(privateKey)
  const algorithm = options.algorithm ?? CURVE_ALGORITHM[jwk.crv] ?? DEFAULT_ALGORITHM[privateKey.asymmetricKeyType]
  if (!ASYMMETRIC_ALGORITHMS.includes(algorithm)) {
    throw optionError(`"algorithm" must be one of: ${ASYMMETRIC_ALGORITHMS.join(', ')}`)
  }
  const iat = options.iat ?? Math.floor(Date.now() / 1000)
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw optionError('"iat" must be a number of seconds')
  const payload = {
    jti: optionalString(options.jti, 'jti') ?? crypto.randomUUID(),
    htm: options.htm,
    htu,
    iat,
  }
  const accessToken = optionalString(options.accessToken, 'accessToken')
  if (accessToken !== undefined) payload.ath = native.dpopAccessTokenHash(accessToken)
  const nonce = optionalString(options.nonce, 'nonce')
  if (nonce !== undefined) payload.nonce = nonce
  return sign(payload, privateKey, { algorithm, header: { typ: 'dpop+jwt', jwk } })
}

// calculateJwkThumbprint(jwk, digest = 'sha256'): RFC 7638, base64url. `jwk` is a JWK object or a KeyObject.
function calculateJwkThumbprint(jwk, digest = 'sha256') {
  if (jwk instanceof crypto.KeyObject) {
    const message = '"jwk" must be a JWK object or a KeyObject of a type with a JWK form (RSA, EC, OKP, secret)'
    jwk = exportedJwk(jwk.type === 'private' ? crypto.createPublicKey(jwk) : jwk, message)
  }
  if (!isObject(jwk)) throw optionError('"jwk" must be a JWK object or a KeyObject')
  if (!['sha256', 'sha384', 'sha512'].includes(digest)) {
    throw optionError('"digest" must be "sha256", "sha384" or "sha512"')
  }
  let json
  try {
    json = JSON.stringify(jwk)
  } catch {
    throw optionError('"jwk" must be a JWK object or a KeyObject')
  }
  // A toJSON of its own may give anything: the thumbprint is of a JWK's members.
  if (typeof json !== 'string' || json[0] !== '{') throw optionError('"jwk" must be a JWK object or a KeyObject')
  try {
    return native.jwkThumbprint(json, digest)
  } catch (err) {
    throw fromNative(err)
  }
}

module.exports = {
  ASYMMETRIC_ALGORITHMS,
  calculateJwkThumbprint,
  createDpopProof,
  createProofChecker,
  normaliseHtu,
  verifyDpopProof,
}
