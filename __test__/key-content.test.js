'use strict'
// Keys handed over in a new object on every call (a Buffer decoded per request, a KeyObject made per call, a PEM
// file read again, `{ key, passphrase }` built per call) are found by their content: parsed once, with the same
// verdicts as the object used again. A secret that cannot be PEM never goes through node:crypto's asymmetric
// parsers. node:crypto's parsers are watched (not replaced) to count how often a key is parsed.

const crypto = require('node:crypto')

const createPublicKey = jest.spyOn(crypto, 'createPublicKey')
const createPrivateKey = jest.spyOn(crypto, 'createPrivateKey')

const v8 = require('node:v8')
const vm = require('node:vm')
const jsonwebtoken = require('jsonwebtoken')
const jwt = require('..')
const { expressjwt } = require('../express')
const { signingKey, verifyingKey, CACHE_LIMIT } = require('../lib/keys')
const { expectError } = require('./helpers/assert')
const { encryptionKey, decryptionKey } = require('../lib/jwe-keys')
const { keys } = require('./helpers/keys')
const { withApp, bearer, expectInvalidToken } = require('./helpers/express-apps')
const { thrown } = require('./helpers/assert')

const NOW = 1_700_000_000
const SECRET_BASE64 = crypto.randomBytes(32).toString('base64')
const freshSecret = () => Buffer.from(SECRET_BASE64, 'base64')

beforeEach(() => {
  jest.useFakeTimers({ now: NOW * 1000 })
  createPublicKey.mockClear()
  createPrivateKey.mockClear()
})
afterEach(() => jest.useRealTimers())
afterAll(() => jest.restoreAllMocks())

const parses = () => createPublicKey.mock.calls.length + createPrivateKey.mock.calls.length

describe('a secret in a new object on every call', () => {
  const token = jwt.sign({ sub: 'u1', iat: NOW }, freshSecret())

  test.each([
    ['verify', () => jwt.verify(token, freshSecret())],
    ['verify with a callback', () => jwt.verify(token, freshSecret(), (err, payload) => payload)],
    [
      'verify with a key function',
      () =>
        jwt.verify(
          token,
          (header, done) => done(null, freshSecret()),
          () => {},
        ),
    ],
    ['verifyAsync', () => jwt.verifyAsync(token, freshSecret())],
    ['sign', () => jwt.sign({ sub: 'u1' }, freshSecret())],
    ['signAsync', () => jwt.signAsync({ sub: 'u1' }, freshSecret())],
    ['createSigner', () => jwt.createSigner({ key: freshSecret() }).sign({ sub: 'u1' })],
    ['createVerifier', () => jwt.createVerifier({ key: freshSecret() }).verify(token)],
    ['verify, the secret a Uint8Array', () => jwt.verify(token, new Uint8Array(freshSecret()))],
    ['verify, the secret a KeyObject', () => jwt.verify(token, crypto.createSecretKey(freshSecret()))],
  ])('%s: never asks node:crypto for an asymmetric key', async (_, call) => {
    for (let i = 0; i < 3; i++) await call()
    expect(parses()).toBe(0)
  })

  test('verify finds the parsed key: the entry is the one the first copy made', () => {
    const entry = verifyingKey(freshSecret())
    expect(verifyingKey(freshSecret())).toBe(entry)
    expect(verifyingKey(new Uint8Array(freshSecret()))).toBe(entry)
    expect(verifyingKey(new Uint8Array(freshSecret()).buffer)).toBe(entry)
    expect(verifyingKey(new DataView(new Uint8Array(freshSecret()).buffer))).toBe(entry)
    expect(signingKey(freshSecret())).toBe(signingKey(freshSecret()))
    expect(verifyingKey(crypto.createSecretKey(freshSecret()))).toBe(
      verifyingKey(crypto.createSecretKey(freshSecret())),
    )
  })

  test('encrypt and decrypt (dir): the same, and the token decrypts with any copy', async () => {
    const encrypted = jwt.encrypt({ sub: 'u1' }, freshSecret(), { algorithm: 'dir', encryption: 'A256GCM' })
    for (let i = 0; i < 3; i++) {
      expect(jwt.decrypt(encrypted, freshSecret())).toMatchObject({ sub: 'u1' })
      expect(await jwt.decryptAsync(encrypted, () => freshSecret())).toMatchObject({ sub: 'u1' })
    }
    expect(parses()).toBe(0)
    expect(decryptionKey(freshSecret())).toBe(decryptionKey(freshSecret()))
    expect(encryptionKey(freshSecret())).toBe(encryptionKey(freshSecret()))
  })

  test('the middleware with a secret callback that returns a new Buffer', async () => {
    jest.useRealTimers()
    const token = jwt.sign({ sub: 'u1' }, freshSecret())
    const middleware = expressjwt({ secret: () => freshSecret(), algorithms: ['HS256'] })
    await withApp(middleware, async (app) => {
      for (let i = 0; i < 3; i++) {
        const { status, body } = await app.request('/', bearer(token))
        expect(status).toBe(200)
        expect(body).toEqual({ auth: { sub: 'u1', iat: expect.any(Number) } })
      }
    })
    expect(parses()).toBe(0)
  })

  test('a Buffer changed in place is its new content: the old tokens fail, the new ones verify', () => {
    const key = freshSecret()
    expect(jwt.verify(token, key)).toEqual({ sub: 'u1', iat: NOW })
    key[0] ^= 1
    const err = thrown(() => jwt.verify(token, key))
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
    expect(jwt.verify(jwt.sign({ sub: 'u2' }, key), key)).toEqual({ sub: 'u2', iat: NOW })
  })
})

