'use strict'
// ringjwt/testing: what an app's test suite needs to exercise its token checks: keys for any algorithm, a token for
// each case (valid, expired, not yet valid, another audience, a bad signature, alg none), and a JWK Set server on
// 127.0.0.1 that rotates. Every time is read from Date.now() when a token is made, so Jest's fake clock sets it.

const http = require('node:http')
const crypto = require('node:crypto')
const { sign, isPlainObject } = require('./sign')
const { timespan } = require('./timespan')
const { exportJwks } = require('./jwks')
const { optionError } = require('./errors')
const { thumbprint, KEY_PARAMETERS } = require('./key-ring')

// How each algorithm's test keys are made: as the key ring makes them, but RSA at 2048 bits for every hash (the
// smallest size the checks accept, and the quickest to make).
const KEY_TYPES = Object.fromEntries(
  Object.entries(KEY_PARAMETERS).map(([alg, [type, parameters]]) => [
    alg,
    type === 'rsa' ? [type, { modulusLength: 2048 }] : [type, parameters],
  ]),
)
const SECRET_BYTES = { HS256: 32, HS384: 48, HS512: 64 }
const ALGORITHMS = [...Object.keys(SECRET_BYTES), ...Object.keys(KEY_TYPES)]

// The timers Jest may fake while sockets stay live: only Date. Spread into jest.useFakeTimers(): node:http,
// fetch and AbortSignal.timeout keep their real timers, and jest.setSystemTime() moves the clock tokens read.
const fakeDateOnly = Object.freeze({
  doNotFake: Object.freeze([
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'requestIdleCallback',
    'cancelIdleCallback',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ]),
})

/**
 * A key for `algorithm`: `signingKey` signs, `verifyingKey` verifies (the same secret for HS*), `jwks` is the
 * public set (empty for HS*), `kid` the RFC 7638 thumbprint (a random id for a secret).
 */
function createTestKey(algorithm = 'ES256', options = {}) {
  if (!ALGORITHMS.includes(algorithm)) {
    throw optionError(`createTestKey(): "algorithm" must be one of: ${ALGORITHMS.join(', ')}`)
  }
  if (Object.hasOwn(SECRET_BYTES, algorithm)) {
    const secret = crypto.createSecretKey(crypto.randomBytes(SECRET_BYTES[algorithm]))
    const kid = options.kid ?? crypto.randomBytes(8).toString('hex')
    return { algorithm, kid, signingKey: secret, verifyingKey: secret, jwk: undefined, jwks: { keys: [] } }
  }
  const [type, parameters] = KEY_TYPES[algorithm]
  const { privateKey, publicKey } = crypto.generateKeyPairSync(type, parameters)
  const kid = options.kid ?? thumbprint(publicKey.export({ format: 'jwk' }))
  const jwks = exportJwks([{ key: publicKey, kid, alg: algorithm }])
  return { algorithm, kid, signingKey: privateKey, verifyingKey: publicKey, jwk: jwks.keys[0], jwks }
}

