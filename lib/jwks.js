'use strict'
// JSON Web Key Sets (RFC 7517 §5): one service publishes its public keys, every other service picks the key that
// fits a token's header. `exportJwks` writes a set; `createLocalJwks` and `createRemoteJwks` return a key resolver
// that works as verify()'s key function and as the middleware's `secret`.

const { KeyObject, createPrivateKey, createPublicKey, createSecretKey } = require('node:crypto')
const { tokenError, optionError } = require('./errors')
const { KEY_MANAGEMENT } = require('./jwe-keys')

// The key type and curve each algorithm needs (RFC 7518 §3.1, RFC 8037 §3.1).
const ALGORITHM_KEYS = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
}
// JWE key management (RFC 7518 §4): RSA, an ECDH curve, or a secret.
const ECDH_KEYS = [
  { kty: 'EC', crv: 'P-256' },
  { kty: 'EC', crv: 'P-384' },
  { kty: 'EC', crv: 'P-521' },
  { kty: 'OKP', crv: 'X25519' },
]
for (const alg of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5']) ALGORITHM_KEYS[alg] = { kty: 'RSA' }
for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']) ALGORITHM_KEYS[alg] = ECDH_KEYS
for (const alg of KEY_MANAGEMENT.filter((name) => !/^(?:RSA|ECDH)/.test(name))) ALGORITHM_KEYS[alg] = { kty: 'oct' }
// `key_ops` values that let a key serve encrypted tokens (RFC 7517 §4.3).
const ENCRYPTION_OPS = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'deriveKey', 'deriveBits']

const ALGORITHM_FOR_KEY = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' }

// Members a published key may carry beside the key itself.
const METADATA = ['kid', 'alg', 'use', 'key_ops', 'x5c', 'x5t', 'x5t#S256']

/**
 * Writes the public half of each key as a JWK Set, ready to serve at `/.well-known/jwks.json`.
 * Secrets are refused: a JWKS is public.
 */
function exportJwks(entries) {
  if (!Array.isArray(entries)) throw optionError('exportJwks() takes an array of { key, kid, alg } entries')
  return {
    keys: entries.map((entry, index) => {
      if (entry === null || typeof entry !== 'object' || entry.key === undefined) {
        throw optionError(`exportJwks(): entry ${index} must be an object with a "key"`)
      }
      const publicKey = publicHalf(entry.key)
      if (publicKey === null) throw optionError(`exportJwks(): entry ${index} is not an asymmetric key`)
      const jwk = publicKey.export({ format: 'jwk' })
      if (entry.alg !== undefined && !fits(jwk, entry.alg)) {
        throw optionError(`exportJwks(): entry ${index} cannot be used with "${entry.alg}"`)
      }
      const use = entry.use ?? 'sig'
      const alg = entry.alg ?? (use === 'sig' ? ALGORITHM_FOR_KEY[jwk.crv] : undefined)
      return {
        ...jwk,
        ...(entry.kid !== undefined && { kid: String(entry.kid) }),
        ...(alg !== undefined && { alg }),
        use,
      }
    }),
  }
}

function publicHalf(key) {
  if (key instanceof KeyObject && key.type === 'public') return key
  if (key instanceof KeyObject && key.type === 'secret') return null
  try {
    return createPublicKey(key)
  } catch {
    return null
  }
}

function fits(jwk, alg) {
  const wanted = Object.hasOwn(ALGORITHM_KEYS, alg) ? [ALGORITHM_KEYS[alg]].flat() : []
  return wanted.some(({ kty, crv }) => kty === jwk.kty && (crv === undefined || crv === jwk.crv))
}

// The key an encrypted token's recipient (or sender) uses: the private key or secret when the set holds one, so
// that one set serves decrypt(), else the public key, which serves encrypt().
function encryptionKeyOf(jwk, material) {
  if (jwk.use !== undefined && jwk.use !== 'enc') return undefined
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.some((op) => ENCRYPTION_OPS.includes(op))) return undefined
  try {
    if (jwk.kty === 'oct') return createSecretKey(Buffer.from(String(jwk.k ?? ''), 'base64url'))
    const input = { key: material, format: 'jwk' }
    return jwk.d === undefined ? createPublicKey(input) : createPrivateKey(input)
  } catch {
    return undefined
  }
}

// Parses a set once: each usable signing key becomes a KeyObject (and from there a cached native key on first use).
function importSet(jwks) {
  if (jwks === null || typeof jwks !== 'object' || !Array.isArray(jwks.keys)) {
    throw tokenError('ERR_JWKS_INVALID', 'JSON Web Key Set malformed')
  }
  const keys = []
  for (const jwk of jwks.keys) {
    if (jwk === null || typeof jwk !== 'object' || typeof jwk.kty !== 'string') {
      throw tokenError('ERR_JWKS_INVALID', 'JSON Web Key Set malformed')
    }
    const material = Object.fromEntries(Object.entries(jwk).filter(([name]) => !METADATA.includes(name)))
    const encryptionKey = encryptionKeyOf(jwk, material)
    let keyObject
    if (
      (jwk.use === undefined || jwk.use === 'sig') &&
      (!Array.isArray(jwk.key_ops) || jwk.key_ops.includes('verify'))
    ) {
      try {
        keyObject = createPublicKey({ key: material, format: 'jwk' })
      } catch {
        // A key type this process cannot read (or a private or secret member set) is not a verification key.
      }
    }
    if (keyObject !== undefined || encryptionKey !== undefined) keys.push({ jwk, keyObject, encryptionKey })
  }
  return keys
}

