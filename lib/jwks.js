'use strict'
// JSON Web Key Sets (RFC 7517 §5): one service publishes its public keys, every other service picks the key that
// fits a token's header. `exportJwks` writes a set; `createLocalJwks` and `createRemoteJwks` return a key resolver
// that works as verify()'s key function and as the middleware's `secret`.

const nodeCrypto = require('node:crypto')
const { KeyObject, createPublicKey } = nodeCrypto
const { JsonWebTokenError, tokenError, optionError, textOf, copyError } = require('./errors')
const { isPlainObject } = require('./sign')
const { KEY_MANAGEMENT } = require('./jwe-keys')
const { octSecret, jwsAlgorithm } = require('./keys')

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

/**
 * Writes the public half of each key as a JWK Set, ready to serve at `/.well-known/jwks.json`.
 * Secrets are refused: a JWKS is public.
 */
function exportJwks(entries) {
  if (!Array.isArray(entries)) throw optionError('exportJwks() takes an array of { key, kid, alg } entries')
  return {
    // Array.from visits the holes of a sparse array, which map() would skip; each entry is read once.
    keys: Array.from(entries, (entry, index) => {
      if (entry === null || typeof entry !== 'object') {
        throw optionError(`exportJwks(): entry ${index} must be an object with a "key"`)
      }
      const { key, kid, alg, use = 'sig' } = entry
      if (key === undefined) throw optionError(`exportJwks(): entry ${index} must be an object with a "key"`)
      const publicKey = publicHalf(key)
      if (publicKey === null) throw optionError(`exportJwks(): entry ${index} is not an asymmetric key`)
      const jwk = jwkOf(publicKey, index)
      if (alg !== undefined && (typeof alg !== 'string' || !fits(jwk, alg))) {
        throw optionError(`exportJwks(): entry ${index} cannot be used with "${textOf(alg)}"`)
      }
      if (typeof use !== 'string') throw optionError(`exportJwks(): entry ${index} has a "use" that is not a string`)
      if (kid !== undefined && typeof kid !== 'string' && typeof kid !== 'number') {
        throw optionError(`exportJwks(): entry ${index} has a "kid" that is not a string`)
      }
      const chosen = alg ?? (use === 'sig' ? ALGORITHM_FOR_KEY[jwk.crv] : undefined)
      return {
        ...jwk,
        ...(kid !== undefined && { kid: String(kid) }),
        ...(chosen !== undefined && { alg: chosen }),
        use,
      }
    }),
  }
}