// A JWK in `{ key, format: 'jwk' }` is the key its members make, read on every call: one rotated in place
// (`Object.assign(jwk, next)`) is the new key at once, for every use of it, as it is for jsonwebtoken.
describe('a JWK changed in place is its new content', () => {
  const RSA_A = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const RSA_B = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const invalid = (fn) => {
    const err = thrown(fn)
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
  }

  test('an RSA public JWK: tokens of the old key fail, those of the new one verify', () => {
    const jwk = RSA_A.publicKey.export({ format: 'jwk' })
    const key = { key: jwk, format: 'jwk' }
    const old = jwt.sign({ sub: 'u1' }, RSA_A.privateKey, { algorithm: 'RS256' })
    expect(jwt.verify(old, key)).toEqual({ sub: 'u1', iat: NOW })
    Object.assign(jwk, RSA_B.publicKey.export({ format: 'jwk' }))
    invalid(() => jwt.verify(old, key))
    expect(() => jsonwebtoken.verify(old, key)).toThrow('invalid signature')
    const next = jwt.sign({ sub: 'u2' }, RSA_B.privateKey, { algorithm: 'RS256' })
    expect(jwt.verify(next, key)).toEqual({ sub: 'u2', iat: NOW })
  })

  test('an oct JWK whose k changes: signs and verifies with the new secret only', () => {
    const jwk = { kty: 'oct', k: crypto.randomBytes(32).toString('base64url') }
    const key = { key: jwk, format: 'jwk' }
    const old = jwt.sign({ sub: 'u1' }, key)
    expect(jwt.verify(old, key)).toEqual({ sub: 'u1', iat: NOW })
    jwk.k = crypto.randomBytes(32).toString('base64url')
    invalid(() => jwt.verify(old, key))
    const next = jwt.sign({ sub: 'u2' }, key)
    expect(jwt.verify(next, { key: { ...jwk }, format: 'jwk' })).toEqual({ sub: 'u2', iat: NOW })
  })

  test('a private JWK to decrypt: tokens for the old key fail, those for the new one open', () => {
    const jwk = RSA_A.privateKey.export({ format: 'jwk' })
    const key = { key: jwk, format: 'jwk' }
    const options = { algorithm: 'RSA-OAEP-256', noTimestamp: true }
    const old = jwt.encrypt({ sub: 'u1' }, RSA_A.publicKey, options)
    expect(jwt.decrypt(old, key, { algorithms: ['RSA-OAEP-256'] })).toEqual({ sub: 'u1' })
    Object.assign(jwk, RSA_B.privateKey.export({ format: 'jwk' }))
    const err = thrown(() => jwt.decrypt(old, key, { algorithms: ['RSA-OAEP-256'] }))
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED', message: 'decryption failed' })
    const next = jwt.encrypt({ sub: 'u2' }, RSA_B.publicKey, options)
    expect(jwt.decrypt(next, key, { algorithms: ['RSA-OAEP-256'] })).toEqual({ sub: 'u2' })
  })

  // A static `secret` is compiled when the middleware is made; keys that change are given by a function.
  test('in the middleware: a JWK a secret function returns, rotated in place, is the new key for the next request', async () => {
    const jwk = RSA_A.publicKey.export({ format: 'jwk' })
    const key = { key: jwk, format: 'jwk' }
    const old = jwt.sign({ sub: 'u1' }, RSA_A.privateKey, { algorithm: 'RS256' })
    const next = jwt.sign({ sub: 'u2' }, RSA_B.privateKey, { algorithm: 'RS256' })
    await withApp(expressjwt({ secret: () => key, algorithms: ['RS256'] }), async (app) => {
      expect(await app.request('/', bearer(old))).toMatchObject({ status: 200, body: { auth: { sub: 'u1' } } })
      Object.assign(jwk, RSA_B.publicKey.export({ format: 'jwk' }))
      await expectInvalidToken(app, old, 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature')
      expect(await app.request('/', bearer(next))).toMatchObject({ status: 200, body: { auth: { sub: 'u2' } } })
    })
  })
})

describe('asymmetric keys in a new object on every call', () => {
  test.each([
    ['a PEM read into a new Buffer', () => Buffer.from(keys.p256.publicPem), () => Buffer.from(keys.p256.privatePem)],
    [
      'a new KeyObject',
      () => crypto.createPublicKey(keys.p256.publicPem),
      () => crypto.createPrivateKey(keys.p256.privatePem),
    ],
    [
      'DER in a new options object',
      () => ({ key: keys.p256.publicKey.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' }),
      () => ({ key: keys.p256.privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' }),
    ],
  ])('%s: the first copy is parsed, the others find it', (_, publicKey, privateKey) => {
    const first = verifyingKey(publicKey())
    expect(verifyingKey(publicKey())).toBe(first)
    expect(signingKey(privateKey())).toBe(signingKey(privateKey()))
    const token = jwt.sign({ sub: 'u1' }, privateKey(), { algorithm: 'ES256' })
    expect(jwt.verify(token, publicKey())).toEqual({ sub: 'u1', iat: NOW })
  })

  test.each(['rsa', 'ed25519', 'p384', 'p521'])('%s KeyObjects made anew find one entry per role', (name) => {
    const pair = keys[name]
    expect(verifyingKey(crypto.createPublicKey(pair.publicPem))).toBe(verifyingKey(pair.publicKey))
    expect(signingKey(crypto.createPrivateKey(pair.privatePem))).toBe(signingKey(pair.privateKey))
  })

  test('a PEM Buffer made anew is parsed once', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = publicKey.export({ type: 'spki', format: 'pem' })
    const token = jwt.sign({ sub: 'u1' }, privateKey, { algorithm: 'ES256' })
    for (let i = 0; i < 3; i++) expect(jwt.verify(token, Buffer.from(pem))).toEqual({ sub: 'u1', iat: NOW })
    expect(createPublicKey.mock.calls.filter(([key]) => Buffer.isBuffer(key))).toHaveLength(1)
  })

  test('{ key, passphrase } built per call: the passphrase is used once, a wrong one is still refused', () => {
    const { key, passphrase, publicPem } = keys.encryptedRsa
    const fresh = () => ({ key: Buffer.from(key), passphrase: String(passphrase) })
    for (let i = 0; i < 3; i++) {
      const token = jwt.sign({ sub: 'u1' }, fresh(), { algorithm: 'RS256' })
      expect(jwt.verify(token, publicPem)).toEqual({ sub: 'u1', iat: NOW })
    }
    expect(createPrivateKey.mock.calls.filter(([input]) => input?.passphrase !== undefined)).toHaveLength(1)
    const err = thrown(() => jwt.sign({}, { key: Buffer.from(key), passphrase: 'wrong' }, { algorithm: 'RS256' }))
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'secretOrPrivateKey is not valid key material' })
  })
})

describe('a secret JWK without a readable "k"', () => {
  // RFC 7518 §6.4.1: "k" is required. Read as it came, a missing or unreadable one was an empty HMAC key, with which
  // anyone can sign.
  const input = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}`
  const emptyKeyToken = `${input}.${crypto.createHmac('sha256', Buffer.alloc(0)).update(input).digest('base64url')}`

  test.each([[undefined], [''], [5], [null], ['a'], ['!!!!'], [['c2VjcmV0']]])('k = %p is refused', (k) => {
    const key = { key: { kty: 'oct', k }, format: 'jwk' }
    for (const run of [
      () => jwt.verify(emptyKeyToken, key),
      () => jwt.sign({ sub: 'u1' }, key, { algorithm: 'HS256' }),
      () => jwt.createVerifier({ key }),
    ]) {
      expectError(
        run,
        jwt.JsonWebTokenError,
        'ERR_KEY_INVALID',
        expect.stringMatching(/^secretOr(Public|Private)Key is not valid key material$/),
      )
    }
  })

  test('ringjwt/hono refuses it too', async () => {
    const { verify } = require('../hono')
    const token = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}`
    const signed = `${token}.${crypto.createHmac('sha256', Buffer.alloc(0)).update(token).digest('base64url')}`
    const err = await verify(signed, { kty: 'oct' }, 'HS256').catch((e) => e)
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'the JWK is not a valid secret key' })
  })
})

