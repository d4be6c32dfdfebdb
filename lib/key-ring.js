'use strict'
// An issuer's signing keys over time. One key signs (the current key); the key that follows it is published from
// the moment the current key starts, a whole `rotateEvery` before it signs anything, so that every verifier's
// cache holds it by then; a key that stopped signing stays published for `overlap`, the longest a token lives, so
// every token it signed verifies until it expires. Several instances share the ring through a store: the state is
// one record, changed by compare-and-set, so one instance rotates and all sign with the same current key.

const crypto = require('node:crypto')
const { promisify } = require('node:util')
const { signAsync, isPlainObject, isBuffer } = require('./sign')
const { partJson } = require('./decode')
const { encrypt } = require('./encrypt')
const { decrypt } = require('./decrypt')
const { timespan, lifetimeSeconds, MAX_LIFETIME_SECONDS } = require('./timespan')
const { tokenError, optionError } = require('./errors')
const { createKeyRingMemoryStore } = require('./key-ring-store')
const { withDefaults } = require('./jwks')

const generateKeyPair = promisify(crypto.generateKeyPair)

// Whether a stored key is of the type (and curve, as its public JWK names it) its algorithm signs with.
function fitsAlgorithm(privateKey, publicJwk, alg) {
  if (!Object.hasOwn(KEY_PARAMETERS, alg)) return false
  const [type, { namedCurve }] = KEY_PARAMETERS[alg]
  return privateKey.asymmetricKeyType === type && (namedCurve === undefined || publicJwk.crv === namedCurve)
}

// How each algorithm's keys are made.
const KEY_PARAMETERS = {
  RS256: ['rsa', { modulusLength: 2048 }],
  RS384: ['rsa', { modulusLength: 3072 }],
  RS512: ['rsa', { modulusLength: 4096 }],
  PS256: ['rsa', { modulusLength: 2048 }],
  PS384: ['rsa', { modulusLength: 3072 }],
  PS512: ['rsa', { modulusLength: 4096 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  ES384: ['ec', { namedCurve: 'P-384' }],
  ES512: ['ec', { namedCurve: 'P-521' }],
  EdDSA: ['ed25519', {}],
}

// createKeyRing() options and their defaults, each defined here only.
const RING_DEFAULTS = {
  algorithm: 'ES256',
  // How long a key signs; its successor is published that long before it signs.
  rotateEvery: '30d',
  // How long a key stays published after it stopped signing: at least the longest lifetime of a token it signs.
  // ring.sign() refuses a token that would outlive it, and gives tokens without `exp` this lifetime.
  overlap: '1d',
  store: undefined,
  kek: undefined,
}

// The state record's format; a record of another version is refused rather than overwritten.
const STATE_VERSION = 1
// How many times an instance re-reads the store when another instance changed the ring under it.
const WRITE_ATTEMPTS = 5

function durationMs(name, value) {
  const seconds = lifetimeSeconds(value)
  if (seconds === undefined || seconds < 1) {
    throw optionError(
      `createKeyRing(): "${name}" must be a number of seconds (1 to ${MAX_LIFETIME_SECONDS}) or a timespan such as '30d'`,
    )
  }
  return seconds * 1000
}

function kekOf(kek) {
  if (kek === undefined) return undefined
  const key = kek instanceof crypto.KeyObject ? kek : isBuffer(kek) ? crypto.createSecretKey(Buffer.from(kek)) : null
  if (key === null || key.type !== 'secret' || key.symmetricKeySize !== 32) {
    throw optionError('createKeyRing(): "kek" must be a 32-byte secret (a Buffer or a secret KeyObject)')
  }
  return key
}

function ringOptions(options) {
  const resolved = withDefaults(options, RING_DEFAULTS, 'createKeyRing')
  if (typeof resolved.algorithm !== 'string' || !Object.hasOwn(KEY_PARAMETERS, resolved.algorithm)) {
    throw optionError(`createKeyRing(): "algorithm" must be one of: ${Object.keys(KEY_PARAMETERS).join(', ')}`)
  }
  const store = resolved.store ?? createKeyRingMemoryStore()
  if (
    store === null ||
    typeof store !== 'object' ||
    typeof store.get !== 'function' ||
    typeof store.compareAndSet !== 'function'
  ) {
    throw optionError('createKeyRing(): "store" must have get() and compareAndSet(expected, value)')
  }
  return {
    algorithm: resolved.algorithm,
    rotateEvery: durationMs('rotateEvery', resolved.rotateEvery),
    overlap: durationMs('overlap', resolved.overlap),
    store,
    kek: kekOf(resolved.kek),
  }
}

// RFC 7638: the SHA-256 of the key's required members, in lexical order, without white space.
const THUMBPRINT_MEMBERS = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }

function thumbprint(jwk) {
  const members = THUMBPRINT_MEMBERS[jwk.kty]
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])))
  return crypto.createHash('sha256').update(canonical).digest('base64url')
}