// RFC 7517 §4.5: with a `kid` in the header the key must carry the same `kid`; `alg` on the key, when present,
// must equal the token's. Type and curve must fit the algorithm. Exactly one key may match. A header with `enc`
// is an encrypted token's: it is served by the set's encryption keys, any other by its verification keys.
function select(keys, header) {
  if (header === null || typeof header !== 'object' || typeof header.alg !== 'string') {
    throw tokenError('ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')
  }
  const usage = typeof header.enc === 'string' ? 'encryptionKey' : 'keyObject'
  const candidates = keys
    .filter((entry) => entry[usage] !== undefined)
    .filter(
      ({ jwk }) =>
        (header.kid === undefined || jwk.kid === header.kid) &&
        (jwk.alg === undefined || jwk.alg === header.alg) &&
        fits(jwk, header.alg),
    )
  if (candidates.length === 0) {
    throw tokenError('ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')
  }
  if (candidates.length > 1) {
    throw tokenError('ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'multiple matching keys found in the JSON Web Key Set')
  }
  return candidates[0][usage]
}

// One function for every caller: verify() calls `(header, callback)`, the middleware calls `(req, { header,
// payload })`, and code of your own calls `(header)` and gets the key (or, for a remote set, a Promise of it).
function resolver(getKey) {
  return function jwksKey(first, second) {
    if (typeof second === 'function') {
      let pending
      try {
        pending = Promise.resolve(getKey(first))
      } catch (err) {
        pending = Promise.reject(err)
      }
      pending.then(
        (key) => second(null, key),
        (err) => second(err),
      )
      return undefined
    }
    if (arguments.length < 2) return getKey(first)
    // The middleware's call: `second` is the decoded token, or nothing when the token does not decode.
    if (second === undefined || second === null) throw tokenError('ERR_JWT_MALFORMED', 'jwt malformed')
    return getKey(second.header)
  }
}

/**
 * A key resolver over a JWK Set held in memory. The set is parsed once.
 */
function createLocalJwks(jwks) {
  const keys = importSet(jwks)
  const jwksKey = resolver((header) => select(keys, header))
  jwksKey.keys = keys.filter(({ keyObject }) => keyObject !== undefined).map(({ keyObject }) => keyObject)
  return jwksKey
}

/**
 * A key resolver over a JWK Set served at `url`: fetched on first use, kept for `cacheMaxAge` ms, and fetched
 * again early (at most once per `cooldown` ms) when a token names a `kid` the set does not have — that is how a
 * key rotation reaches every verifier without a restart.
 */
function createRemoteJwks(url, options = {}) {
  let target
  try {
    target = new URL(url)
  } catch {
    throw optionError('createRemoteJwks(): "url" must be an absolute URL')
  }
  const { cacheMaxAge = 600_000, cooldown = 30_000, timeout = 5_000, headers = {}, fetch: fetchImpl = fetch } = options
  for (const [name, value] of Object.entries({ cacheMaxAge, cooldown, timeout })) {
    if (typeof value !== 'number' || !(value >= 0)) {
      throw optionError(`createRemoteJwks(): "${name}" must be a number of milliseconds`)
    }
  }

  let keys = null
  let fetchedAt = -Infinity
  let inFlight = null

  async function load() {
    let response
    try {
      response = await fetchImpl(target, { headers, signal: AbortSignal.timeout(timeout) })
    } catch (err) {
      throw Object.assign(tokenError('ERR_JWKS_FETCH_FAILED', `JSON Web Key Set request failed: ${err.message}`), {
        inner: err,
      })
    }
    if (!response.ok) {
      throw tokenError('ERR_JWKS_FETCH_FAILED', `JSON Web Key Set request failed: HTTP ${response.status}`)
    }
    let body
    try {
      body = await response.json()
    } catch {
      throw tokenError('ERR_JWKS_INVALID', 'JSON Web Key Set malformed')
    }
    keys = importSet(body)
    fetchedAt = Date.now()
  }

  function refresh() {
    inFlight ??= load().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  async function getKey(header) {
    if (keys === null || Date.now() - fetchedAt >= cacheMaxAge) await refresh()
    try {
      return select(keys, header)
    } catch (err) {
      if (err.code !== 'ERR_JWKS_NO_MATCHING_KEY' || Date.now() - fetchedAt < cooldown) throw err
      await refresh()
      return select(keys, header)
    }
  }

  const jwksKey = resolver(getKey)
  jwksKey.reload = () => refresh().then(() => undefined)
  return jwksKey
}

module.exports = { exportJwks, createLocalJwks, createRemoteJwks }
