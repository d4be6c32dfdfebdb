'use strict'
// `strict: true`: the JWT profile of RFC 7519 and RFC 8725 where jsonwebtoken is lenient. The payload is a JSON
// object; exp, nbf and iat are numbers, aud a string or an array of strings, iss, sub and jti strings, when
// present; an HMAC secret is at least as long as the hash output (RFC 7518 §3.2). Off by default, and then every
// token jsonwebtoken accepts is accepted.

const { createSecretKey } = require('node:crypto')
const zlib = require('node:zlib')
const jwt = require('..')
const reference = require('jsonwebtoken')
const { expressjwt } = require('../express')
const { keys } = require('./helpers/keys')
const { hmacToken } = require('./helpers/tokens')
const { expectError, rejected } = require('./helpers/assert')
const { FRAMEWORK_NAMES, startApp, bearer, expectInvalidToken } = require('./helpers/express-apps')

const { JsonWebTokenError } = jwt
const secret = 'a shared secret of at least thirty-two bytes'
const NOW = 1_800_000_000
const JWT_HEADER = { alg: 'HS256', typ: 'JWT' }

// Every verify form, each returning a promise.
const forms = {
  verify: (token, key, options) => Promise.resolve().then(() => jwt.verify(token, key, options)),
  verifyAsync: (token, key, options) => jwt.verifyAsync(token, key, options),
  'createVerifier().verify': (token, key, options) =>
    Promise.resolve().then(() => jwt.createVerifier({ key, ...options }).verify(token)),
  'createVerifier().verifyAsync': (token, key, options) =>
    Promise.resolve().then(() => jwt.createVerifier({ key, ...options }).verifyAsync(token)),
}
const FORMS = Object.keys(forms)

// Each with what verify returns for it without strict: an array as parsed, the object a JSON string holds as
// parsed (jsonwebtoken reads such a string again), anything else as its text.
const notObjects = [
  ['a string payload', hmacToken({ alg: 'HS256' }, 'hello', secret), 'hello'],
  ['a JSON string', hmacToken(JWT_HEADER, '"hello"', secret), '"hello"'],
  ['a JSON number', hmacToken(JWT_HEADER, '42', secret), '42'],
  ['a JSON array', hmacToken(JWT_HEADER, '[{"sub":"u1"}]', secret), [{ sub: 'u1' }]],
  ['JSON null', hmacToken(JWT_HEADER, 'null', secret), 'null'],
  ['JSON true', hmacToken(JWT_HEADER, 'true', secret), 'true'],
  ['a JSON string holding an object', hmacToken(JWT_HEADER, JSON.stringify('{"sub":"u1"}'), secret), { sub: 'u1' }],
]

const badClaims = [
  ['exp a string', { exp: String(NOW + 60) }, 'invalid exp value'],
  ['nbf null', { nbf: null }, 'invalid nbf value'],
  ['iat a string', { iat: 'now' }, 'invalid iat value'],
  ['iat an array', { iat: [NOW] }, 'invalid iat value'],
  ['aud a number', { aud: 5 }, 'invalid aud value'],
  ['aud an array holding a number', { aud: ['api', 5] }, 'invalid aud value'],
  ['aud an object', { aud: { api: true } }, 'invalid aud value'],
  ['aud null', { aud: null }, 'invalid aud value'],
  ['iss a number', { iss: 5 }, 'invalid iss value'],
  ['sub an object', { sub: { id: 1 } }, 'invalid sub value'],
  ['jti a boolean', { jti: true }, 'invalid jti value'],
]

describe('without strict, what jsonwebtoken accepts is accepted', () => {
  test.each(notObjects)('%s', (_, token, payload) => {
    expect(jwt.verify(token, secret)).toEqual(payload)
  })

  test.each(badClaims.filter(([title]) => !/^(exp|nbf)/.test(title)))('%s', (_, claims) => {
    const token = hmacToken(JWT_HEADER, claims, secret)
    expect(jwt.verify(token, secret, { clockTimestamp: NOW })).toEqual(claims)
    expect(reference.verify(token, secret, { clockTimestamp: NOW })).toEqual(claims)
  })

  test('a short secret', () => {
    const token = jwt.sign({ sub: 'u1' }, 'short')
    expect(jwt.verify(token, 'short')).toMatchObject({ sub: 'u1' })
  })
})

