'use strict'
const { generateKeyPairSync, KeyObject } = require('node:crypto')
const jwt = require('..')
const { expectError } = require('./helpers/assert')
const { JsonWebTokenError } = jwt

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaNext = generateKeyPairSync('rsa', { modulusLength: 2048 })
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ed = generateKeyPairSync('ed25519')

const published = jwt.exportJwks([
  { key: rsa.publicKey, kid: 'rsa-1', alg: 'RS256' },
  { key: p256.privateKey, kid: 'ec-1' },
  { key: ed.publicKey, kid: 'ed-1' },
])

function verifyWith(token, key, options = {}) {
  return new Promise((resolve, reject) => jwt.verify(token, key, options, (err, p) => (err ? reject(err) : resolve(p))))
}

describe('exportJwks', () => {
  test('writes only public members, with kid, alg and use', () => {
    const [rsaJwk, ecJwk, edJwk] = published.keys
    expect(rsaJwk).toEqual({ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' })
    expect(ecJwk).toEqual({ ...p256.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' })
    expect(edJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', alg: 'EdDSA' })
    for (const jwk of published.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(member)
    }
  })

  test('takes PEM text and leaves alg out for RSA keys when not given', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' })
    const [jwk] = jwt.exportJwks([{ key: pem }]).keys
    expect(jwk).toEqual({ ...rsa.publicKey.export({ format: 'jwk' }), use: 'sig' })
  })

  test.each([
    ['not an array', () => jwt.exportJwks({}), 'exportJwks() takes an array of { key, kid, alg } entries'],
    ['an entry without key', () => jwt.exportJwks([{}]), 'exportJwks(): entry 0 must be an object with a "key"'],
    ['a secret', () => jwt.exportJwks([{ key: 'shared secret' }]), 'exportJwks(): entry 0 is not an asymmetric key'],
    [
      'an algorithm the key cannot serve',
      () => jwt.exportJwks([{ key: p256.publicKey, alg: 'ES384' }]),
      'exportJwks(): entry 0 cannot be used with "ES384"',
    ],
  ])('refuses %s', (_, fn, message) => {
    expectError(fn, TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })
})

describe('createLocalJwks', () => {
  const jwks = jwt.createLocalJwks(published)

  test('parses the set once into KeyObjects', () => {
    expect(jwks.keys).toHaveLength(3)
    for (const key of jwks.keys) expect(key).toBeInstanceOf(KeyObject)
  })

  test.each([
    ['RS256', rsa.privateKey, 'rsa-1'],
    ['ES256', p256.privateKey, 'ec-1'],
    ['EdDSA', ed.privateKey, 'ed-1'],
  ])('verify picks the %s key by kid (callback and Promise forms)', async (algorithm, key, keyid) => {
    const token = jwt.sign({ sub: 'u1' }, key, { algorithm, keyid })
    await expect(verifyWith(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
  })

  test('a header without kid matches the one key that fits the algorithm', async () => {
    const token = jwt.sign({ sub: 'u1' }, ed.privateKey, { algorithm: 'EdDSA' })
    await expect(verifyWith(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
  })

  test('called with a header, or as the middleware calls it, it returns the key', () => {
    const header = { alg: 'ES256', kid: 'ec-1' }
    expect(jwks(header).equals(p256.publicKey)).toBe(true)
    expect(jwks({ headers: {} }, { header, payload: {} }).equals(p256.publicKey)).toBe(true)
  })

  test('an unknown kid fails with the set error code, in jsonwebtoken callback-error form', async () => {
    const token = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    const err = await verifyWith(token, jwks).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: 'error in secret or public key callback: no applicable key found in the JSON Web Key Set',
    })
    expect(err.inner).toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })

  test('a key is never used for an algorithm of another type, curve or declared alg', () => {
    for (const header of [
      { alg: 'ES384', kid: 'ec-1' },
      { alg: 'HS256', kid: 'rsa-1' },
      { alg: 'PS256', kid: 'rsa-1' },
      { alg: 'none' },
      null,
    ]) {
      expectError(
        () => jwks(header),
        JsonWebTokenError,
        'ERR_JWKS_NO_MATCHING_KEY',
        'no applicable key found in the JSON Web Key Set',
      )
    }
  })

  test('two keys that fit a header without kid are ambiguous', () => {
    const two = jwt.createLocalJwks(jwt.exportJwks([{ key: rsa.publicKey }, { key: rsaNext.publicKey }]))
    expectError(
      () => two({ alg: 'RS256' }),
      JsonWebTokenError,
      'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
      'multiple matching keys found in the JSON Web Key Set',
    )
  })

  test('keys for encryption, without "verify" in key_ops, or unreadable are left out', () => {
    const [jwk] = jwt.exportJwks([{ key: rsa.publicKey }]).keys
    const set = jwt.createLocalJwks({
      keys: [{ ...jwk, use: 'enc' }, { ...jwk, key_ops: ['encrypt'] }, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'XYZ' }],
    })
    expect(set.keys).toHaveLength(0)
  })

  test('a signed token is checked against verification keys only, whatever its header holds (an "enc" member)', async () => {
    const ecJwk = p256.publicKey.export({ format: 'jwk' })
    const set = jwt.createLocalJwks({ keys: [{ ...ecJwk, kid: 'e1', use: 'enc' }] })
    for (const header of [
      { alg: 'ES256', kid: 'e1' },
      { alg: 'ES256', kid: 'e1', enc: 'A128GCM' },
    ]) {
      expectError(
        () => set(header),
        JsonWebTokenError,
        'ERR_JWKS_NO_MATCHING_KEY',
        'no applicable key found in the JSON Web Key Set',
      )
    }
    const token = jwt.sign({ sub: 'u1' }, p256.privateKey, {
      algorithm: 'ES256',
      header: { kid: 'e1', enc: 'A128GCM' },
    })
    const err = await verifyWith(token, set).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: 'error in secret or public key callback: no applicable key found in the JSON Web Key Set',
    })
  })

  test('a secret JWK whose "k" is missing, empty or not base64url serves nothing', () => {
    for (const k of [undefined, '', 5, 'a', 'not base64url!']) {
      const set = jwt.createLocalJwks({ keys: [{ kty: 'oct', kid: 's', use: 'enc', k }] })
      expectError(
        () => set({ alg: 'dir', enc: 'A128GCM', kid: 's' }),
        JsonWebTokenError,
        'ERR_JWKS_NO_MATCHING_KEY',
        'no applicable key found in the JSON Web Key Set',
      )
    }
  })

  // node:crypto makes a public key of a private JWK as well: published with its private members, it is left out.
  test('a key published with its private members is left out for verification', () => {
    const rsaPrivate = rsa.privateKey.export({ format: 'jwk' })
    const set = jwt.createLocalJwks({
      keys: [
        { ...p256.privateKey.export({ format: 'jwk' }), kid: 'ec', use: 'sig' },
        { ...rsaPrivate, kid: 'rsa', use: 'sig' },
      ],
    })
    expect(set.keys).toHaveLength(0)
    for (const header of [
      { alg: 'ES256', kid: 'ec' },
      { alg: 'RS256', kid: 'rsa' },
    ]) {
      expectError(
        () => set(header),
        JsonWebTokenError,
        'ERR_JWKS_NO_MATCHING_KEY',
        'no applicable key found in the JSON Web Key Set',
      )
    }
  })

  test.each([
    [null, 'not a JSON object'],
    [[published.keys[0]], 'not a JSON object'],
    [{}, '"keys" is not an array'],
    [{ keys: 'x' }, '"keys" is not an array'],
    [{ keys: [null] }, 'keys[0] is not a JWK (an object with a "kty")'],
    [{ keys: [published.keys[0], {}] }, 'keys[1] is not a JWK (an object with a "kty")'],
    [{ keys: [{ ...published.keys[0], kid: 7 }] }, 'keys[0].kid is not a string'],
    [{ keys: [{ ...published.keys[0], use: ['sig'] }] }, 'keys[0].use is not a string'],
    [{ keys: [{ ...published.keys[0], key_ops: [1] }] }, 'keys[0].key_ops is not an array of strings'],
  ])('refuses the set %p', (set, detail) => {
    expectError(
      () => jwt.createLocalJwks(set),
      JsonWebTokenError,
      'ERR_JWKS_INVALID',
      `JSON Web Key Set malformed: ${detail}`,
    )
  })

  test('keys may share a kid; a header that fits two of them is ambiguous', () => {
    const set = jwt.createLocalJwks(
      jwt.exportJwks([
        { key: rsa.publicKey, kid: 'k1' },
        { key: p256.publicKey, kid: 'k1' },
        { key: rsaNext.publicKey, kid: 'k2' },
        { key: rsa.publicKey, kid: 'k2' },
      ]),
    )
    expect(set({ alg: 'RS256', kid: 'k1' }).equals(rsa.publicKey)).toBe(true)
    expect(set({ alg: 'ES256', kid: 'k1' }).equals(p256.publicKey)).toBe(true)
    expectError(
      () => set({ alg: 'RS256', kid: 'k2' }),
      JsonWebTokenError,
      'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
      'multiple matching keys found in the JSON Web Key Set',
    )
  })
})

describe('a JWK Set as the middleware secret', () => {
  const { startApp, bearer } = require('./helpers/express-apps')
  const { expressjwt, UnauthorizedError } = require('../express')
  let app

  beforeAll(async () => {
    const secret = jwt.createLocalJwks(published)
    app = await startApp('Express 5', expressjwt({ secret, algorithms: ['RS256', 'ES256', 'EdDSA'] }))
  })
  afterAll(() => app.close())

  test('a token signed with a published key reaches the route', async () => {
    const token = jwt.sign({ sub: 'u1' }, p256.privateKey, { algorithm: 'ES256', keyid: 'ec-1' })
    const { status, body } = await app.request('/', bearer(token))
    expect(status).toBe(200)
    expect(body.auth).toMatchObject({ sub: 'u1' })
  })

  test.each([
    [
      'an unknown kid',
      () => jwt.sign({ sub: 'u1' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-9' }),
      { code: 'ERR_JWKS_NO_MATCHING_KEY', message: 'no applicable key found in the JSON Web Key Set' },
    ],
    ['a token that does not decode', () => 'not.a.token', { code: 'ERR_JWT_MALFORMED', message: 'jwt malformed' }],
  ])('%s is a 401 invalid_token', async (_, makeToken, inner) => {
    const { status, body } = await app.request('/', bearer(makeToken()))
    expect(status).toBe(401)
    expect(body).toMatchObject({ code: 'invalid_token', message: inner.message, inner })
    const err = app.errors.at(-1)
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect(err.inner).toBeInstanceOf(JsonWebTokenError)
  })
})

// RFC 7517 §4.2–4.4, RFC 8725 §3.1: given directly as the key, a JWK serves what its own members allow, as it does
// from a set.
describe('a JWK given as the key: its use, key_ops and alg', () => {
  const { randomBytes } = require('node:crypto')
  const K = (jwk) => ({ key: jwk, format: 'jwk' })
  const pub = rsa.publicKey.export({ format: 'jwk' })
  const priv = rsa.privateKey.export({ format: 'jwk' })
  const rs = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'RS256' })
  const ps = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'PS256' })
  const notForSignatures = [
    [{ ...pub, use: 'enc' }, 'secretOrPublicKey is a JWK whose "use" is not "sig"'],
    [{ ...pub, key_ops: ['encrypt'] }, 'secretOrPublicKey is a JWK whose "key_ops" do not include "verify"'],
    [{ ...pub, key_ops: 'verify' }, 'secretOrPublicKey is a JWK whose "key_ops" do not include "verify"'],
    [{ ...pub, alg: 5 }, 'secretOrPublicKey is a JWK whose "alg" is not a string'],
  ]

  test.each(notForSignatures)('%#: verify refuses it in every form', async (jwk, message) => {
    expectError(() => jwt.verify(rs, K(jwk)), JsonWebTokenError, 'ERR_KEY_INVALID', message)
    expectError(() => jwt.createVerifier({ key: K(jwk) }), JsonWebTokenError, 'ERR_KEY_INVALID', message)
    for (const pending of [jwt.verifyAsync(rs, K(jwk)), verifyWith(rs, (header, done) => done(null, K(jwk)))]) {
      const err = await pending.catch((e) => e)
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_KEY_INVALID', message })
    }
  })

  test('its alg is the one algorithm it verifies', async () => {
    const key = K({ ...pub, alg: 'RS256', use: 'sig', key_ops: ['verify'] })
    expect(jwt.verify(rs, key)).toMatchObject({ sub: 'u1' })
    expect(jwt.createVerifier({ key }).verify(rs)).toMatchObject({ sub: 'u1' })
    const refusals = [() => jwt.verify(ps, key), () => jwt.verify(ps, key, { algorithms: ['PS256', 'RS256'] })]
    refusals.push(() => jwt.createVerifier({ key }).verify(ps))
    for (const run of refusals) expectError(run, JsonWebTokenError, 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
    await expect(jwt.verifyAsync(ps, key)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' })
    expectError(
      () => jwt.createVerifier({ key, algorithms: ['PS256'] }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPublicKey is a JWK for "alg" RS256, which "algorithms" does not allow',
    )
    const k = randomBytes(32)
    const hs256 = jwt.sign({ sub: 'u1' }, k)
    expectError(
      () => jwt.verify(hs256, K({ kty: 'oct', k: k.toString('base64url'), alg: 'HS512' })),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
  })

  test('sign and createSigner: the JWK must be for signing, and for the algorithm', () => {
    const cases = [
      [{ ...priv, use: 'enc' }, 'RS256', 'ERR_KEY_INVALID', 'secretOrPrivateKey is a JWK whose "use" is not "sig"'],
      [
        { ...priv, key_ops: ['verify'] },
        'RS256',
        'ERR_KEY_INVALID',
        'secretOrPrivateKey is a JWK whose "key_ops" do not include "sign"',
      ],
      [
        { ...priv, alg: 'RS256' },
        'PS256',
        'ERR_KEY_TYPE_MISMATCH',
        'secretOrPrivateKey is a JWK for "alg" RS256, not PS256',
      ],
    ]
    for (const [jwk, algorithm, code, message] of cases) {
      expectError(() => jwt.sign({ sub: 'u1' }, K(jwk), { algorithm }), JsonWebTokenError, code, message)
      expectError(() => jwt.createSigner({ key: K(jwk), algorithm }), JsonWebTokenError, code, message)
    }
    const signed = jwt.sign({ sub: 'u1' }, K({ ...priv, alg: 'RS256', use: 'sig' }), { algorithm: 'RS256' })
    expect(jwt.verify(signed, rsa.publicKey)).toMatchObject({ sub: 'u1' })
  })

  test('encrypt and decrypt: the JWK must be for encryption, and for the key management algorithm', () => {
    const k = randomBytes(32).toString('base64url')
    const token = jwt.encrypt({ sub: 'u1' }, K({ kty: 'oct', k }), { algorithm: 'A256KW' })
    expectError(
      () => jwt.encrypt({ sub: 'u1' }, K({ kty: 'oct', k, use: 'sig' }), { algorithm: 'A256KW' }),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'encryption key is a JWK whose "use" is not "enc"',
    )
    expectError(
      () => jwt.encrypt({ sub: 'u1' }, K({ kty: 'oct', k, alg: 'dir' }), { algorithm: 'A256KW' }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      'encryption key is a JWK for "alg" dir, not A256KW',
    )
    expectError(
      () => jwt.decrypt(token, K({ kty: 'oct', k, key_ops: ['sign'] })),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'decryption key is a JWK whose "key_ops" do not include "decrypt"',
    )
    expectError(
      () => jwt.decrypt(token, K({ kty: 'oct', k, alg: 'dir' })),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
    expect(jwt.decrypt(token, K({ kty: 'oct', k, alg: 'A256KW', use: 'enc', key_ops: ['unwrapKey'] }))).toMatchObject({
      sub: 'u1',
    })
  })

  test('ringjwt/express: a JWK secret of another alg refuses the token (401)', async () => {
    const { expressjwt } = require('../express')
    const { withApp, bearer, expectInvalidToken } = require('./helpers/express-apps')
    const key = K({ ...pub, alg: 'RS256' })
    for (const secret of [key, () => key]) {
      await withApp(expressjwt({ secret, algorithms: ['RS256', 'PS256'] }), async (app) => {
        expect((await app.request('/', bearer(rs))).status).toBe(200)
        await expectInvalidToken(app, ps, 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
      })
    }
  })
})

// What WebCrypto writes when it exports a key (`key_ops` from the key's usages, an empty list for an ECDH public key;
// `alg` "A256GCM" for an AES-GCM key, "Ed25519" for an Ed25519 key): each serves what it was made for.
describe('JWKs exported by WebCrypto', () => {
  const { subtle } = require('node:crypto').webcrypto
  const K = (jwk) => ({ key: jwk, format: 'jwk' })
  const exported = async (algorithm, usages) => {
    const made = await subtle.generateKey(algorithm, true, usages)
    const [publicKey, privateKey] = made.publicKey ? [made.publicKey, made.privateKey] : [made, made]
    return { pub: await subtle.exportKey('jwk', publicKey), priv: await subtle.exportKey('jwk', privateKey) }
  }
  const RSA = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }

  test.each([
    ['Ed25519', { name: 'Ed25519' }, 'EdDSA'],
    ['ECDSA P-256', { name: 'ECDSA', namedCurve: 'P-256' }, 'ES256'],
    ['RSASSA-PKCS1-v1_5', { name: 'RSASSA-PKCS1-v1_5', ...RSA }, 'RS256'],
    ['HMAC', { name: 'HMAC', hash: 'SHA-256' }, 'HS256'],
  ])(
    '%s signs and verifies, with its public or its private JWK, directly and from a set',
    async (_, algorithm, alg) => {
      const { pub, priv } = await exported(algorithm, ['sign', 'verify'])
      const token = jwt.sign({ sub: 'u1' }, K(priv), { algorithm: alg })
      expect(jwt.verify(token, K(pub))).toMatchObject({ sub: 'u1' })
      expect(jwt.verify(token, K(priv))).toMatchObject({ sub: 'u1' })
      if (alg !== 'HS256')
        await expect(verifyWith(token, jwt.createLocalJwks({ keys: [pub] }))).resolves.toMatchObject({ sub: 'u1' })
    },
  )

  test.each([
    ['ECDH P-256', { name: 'ECDH', namedCurve: 'P-256' }, ['deriveBits'], { algorithm: 'ECDH-ES+A256KW' }],
    ['RSA-OAEP', { name: 'RSA-OAEP', ...RSA }, ['encrypt', 'decrypt'], { algorithm: 'RSA-OAEP-256' }],
    ['AES-KW', { name: 'AES-KW', length: 256 }, ['wrapKey', 'unwrapKey'], { algorithm: 'A256KW' }],
    ['AES-GCM', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt'], { algorithm: 'dir', encryption: 'A256GCM' }],
  ])('%s encrypts and decrypts', async (_, algorithm, usages, options) => {
    const { pub, priv } = await exported(algorithm, usages)
    const token = jwt.encrypt({ sub: 'u1' }, K(pub), options)
    expect(jwt.decrypt(token, K(priv))).toMatchObject({ sub: 'u1' })
  })

  // An empty key_ops names no operation to refuse, in a set as given directly.
  test('an ECDH public key (an empty key_ops) serves encryption from a set too', async () => {
    const { pub, priv } = await exported({ name: 'ECDH', namedCurve: 'P-256' }, ['deriveBits'])
    expect(pub.key_ops).toStrictEqual([])
    const key = jwt.createLocalJwks({ keys: [pub] })({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
    const token = jwt.encrypt({ sub: 'u1' }, key, { algorithm: 'ECDH-ES+A256KW' })
    expect(jwt.decrypt(token, K(priv))).toMatchObject({ sub: 'u1' })
  })

  test('an AES-GCM key serves its own content encryption alone', async () => {
    const { pub } = await exported({ name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt'])
    expectError(
      () => jwt.encrypt({ sub: 'u1' }, K(pub), { algorithm: 'dir', encryption: 'A128CBC-HS256' }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      'encryption key is a JWK for "alg" A256GCM, not A128CBC-HS256',
    )
  })
})

// Loading a set reads no key: node:crypto reads a JWK when a token's header first picks it, once for the life of the
// loaded set. Counted where lib/jwks.js calls them, on node:crypto's module object.
describe('createLocalJwks: a key is read when a token first picks it', () => {
  const crypto = require('node:crypto')
  const pairs = Array.from({ length: 20 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  const jwks = pairs.map(({ publicKey }, i) => ({ ...publicKey.export({ format: 'jwk' }), kid: `k${i}`, alg: 'ES256' }))
  // A point off the curve: a well-formed JWK that node:crypto cannot read.
  const offCurve = (jwk) => {
    const y = Buffer.from(jwk.y, 'base64url')
    y[y.length - 1] ^= 1
    return { ...jwk, y: y.toString('base64url') }
  }
  let reads
  beforeEach(() => {
    const publicReads = jest.spyOn(crypto, 'createPublicKey')
    const privateReads = jest.spyOn(crypto, 'createPrivateKey')
    reads = () => publicReads.mock.calls.length + privateReads.mock.calls.length
  })
  afterEach(() => jest.restoreAllMocks())

  const noMatch = (run) =>
    expectError(run, JsonWebTokenError, 'ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')

  test('loading reads no key; the key a token names is read once', () => {
    const set = jwt.createLocalJwks({ keys: jwks })
    expect(reads()).toBe(0)
    const key = set({ alg: 'ES256', kid: 'k7' })
    expect(key.equals(pairs[7].publicKey)).toBe(true)
    expect(reads()).toBe(1)
    expect(set({ alg: 'ES256', kid: 'k7' })).toBe(key)
    expect(reads()).toBe(1)
    const token = jwt.sign({ sub: 'u1' }, pairs[7].privateKey, { algorithm: 'ES256', keyid: 'k7' })
    expect(jwt.verify(token, key)).toMatchObject({ sub: 'u1' })
  })

  test('keys node:crypto cannot read are left out when a token picks them, not at load', () => {
    const set = jwt.createLocalJwks({ keys: jwks.map((jwk, i) => (i === 0 ? jwk : offCurve(jwk))) })
    expect(reads()).toBe(0)
    expect(set({ alg: 'ES256', kid: 'k0' }).equals(pairs[0].publicKey)).toBe(true)
    expect(reads()).toBe(1)
    noMatch(() => set({ alg: 'ES256', kid: 'k5' }))
    noMatch(() => set({ alg: 'ES256', kid: 'k5' }))
    expect(reads()).toBe(2)
    // Without a kid, the one key node:crypto reads fits; each key is read once, whatever the number of tokens.
    expect(set({ alg: 'ES256' }).equals(pairs[0].publicKey)).toBe(true)
    const afterFirst = reads()
    expect(set({ alg: 'ES256' }).equals(pairs[0].publicKey)).toBe(true)
    expect(reads()).toBe(afterFirst)
    expect(afterFirst).toBeLessThanOrEqual(jwks.length)
  })

  test('a header without kid that fits many keys reads two of them: it is ambiguous', () => {
    const set = jwt.createLocalJwks({ keys: jwks.map(({ kid: _kid, ...jwk }) => jwk) })
    expectError(
      () => set({ alg: 'ES256' }),
      JsonWebTokenError,
      'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
      'multiple matching keys found in the JSON Web Key Set',
    )
    expect(reads()).toBe(2)
  })

  test('a key without "use" is read once for signatures and encryption, and only for a JWE when one asks', () => {
    const { alg: _alg, ...jwk } = jwks[3]
    const set = jwt.createLocalJwks({ keys: [jwk] })
    const key = set({ alg: 'ES256', kid: 'k3' })
    expect(reads()).toBe(1)
    expect(set({ alg: 'ECDH-ES', enc: 'A128GCM', kid: 'k3' })).toBe(key)
    expect(reads()).toBe(1)
    const privateSet = jwt.createLocalJwks({ keys: [{ ...pairs[3].privateKey.export({ format: 'jwk' }), kid: 'k3' }] })
    noMatch(() => privateSet({ alg: 'ES256', kid: 'k3' }))
    expect(reads()).toBe(1)
    const privateKey = privateSet({ alg: 'ECDH-ES', enc: 'A128GCM', kid: 'k3' })
    expect(privateKey.type).toBe('private')
    expect(reads()).toBe(2)
  })

  test('"keys" reads the verification keys when first read, once', () => {
    const set = jwt.createLocalJwks({ keys: [...jwks.slice(0, 5), offCurve(jwks[5])] })
    expect(reads()).toBe(0)
    const all = set.keys
    expect(all).toHaveLength(5)
    expect(reads()).toBe(6)
    expect(set.keys).toBe(all)
    expect(set({ alg: 'ES256', kid: 'k2' })).toBe(all[2])
    expect(reads()).toBe(6)
  })
})
