'use strict'
// A secret or public KeyObject made anew for every call is found by `equals` against the KeyObjects of the entries
// used last, before any export: it gets the entry of the equal key, a different key of the same curve gets its own,
// the list stays bounded, a private key is never matched that way, and OpenSSL's error queue is left empty after
// keys it cannot compare (the app's next createPrivateKey would otherwise fail with the error they left).
// node:crypto's `equals` and the digest are watched (not replaced) to see which path found a key.

const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const native = require('../lib/native')
const jwt = require('..')
const { signingKey, verifyingKey, RECENT_KEY_OBJECTS } = require('../lib/keys')
const { encryptionKey, decryptionKey } = require('../lib/jwe-keys')
const { keys } = require('./helpers/keys')
const { expectError, rejected } = require('./helpers/assert')
const { expressjwt } = require('../express')
const { withApp, bearer } = require('./helpers/express-apps')

const { JsonWebTokenError } = jwt
const NOW = 1_700_000_000
const PAYLOAD = { sub: 'u1', iat: NOW }

const keyDigest = jest.spyOn(native, 'keyDigest')
const equals = jest.spyOn(crypto.KeyObject.prototype, 'equals')

beforeEach(() => {
  jest.useFakeTimers({ now: NOW * 1000 })
  keyDigest.mockClear()
  equals.mockClear()
})
afterEach(() => jest.useRealTimers())
afterAll(() => jest.restoreAllMocks())

const fixture = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', 'ec-explicit', `${name}.pem`), 'utf8')
const fresh = (pair) => ({
  privateKey: () => crypto.createPrivateKey(pair.privatePem),
  publicKey: () => crypto.createPublicKey(pair.publicPem),
})
const pemPair = (pair) => ({
  privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }),
})
const x25519 = pemPair(crypto.generateKeyPairSync('x25519'))
const otherP256 = pemPair(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }))

