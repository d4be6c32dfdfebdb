'use strict'
// expressjwt() with callbacks: secret, getToken, isRevoked and onExpired, each sync and async; and the
// verifiers compiled once per key that a secret function returns.
const compiled = require('../lib/compiled')
// Spied before the middleware module takes its reference to it.
const createVerifier = jest.spyOn(compiled, 'createVerifier')
const { createPublicKey, generateKeyPairSync } = require('node:crypto')
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { FRAMEWORK_NAMES, startApp, bearer } = require('./helpers/express-apps')

const secret = 'a shared secret that is long enough for HS256'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const now = () => Math.floor(Date.now() / 1000)
const later = (value) => new Promise((resolve) => setImmediate(() => resolve(value)))
const failLater = (err) => new Promise((_, reject) => setImmediate(() => reject(err)))
const throwing = (value) => {
  throw value
}
const HOOK_FAILED = 'an authentication hook failed without a reason: it threw or rejected with a falsy value'

const keysByKid = { hs: secret, rs: rsa.publicKey }
const hsToken = (payload = { sub: 'u1' }, options = {}) => jwt.sign(payload, secret, { keyid: 'hs', ...options })
const rsToken = (payload = { sub: 'u2' }) => jwt.sign(payload, rsa.privateKey, { algorithm: 'RS256', keyid: 'rs' })
const expiredToken = () => hsToken({ sub: 'u1', exp: now() - 60 })

let app
afterEach(async () => {
  await app?.close()
  app = undefined
})

function expectUnauthorized(err, code, message) {
  expect(err).toBeInstanceOf(UnauthorizedError)
  expect(err).toMatchObject({ status: 401, code, message })
}