function base64url(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/**
 * Tokens for each case a test needs, signed with `key` (a createTestKey() result; a new ES256 key by default) and
 * carrying `issuer`, `audience` and `subject` when given. `claims` are added to the payload, `signOptions` go to
 * sign().
 */
function createTestTokens(options = {}) {
  const key = options.key ?? createTestKey(options.algorithm)
  const { issuer, audience, subject, expiresIn = '15m' } = options
  const defaults = {
    expiresIn,
    ...(issuer !== undefined && { issuer }),
    ...(audience !== undefined && { audience }),
    ...(subject !== undefined && { subject }),
  }
  const now = () => Math.floor(Date.now() / 1000)
  // The claims a test adds or replaces: a plain object, or nothing. (A Buffer's bytes would each become a claim.)
  const claimsOf = (claims) => {
    if (claims !== undefined && claims !== null && !isPlainObject(claims)) {
      throw optionError('the claims of a test token must be a plain object')
    }
    return claims
  }
  const signed = (claims, signOptions, signer = key) => {
    const merged = { ...defaults, ...signOptions, algorithm: signer.algorithm, keyid: signer.kid }
    // An `exp` of the test's own replaces the default lifetime.
    if (claims?.exp !== undefined) delete merged.expiresIn
    return sign({ ...claims }, signer.signingKey, merged)
  }
  let impostor
  return {
    key,
    algorithm: key.algorithm,
    jwks: key.jwks,
    /** A token every check accepts. */
    valid: (claims, signOptions) => signed(claimsOf(claims), signOptions),
    /** Expired a minute ago (issued an hour ago). */
    expired: (claims) => signed({ iat: now() - 3600, exp: now() - 60, ...claimsOf(claims) }),
    /** Valid from an hour from now, for the tokens' lifetime from then. */
    notYetValid: (claims) => {
      claimsOf(claims)
      const nbf = claims?.nbf ?? now() + 3600
      // The lifetime counts from `nbf`: a token that expired before it became valid would never be.
      const exp = claims?.exp ?? (typeof nbf === 'number' ? timespan(expiresIn, nbf) : undefined)
      return signed({ nbf, ...claims, ...(exp !== undefined && { exp }) }, {})
    },
    /** For an audience the app is not. */
    otherAudience: (claims, audienceOther = 'another-audience') =>
      signed(claimsOf(claims), { audience: audienceOther }),
    /** The right header and claims, signed by another key of the same kind (same kid). */
    badSignature: (claims) => {
      impostor ??= createTestKey(key.algorithm, { kid: key.kid })
      return signed(claimsOf(claims), {}, impostor)
    },
    /** An unsigned token, `alg: "none"`, with the valid token's claims. */
    unsigned: (claims) => {
      const payload = JSON.parse(Buffer.from(signed(claimsOf(claims), {}).split('.')[1], 'base64url'))
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
    },
  }
}

/**
 * A JWK Set served on 127.0.0.1 at `jwksUri`, with tokens signed by its current key. `rotate()` makes a new key
 * current and keeps the previous ones published (`{ keep: false }` drops them); `close()` stops the server.
 */
async function createJwksServer(options = {}) {
  const algorithm = options.algorithm ?? 'ES256'
  if (!Object.hasOwn(KEY_TYPES, algorithm)) {
    throw optionError(`createJwksServer(): "algorithm" must be one of: ${Object.keys(KEY_TYPES).join(', ')}`)
  }
  const cacheControl = options.cacheControl ?? 'no-store'
  let keys = [createTestKey(algorithm)]
  let requests = 0
  const server = http.createServer((req, res) => {
    requests += 1
    const path = new URL(req.url, 'http://127.0.0.1').pathname
    if (req.method !== 'GET' || path !== '/.well-known/jwks.json') {
      res.writeHead(404, { connection: 'close' })
      res.end()
      return
    }
    const body = JSON.stringify({ keys: keys.flatMap((key) => key.jwks.keys) })
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': cacheControl })
    res.end(body)
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${server.address().port}`
  let tokens = createTestTokens({ ...options.tokens, key: keys.at(-1) })
  return {
    url,
    jwksUri: `${url}/.well-known/jwks.json`,
    get key() {
      return keys.at(-1)
    },
    get tokens() {
      return tokens
    },
    get jwks() {
      return { keys: keys.flatMap((key) => key.jwks.keys) }
    },
    get requests() {
      return requests
    },
    /** Signs with the current key, as sign() does. */
    sign: (payload, signOptions) => tokens.valid(payload, signOptions),
    rotate({ keep = true } = {}) {
      const next = createTestKey(algorithm)
      keys = keep ? [...keys, next] : [next]
      tokens = createTestTokens({ ...options.tokens, key: next })
      return next
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

module.exports = { createTestKey, createTestTokens, createJwksServer, fakeDateOnly, ALGORITHMS }