describe('a KeyObject equal to a recent one', () => {
  test('a public key gets its entry in the verifying and encryption caches, without an export or a digest', () => {
    const p256 = fresh(keys.p256)
    const verifying = verifyingKey(p256.publicKey())
    const encryption = encryptionKey(p256.publicKey())
    keyDigest.mockClear()
    expect(verifyingKey(p256.publicKey())).toBe(verifying)
    expect(encryptionKey(p256.publicKey())).toBe(encryption)
    expect(keyDigest).not.toHaveBeenCalled()
  })

  test('a private key is never compared: it is found by the digest of its export', () => {
    const p256 = fresh(keys.p256)
    const signing = signingKey(p256.privateKey())
    const decryption = decryptionKey(p256.privateKey())
    keyDigest.mockClear()
    equals.mockClear()
    expect(signingKey(p256.privateKey())).toBe(signing)
    expect(decryptionKey(p256.privateKey())).toBe(decryption)
    expect(keyDigest).toHaveBeenCalledTimes(2)
    expect(equals).not.toHaveBeenCalled()
  })

  test('gives the results of the original key: sign, verify, encrypt, decrypt, their async and compiled forms', async () => {
    const p256 = fresh(keys.p256)
    const original = jwt.sign(PAYLOAD, keys.p256.privateKey, { algorithm: 'ES256' })
    const token = jwt.sign(PAYLOAD, p256.privateKey(), { algorithm: 'ES256' })
    expect(jwt.verify(token, keys.p256.publicKey)).toEqual(PAYLOAD)
    expect(jwt.verify(original, p256.publicKey())).toEqual(PAYLOAD)
    expect(await jwt.verifyAsync(token, p256.publicKey())).toEqual(PAYLOAD)
    expect(
      jwt.verify(await jwt.signAsync(PAYLOAD, p256.privateKey(), { algorithm: 'ES256' }), p256.publicKey()),
    ).toEqual(PAYLOAD)
    expect(jwt.createVerifier({ key: p256.publicKey() }).verify(original)).toEqual(PAYLOAD)
    const signed = jwt.createSigner({ key: p256.privateKey(), algorithm: 'ES256' }).sign({ sub: 'u1' })
    expect(jwt.verify(signed, keys.p256.publicKey)).toEqual(PAYLOAD)

    const options = { algorithm: 'ECDH-ES', encryption: 'A256GCM' }
    const encrypted = jwt.encrypt(PAYLOAD, p256.publicKey(), options)
    expect(jwt.decrypt(encrypted, keys.p256.privateKey)).toEqual(PAYLOAD)
    expect(jwt.decrypt(jwt.encrypt(PAYLOAD, keys.p256.publicKey, options), p256.privateKey())).toEqual(PAYLOAD)
    expect(await jwt.decryptAsync(encrypted, p256.privateKey())).toEqual(PAYLOAD)
  })

  test('a secret of the same bytes in a new KeyObject: the same entry and the same token', () => {
    const bytes = crypto.randomBytes(32)
    const first = verifyingKey(crypto.createSecretKey(bytes))
    const token = jwt.sign(PAYLOAD, crypto.createSecretKey(bytes))
    keyDigest.mockClear()
    expect(verifyingKey(crypto.createSecretKey(Buffer.from(bytes)))).toBe(first)
    expect(jwt.sign(PAYLOAD, crypto.createSecretKey(Buffer.from(bytes)))).toBe(token)
    expect(jwt.verify(token, crypto.createSecretKey(Buffer.from(bytes)))).toEqual(PAYLOAD)
    expect(keyDigest).not.toHaveBeenCalled()
  })

  test('a secret of other bytes, or of the same bytes and one more, is another key', () => {
    const bytes = crypto.randomBytes(32)
    const token = jwt.sign(PAYLOAD, crypto.createSecretKey(bytes))
    const other = Buffer.from(bytes)
    other[31] ^= 1
    for (const key of [other, Buffer.concat([bytes, Buffer.from([1])]), bytes.subarray(0, 31)]) {
      expect(verifyingKey(crypto.createSecretKey(key))).not.toBe(verifyingKey(crypto.createSecretKey(bytes)))
      expectError(
        () => jwt.verify(token, crypto.createSecretKey(key)),
        JsonWebTokenError,
        'ERR_JWS_SIGNATURE_INVALID',
        'invalid signature',
      )
    }
  })

  test('two keys of the same curve are told apart', async () => {
    const a = fresh(keys.p256)
    const b = fresh(otherP256)
    const fromA = jwt.sign(PAYLOAD, a.privateKey(), { algorithm: 'ES256' })
    const fromB = jwt.sign(PAYLOAD, b.privateKey(), { algorithm: 'ES256' })
    expect(signingKey(a.privateKey())).not.toBe(signingKey(b.privateKey()))
    expect(verifyingKey(a.publicKey())).not.toBe(verifyingKey(b.publicKey()))
    expect(jwt.verify(fromA, a.publicKey())).toEqual(PAYLOAD)
    expect(jwt.verify(fromB, b.publicKey())).toEqual(PAYLOAD)
    for (const [token, publicKey] of [
      [fromA, b.publicKey()],
      [fromB, a.publicKey()],
    ]) {
      expectError(
        () => jwt.verify(token, publicKey),
        JsonWebTokenError,
        'ERR_JWS_SIGNATURE_INVALID',
        'invalid signature',
      )
    }
    const encrypted = jwt.encrypt(PAYLOAD, a.publicKey(), { algorithm: 'ECDH-ES', encryption: 'A256GCM' })
    const err = await rejected(jwt.decryptAsync(encrypted, b.privateKey()))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED', message: 'decryption failed' })
  })

  test('the same KeyObject matched twice is then found by identity, with no comparison', () => {
    const p256 = fresh(keys.p256)
    const entry = verifyingKey(p256.publicKey())
    const held = p256.publicKey()
    expect(verifyingKey(held)).toBe(entry)
    expect(verifyingKey(held)).toBe(entry)
    equals.mockClear()
    expect(verifyingKey(held)).toBe(entry)
    expect(equals).not.toHaveBeenCalled()
  })
  test('the middleware with a secret callback that returns a new KeyObject: one entry per key, by kid', async () => {
    jest.useRealTimers()
    const pairs = { a: fresh(keys.p256), b: fresh(otherP256) }
    const token = (kid) => jwt.sign({ sub: kid }, pairs[kid].privateKey(), { algorithm: 'ES256', keyid: kid })
    const middleware = expressjwt({
      secret: (req, { header }) => pairs[header.kid].publicKey(),
      algorithms: ['ES256'],
    })
    await withApp(middleware, async (app) => {
      for (let i = 0; i < 3; i++) {
        for (const kid of ['a', 'b']) {
          const { status, body } = await app.request('/', bearer(token(kid)))
          expect(status).toBe(200)
          expect(body).toEqual({ auth: { sub: kid, iat: expect.any(Number) } })
        }
      }
      const forged = jwt.sign({ sub: 'a' }, pairs.b.privateKey(), { algorithm: 'ES256', keyid: 'a' })
      const { status, body } = await app.request('/', bearer(forged))
      expect(status).toBe(401)
      expect(body).toMatchObject({
        name: 'UnauthorizedError',
        code: 'invalid_token',
        message: 'invalid signature',
        inner: { name: 'JsonWebTokenError', code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' },
      })
    })
  })
})

describe('the list of recent KeyObjects is bounded', () => {
  test(`a new key is compared with at most ${RECENT_KEY_OBJECTS} keys; an older one is found by its digest`, () => {
    const made = Array.from({ length: RECENT_KEY_OBJECTS + 4 }, () => crypto.randomBytes(32))
    const entries = made.map((bytes) => signingKey(crypto.createSecretKey(bytes)))
    equals.mockClear()
    keyDigest.mockClear()
    signingKey(crypto.createSecretKey(crypto.randomBytes(32)))
    expect(equals).toHaveBeenCalledTimes(RECENT_KEY_OBJECTS)
    expect(keyDigest).toHaveBeenCalledTimes(1)

    equals.mockClear()
    keyDigest.mockClear()
    expect(signingKey(crypto.createSecretKey(made[0]))).toBe(entries[0])
    expect(equals).toHaveBeenCalledTimes(RECENT_KEY_OBJECTS)
    expect(keyDigest).toHaveBeenCalledTimes(1)
    // Found again by its digest, it is recent once more.
    keyDigest.mockClear()
    expect(signingKey(crypto.createSecretKey(made[0]))).toBe(entries[0])
    expect(keyDigest).not.toHaveBeenCalled()
  })

  test('keys of another type are not compared', () => {
    verifyingKey(crypto.createSecretKey(crypto.randomBytes(32)))
    verifyingKey(fresh(keys.rsa).publicKey())
    verifyingKey(fresh(keys.ed25519).publicKey())
    verifyingKey(fresh(keys.p256).publicKey())
    equals.mockClear()
    verifyingKey(fresh(keys.p256).publicKey())
    expect(equals).toHaveBeenCalledTimes(1)
  })
})

// OpenSSL's `equals` compares only the public parts of two private keys: a private key that holds another key's
// public key beside a private key of its own must not be given that key's entry (it would sign and decrypt as that
// key). The native parse refuses it, as it did before KeyObjects were compared.
describe('a private key that holds the public key of another', () => {
  // `pair`'s PKCS#8 with its private scalar (EC) or exponent (RSA) replaced by another key's.
  function forged(pair, other) {
    if (pair.privateKey.asymmetricKeyType === 'ec') {
      const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' })
      const own = Buffer.from(pair.privateKey.export({ format: 'jwk' }).d, 'base64url')
      const theirs = Buffer.from(other.privateKey.export({ format: 'jwk' }).d, 'base64url')
      const key = Buffer.from(der)
      theirs.copy(key, der.indexOf(own))
      return () => crypto.createPrivateKey({ key, format: 'der', type: 'pkcs8' })
    }
    const jwk = { ...pair.privateKey.export({ format: 'jwk' }), d: other.privateKey.export({ format: 'jwk' }).d }
    return () => crypto.createPrivateKey({ key: jwk, format: 'jwk' })
  }
  const other = {
    p256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  }

  test.each([
    ['P-256', 'p256', 'ES256', 'ECDH-ES'],
    ['RSA', 'rsa', 'RS256', 'RSA-OAEP-256'],
  ])('%s: equal to the key by `equals`, refused to sign and decrypt', (_, name, alg, algorithm) => {
    const pair = keys[name]
    const key = forged(pair, other[name])
    expect(key().equals(pair.privateKey)).toBe(true)
    expect(jwt.verify(jwt.sign(PAYLOAD, fresh(pair).privateKey(), { algorithm: alg }), pair.publicKey)).toEqual(PAYLOAD)
    expectError(
      () => jwt.sign(PAYLOAD, key(), { algorithm: alg }),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'secretOrPrivateKey is not valid key material',
    )
    const encrypted = jwt.encrypt(PAYLOAD, pair.publicKey, { algorithm, encryption: 'A256GCM' })
    expect(jwt.decrypt(encrypted, fresh(pair).privateKey())).toEqual(PAYLOAD)
    expectError(
      () => jwt.decrypt(encrypted, key()),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'decryption key is not valid key material',
    )
  })
})

// Keys OpenSSL cannot compare with those the caches hold: P-256 with another generator (an "incompatible objects"
// error from EVP_PKEY_eq), other curves, explicit parameters, other key types. After each call with such a key,
// node:crypto must still parse a valid key.
describe("OpenSSL's error queue is left empty", () => {
  const P256_NAMED_CURVE_REFUSED = [
    'ERR_KEY_CURVE_UNKNOWN',
    'explicit elliptic curve parameters are not those of P-256, P-384 or P-521',
  ]
  const SECP256K1 = ['ERR_KEY_UNSUPPORTED', 'Unsupported elliptic curve "secp256k1".']
  const X25519 = ['ERR_KEY_UNSUPPORTED', 'Unknown key type "x25519".']
  // [name, the pair's PEMs, the JWS algorithm, the refusal of sign and verify (or null), the JWE algorithm, the
  // refusal of encrypt and decrypt (or null)]
  const KEYS = [
    ['P-256, explicit parameters', 'p256', 'ES256', null, 'ECDH-ES', null],
    ['P-384, explicit parameters', 'p384', 'ES384', null, 'ECDH-ES', null],
    ['P-521, explicit parameters', 'p521', 'ES512', null, 'ECDH-ES', null],
    [
      'P-256 with another generator',
      'p256-other-generator',
      'ES256',
      P256_NAMED_CURVE_REFUSED,
      'ECDH-ES',
      ['ERR_KEY_CURVE_UNKNOWN', 'explicit elliptic curve parameters are not those of P-256, P-384 or P-521'],
    ],
    ['secp256k1, explicit parameters', 'secp256k1', 'ES256', SECP256K1, 'ECDH-ES', P256_NAMED_CURVE_REFUSED],
    ['RSA', keys.rsa, 'RS256', null, 'RSA-OAEP-256', null],
    [
      'Ed25519',
      keys.ed25519,
      'EdDSA',
      null,
      'ECDH-ES',
      [
        'ERR_KEY_UNSUPPORTED',
        'a "ed25519" key cannot be used for encryption: use RSA, EC (P-256, P-384, P-521) or X25519',
      ],
    ],
    ['X25519', x25519, 'EdDSA', X25519, 'ECDH-ES', null],
  ].map(([name, pair, ...rest]) => [
    name,
    typeof pair === 'string' ? { privatePem: fixture(`${pair}-private`), publicPem: fixture(`${pair}-public`) } : pair,
    ...rest,
  ])

  // Every cache holds other keys, made anew (so that they are recent): the key under test is compared with them.
  function fillCaches() {
    const secret = crypto.createSecretKey(Buffer.alloc(32, 7))
    for (const pair of [keys.p256, keys.p384, keys.rsa, keys.ed25519]) {
      const { privateKey, publicKey } = fresh(pair)
      const alg = { p256: 'ES256', p384: 'ES384', rsa: 'RS256', ed25519: 'EdDSA' }
      const name = Object.keys(alg).find((key) => keys[key] === pair)
      expect(jwt.verify(jwt.sign(PAYLOAD, privateKey(), { algorithm: alg[name] }), publicKey())).toEqual(PAYLOAD)
    }
    expect(jwt.verify(jwt.sign(PAYLOAD, secret), secret)).toEqual(PAYLOAD)
    for (const pair of [keys.p256, keys.p384, keys.rsa, x25519]) {
      const { privateKey, publicKey } = fresh(pair)
      const algorithm = pair === keys.rsa ? 'RSA-OAEP-256' : 'ECDH-ES'
      const encrypted = jwt.encrypt(PAYLOAD, publicKey(), { algorithm, encryption: 'A256GCM' })
      expect(jwt.decrypt(encrypted, privateKey())).toEqual(PAYLOAD)
    }
  }

  // What fails when a call leaves an error in the queue: the app's next parse of a valid key.
  function expectNodeParsesKeys() {
    expect(crypto.createPrivateKey(keys.p256.privatePem).asymmetricKeyType).toBe('ec')
    expect(crypto.createPublicKey(keys.p256.publicPem).asymmetricKeyType).toBe('ec')
    expect(crypto.createPublicKey(keys.p256.privatePem).type).toBe('public')
  }

  function expectOutcome(call, refusal, check) {
    if (refusal === null) check(call())
    else expectError(call, JsonWebTokenError, ...refusal)
  }

  test.each(KEYS)('%s: sign and verify with a new KeyObject', (_, pair, alg, refusal) => {
    fillCaches()
    const { privateKey, publicKey } = fresh(pair)
    expectOutcome(
      () => jwt.sign(PAYLOAD, privateKey(), { algorithm: alg }),
      refusal,
      (token) => expect(jwt.verify(token, pair.publicPem)).toEqual(PAYLOAD),
    )
    expectNodeParsesKeys()
    const token = refusal === null ? jwt.sign(PAYLOAD, pair.privatePem, { algorithm: alg }) : 'e30.e30.c2ln'
    expectOutcome(
      () => jwt.verify(token, publicKey(), { algorithms: [alg] }),
      refusal,
      (payload) => expect(payload).toEqual(PAYLOAD),
    )
    expectNodeParsesKeys()
  })

  test.each(KEYS)('%s: encrypt and decrypt with a new KeyObject', (_, pair, _alg, _refusal, algorithm, refusal) => {
    fillCaches()
    const { privateKey, publicKey } = fresh(pair)
    const options = { algorithm, encryption: 'A256GCM' }
    expectOutcome(
      () => jwt.encrypt(PAYLOAD, publicKey(), options),
      refusal,
      (token) => expect(jwt.decrypt(token, pair.privatePem)).toEqual(PAYLOAD),
    )
    expectNodeParsesKeys()
    const token = jwt.encrypt(PAYLOAD, keys.p256.publicKey, { algorithm: 'ECDH-ES', encryption: 'A256GCM' })
    const encrypted = refusal === null ? jwt.encrypt(PAYLOAD, pair.publicPem, options) : token
    expectOutcome(
      () => jwt.decrypt(encrypted, privateKey()),
      refusal,
      (payload) => expect(payload).toEqual(PAYLOAD),
    )
    expectNodeParsesKeys()
  })
})
