'use strict'
// expressjwt() with a static key: a valid token reaches the route with its payload on req.auth, and every
// failure reaches the app's error handler as an UnauthorizedError with status 401, express-jwt's code and
// message, and the verify error as `inner`. Express 5, Express 4 and plain node:http.
const { generateKeyPairSync, createHmac } = require('node:crypto')
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { FRAMEWORK_NAMES, startApp, bearer } = require('./helpers/express-apps')

const secret = 'a shared secret that is long enough for HS256'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const now = () => Math.floor(Date.now() / 1000)
const BAD_FORMAT = 'Format is Authorization: Bearer [token]'
const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe.each(FRAMEWORK_NAMES)('%s', (framework) => {
  let hs
  let rs
  beforeAll(async () => {
    const options = { secret, algorithms: ['HS256'], audience: 'api', issuer: 'auth' }
    hs = await startApp(framework, expressjwt(options))
    rs = await startApp(framework, expressjwt({ secret: rsa.publicKey, algorithms: ['RS256', 'ES256'] }))
  })
  afterAll(async () => {
    await hs.close()
    await rs.close()
  })

  test('an HS256 token reaches the route with its payload on req.auth', async () => {
    const token = jwt.sign({ sub: 'u1', scope: 'read' }, secret, { audience: 'api', issuer: 'auth', expiresIn: 60 })
    const { status, body } = await hs.request('/', bearer(token))
    expect(status).toBe(200)
    expect(body.auth).toEqual(jwt.decode(token))
    expect(body.auth).toMatchObject({ sub: 'u1', scope: 'read', aud: 'api', iss: 'auth' })
  })

  test('an RS256 token reaches the route with its payload on req.auth', async () => {
    const token = jwt.sign({ sub: 'u2' }, rsa.privateKey, { algorithm: 'RS256' })
    const { status, body } = await rs.request('/', bearer(token))
    expect(status).toBe(200)
    expect(body.auth).toEqual(jwt.decode(token))
  })

  test('the scheme is matched case-insensitively', async () => {
    const token = jwt.sign({ sub: 'u1' }, secret, { audience: 'api', issuer: 'auth' })
    const { status, body } = await hs.request('/', { headers: { authorization: `bEaReR ${token}` } })
    expect(status).toBe(200)
    expect(body.auth.sub).toBe('u1')
  })

  const requestCases = [
    ['no Authorization header', undefined, 'credentials_required', 'No authorization token was found'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'credentials_bad_scheme', BAD_FORMAT],
    ['three parts', 'Bearer a b', 'credentials_bad_format', BAD_FORMAT],
    ['a token without a scheme', 'abc.def.ghi', 'credentials_bad_format', BAD_FORMAT],
  ]

  test.each(requestCases)('%s → 401 %s', async (_, authorization, code, message) => {
    const { status, body } = await hs.request('/', authorization ? { headers: { authorization } } : {})
    expect(status).toBe(401)
    expect(body).toEqual({ name: 'UnauthorizedError', code, message, inner: { message } })
    const err = hs.errors.at(-1)
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect(err).toMatchObject({ status: 401, code, message, inner: { message } })
  })

  const tokenCases = [
    ['a malformed token', () => 'abc', 'JsonWebTokenError', 'ERR_JWT_MALFORMED', 'jwt malformed'],
    ['undecodable parts', () => 'a.b.c', 'JsonWebTokenError', 'ERR_JWT_MALFORMED', 'invalid token'],
    [
      'a bad signature',
      () => jwt.sign({ sub: 'u1' }, 'another secret', { audience: 'api', issuer: 'auth' }),
      'JsonWebTokenError',
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    ],
    [
      'an expired token',
      () => jwt.sign({ sub: 'u1', exp: now() - 60 }, secret, { audience: 'api', issuer: 'auth' }),
      'TokenExpiredError',
      'ERR_JWT_EXPIRED',
      'jwt expired',
    ],
    [
      'a token not active yet',
      () => jwt.sign({ sub: 'u1', nbf: now() + 600 }, secret, { audience: 'api', issuer: 'auth' }),
      'NotBeforeError',
      'ERR_JWT_NOT_ACTIVE',
      'jwt not active',
    ],
    [
      'another audience',
      () => jwt.sign({ sub: 'u1' }, secret, { audience: 'web', issuer: 'auth' }),
      'JsonWebTokenError',
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: api',
    ],
    [
      'another issuer',
      () => jwt.sign({ sub: 'u1' }, secret, { audience: 'api', issuer: 'elsewhere' }),
      'JsonWebTokenError',
      'ERR_JWT_ISSUER_INVALID',
      'jwt issuer invalid. expected: auth',
    ],
    [
      'an algorithm not in `algorithms`',
      () => jwt.sign({ sub: 'u1' }, secret, { algorithm: 'HS384', audience: 'api', issuer: 'auth' }),
      'JsonWebTokenError',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
    [
      'an unsigned token',
      () => jwt.sign({ sub: 'u1' }, null, { algorithm: 'none' }),
      'JsonWebTokenError',
      'ERR_JWS_SIGNATURE_REQUIRED',
      'jwt signature is required',
    ],
  ]

  test.each(tokenCases)('%s → 401 invalid_token with the verify error inside', async (_, make, name, code, message) => {
    const { status, body } = await hs.request('/', bearer(make()))
    expect(status).toBe(401)
    expect(body).toEqual({ name: 'UnauthorizedError', code: 'invalid_token', message, inner: { name, code, message } })
    const err = hs.errors.at(-1)
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect(err).toMatchObject({ status: 401, code: 'invalid_token', message })
    expect(err.inner).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(err.inner).toMatchObject({ name, code, message })
  })

  test('an HS256 token signed with the public key text is refused by the RS256 app', async () => {
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' })
    const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: 'admin' })}`
    const forged = `${signingInput}.${createHmac('sha256', pem).update(signingInput).digest('base64url')}`
    const { status, body } = await rs.request('/', bearer(forged))
    expect(status).toBe(401)
    expect(body).toMatchObject({ code: 'invalid_token', message: 'invalid algorithm' })
    expect(rs.errors.at(-1).inner).toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED', message: 'invalid algorithm' })
  })
})

describe('options checked when the middleware is made', () => {
  test.each([
    ['no options', undefined, 'express-jwt: `secret` is a required option'],
    ['no secret', { algorithms: ['HS256'] }, 'express-jwt: `secret` is a required option'],
    ['an empty secret', { secret: '', algorithms: ['HS256'] }, 'express-jwt: `secret` is a required option'],
    ['no algorithms', { secret }, 'express-jwt: `algorithms` is a required option'],
    ['algorithms not an array', { secret, algorithms: 'HS256' }, 'express-jwt: `algorithms` must be an array'],
  ])('%s: RangeError', (_, options, message) => {
    expect(() => expressjwt(options)).toThrow(RangeError)
    expect(() => expressjwt(options)).toThrow(message)
  })

  test.each([
    ['getToken', { getToken: 'header' }, '"getToken" must be a function'],
    ['isRevoked', { isRevoked: true }, '"isRevoked" must be a function'],
    ['onExpired', { onExpired: {} }, '"onExpired" must be a function'],
    ['credentialsRequired', { credentialsRequired: 'no' }, '"credentialsRequired" must be a boolean'],
    ['requestProperty', { requestProperty: 5 }, '"requestProperty" must be a string'],
    ['empty requestProperty', { requestProperty: '.' }, '"requestProperty" must name a property'],
    ...['auth.__proto__.user', 'constructor.prototype.user', 'a[__proto__]'].map((requestProperty) => [
      `requestProperty ${requestProperty}`,
      { requestProperty },
      '"requestProperty" must not go through "__proto__", "constructor" or "prototype"',
    ]),
    ['audience', { audience: 5 }, '"audience" must be a string, a RegExp or an array of them'],
    ['nonce', { nonce: ' ' }, 'nonce must be a non-empty string'],
    ['clockTolerance', { clockTolerance: '5' }, '"clockTolerance" must be a number of seconds'],
  ])('a bad %s: TypeError with code ERR_JWT_INVALID_OPTION', (_, extra, message) => {
    for (const key of [secret, () => secret]) {
      let caught
      try {
        expressjwt({ secret: key, algorithms: ['HS256'], ...extra })
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(TypeError)
      expect(caught).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })

  test.each([
    ['a number', 12345],
    ['broken PEM text', '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----'],
  ])('a static secret that is %s is refused as key material', (_, key) => {
    let caught
    try {
      expressjwt({ secret: key, algorithms: ['HS256'] })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(caught).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'secretOrPublicKey is not valid key material' })
  })
})

describe('UnauthorizedError', () => {
  test("has express-jwt's constructor and fields", () => {
    const inner = new jwt.TokenExpiredError('jwt expired', new Date(0))
    const err = new UnauthorizedError('invalid_token', inner)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ name: 'UnauthorizedError', status: 401, code: 'invalid_token', message: 'jwt expired' })
    expect(err.inner).toBe(inner)
    expect(err.inner.code).toBe('ERR_JWT_EXPIRED')
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      code: 'invalid_token',
      status: 401,
      name: 'UnauthorizedError',
      inner: {
        name: 'TokenExpiredError',
        message: 'jwt expired',
        code: 'ERR_JWT_EXPIRED',
        expiredAt: new Date(0).toJSON(),
      },
    })
  })

  test('takes a plain { message } as the cause', () => {
    const err = new UnauthorizedError('revoked_token', { message: 'The token has been revoked.' })
    expect(err).toMatchObject({ code: 'revoked_token', message: 'The token has been revoked.', status: 401 })
    expect(err.stack).toContain('UnauthorizedError: The token has been revoked.')
  })

  test('is the class exported from ringjwt and ringjwt/express', () => {
    expect(jwt.UnauthorizedError).toBe(UnauthorizedError)
    expect(jwt.expressjwt).toBe(expressjwt)
  })
})