describe.each(FORMS)('strict through %s', (form) => {
  const verify = forms[form]

  test.each(notObjects)('%s is refused', async (_, token) => {
    const err = await rejected(verify(token, secret, { strict: true }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_PAYLOAD_NOT_OBJECT', message: 'jwt payload must be a JSON object' })
  })

  test.each(badClaims)('%s is refused', async (_, claims, message) => {
    const token = hmacToken(JWT_HEADER, claims, secret)
    const err = await rejected(verify(token, secret, { strict: true, clockTimestamp: NOW }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', message })
  })

  test('well-typed claims pass', async () => {
    const claims = { sub: 'u1', iss: 'auth', jti: 'j', aud: ['api', 'web'], iat: NOW, nbf: NOW - 1, exp: NOW + 60 }
    const token = hmacToken(JWT_HEADER, claims, secret)
    await expect(verify(token, secret, { strict: true, clockTimestamp: NOW })).resolves.toEqual(claims)
    const one = hmacToken(JWT_HEADER, { aud: 'api', custom: null, nested: { exp: 'x' } }, secret)
    await expect(verify(one, secret, { strict: true, audience: 'api' })).resolves.toMatchObject({ aud: 'api' })
  })

  test.each([
    ['HS256', 'sha256', 32],
    ['HS384', 'sha384', 48],
    ['HS512', 'sha512', 64],
  ])('an %s secret shorter than %s bytes is refused, before the signature is checked', async (alg, hash, min) => {
    const short = 'k'.repeat(min - 1)
    const message = `secretOrPublicKey must be at least ${min} bytes long for ${alg}`
    for (const key of [short, Buffer.from(short), createSecretKey(Buffer.from(short))]) {
      const token = hmacToken({ alg }, { sub: 'u1' }, short, hash)
      const err = await rejected(verify(token, key, { strict: true }))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_KEY_SECRET_TOO_SHORT', message })
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.AAAA`
      await expect(verify(forged, key, { strict: true })).rejects.toMatchObject({ code: 'ERR_KEY_SECRET_TOO_SHORT' })
    }
    const long = 'k'.repeat(min)
    await expect(verify(hmacToken({ alg }, { sub: 'u1' }, long, hash), long, { strict: true })).resolves.toEqual({
      sub: 'u1',
    })
  })
})

describe('strict details', () => {
  test('the profile is checked before nbf and exp', () => {
    const token = hmacToken(JWT_HEADER, { exp: 1, iss: 5 }, secret)
    expectError(
      () => jwt.verify(token, secret, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_INVALID',
      'invalid iss value',
    )
    expectError(() => jwt.verify(token, secret), jwt.TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired')
  })

  test('asymmetric keys have no secret length', () => {
    const token = jwt.sign({ sub: 'u1' }, keys.p256.privateKey, { algorithm: 'ES256' })
    expect(jwt.verify(token, keys.p256.publicKey, { strict: true })).toMatchObject({ sub: 'u1' })
  })

  test('compressed data is not a payload: not UTF-8, or else not an object', () => {
    const compressed = zlib.deflateRawSync(JSON.stringify({ sub: 'u1' }))
    const token = hmacToken({ alg: 'HS256', zip: 'DEF' }, compressed, secret)
    expectError(
      () => jwt.verify(token, secret, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_INVALID_UTF8',
      'jwt payload is not valid UTF-8',
    )
    // Bytes that happen to be UTF-8 are text, and text is not a claims set.
    const ascii = hmacToken({ alg: 'HS256', zip: 'DEF' }, compressed.toString('base64'), secret)
    expectError(
      () => jwt.verify(ascii, secret, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
  })

  test('strict and lenient calls with the same key do not share a verifier', () => {
    const token = jwt.sign('hello', 'short')
    for (let i = 0; i < 2; i++) {
      expectError(
        () => jwt.verify(token, 'short', { strict: true }),
        JsonWebTokenError,
        'ERR_KEY_SECRET_TOO_SHORT',
        'secretOrPublicKey must be at least 32 bytes long for HS256',
      )
      expect(jwt.verify(token, 'short')).toBe('hello')
    }
  })

  test('strict must be a boolean', async () => {
    expectError(
      () => jwt.verify(jwt.sign({}, secret), secret, { strict: 'yes' }),
      JsonWebTokenError,
      'ERR_JWT_INVALID_OPTION',
      'strict must be a boolean',
    )
    const err = await rejected(jwt.verifyAsync(jwt.sign({}, secret), secret, { strict: 1 }))
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: 'strict must be a boolean' })
    expectError(
      () => jwt.createVerifier({ key: secret, strict: 'yes' }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"strict" must be a boolean',
    )
    expectError(
      () => expressjwt({ secret, algorithms: ['HS256'], strict: 'yes' }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"strict" must be a boolean',
    )
  })
})

describe.each(FRAMEWORK_NAMES)('the middleware with strict on %s', (framework) => {
  let app
  beforeAll(async () => {
    app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], strict: true }))
  })
  afterAll(() => app.close())

  test('a well-formed token passes; a string payload and a wrong-typed claim get 401', async () => {
    const good = jwt.sign({ sub: 'u1' }, secret)
    expect(await app.request('/', bearer(good))).toMatchObject({ status: 200, body: { auth: { sub: 'u1' } } })
    await expectInvalidToken(
      app,
      jwt.sign('hello', secret),
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
    await expectInvalidToken(
      app,
      hmacToken(JWT_HEADER, { sub: 7 }, secret),
      'ERR_JWT_CLAIM_INVALID',
      'invalid sub value',
    )
  })
})

describe('createVerifier and the middleware refuse a secret too short for strict when they are made', () => {
  const { expressjwt } = require('../express')
  test.each([
    ['the default algorithms', {}, 31, 'secretOrPublicKey must be at least 32 bytes long for HS256'],
    [
      'HS384 and HS512',
      { algorithms: ['HS384', 'HS512'] },
      47,
      'secretOrPublicKey must be at least 48 bytes long for HS384',
    ],
    ['HS512', { algorithms: ['HS512'] }, 63, 'secretOrPublicKey must be at least 64 bytes long for HS512'],
  ])('%s', (_, options, length, message) => {
    const key = 'k'.repeat(length)
    const algorithms = options.algorithms ?? ['HS256', 'HS384', 'HS512']
    for (const make of [
      () => jwt.createVerifier({ key, strict: true, ...options }),
      () => expressjwt({ secret: key, algorithms, strict: true }),
    ]) {
      expectError(make, JsonWebTokenError, 'ERR_KEY_SECRET_TOO_SHORT', message)
    }
  })

  test('a secret long enough for one allowed algorithm is made; a token of another is refused when verified', () => {
    const key = 'k'.repeat(40)
    const verifier = jwt.createVerifier({ key, strict: true, algorithms: ['HS256', 'HS512'] })
    expect(verifier.verify(hmacToken({ alg: 'HS256' }, { sub: 'u1' }, key))).toEqual({ sub: 'u1' })
    expectError(
      () => verifier.verify(hmacToken({ alg: 'HS512' }, { sub: 'u1' }, key, 'sha512')),
      JsonWebTokenError,
      'ERR_KEY_SECRET_TOO_SHORT',
      'secretOrPublicKey must be at least 64 bytes long for HS512',
    )
  })

  test('an empty algorithms list is refused when a verifier is made', () => {
    expectError(
      () => jwt.createVerifier({ key: 'k'.repeat(32), algorithms: [] }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"algorithms" must list at least one algorithm: an empty list would refuse every token',
    )
  })
})
