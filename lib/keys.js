'use strict'
// Key normalisation: every key form jsonwebtoken accepts goes through node:crypto into a KeyObject, and from
// there into a native key parsed once. Entries are cached per key value, so a key used again costs a lookup.

const { KeyObject, createPrivateKey, createPublicKey, createSecretKey } = require('node:crypto')
const native = require('./native')
const { tokenError, fromNative } = require('./errors')

const STRING_CACHE_LIMIT = 1000
const MIN_RSA_BITS = 2048

function isPemText(bytes) {
  const text = bytes.subarray(0, 64).toString('latin1').trimStart()
  return text.startsWith('-----BEGIN')
}

function isOctJwk(input) {
  return input !== null && typeof input === 'object' && input.format === 'jwk' && input.key?.kty === 'oct'
}

// The facts the checks need, taken once from the KeyObject. An EC key's curve is what the native key read from
// the DER (a named curve, or explicit parameters that are exactly P-256, P-384 or P-521), not node's
// `namedCurve`, which is only used to name a curve the backend does not serve in the refusal.
function describe(keyObject, pemText) {
  const details = keyObject.asymmetricKeyDetails
  const entry = {
    type: keyObject.type,
    asymmetricKeyType: keyObject.asymmetricKeyType,
    curve: undefined,
    bits: details?.modulusLength,
    pemText,
    native: null,
    // RSA keys under 2048 bits are signed and verified by node:crypto (lib/legacy-rsa.js), with this KeyObject.
    legacyRsa: null,
    signers: new Map(),
    verifiers: new Map(),
  }
  // A curve OpenSSL knows by name but the backend does not serve (secp256k1, brainpool, ...) fits no algorithm.
  const named = details?.namedCurve
  if (entry.asymmetricKeyType === 'ec' && named !== undefined && named !== 'UNDEF' && !(named in EC_ALGS)) {
    throw tokenError('ERR_KEY_UNSUPPORTED', `Unsupported elliptic curve "${named}".`)
  }
  const supported = ['rsa', 'rsa-pss', 'ec', 'ed25519'].includes(entry.asymmetricKeyType)
  try {
    if (entry.type === 'secret') {
      entry.native = native.NativeKey.secret(keyObject.export())
    } else if (entry.type === 'private' && supported) {
      entry.native = native.NativeKey.privateKey(keyObject.export({ type: 'pkcs8', format: 'der' }))
    } else if (entry.type === 'public' && supported) {
      entry.native = native.NativeKey.publicKey(keyObject.export({ type: 'spki', format: 'der' }))
    }
  } catch (err) {
    throw fromNative(err)
  }
  if (entry.asymmetricKeyType === 'ec') entry.curve = entry.native.curve
  if (entry.bits !== undefined && entry.bits < MIN_RSA_BITS) entry.legacyRsa = keyObject
  return entry
}

function fromOctJwk(input) {
  return createSecretKey(Buffer.from(String(input.key.k ?? ''), 'base64url'))
}

// jsonwebtoken's order: try the key as an asymmetric key, then as a secret. A secret that is PEM text is
// remembered as such: RFC 8725 §3.1 forbids using a public key's text as an HMAC secret.
function normalise(input, createAsymmetric, role, describeKey) {
  if (input instanceof KeyObject) return describeKey(input, false)
  if (isOctJwk(input)) return describeKey(fromOctJwk(input), false)
  let keyObject
  try {
    keyObject = createAsymmetric(input)
  } catch {
    let secret
    try {
      secret = createSecretKey(typeof input === 'string' ? Buffer.from(input) : input)
    } catch {
      throw tokenError('ERR_KEY_INVALID', `${role} is not valid key material`)
    }
    const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(secret.export())
    return describeKey(secret, isPemText(bytes))
  }
  // Outside the try: a key node:crypto reads but the backend refuses is that error, not a secret.
  return describeKey(keyObject, false)
}

// A cache of key entries for one use: `describeKey(keyObject, pemText)` makes the entry (JWS keys by default;
// lib/jwe-keys.js makes JWE keys the same way).
function makeCache(createAsymmetric, role, describeKey = describe) {
  const strings = new Map()
  const objects = new WeakMap()

  return function keyEntry(input) {
    if (typeof input === 'string') {
      let entry = strings.get(input)
      if (entry === undefined) {
        entry = normalise(input, createAsymmetric, role, describeKey)
        if (strings.size >= STRING_CACHE_LIMIT) strings.clear()
        strings.set(input, entry)
      }
      return entry
    }
    if (input === null || (typeof input !== 'object' && typeof input !== 'function')) {
      return normalise(input, createAsymmetric, role, describeKey)
    }
    // Buffers and `{ key, passphrase }` objects are mutable: an entry is reused only while what it was made
    // from is unchanged.
    const cached = objects.get(input)
    if (cached !== undefined && cached.matches(input)) return cached.entry
    const entry = normalise(input, createAsymmetric, role, describeKey)
    objects.set(input, { entry, matches: snapshot(input) })
    return entry
  }
}

// One function for every KeyObject entry: a call site that sees one target stays fast (a new closure per key made
// the signing and verifying caches' shared lookup code see several).
const unchanged = () => true

function snapshot(input) {
  if (input instanceof KeyObject) return unchanged
  if (Buffer.isBuffer(input) || input instanceof Uint8Array) {
    const copy = Buffer.from(input)
    return (current) => copy.equals(current)
  }
  const { key, passphrase, format, type, encoding } = input
  const keyCopy = Buffer.isBuffer(key) ? Buffer.from(key) : undefined
  return (current) =>
    current.passphrase === passphrase &&
    current.format === format &&
    current.type === type &&
    current.encoding === encoding &&
    (keyCopy ? Buffer.isBuffer(current.key) && keyCopy.equals(current.key) : current.key === key)
}

const signingKey = makeCache(createPrivateKey, 'secretOrPrivateKey')
const verifyingKey = makeCache(createPublicKey, 'secretOrPublicKey')

const HS_ALGS = ['HS256', 'HS384', 'HS512']
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
const EC_ALGS = { prime256v1: ['ES256'], secp384r1: ['ES384'], secp521r1: ['ES512'] }
const PUBLIC_KEY_ALGS = [...RSA_ALGS, 'ES256', 'ES384', 'ES512']

// The `algorithms` used when verify() is given none: the ones the key can serve (jsonwebtoken 9, narrowed to
// the key's own curve for EC and extended with EdDSA for Ed25519).
function defaultAlgorithms(entry) {
  if (entry.type === 'secret') return HS_ALGS
  switch (entry.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return RSA_ALGS
    case 'ec':
      return EC_ALGS[entry.curve] ?? PUBLIC_KEY_ALGS
    case 'ed25519':
      return ['EdDSA']
    default:
      return PUBLIC_KEY_ALGS
  }
}

module.exports = { signingKey, verifyingKey, defaultAlgorithms, HS_ALGS, makeCache }