function stateError(detail, cause) {
  const err = tokenError('ERR_KEY_RING_STATE_INVALID', `key ring state unreadable: ${detail}`)
  if (cause !== undefined) err.inner = cause
  return err
}

/**
 * A ring of signing keys that rotates on Date.now(): `ring.sign(payload, options)` signs with the current key,
 * `ring.jwks()` gives the published set (previous, current and next keys), `ring.handler()` serves it.
 */
function createKeyRing(options) {
  const { algorithm, rotateEvery, overlap, store, kek } = ringOptions(options)
  // Keys read from the store, by kid: a key is unwrapped and parsed once.
  const loaded = new Map()
  let held = null
  let inFlight = null

  async function newKey(activeFrom) {
    const [type, parameters] = KEY_PARAMETERS[algorithm]
    const { privateKey, publicKey } = await generateKeyPair(type, parameters)
    const publicJwk = publicKey.export({ format: 'jwk' })
    const kid = thumbprint(publicJwk)
    const entry = { kid, alg: algorithm, activeFrom, publicJwk, privateKey }
    loaded.set(kid, entry)
    return entry
  }

  function sealed(entry) {
    const privateJwk = entry.privateKey.export({ format: 'jwk' })
    const record = { kid: entry.kid, alg: entry.alg, activeFrom: entry.activeFrom, public: entry.publicJwk }
    if (kek === undefined) return { ...record, private: privateJwk }
    // The kid is in the protected header, so a wrapped key moved to another entry does not decrypt as its own.
    const wrapped = encrypt({ jwk: privateJwk }, kek, { algorithm: 'A256KW', noTimestamp: true, keyid: entry.kid })
    return { ...record, wrapped }
  }

  function opened(record) {
    const cached = loaded.get(record.kid)
    if (cached !== undefined && cached.activeFrom === record.activeFrom) return cached
    let privateJwk = record.private
    if (record.wrapped !== undefined) {
      if (kek === undefined) throw stateError(`key "${record.kid}" is wrapped and no "kek" was given`)
      let header
      try {
        header = partJson(String(record.wrapped))
        privateJwk = decrypt(record.wrapped, kek, { algorithms: ['A256KW'] }).jwk
      } catch (err) {
        throw stateError(`key "${record.kid}" does not unwrap with this "kek"`, err)
      }
      if (header?.kid !== record.kid) throw stateError(`key "${record.kid}" was wrapped for another key`)
    } else if (kek !== undefined) {
      throw stateError(`key "${record.kid}" is stored unwrapped and a "kek" was given`)
    }
    let privateKey
    try {
      privateKey = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' })
    } catch (err) {
      throw stateError(`key "${record.kid}" is not a private key`, err)
    }
    const publicJwk = crypto.createPublicKey(privateKey).export({ format: 'jwk' })
    if (thumbprint(publicJwk) !== record.kid || !fitsAlgorithm(privateKey, publicJwk, record.alg)) {
      throw stateError(`key "${record.kid}" does not match its kid or algorithm`)
    }
    const entry = { kid: record.kid, alg: record.alg, activeFrom: record.activeFrom, publicJwk, privateKey }
    loaded.set(entry.kid, entry)
    return entry
  }

  function parse(raw) {
    let record
    try {
      record = JSON.parse(raw)
    } catch (err) {
      throw stateError('not JSON', err)
    }
    if (!isPlainObject(record) || record.version !== STATE_VERSION || !Array.isArray(record.keys)) {
      throw stateError(`not a version ${STATE_VERSION} key ring`)
    }
    for (const key of record.keys) {
      if (!isPlainObject(key) || typeof key.kid !== 'string' || !Number.isFinite(key.activeFrom)) {
        throw stateError('a key entry has no kid or start time')
      }
    }
    return record.keys.map(opened).sort((a, b) => a.activeFrom - b.activeFrom)
  }

  // What the ring should hold at `now`: a key with a start in the future (the next key), the keys before it back
  // to the one signing now, and earlier keys until `overlap` has passed since they stopped signing.
  async function planned(keys, now) {
    let changed = false
    if (keys.length === 0) {
      keys = [await newKey(now)]
      changed = true
    }
    const last = keys.at(-1)
    if (last.activeFrom <= now) {
      const start = last.activeFrom + rotateEvery > now ? last.activeFrom + rotateEvery : now + rotateEvery
      keys = [...keys, await newKey(start)]
      changed = true
    }
    const kept = keys.filter((key, index) => index === keys.length - 1 || keys[index + 1].activeFrom + overlap > now)
    return { keys: kept, changed: changed || kept.length !== keys.length }
  }

  // The earliest time the ring changes: a key starts (the first too, when another instance's clock ahead of this one
  // wrote it), or a previous key's overlap ends; the store is read again once a rotation period at the latest.
  function changesAt(keys, now) {
    const times = keys.flatMap((key, index) =>
      index === 0 ? [key.activeFrom] : [key.activeFrom, key.activeFrom + overlap],
    )
    return Math.min(now + rotateEvery, ...times.filter((time) => time > now))
  }

  async function load() {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      const now = Date.now()
      const raw = await store.get()
      if (raw !== null && typeof raw !== 'string') throw stateError('the store returned something other than text')
      const current = raw === null ? [] : parse(raw)
      const plan = await planned(current, now)
      if (
        !plan.changed ||
        (await store.compareAndSet(raw, JSON.stringify({ version: STATE_VERSION, keys: plan.keys.map(sealed) })))
      ) {
        held = { keys: plan.keys, validUntil: changesAt(plan.keys, now) }
        // Keys dropped from the ring, or made by this instance for a write that lost, are let go.
        for (const kid of loaded.keys()) if (!plan.keys.some((key) => key.kid === kid)) loaded.delete(kid)
        return held
      }
    }
    throw tokenError(
      'ERR_KEY_RING_CONTENDED',
      `key ring not updated: the store changed under every one of ${WRITE_ATTEMPTS} attempts`,
    )
  }

  function keys() {
    if (held !== null && Date.now() < held.validUntil) return Promise.resolve(held.keys)
    inFlight ??= load().finally(() => {
      inFlight = null
    })
    return inFlight.then((state) => state.keys)
  }

  function currentOf(list) {
    const now = Date.now()
    return list.findLast((key) => key.activeFrom <= now) ?? list[0]
  }

  async function signingKey() {
    const { kid, alg, privateKey } = currentOf(await keys())
    return { kid, algorithm: alg, key: privateKey }
  }

  async function sign(payload, signOptions = {}) {
    if (!isPlainObject(signOptions)) throw optionError('ring.sign(): "options" must be an object')
    for (const name of ['algorithm', 'keyid']) {
      if (signOptions[name] !== undefined) throw optionError(`ring.sign(): "${name}" is set by the key ring`)
    }
    if (signOptions.header?.kid !== undefined || signOptions.header?.alg !== undefined) {
      throw optionError('ring.sign(): "header.kid" and "header.alg" are set by the key ring')
    }
    const { kid, algorithm: alg, key } = await signingKey()
    const claims = isPlainObject(payload) ? payload : {}
    const withLifetime =
      claims.exp === undefined && signOptions.expiresIn === undefined
        ? { ...signOptions, expiresIn: Math.floor(overlap / 1000) }
        : signOptions
    const exp = claims.exp ?? timespan(withLifetime.expiresIn, claims.iat)
    if (typeof exp === 'number' && exp * 1000 > Date.now() + overlap) {
      throw optionError(
        `ring.sign(): the token would outlive its key: "exp" is more than "overlap" (${overlap / 1000} s) away`,
      )
    }
    return signAsync(payload, key, { ...withLifetime, algorithm: alg, keyid: kid })
  }

  async function jwks() {
    return {
      keys: (await keys()).map(({ kid, alg, publicJwk }) => ({ ...publicJwk, kid, alg, use: 'sig' })),
    }
  }

  // A verifier that caches the set for this long still sees each next key well before it signs.
  const maxAge = Math.max(1, Math.floor(Math.min(rotateEvery / 4, 3_600_000) / 1000))
  const cacheControl = `public, max-age=${maxAge}`

  // Express and node:http: (req, res) or (req, res, next). A store failure goes to `next`, or answers 503.
  function handler() {
    return function jwksHandler(req, res, next) {
      jwks().then(
        (set) => {
          res.statusCode = 200
          res.setHeader('content-type', 'application/jwk-set+json')
          res.setHeader('cache-control', cacheControl)
          res.end(JSON.stringify(set))
        },
        (err) => {
          if (typeof next === 'function') return next(err)
          res.statusCode = 503
          res.setHeader('cache-control', 'no-store')
          res.end()
        },
      )
    }
  }

  // Fastify: `fastify.get('/.well-known/jwks.json', ring.fastifyHandler())`.
  function fastifyHandler() {
    return async function jwksHandler(request, reply) {
      const set = await jwks()
      reply.header('cache-control', cacheControl)
      reply.type('application/jwk-set+json')
      return JSON.stringify(set)
    }
  }

  // Hono, and any framework whose handlers return a fetch Response.
  function honoHandler() {
    return async function jwksHandler() {
      const set = await jwks()
      return new Response(JSON.stringify(set), {
        headers: { 'content-type': 'application/jwk-set+json', 'cache-control': cacheControl },
      })
    }
  }

  return {
    sign,
    signingKey,
    jwks,
    handler,
    fastifyHandler,
    honoHandler,
    cacheControl,
    get algorithm() {
      return algorithm
    },
  }
}

module.exports = { createKeyRing, thumbprint, KEY_PARAMETERS }