describe('the cache is bounded and holds no secret', () => {
  test(`after ${CACHE_LIMIT} other keys, a key is parsed again`, () => {
    const first = verifyingKey(freshSecret())
    for (let i = 0; i < CACHE_LIMIT; i++) verifyingKey(Buffer.from(`other secret ${i}`))
    const again = verifyingKey(freshSecret())
    expect(again).not.toBe(first)
    expect(verifyingKey(freshSecret())).toBe(again)
  })

  // A full cache drops its oldest key alone, never all of them: the last CACHE_LIMIT keys stay parsed however many
  // new ones keep coming (a cache that emptied itself when full would parse each of them again).
  test(`a full cache drops only its oldest key: the last ${CACHE_LIMIT} stay parsed`, () => {
    const keyText = (i) => `a string secret that fills the cache, number ${i}`
    const entries = []
    for (let i = 0; i < CACHE_LIMIT; i++) entries.push(verifyingKey(keyText(i)))
    for (let next = CACHE_LIMIT; next < CACHE_LIMIT + 3; next++) {
      entries.push(verifyingKey(keyText(next)))
      for (let i = next + 1 - CACHE_LIMIT; i <= next; i++) expect(verifyingKey(keyText(i))).toBe(entries[i])
    }
    // The three oldest went, one for each key that came to the full cache.
    for (let i = 0; i < 3; i++) expect(verifyingKey(keyText(i))).not.toBe(entries[i])
  })

  test("the caller's Buffer is not kept alive by the cache", async () => {
    jest.useRealTimers()
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc')
    let key = crypto.randomBytes(32)
    const token = jwt.sign({ sub: 'u1' }, key)
    jwt.verify(token, key)
    const ref = new WeakRef(key)
    key = null
    for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve))
      gc()
    }
    expect(ref.deref()).toBeUndefined()
  })
})