// node:crypto writes no JWK for some keys it reads (DSA, Diffie-Hellman, X448, EC keys on a curve of their own):
// its error (a TypeError or an Error, with node's code) becomes an option error of ours.
function jwkOf(publicKey, index) {
  try {
    return publicKey.export({ format: 'jwk' })
  } catch {
    throw optionError(
      `exportJwks(): entry ${index} cannot be written as a JWK: node:crypto has no JWK form for its "${publicKey.asymmetricKeyType}" key`,
    )
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

// Members a published key may carry beside the key itself, and the type each must have (RFC 7517 §4).
const METADATA_TYPES = {
  kid: 'a string',
  alg: 'a string',
  use: 'a string',
  key_ops: 'an array of strings',
  x5c: 'an array of strings',
  x5t: 'a string',
  'x5t#S256': 'a string',
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value)
const isStringArray = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string')

// Which part of a JWK Set was wrong ('body': not UTF-8 JSON; 'null'; 'keys-missing'; 'keys-not-array'; 'key'),
// kept out of sight on the error for ringjwt/hono, which answers each as hono does.
const SET_FAULT = Symbol('ringjwt.jwksFault')

function malformed(detail, fault = 'key') {
  const err = tokenError('ERR_JWKS_INVALID', `JSON Web Key Set malformed: ${detail}`)
  Object.defineProperty(err, SET_FAULT, { value: fault })
  return err
}

// Refuses what is not a JWK Set: a set is an object whose `keys` is an array of JWKs, a JWK an object with a
// `kty` string whose metadata members have their registered types. A JWK of a type or curve this process cannot
// read is left out, not refused (RFC 7517 §5: such keys are ignored), and so are keys not meant for signatures.
// Two keys may share a `kid` (RFC 7517 §4.5 allows it for keys of different types); a header that fits both is
// ERR_JWKS_MULTIPLE_MATCHING_KEYS when a key is picked.
//
// Reading a set costs no key import: each JWK's members are checked and copied here (a local set's objects are
// the caller's, and may change later), and node:crypto reads a JWK only when a token's header picks it (see
// keyOf). A set's size therefore costs its JSON and this walk, never one import per key: a set of thousands of
// keys loads in milliseconds, however often an unknown `kid` makes it load again.
function importSet(jwks) {
  if (!isObject(jwks)) {
    // As hono reads `.keys` of it: an array's is Array.prototype.keys, which is not an array.
    const fault = jwks === null ? 'null' : Array.isArray(jwks) ? 'keys-not-array' : 'keys-missing'
    throw malformed('not a JSON object', fault)
  }
  if (!Array.isArray(jwks.keys)) {
    throw malformed('"keys" is not an array', jwks.keys ? 'keys-not-array' : 'keys-missing')
  }
  const entries = []
  // The entries with each `kid`, in the set's order: a header's `kid` looks at those alone.
  const byKid = new Map()
  jwks.keys.forEach((jwk, index) => {
    if (!isObject(jwk) || typeof jwk.kty !== 'string' || jwk.kty === '') {
      throw malformed(`keys[${index}] is not a JWK (an object with a "kty")`)
    }
    for (const [name, type] of Object.entries(METADATA_TYPES)) {
      const value = jwk[name]
      if (value !== undefined && !(type === 'a string' ? typeof value === 'string' : isStringArray(value))) {
        throw malformed(`keys[${index}].${name} is not ${type}`)
      }
    }
    const entry = entryOf(jwk)
    if (!entry.verifies && !entry.encrypts) return
    entries.push(entry)
    if (entry.kid !== undefined) {
      const same = byKid.get(entry.kid)
      if (same === undefined) byKid.set(entry.kid, [entry])
      else same.push(entry)
    }
  })
  return { entries, byKid }
}

// What a JWK may serve, read from its members alone. node:crypto would make a public key of a private JWK too: a
// key published with its private members is left out for verification, as a secret one is. For encryption (a JWE's
// recipient or sender) the set's private key or secret serves decrypt(), a public key encrypt().
function entryOf(jwk) {
  const { kid, alg, use, kty, crv } = jwk
  // An empty `key_ops` names no operation to refuse (WebCrypto writes one for keys without usages, an ECDH public
  // key's), as for a JWK given directly (lib/keys.js).
  const keyOps = jwk.key_ops === undefined || jwk.key_ops.length === 0 ? undefined : [...jwk.key_ops]
  const material = Object.fromEntries(Object.entries(jwk).filter(([name]) => !(name in METADATA_TYPES)))
  const hasPrivate = PRIVATE_MEMBERS.some((name) => jwk[name] !== undefined)
  return {
    kid,
    alg,
    kty,
    crv,
    material,
    verifies:
      !hasPrivate && (use === undefined || use === 'sig') && (keyOps === undefined || keyOps.includes('verify')),
    encrypts:
      (use === undefined || use === 'enc') &&
      (keyOps === undefined || keyOps.some((op) => ENCRYPTION_OPS.includes(op))),
    // The key node:crypto makes of it: undefined until asked for, null when it cannot.
    key: undefined,
  }
}

// The key a JWK of the set makes, read with node:crypto the first time a header picks the JWK and kept for the life
// of the loaded set (a fetch that brings a new set reads its keys anew): a secret or a private key, which only a
// JWE's recipient uses (such a JWK never verifies), or a public key, which serves both a signature and a JWE's
// sender, read once. null when node:crypto cannot read it: such a key is left out. (node:crypto is called through
// its module object, where __test__/jwks.test.js counts the keys read.)
function keyOf(entry) {
  if (entry.key === undefined) entry.key = readKey(entry.kty, entry.material)
  return entry.key
}

function readKey(kty, material) {
  try {
    if (kty === 'oct') return octSecret(material.k)
    const input = { key: material, format: 'jwk' }
    return material.d === undefined ? nodeCrypto.createPublicKey(input) : nodeCrypto.createPrivateKey(input)
  } catch {
    // A key type this process cannot read serves nothing.
    return null
  }
}

// A key's own `alg` against a header's: the same, or RFC 9864's "Ed25519" for EdDSA, or, for a `dir` key, the
// content encryption it serves (as jose reads it).
function algorithmFits(own, header) {
  return own === undefined || jwsAlgorithm(own) === header.alg || (header.alg === 'dir' && own === header.enc)
}

// The members of a private or secret JWK (RFC 7518 §6).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

// RFC 7517 §4.5: with a `kid` in the header the key must carry the same `kid`; `alg` on the key, when present,
// must equal the token's. Type and curve must fit the algorithm. Exactly one key may match. A header whose `alg`
// is a JWE key management algorithm is an encrypted token's: it is served by the set's encryption keys; any other
// (a signature algorithm, whatever else the header holds: an `enc` beside ES256, say) by its verification keys.
// Only the keys that fit by their members are read with node:crypto, one at a time, and no more once a second one
// that node:crypto reads makes the header ambiguous.
function select({ entries, byKid }, header) {
  if (header === null || typeof header !== 'object' || typeof header.alg !== 'string') {
    throw tokenError('ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')
  }
  const encrypted = KEY_MANAGEMENT.includes(header.alg)
  const pool = header.kid === undefined ? entries : (byKid.get(header.kid) ?? [])
  let found = null
  for (const entry of pool) {
    if (!(encrypted ? entry.encrypts : entry.verifies)) continue
    if (!algorithmFits(entry.alg, header) || !fits(entry, header.alg)) continue
    const key = keyOf(entry)
    if (key === null) continue
    if (found !== null) {
      throw tokenError('ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'multiple matching keys found in the JSON Web Key Set')
    }
    found = key
  }
  if (found === null) {
    throw tokenError('ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')
  }
  return found
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
 * A key resolver over a JWK Set held in memory. The set is parsed once; each key is read with node:crypto when a
 * token first picks it.
 */
function createLocalJwks(jwks) {
  const set = importSet(jwks)
  const jwksKey = resolver((header) => select(set, header))
  // Every verification key, read on first access.
  let verificationKeys
  Object.defineProperty(jwksKey, 'keys', {
    enumerable: true,
    get: () =>
      (verificationKeys ??= set.entries
        .filter((entry) => entry.verifies)
        .map(keyOf)
        .filter((key) => key !== null)),
  })
  return jwksKey
}

// createRemoteJwks() options and their defaults, each defined here only.
const REMOTE_DEFAULTS = {
  // How long a fetched set is used before it is fetched again, in ms.
  cacheMaxAge: 600_000,
  // The least time between two fetches triggered by an unknown `kid`, and between retries while a stale set is
  // served, in ms: a stream of tokens with made-up kids, or an issuer that is down, costs one request per cooldown.
  cooldown: 30_000,
  // How long past `cacheMaxAge` the last good set is still used while fetches fail, in ms. It bounds how long a
  // key the issuer has withdrawn can still verify tokens when this process cannot reach the issuer.
  staleIfError: 3_600_000,
  // Time allowed for the whole request, body included, in ms.
  timeout: 5_000,
  // The largest response body read, in bytes (after any content decoding). It holds about 1,200 RSA-2048 or 680
  // RSA-4096 JWKs; published sets hold a handful of keys and stay under 10 KiB.
  maxResponseBytes: 512 * 1024,
  headers: undefined,
  fetch: undefined,
}

// setTimeout's (and AbortSignal.timeout's) longest delay.
const MAX_TIMEOUT = 2_147_483_647

// A factory's options over its defaults: an object of known names, where `undefined` means the default.
function withDefaults(options, defaults, factory) {
  if (options === undefined) options = {}
  if (!isPlainObject(options)) throw optionError(`${factory}(): "options" must be an object`)
  for (const name of Object.keys(options)) {
    if (!(name in defaults)) throw optionError(`${factory}(): "${name}" is not allowed in "options"`)
  }
  const resolved = { ...defaults }
  for (const [name, value] of Object.entries(options)) if (value !== undefined) resolved[name] = value
  return resolved
}

function remoteOptions(options) {
  const resolved = withDefaults(options, REMOTE_DEFAULTS, 'createRemoteJwks')
  for (const name of ['cacheMaxAge', 'cooldown', 'staleIfError']) {
    if (typeof resolved[name] !== 'number' || !(resolved[name] >= 0)) {
      throw optionError(`createRemoteJwks(): "${name}" must be a number of milliseconds`)
    }
  }
  if (typeof resolved.timeout !== 'number' || !(resolved.timeout > 0 && resolved.timeout <= MAX_TIMEOUT)) {
    throw optionError(`createRemoteJwks(): "timeout" must be a number of milliseconds from 1 to ${MAX_TIMEOUT}`)
  }
  const { maxResponseBytes } = resolved
  if (typeof maxResponseBytes !== 'number' || !(maxResponseBytes >= 1 && maxResponseBytes <= Number.MAX_SAFE_INTEGER)) {
    throw optionError('createRemoteJwks(): "maxResponseBytes" must be a positive number of bytes')
  }
  const { headers } = resolved
  if (
    headers !== undefined &&
    !(headers instanceof Headers) &&
    !(isPlainObject(headers) && Object.values(headers).every((value) => typeof value === 'string'))
  ) {
    throw optionError('createRemoteJwks(): "headers" must be a Headers or an object of strings')
  }
  if (resolved.fetch !== undefined && typeof resolved.fetch !== 'function') {
    throw optionError('createRemoteJwks(): "fetch" must be a function')
  }
  return resolved
}

// The statuses fetch follows (a 304 answers a conditional request: it is not a redirect).
const REDIRECTS = [301, 302, 303, 307, 308]

function fetchFailed(detail, cause) {
  const err = tokenError('ERR_JWKS_FETCH_FAILED', `JSON Web Key Set request failed: ${detail}`)
  if (cause !== undefined) err.inner = cause
  return err
}

// undici says "fetch failed" or "terminated" and keeps what happened in `cause`.
function describeFailure(err) {
  const cause = err?.cause?.message
  const message = typeof err === 'string' ? err : textOf(err?.message)
  return typeof cause === 'string' && cause !== '' ? `${message} (${cause})` : message
}

// Reads at most `limit` bytes: a Content-Length over it fails before the body is read, and a body without one
// is cut off as soon as it passes the limit, so a huge or endless response costs `limit` bytes of memory.
async function readLimited(response, limit) {
  const tooLarge = () => tokenError('ERR_JWKS_TOO_LARGE', `JSON Web Key Set response exceeds ${limit} bytes`)
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) {
    response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (response.body === null) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function parseJson(bytes, fail) {
  let text
  try {
    text = utf8.decode(bytes)
  } catch {
    throw fail('the response is not UTF-8', 'body')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw fail('the response is not JSON', 'body')
  }
}

const parseSet = (bytes) => importSet(parseJson(bytes, malformed))

function discoveryInvalid(detail) {
  return tokenError('ERR_DISCOVERY_INVALID', `authorization server metadata invalid: ${detail}`)
}

// Where an issuer publishes its metadata: OpenID Connect Discovery 1.0 §4 appends the well-known path to the
// issuer; RFC 8414 §3.1 inserts it between the host and the issuer's path.
function metadataUrls(issuer) {
  const path = issuer.pathname.replace(/\/$/, '')
  return [
    new URL(`${issuer.origin}${path}/.well-known/openid-configuration`),
    new URL(`${issuer.origin}/.well-known/oauth-authorization-server${path}`),
  ]
}

// The JWK Set's address from the issuer's metadata, which must name the very issuer asked for (OpenID Connect
// Discovery §4.3, RFC 8414 §3.3): otherwise another server's keys would pass for the issuer's.
function jwksUriOf(bytes, issuer) {
  const metadata = parseJson(bytes, discoveryInvalid)
  if (!isObject(metadata)) throw discoveryInvalid('not a JSON object')
  if (metadata.issuer !== issuer) {
    throw tokenError(
      'ERR_DISCOVERY_ISSUER_MISMATCH',
      `authorization server metadata names another issuer: expected "${issuer}", got "${textOf(metadata.issuer)}"`,
    )
  }
  let jwksUri
  try {
    jwksUri = new URL(metadata.jwks_uri)
  } catch {
    throw discoveryInvalid('"jwks_uri" is not an absolute URL')
  }
  if (jwksUri.protocol !== 'https:' && jwksUri.protocol !== 'http:') {
    throw discoveryInvalid('"jwks_uri" is not an http: or https: URL')
  }
  if (jwksUri.username !== '' || jwksUri.password !== '') throw discoveryInvalid('"jwks_uri" holds credentials')
  return jwksUri
}

function webUrl(value, name) {
  let url
  try {
    url = new URL(value)
  } catch {
    throw optionError(`createRemoteJwks(): "${name}" must be an absolute URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw optionError(`createRemoteJwks(): "${name}" must be an http: or https: URL`)
  }
  // fetch refuses such a URL on every request, with the password in its message; send them in `headers`.
  if (url.username !== '' || url.password !== '') {
    throw optionError(`createRemoteJwks(): "${name}" must not hold credentials (send them in "headers")`)
  }
  return url
}

/**
 * A key resolver over a JWK Set served at `url`: fetched on first use, kept for `cacheMaxAge` ms, and fetched
 * again early (at most once per `cooldown` ms) when a token names a `kid` the set does not have — that is how a
 * key rotation reaches every verifier without a restart. When a fetch fails, the last good set is used for up to
 * `staleIfError` ms past its `cacheMaxAge`, retried at most once per `cooldown`; after that, calls fail with the
 * fetch's error until a fetch succeeds. The clock is Date.now().
 */
function createRemoteJwks(url, options) {
  // `{ issuer, ...options }`: the set's address comes from the issuer's metadata, read on the first fetch.
  let issuer
  let target = null
  if (isPlainObject(url)) {
    if (options !== undefined) throw optionError('createRemoteJwks({ issuer }) takes its options in the same object')
    ;({ issuer, ...options } = url)
    if (typeof issuer !== 'string') throw optionError('createRemoteJwks(): "issuer" must be a string')
    webUrl(issuer, 'issuer')
  } else {
    target = webUrl(url, 'url')
  }
  const {
    cacheMaxAge,
    cooldown,
    staleIfError,
    timeout,
    maxResponseBytes,
    headers,
    fetch: fetchImpl,
  } = remoteOptions(options)
  const doFetch = fetchImpl ?? fetch

  let keys = null
  let fetchedAt = -Infinity
  let lastAttemptAt = -Infinity
  let failedAt = -Infinity
  let inFlight = null

  // The body's bytes; null for a 404 when `missing` is allowed. Redirects are not followed (as jose and jwks-rsa):
  // keys come only from the address configured or named by the issuer's metadata, never from one a response
  // points to, which could be another host or plain http:.
  async function get(address, signal, missing = false) {
    const response = await doFetch(address, { headers, signal, redirect: 'manual' })
    if (missing && response.status === 404) {
      response.body?.cancel().catch(() => {})
      return null
    }
    if (!response.ok) {
      response.body?.cancel().catch(() => {})
      // Runtimes that follow the fetch standard to the letter answer a manual redirect with an opaque response.
      const status = response.status
      const redirected = response.type === 'opaqueredirect' || REDIRECTS.includes(status)
      throw fetchFailed(redirected ? `HTTP ${status || 'redirect'} (redirects are not followed)` : `HTTP ${status}`)
    }
    return readLimited(response, maxResponseBytes)
  }

  // The OpenID Connect metadata, else RFC 8414's when the issuer has no OpenID configuration (a 404).
  async function discover(signal) {
    const [openid, oauth] = metadataUrls(new URL(issuer))
    const bytes = (await get(openid, signal, true)) ?? (await get(oauth, signal))
    return jwksUriOf(bytes, issuer)
  }

  async function request(signal) {
    try {
      target ??= await discover(signal)
      return await get(target, signal)
    } catch (err) {
      if (err instanceof JsonWebTokenError) throw err
      // A network error, a body cut short, or a `fetch` of your own that returned something else.
      throw fetchFailed(describeFailure(err), err)
    }
  }

  // The whole exchange, body included, ends at `timeout`, also with a `fetch` that ignores the signal.
  async function load() {
    lastAttemptAt = Date.now()
    const signal = AbortSignal.timeout(Math.ceil(timeout))
    let onAbort
    const timeoutError = () => tokenError('ERR_JWKS_TIMEOUT', `JSON Web Key Set request timed out after ${timeout} ms`)
    const timedOut = new Promise((resolve, reject) => {
      onAbort = () => reject(timeoutError())
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      const bytes = await Promise.race([request(signal), timedOut])
      keys = parseSet(bytes)
      fetchedAt = Date.now()
    } catch (err) {
      failedAt = Date.now()
      // fetch's own abort error, when it came before the race saw the signal.
      if (signal.aborted && err?.code === 'ERR_JWKS_FETCH_FAILED') throw timeoutError()
      throw err
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  function refresh() {
    inFlight ??= load().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  // Within cacheMaxAge the set is fresh; then, up to staleIfError more, it stands in while fetches fail.
  const usable = (now) => keys !== null && now - fetchedAt < cacheMaxAge + staleIfError

  async function currentKeys() {
    const now = Date.now()
    if (keys !== null && now - fetchedAt < cacheMaxAge) return keys
    if (usable(now) && failedAt > fetchedAt && now - failedAt < cooldown) return keys
    try {
      await refresh()
    } catch (err) {
      // Concurrent callers wait for one fetch: each gets its failure as an error of its own.
      if (!usable(Date.now())) throw copyError(err, currentKeys)
    }
    return keys
  }

  async function getKey(header) {
    const held = await currentKeys()
    try {
      return select(held, header)
    } catch (err) {
      // An unknown kid fetches the set again at most once a cooldown; a fetch already under way (started by
      // another caller with the same new kid, say) is waited for, whatever the cooldown.
      if (err.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err
      // A set another caller's fetch brought in since is asked first.
      if (keys !== held) return select(keys, header)
      if (inFlight === null && Date.now() - lastAttemptAt < cooldown) throw err
      try {
        await refresh()
      } catch {
        // The set in hand has no such key, whatever the fetch said.
        throw err
      }
      return select(keys, header)
    }
  }

  const jwksKey = resolver(getKey)
  // A fetch under way began before this call and may not hold what the caller knows to be published: it is let
  // finish, and a fetch that begins after the call (this one's, or another caller's since) gives the answer.
  jwksKey.reload = async () => {
    if (inFlight !== null) await inFlight.catch(() => {})
    try {
      await refresh()
    } catch (err) {
      throw copyError(err, jwksKey.reload)
    }
  }
  return jwksKey
}

module.exports = { exportJwks, createLocalJwks, createRemoteJwks, withDefaults, SET_FAULT }