describe.each(FRAMEWORK_NAMES)('%s', (framework) => {
  describe('secret as a function', () => {
    test.each([
      ['sync', (key) => key],
      ['async', (key) => later(key)],
    ])('%s: receives the request and the decoded token, returns the key', async (_, wrap) => {
      const calls = []
      const middleware = expressjwt({
        secret: (req, token) => {
          calls.push({ path: req.url, token })
          return wrap(keysByKid[token?.header.kid])
        },
        algorithms: ['HS256', 'RS256'],
      })
      app = await startApp(framework, middleware)
      const hs = hsToken()
      const rs = rsToken()
      expect(await app.request('/a', bearer(hs))).toEqual({ status: 200, body: { auth: jwt.decode(hs) } })
      expect(await app.request('/b', bearer(rs))).toEqual({ status: 200, body: { auth: jwt.decode(rs) } })
      expect(calls).toEqual([
        { path: '/a', token: jwt.decode(hs, { complete: true }) },
        { path: '/b', token: jwt.decode(rs, { complete: true }) },
      ])
    })

    test('an unknown kid (no key returned) is invalid_token with ERR_KEY_REQUIRED', async () => {
      app = await startApp(framework, expressjwt({ secret: async () => undefined, algorithms: ['HS256'] }))
      const { status, body } = await app.request('/', bearer(hsToken()))
      expect(status).toBe(401)
      expect(body).toMatchObject({ code: 'invalid_token', message: 'secret or public key must be provided' })
      expectUnauthorized(app.errors[0], 'invalid_token', 'secret or public key must be provided')
      expect(app.errors[0].inner).toMatchObject({ code: 'ERR_KEY_REQUIRED', name: 'JsonWebTokenError' })
    })

    test('an undecodable token gives undefined to the secret function, then the verify error', async () => {
      const tokens = []
      const secretFn = (req, token) => {
        tokens.push(token)
        return secret
      }
      app = await startApp(framework, expressjwt({ secret: secretFn, algorithms: ['HS256'] }))
      const { status } = await app.request('/', bearer('not-a-token'))
      expect(status).toBe(401)
      expect(tokens).toEqual([undefined])
      expectUnauthorized(app.errors[0], 'invalid_token', 'jwt malformed')
      expect(app.errors[0].inner.code).toBe('ERR_JWT_MALFORMED')
    })

    test('a key that is not key material is invalid_token with ERR_KEY_INVALID', async () => {
      app = await startApp(framework, expressjwt({ secret: () => 12345, algorithms: ['HS256'] }))
      const { status } = await app.request('/', bearer(hsToken()))
      expect(status).toBe(401)
      expectUnauthorized(app.errors[0], 'invalid_token', 'secretOrPublicKey is not valid key material')
      expect(app.errors[0].inner.code).toBe('ERR_KEY_INVALID')
    })

    test('an error it throws or rejects with reaches the error handler unchanged', async () => {
      const failure = new Error('key store unavailable')
      let calls = 0
      const secretFn = () => {
        calls += 1
        if (calls === 1) return failLater(failure)
        throw failure
      }
      app = await startApp(framework, expressjwt({ secret: secretFn, algorithms: ['HS256'] }))
      for (let i = 0; i < 2; i++) {
        const { status, body } = await app.request('/', bearer(hsToken()))
        expect(status).toBe(500)
        expect(body).toMatchObject({ name: 'Error', message: 'key store unavailable' })
        expect(app.errors[i]).toBe(failure)
      }
    })
  })

  describe('secret as a JWK Set resolver', () => {
    const set = jwt.exportJwks([{ key: rsa.publicKey, kid: 'rs', alg: 'RS256' }])

    test('picks the key by kid; a kid the set lacks is invalid_token', async () => {
      app = await startApp(framework, expressjwt({ secret: jwt.createLocalJwks(set), algorithms: ['RS256'] }))
      const good = rsToken()
      expect(await app.request('/', bearer(good))).toEqual({ status: 200, body: { auth: jwt.decode(good) } })
      const stranger = jwt.sign({ sub: 'u2' }, rsa.privateKey, { algorithm: 'RS256', keyid: 'unknown' })
      const { status, body } = await app.request('/', bearer(stranger))
      expect(status).toBe(401)
      const message = 'no applicable key found in the JSON Web Key Set'
      expect(body).toEqual({
        name: 'UnauthorizedError',
        code: 'invalid_token',
        message,
        inner: { name: 'JsonWebTokenError', code: 'ERR_JWKS_NO_MATCHING_KEY', message },
      })
      expectUnauthorized(app.errors[0], 'invalid_token', message)
    })

    test('a token error the key function rejects with is invalid_token too', async () => {
      const failure = new jwt.JsonWebTokenError('no key for this issuer', undefined, 'ERR_KEY_REQUIRED')
      app = await startApp(framework, expressjwt({ secret: () => failLater(failure), algorithms: ['HS256'] }))
      expect((await app.request('/', bearer(hsToken()))).status).toBe(401)
      expectUnauthorized(app.errors[0], 'invalid_token', 'no key for this issuer')
      expect(app.errors[0].inner).toBe(failure)
    })
  })

  describe('getToken', () => {
    test.each([
      ['sync', (value) => value],
      ['async', (value) => later(value)],
    ])('%s: its token is verified instead of the Authorization header', async (_, wrap) => {
      const getToken = (req) => wrap(req.headers['x-token'])
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], getToken }))
      const token = hsToken()
      const ok = await app.request('/', { headers: { 'x-token': token, authorization: 'Basic Zm9vOmJhcg==' } })
      expect(ok).toEqual({ status: 200, body: { auth: jwt.decode(token) } })
      const missing = await app.request('/', bearer(token))
      expect(missing.status).toBe(401)
      expectUnauthorized(app.errors[0], 'credentials_required', 'No authorization token was found')
      const bad = await app.request('/', { headers: { 'x-token': 'abc' } })
      expect(bad.status).toBe(401)
      expectUnauthorized(app.errors[1], 'invalid_token', 'jwt malformed')
    })

    test('an error it rejects with reaches the error handler unchanged', async () => {
      const failure = new TypeError('no session')
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], getToken: () => failLater(failure) }))
      const { status, body } = await app.request('/')
      expect(status).toBe(500)
      expect(body).toMatchObject({ name: 'TypeError', message: 'no session' })
      expect(app.errors[0]).toBe(failure)
    })
  })

  describe('isRevoked', () => {
    test.each([
      ['sync, static secret', (value) => value, secret],
      ['async, static secret', (value) => later(value), secret],
      ['async, secret function', (value) => later(value), async () => secret],
    ])('%s: gets the whole token; true refuses with revoked_token', async (_, wrap, key) => {
      const seen = []
      const isRevoked = (req, token) => {
        seen.push(token)
        return wrap(token.payload.jti === 'revoked')
      }
      app = await startApp(framework, expressjwt({ secret: key, algorithms: ['HS256'], isRevoked }))
      const good = hsToken({ sub: 'u1', jti: 'fine' })
      const revoked = hsToken({ sub: 'u1', jti: 'revoked' })
      expect(await app.request('/', bearer(good))).toEqual({ status: 200, body: { auth: jwt.decode(good) } })
      const { status, body } = await app.request('/', bearer(revoked))
      expect(status).toBe(401)
      const message = 'The token has been revoked.'
      expect(body).toEqual({ name: 'UnauthorizedError', code: 'revoked_token', message, inner: { message } })
      expectUnauthorized(app.errors[0], 'revoked_token', message)
      expect(seen).toEqual([jwt.decode(good, { complete: true }), jwt.decode(revoked, { complete: true })])
    })

    // express-jwt passes such a failure to next() as it is, where `undefined` reads as success and the request
    // goes through unauthenticated; ringjwt refuses it.
    test.each([
      ['throws undefined', () => throwing(undefined)],
      ['rejects with nothing', () => Promise.reject()],
      ['rejects with null', () => failLater(null)],
      ['rejects with 0', () => failLater(0)],
    ])('an isRevoked that %s fails the request with ERR_HOOK_FAILED', async (_, isRevoked) => {
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], isRevoked }))
      const { status, body } = await app.request('/', bearer(hsToken({ sub: 'u1', jti: 'j1' })))
      expect(status).toBe(500)
      expect(body).toMatchObject({ name: 'Error', message: HOOK_FAILED })
      expect(app.errors[0]).toBeInstanceOf(Error)
      expect(app.errors[0]).toMatchObject({ code: 'ERR_HOOK_FAILED', message: HOOK_FAILED })
    })

    test('is not asked about tokens that fail verification', async () => {
      const isRevoked = jest.fn(() => false)
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], isRevoked }))
      await app.request('/', bearer(jwt.sign({ sub: 'u1' }, 'other secret')))
      expectUnauthorized(app.errors[0], 'invalid_token', 'invalid signature')
      expect(isRevoked).not.toHaveBeenCalled()
    })
  })

  describe('onExpired', () => {
    test.each([
      ['sync', () => undefined],
      ['async', () => later(undefined)],
    ])('%s: a handler that returns lets the expired token through', async (_, result) => {
      const calls = []
      const onExpired = (req, err) => {
        calls.push(err)
        return result()
      }
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], onExpired }))
      const token = expiredToken()
      expect(await app.request('/', bearer(token))).toEqual({ status: 200, body: { auth: jwt.decode(token) } })
      expect(calls).toHaveLength(1)
      expectUnauthorized(calls[0], 'invalid_token', 'jwt expired')
      expect(calls[0].inner).toBeInstanceOf(jwt.TokenExpiredError)
      expect(calls[0].inner.code).toBe('ERR_JWT_EXPIRED')
    })

    test('what it throws reaches the error handler', async () => {
      const onExpired = (req, err) => {
        throw err
      }
      app = await startApp(framework, expressjwt({ secret: () => secret, algorithms: ['HS256'], onExpired }))
      const { status, body } = await app.request('/', bearer(expiredToken()))
      expect(status).toBe(401)
      expect(body).toMatchObject({ code: 'invalid_token', message: 'jwt expired', inner: { code: 'ERR_JWT_EXPIRED' } })
      expectUnauthorized(app.errors[0], 'invalid_token', 'jwt expired')
    })

    test('is called for expired tokens only, and isRevoked still runs after it', async () => {
      const onExpired = jest.fn()
      const isRevoked = jest.fn(async () => true)
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], onExpired, isRevoked }))
      await app.request('/', bearer(jwt.sign({ sub: 'u1', exp: now() - 60 }, 'other secret')))
      expectUnauthorized(app.errors[0], 'invalid_token', 'invalid signature')
      expect(onExpired).not.toHaveBeenCalled()
      await app.request('/', bearer(expiredToken()))
      expect(onExpired).toHaveBeenCalledTimes(1)
      expectUnauthorized(app.errors[1], 'revoked_token', 'The token has been revoked.')
    })
  })
})

