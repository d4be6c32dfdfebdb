'use strict'
// Key normalisation: every key form jsonwebtoken accepts goes through node:crypto into a KeyObject, and from
// there into a native key parsed once. Entries are found by the key's content, not the object that carries it:
// a key handed over in a new Buffer, KeyObject or `{ key, passphrase }` object on every call is parsed once.

const { types } = require('node:util')
const { KeyObject, checkPrimeSync, createPrivateKey, createPublicKey, createSecretKey } = require('node:crypto')
const native = require('./native')
const { tokenError, fromNative } = require('./errors')
const { boundedMap } = require('./bounded-map')

// Each cache of a role holds at most this many strings and this many contents, the oldest dropped first, so a
// process that sees endless distinct keys holds a bounded number of parsed ones.
const CACHE_LIMIT = 1000
// The verifiers a key entry keeps, one per set of verify() options that shape one (lib/verify.js).
const VERIFIER_CACHE_LIMIT = 64
const MIN_RSA_BITS = 2048
const NO_BYTES = Buffer.alloc(0)

// Whether a secret's bytes hold a PEM boundary line anywhere (`-----BEGIN PUBLIC KEY-----`, after spaces or other
// text that kept node:crypto from reading it as a key, say): such text is a key's, never an HMAC secret.
const PEM_BOUNDARY = /-----BEGIN [A-Z0-9 ]+-----/
function isPemText(bytes) {
  return PEM_BOUNDARY.test(bytes.toString('latin1'))
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
    // A secret's length in bytes.
    secretBytes: keyObject.symmetricKeySize,
    pemText,
    native: null,
    // RSA keys under 2048 bits are signed and verified by node:crypto (lib/legacy-rsa.js), with this KeyObject.
    legacyRsa: null,
    // One per algorithm (and `allowInsecureKeySizes`): bounded by the algorithms the native signer takes.
    signers: new Map(),
    // FIFO: a hit is one lookup per verify() with options unlike the last call's; one dropped is rebuilt once.
    verifiers: boundedMap(VERIFIER_CACHE_LIMIT),
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

// The secret of an `oct` JWK: its `k`, base64url (RFC 7518 §6.4.1: required). A `k` that is missing, empty, not a
// string or not base64url is refused: read as it comes, it would be an empty or partial HMAC key that anyone can
// sign with.
const BASE64URL = /^[A-Za-z0-9_-]+$/
function octSecret(k) {
  if (typeof k !== 'string' || !BASE64URL.test(k) || k.length % 4 === 1) {
    throw new TypeError('an "oct" JWK needs "k": its secret, base64url')
  }
  return createSecretKey(Buffer.from(k, 'base64url'))
}

// RFC 7517 §4.2–4.4 and RFC 8725 §3.1: a JWK given as the key (`{ key: jwk, format: 'jwk' }`) serves only what its
// own members allow. `use` must be the operation's ("sig" to sign or verify, "enc" to encrypt or decrypt), and
// `key_ops`, when it names any, one of the operation's (a private key's "sign" serves verify through its public
// half; WebCrypto writes an empty list for keys without usages, an ECDH public key's); `alg`, when there is one,
// is the one algorithm the key serves, returned for the caller to narrow its algorithms to (RFC 9864's "Ed25519"
// is EdDSA here, the only EdDSA served). Undefined for any other key, and for a JWK without `alg`.
const JWK_OPERATIONS = {
  sign: ['sig', ['sign']],
  verify: ['sig', ['verify', 'sign']],
  encrypt: ['enc', ['encrypt', 'wrapKey', 'deriveKey', 'deriveBits']],
  decrypt: ['enc', ['decrypt', 'unwrapKey', 'deriveKey', 'deriveBits']],
}
const jwsAlgorithm = (alg) => (alg === 'Ed25519' ? 'EdDSA' : alg)
function jwkAlgorithm(input, operation, role) {
  if (input === null || typeof input !== 'object' || input.format !== 'jwk') return undefined
  const jwk = input.key
  if (jwk === null || typeof jwk !== 'object') return undefined
  const { use, key_ops: ops, alg } = jwk
  const [purpose, allowed] = JWK_OPERATIONS[operation]
  if (use !== undefined && use !== purpose) {
    throw tokenError('ERR_KEY_INVALID', `${role} is a JWK whose "use" is not "${purpose}"`)
  }
  if (ops !== undefined && !(Array.isArray(ops) && (ops.length === 0 || ops.some((op) => allowed.includes(op))))) {
    throw tokenError('ERR_KEY_INVALID', `${role} is a JWK whose "key_ops" do not include "${allowed[0]}"`)
  }
  if (alg !== undefined && typeof alg !== 'string') {
    throw tokenError('ERR_KEY_INVALID', `${role} is a JWK whose "alg" is not a string`)
  }
  return purpose === 'sig' ? jwsAlgorithm(alg) : alg
}

// A signer's or an encrypter's algorithm against the JWK's own `alg` (jwkAlgorithm). A `dir` key names the
// content encryption it serves, `encryption` (as jose reads it).
function checkJwkAlgorithm(input, operation, role, alg, encryption) {
  const own = jwkAlgorithm(input, operation, role)
  if (own === undefined || own === alg || (alg === 'dir' && own === encryption)) return
  throw tokenError(
    'ERR_KEY_TYPE_MISMATCH',
    `${role} is a JWK for "alg" ${own}, not ${alg === 'dir' ? encryption : alg}`,
  )
}

function fromOctJwk(input, role) {
  try {
    return octSecret(input.key.k)
  } catch {
    throw tokenError('ERR_KEY_INVALID', `${role} is not valid key material`)
  }
}

// A view of the bytes of a string-or-bytes key as node:crypto reads it (any ArrayBuffer view, or an ArrayBuffer),
// or null for other values.
function bytesOf(input) {
  if (types.isArrayBufferView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (types.isAnyArrayBuffer(input)) return Buffer.from(input)
  return null
}

// Whether node:crypto could read `input` (a string or bytes given alone) as an asymmetric key. It reads such a key
// as PEM only (DER needs `format: 'der'`), and OpenSSL's PEM reader takes a key from a line that starts with
// "-----BEGIN": without that text anywhere, createPublicKey and createPrivateKey can only throw (after a few
// hundred microseconds), so they are not asked and the key goes straight to the secret step, as it would after
// their failure.
const PEM_MARKER = '-----BEGIN'
function mayBeAsymmetric(input) {
  if (typeof input === 'string') return input.includes(PEM_MARKER)
  const bytes = bytesOf(input)
  return bytes === null || bytes.includes(PEM_MARKER)
}

// jsonwebtoken's order: try the key as an asymmetric key, then as a secret. A secret that is PEM text is
// remembered as such: RFC 8725 §3.1 forbids using a public key's text as an HMAC secret.
function normalise(input, createAsymmetric, role, describeKey) {
  if (input instanceof KeyObject) return describeKey(input, false)
  if (isOctJwk(input)) return describeKey(fromOctJwk(input, role), false)
  let keyObject
  try {
    if (!mayBeAsymmetric(input)) throw new Error('not PEM')
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
// lib/jwe-keys.js makes JWE keys the same way). Strings are found by their text; bytes and `{ key, passphrase }`
// objects by a keyed digest of their content (lib/native `keyDigest`), so the cache holds no copy of a secret and
// a key parsed once (a passphrase's key derivation run once) serves every copy of it. A KeyObject is found, in
// this order: by identity; a secret or public key by `equals` against the KeyObjects of the entries used last; by
// the digest of its content (see keyObjectDigest).
function makeCache(createAsymmetric, role, describeKey = describe) {
  // FIFO: a hit is one lookup on every call with the key; a key dropped is parsed again once, after 1,000 others.
  const strings = boundedMap(CACHE_LIMIT)
  const contents = boundedMap(CACHE_LIMIT)
  // KeyObjects are immutable: the same object is found without exporting it again.
  const keyObjects = new WeakMap()
  // Other objects (JWKs, `{ key: KeyObject }`): by identity, while what they were made from is unchanged.
  const objects = new WeakMap()
  const recent = recentKeyObjects()
  const make = (input) => normalise(input, createAsymmetric, role, describeKey)

  // The entry `map` holds under `key`, made from `input` when it holds none.
  function remembered(map, key, input) {
    let entry = map.get(key)
    if (entry === undefined) {
      entry = make(input)
      map.set(key, entry)
    }
    return entry
  }
  const byContent = (digest, input) => remembered(contents, digest, input)

  function keyObjectEntry(input) {
    let entry = keyObjects.get(input)
    if (entry !== undefined) return entry
    // Never a private key: OpenSSL's `equals` compares only the public parts of two private keys, so a key that
    // holds another's public key beside a private key of its own (which the native parse refuses) would be given
    // the other key's entry, and sign or decrypt as that key.
    const comparable = input.type !== 'private'
    if (comparable) {
      // A KeyObject made anew for the call is not added to the WeakMap: its entry there would cost more (a
      // short-lived object in a WeakMap makes work for the collector) than comparing it with the recent keys again.
      entry = recent.find(input, keyObjects)
      if (entry !== undefined) return entry
    }
    const digest = keyObjectDigest(input)
    entry = digest === null ? make(input) : byContent(digest, input)
    keyObjects.set(input, entry)
    if (comparable) recent.add(input, entry)
    return entry
  }

  return function keyEntry(input) {
    if (typeof input === 'string') return remembered(strings, input, input)
    if (input === null || (typeof input !== 'object' && typeof input !== 'function')) return make(input)
    if (input instanceof KeyObject) return keyObjectEntry(input)
    const bytes = bytesOf(input)
    if (bytes !== null) return byContent(native.keyDigest('bytes', bytes, NO_BYTES), input)
    const options = keyOptions(input)
    if (options !== null) return byContent(optionsDigest(options), options)
    const cached = objects.get(input)
    if (cached !== undefined && cached.matches(input)) return cached.entry
    const entry = make(input)
    objects.set(input, { entry, matches: snapshot(input) })
    return entry
  }
}

// How many KeyObjects of recent entries a cache compares a new KeyObject with before it exports and digests it.
const RECENT_KEY_OBJECTS = 8

// The secret and public KeyObjects of the entries a cache made or found last (most recent first), each compared
// with a KeyObject it does not know by `equals`: node compares a secret's bytes (about 0.1 µs), OpenSSL a public
// key and its parameters (EVP_PKEY_eq, about 1 µs for P-256), where exporting and digesting a key node has just
// parsed costs 1 µs (a secret) to 30 µs (an EC key's JWK). These KeyObjects are held strongly (at most
// RECENT_KEY_OBJECTS of them), as the entries hold the parsed keys.
function recentKeyObjects() {
  const list = []
  return {
    // The entry of the recent KeyObject equal to `keyObject`, moved to the front, or undefined. Only keys of the
    // same type are compared: OpenSSL finds keys of different types unequal only after leaving an error behind.
    // The same KeyObject matched twice in a row is kept in `keyObjects`: the app holds on to it.
    find(keyObject, keyObjects) {
      const { type, asymmetricKeyType } = keyObject
      let unequal = false
      try {
        for (let i = 0; i < list.length; i++) {
          const known = list[i]
          if (known.type !== type || known.asymmetricKeyType !== asymmetricKeyType) continue
          if (!equal(known.keyObject, keyObject)) {
            unequal = true
            continue
          }
          if (i > 0) list.unshift(...list.splice(i, 1))
          if (known.lastMatch === keyObject) keyObjects.set(keyObject, known.entry)
          else known.lastMatch = keyObject
          return known.entry
        }
        return undefined
      } finally {
        if (unequal && type !== 'secret') clearOpenSslErrors()
      }
    },
    add(keyObject, entry) {
      list.unshift({ keyObject, type: keyObject.type, asymmetricKeyType: keyObject.asymmetricKeyType, entry })
      if (list.length > RECENT_KEY_OBJECTS) list.pop()
    },
  }
}

function equal(known, keyObject) {
  try {
    return known.equals(keyObject)
  } catch {
    return false
  }
}

// OpenSSL finds two EC keys of curves it cannot compare (P-256 and a curve of explicit parameters with another
// generator, say) unequal and leaves "incompatible objects" in its thread's error queue: node's `equals` does not
// clear it (Node 20 to 26), and the app's next createPrivateKey(pem) would fail with that error. node clears the
// queue on return from the functions it runs as crypto jobs; checkPrimeSync on a one-byte number is the cheapest of
// them (under a microsecond; createHash, getFips and export do not clear it on Node 20). A secret's `equals` is a
// byte comparison in node, outside OpenSSL, so only public keys need this. __test__/key-equals.test.js holds node
// to it on every Node line.
const TWO = Buffer.from([2])
function clearOpenSslErrors() {
  checkPrimeSync(TWO, { checks: 1 })
}

// The content of a KeyObject the recent keys do not match (and of every private key): a secret's bytes; an
// asymmetric key's JWK export with its type (microseconds for RSA and Ed25519; 8 µs on Node 24 and 30 µs on Node 20
// for an EC key node has just parsed, where the DER export costs more). Null for a key node cannot export as a JWK
// (RSA-PSS, explicit curve parameters, ...): such a key is found by identity, or by `equals` if it is public.
function keyObjectDigest(keyObject) {
  if (keyObject.type === 'secret') return digestOnce('secret', keyObject.export())
  let jwk
  try {
    jwk = keyObject.export({ format: 'jwk' })
  } catch {
    return null
  }
  // The JWK names the curve (`crv`) and holds the modulus (`n`): asymmetricKeyDetails, which costs node a few
  // microseconds more on a key it has just parsed, would add nothing.
  const context = JSON.stringify([keyObject.type, keyObject.asymmetricKeyType])
  // The members in a fixed order: the text does not depend on how the export ordered them.
  return digestOnce(context, Buffer.from(JSON.stringify(JWK_MEMBERS.map((name) => jwk[name] ?? null))))
}

// The digest of a copy of key material made for it, wiped once digested.
function digestOnce(context, copy) {
  try {
    return native.keyDigest(context, copy, NO_BYTES)
  } finally {
    copy.fill(0)
  }
}
// The members of a JWK that node:crypto reads to make a key of it.
const JWK_MEMBERS = ['kty', 'crv', 'k', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi']

// `{ key, passphrase, format, type, encoding }` with a string or bytes as `key`: its fields, read once, in a new
// object of only those fields, which is what node:crypto is then given (so what was digested is what is parsed).
// Null for any other object.
function keyOptions(input) {
  let key, passphrase, format, type, encoding
  try {
    ;({ key, passphrase, format, type, encoding } = input)
  } catch {
    // A getter that throws: the object takes the other path, where node:crypto's read of it fails.
    return null
  }
  if (typeof key !== 'string' && bytesOf(key) === null) return null
  if (passphrase !== undefined && typeof passphrase !== 'string' && bytesOf(passphrase) === null) return null
  for (const value of [format, type, encoding]) {
    if (value !== undefined && typeof value !== 'string') return null
  }
  return { key, passphrase, format, type, encoding }
}

function optionsDigest({ key, passphrase, format, type, encoding }) {
  const kind = (value) => (value === undefined ? 'none' : typeof value === 'string' ? 'text' : 'bytes')
  const context = JSON.stringify(['options', format, type, encoding, kind(key), kind(passphrase)])
  const asBytes = (value) =>
    value === undefined ? NO_BYTES : typeof value === 'string' ? Buffer.from(value) : bytesOf(value)
  return native.keyDigest(context, asBytes(key), asBytes(passphrase))
}

// Options objects and the JWKs in them are mutable: an entry is reused only while the options hold what it was
// made from, the same object as `key` and, for a JWK, the same members (a JWK rotated in place, say with
// `Object.assign(jwk, next)`, is a new key).
function snapshot(input) {
  const { key, passphrase, format, type, encoding } = input
  const jwk = key !== null && typeof key === 'object' && !(key instanceof KeyObject) ? key : null
  const members = jwk === null ? null : JWK_MEMBERS.map((name) => jwk[name])
  return (current) =>
    current.passphrase === passphrase &&
    current.format === format &&
    current.type === type &&
    current.encoding === encoding &&
    current.key === key &&
    (members === null || JWK_MEMBERS.every((name, i) => jwk[name] === members[i]))
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

module.exports = {
  signingKey,
  verifyingKey,
  defaultAlgorithms,
  octSecret,
  jwkAlgorithm,
  jwsAlgorithm,
  checkJwkAlgorithm,
  HS_ALGS,
  makeCache,
  CACHE_LIMIT,
  VERIFIER_CACHE_LIMIT,
  RECENT_KEY_OBJECTS,
}