// RFC 8725 §3.1: a public key's text that node:crypto cannot read as a key (spaces or other text before its
// boundary on the same line) is still a key's text, not an HMAC secret anyone with the public key could sign with.
describe('PEM text after other text on its line is never an HMAC secret', () => {
  const pem = keys.rsa.publicPem
  test.each([
    ['70 spaces before it', `${' '.repeat(70)}${pem}`],
    ['text before it, on one line', `key: ${pem.replace(/\n/g, ' ')}`],
    ['a Buffer of it', Buffer.from(`${' '.repeat(70)}${pem}`)],
  ])('%s', (_, key) => {
    const token = jwt.sign({ sub: 'u1' }, 'x'.repeat(32))
    expectError(
      () => jwt.verify(token, key),
      jwt.JsonWebTokenError,
      'ERR_KEY_INVALID',
      'secretOrPublicKey is not valid key material',
    )
    expectError(
      () => jwt.sign({ sub: 'u1' }, key),
      jwt.JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be a symmetric key when using HS256',
    )
  })
})

// Odd key inputs, each made anew for every call: ringjwt gives jsonwebtoken 9's verdict on every one (the token,
// or the error's class and message), the first time and when the same bytes come again, fresh or reused.
describe('the same verdicts as jsonwebtoken on odd key inputs', () => {
  const pem = keys.rsa.publicPem
  const ODD_KEYS = [
    ['a Buffer decoded from base64', () => freshSecret()],
    ['a Uint8Array', () => new Uint8Array(freshSecret())],
    ['an ArrayBuffer', () => new Uint8Array(freshSecret()).buffer],
    ['a DataView', () => new DataView(new Uint8Array(freshSecret()).buffer)],
    ['an empty Buffer', () => Buffer.alloc(0)],
    ['a Buffer of zero bytes', () => Buffer.alloc(32)],
    ['a Buffer of SPKI DER', () => keys.rsa.publicKey.export({ type: 'spki', format: 'der' })],
    ['a string of non-ASCII text', () => 'sécret ✓ 🔑 '.repeat(4)],
    ['a string with the marker inside', () => 'a secret -----BEGIN nothing'],
    ['a Buffer with the marker inside', () => Buffer.from('a secret -----BEGIN nothing')],
    ['a Buffer: lines of text, then a public PEM', () => Buffer.from(`junk\nmore junk\n${pem}`)],
    ['a Buffer: the marker mid-line, then a public PEM', () => Buffer.from(`junk -----BEGIN x\n${pem}`)],
    ['a Buffer: a public PEM with CRLF', () => Buffer.from(pem.replace(/\n/g, '\r\n'))],
    ['a Buffer: a PKCS#1 public PEM', () => Buffer.from(keys.rsa.publicPkcs1Pem)],
    ['a Buffer: a private PEM', () => Buffer.from(keys.rsa.privatePem)],
    ['a Uint8Array: a public PEM', () => new Uint8Array(Buffer.from(pem))],
    ['{ key } with a PEM Buffer', () => ({ key: Buffer.from(pem) })],
    ['{ key } with a secret string', () => ({ key: SECRET_BASE64 })],
    [
      '{ key, format: der } with SPKI DER',
      () => ({ key: keys.rsa.publicKey.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' }),
    ],
  ]
  // RFC 8725 §3.1: text that holds a PEM boundary line is never an HMAC secret here, where jsonwebtoken's sign()
  // takes a public key's PEM, which createPrivateKey cannot parse, as one (the one verdict that differs, fresh or
  // reused).
  const PUBLIC_PEM_TEXT = new Set([
    'a Buffer: lines of text, then a public PEM',
    'a Buffer: the marker mid-line, then a public PEM',
    'a Buffer: a public PEM with CRLF',
    'a Buffer: a PKCS#1 public PEM',
    'a Uint8Array: a public PEM',
  ])
  const PEM_AS_SECRET = { error: true, message: 'secretOrPrivateKey must be a symmetric key when using HS256' }

  // jsonwebtoken's sign throws a plain Error where ringjwt throws its JsonWebTokenError (an Error, with a code):
  // the message is the verdict, and for verify the class as well.
  const outcome = (fn, { withClass = false } = {}) => {
    try {
      return { value: fn() }
    } catch (err) {
      return { error: withClass ? err.name : err instanceof Error, message: err.message }
    }
  }
  const PAYLOAD = { sub: 'u1', iat: NOW }

  test.each(ODD_KEYS)('sign with %s', (name, make) => {
    for (const algorithm of ['HS256', 'RS256']) {
      let expected = outcome(() => jsonwebtoken.sign(PAYLOAD, make(), { algorithm }))
      if (algorithm === 'HS256' && PUBLIC_PEM_TEXT.has(name)) {
        expect(expected.value).toEqual(expect.any(String))
        expected = PEM_AS_SECRET
      }
      const reused = make()
      for (const key of [make(), make(), reused, reused]) {
        expect(outcome(() => jwt.sign(PAYLOAD, key, { algorithm }))).toEqual(expected)
      }
    }
  })

  test.each(ODD_KEYS)('verify with %s', (_, make) => {
    const hs = outcome(() => jsonwebtoken.sign(PAYLOAD, make(), { algorithm: 'HS256' })).value
    const tokens = [jsonwebtoken.sign(PAYLOAD, keys.rsa.privatePem, { algorithm: 'RS256' }), ...(hs ? [hs] : [])]
    for (const token of tokens) {
      const expected = outcome(() => jsonwebtoken.verify(token, make()), { withClass: true })
      const reused = make()
      for (const key of [make(), make(), reused, reused]) {
        expect(outcome(() => jwt.verify(token, key), { withClass: true })).toEqual(expected)
      }
    }
  })
})