describe('verifiers compiled once per key', () => {
  const run = async (middleware, tokens) => {
    app = await startApp('Express 5', middleware)
    for (const token of tokens) expect((await app.request('/', bearer(token))).status).toBe(200)
  }

  test('a static secret: at creation, not per request', async () => {
    const before = createVerifier.mock.calls.length
    const middleware = expressjwt({ secret, algorithms: ['HS256'] })
    expect(createVerifier.mock.calls.length - before).toBe(1)
    await run(middleware, [hsToken(), hsToken(), hsToken()])
    expect(createVerifier.mock.calls.length - before).toBe(1)
  })

  test('a secret function: once for the options, then once per key it returns', async () => {
    const before = createVerifier.mock.calls.length
    const middleware = expressjwt({
      secret: async (req, token) => keysByKid[token.header.kid],
      algorithms: ['HS256', 'RS256'],
    })
    expect(createVerifier.mock.calls.length - before).toBe(1)
    await run(middleware, [hsToken(), rsToken(), hsToken(), rsToken(), hsToken()])
    expect(createVerifier.mock.calls.length - before).toBe(3)
  })

  test('a Buffer key changed in place gets a new verifier', async () => {
    const key = Buffer.from(secret)
    const before = createVerifier.mock.calls.length
    const middleware = expressjwt({ secret: () => key, algorithms: ['HS256'] })
    await run(middleware, [hsToken(), hsToken()])
    expect(createVerifier.mock.calls.length - before).toBe(2)
    key.fill(0x61)
    const token = jwt.sign({ sub: 'u1' }, key)
    await app.request('/', bearer(token)).then(({ status }) => expect(status).toBe(200))
    const { status } = await app.request('/', bearer(hsToken()))
    expect(status).toBe(401)
    expectUnauthorized(app.errors[0], 'invalid_token', 'invalid signature')
    expect(createVerifier.mock.calls.length - before).toBe(3)
  })

  test('a secret function returning a new Buffer, KeyObject or PEM string per request: compiled once per key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = publicKey.export({ type: 'spki', format: 'pem' })
    const esToken = () => jwt.sign({ sub: 'u1' }, privateKey, { algorithm: 'ES256' })
    const fresh = {
      Buffer: [() => Buffer.from(secret), hsToken, ['HS256']],
      KeyObject: [() => createPublicKey(pem), esToken, ['ES256']],
      'PEM string': [() => pem.trimEnd() + '\n', esToken, ['ES256']],
    }
    for (const [name, [keyOf, token, algorithms]] of Object.entries(fresh)) {
      const before = createVerifier.mock.calls.length
      let keys = 0
      const middleware = expressjwt({
        secret: () => {
          keys += 1
          return keyOf()
        },
        algorithms,
      })
      await run(middleware, [token(), token(), token()])
      expect([name, keys]).toEqual([name, 3])
      // One for the options at creation, one for the key.
      expect([name, createVerifier.mock.calls.length - before]).toEqual([name, 2])
      await app.close()
    }
  })
})
