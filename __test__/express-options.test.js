'use strict'
// expressjwt() options around the token check: requestProperty (dotted paths), .unless, credentialsRequired,
// CORS preflight, and verify options passed through to the verifier.
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { FRAMEWORK_NAMES, startApp, bearer } = require('./helpers/express-apps')

const secret = 'a shared secret that is long enough for HS256'
const now = () => Math.floor(Date.now() / 1000)
const token = (payload = { sub: 'u1' }, options) => jwt.sign(payload, secret, options)

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
  describe('requestProperty', () => {
    test('a plain name', async () => {
      const middleware = expressjwt({ secret, algorithms: ['HS256'], requestProperty: 'user' })
      app = await startApp(framework, middleware, { respond: (req) => ({ user: req.user, auth: req.auth ?? null }) })
      const t = token()
      expect(await app.request('/', bearer(t))).toEqual({ status: 200, body: { user: jwt.decode(t), auth: null } })
    })

    test('a dotted path creates the objects on the way', async () => {
      const middleware = expressjwt({ secret, algorithms: ['HS256'], requestProperty: 'auth.payload' })
      app = await startApp(framework, middleware)
      const t = token()
      expect(await app.request('/', bearer(t))).toEqual({ status: 200, body: { auth: { payload: jwt.decode(t) } } })
    })

    test('a path keeps the objects already there and makes an array before a numeric segment', async () => {
      const inner = expressjwt({ secret, algorithms: ['HS256'], requestProperty: 'ctx.tokens[0].claims' })
      const middleware = (req, res, next) => {
        req.ctx = { requestId: 'r-1' }
        return inner(req, res, next)
      }
      const respond = (req) => ({ ctx: req.ctx, isArray: Array.isArray(req.ctx.tokens) })
      app = await startApp(framework, middleware, { respond })
      const t = token()
      const { status, body } = await app.request('/', bearer(t))
      expect(status).toBe(200)
      expect(body).toEqual({ ctx: { requestId: 'r-1', tokens: [{ claims: jwt.decode(t) }] }, isArray: true })
    })
  })

  describe('.unless', () => {
    test('skips the listed paths and methods', async () => {
      const middleware = expressjwt({ secret, algorithms: ['HS256'] }).unless({
        path: ['/public', /^\/assets\//, { url: '/login', methods: ['POST'] }],
        method: 'HEAD',
      })
      app = await startApp(framework, middleware)
      for (const [path, method] of [
        ['/public', 'GET'],
        ['/assets/app.css', 'GET'],
        ['/login', 'POST'],
        ['/private', 'HEAD'],
      ]) {
        expect((await app.request(path, { method })).status).toBe(200)
      }
      for (const [path, method] of [
        ['/private', 'GET'],
        ['/login', 'GET'],
      ]) {
        const { status, body } = await app.request(path, { method })
        expect(status).toBe(401)
        expect(body).toMatchObject({ code: 'credentials_required', message: 'No authorization token was found' })
      }
      expect(app.errors).toHaveLength(2)
      for (const err of app.errors) expectUnauthorized(err, 'credentials_required', 'No authorization token was found')
      const t = token()
      expect(await app.request('/private', bearer(t))).toEqual({ status: 200, body: { auth: jwt.decode(t) } })
    })

    test('takes a custom test and chains', async () => {
      const middleware = expressjwt({ secret, algorithms: ['HS256'] })
        .unless((req) => req.headers['x-internal'] === 'yes')
        .unless({ path: '/health' })
      app = await startApp(framework, middleware)
      expect((await app.request('/data', { headers: { 'x-internal': 'yes' } })).status).toBe(200)
      expect((await app.request('/health')).status).toBe(200)
      expect((await app.request('/data')).status).toBe(401)
      expectUnauthorized(app.errors[0], 'credentials_required', 'No authorization token was found')
    })
  })

  describe('credentialsRequired: false', () => {
    beforeEach(async () => {
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], credentialsRequired: false }))
    })

    test('no token, or another scheme: the route runs without req.auth', async () => {
      expect(await app.request('/')).toEqual({ status: 200, body: { auth: null } })
      expect(await app.request('/', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).toEqual({
        status: 200,
        body: { auth: null },
      })
    })

    test('a valid token is still verified and set', async () => {
      const t = token()
      expect(await app.request('/', bearer(t))).toEqual({ status: 200, body: { auth: jwt.decode(t) } })
    })

    test('a malformed header or a bad token is still refused', async () => {
      expect((await app.request('/', { headers: { authorization: 'Bearer a b' } })).status).toBe(401)
      expectUnauthorized(app.errors[0], 'credentials_bad_format', 'Format is Authorization: Bearer [token]')
      expect((await app.request('/', bearer(token({ sub: 'u1', exp: now() - 60 })))).status).toBe(401)
      expectUnauthorized(app.errors[1], 'invalid_token', 'jwt expired')
      expect(app.errors[1].inner).toMatchObject({ name: 'TokenExpiredError', code: 'ERR_JWT_EXPIRED' })
    })
  })

  describe('CORS preflight', () => {
    beforeEach(async () => {
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'] }))
    })

    test('an OPTIONS request announcing Authorization passes without a token', async () => {
      for (const requested of ['authorization', 'Content-Type, Authorization', 'x-a,AUTHORIZATION ,x-b']) {
        const headers = { origin: 'http://example.test', 'access-control-request-headers': requested }
        expect(await app.request('/items', { method: 'OPTIONS', headers })).toEqual({
          status: 200,
          body: { auth: null },
        })
      }
    })

    test('other OPTIONS requests need a token', async () => {
      const headers = { 'access-control-request-headers': 'content-type, x-authorization' }
      expect((await app.request('/items', { method: 'OPTIONS', headers })).status).toBe(401)
      expect((await app.request('/items', { method: 'OPTIONS' })).status).toBe(401)
      expect(app.errors).toHaveLength(2)
      for (const err of app.errors) expectUnauthorized(err, 'credentials_required', 'No authorization token was found')
    })
  })

  describe('verify options', () => {
    test('clockTolerance, maxAge, audience and issuer reach the verifier', async () => {
      const options = {
        secret,
        algorithms: ['HS256'],
        clockTolerance: 30,
        maxAge: '1h',
        audience: /^api:/,
        issuer: ['a', 'b'],
      }
      app = await startApp(framework, expressjwt(options))
      const claims = { aud: 'api:orders', iss: 'b' }
      const lateButTolerated = token({ ...claims, exp: now() - 10 })
      expect(await app.request('/', bearer(lateButTolerated))).toEqual({
        status: 200,
        body: { auth: jwt.decode(lateButTolerated) },
      })
      await app.request('/', bearer(token({ ...claims, iat: now() - 7200 })))
      expectUnauthorized(app.errors[0], 'invalid_token', 'maxAge exceeded')
      expect(app.errors[0].inner).toMatchObject({ name: 'TokenExpiredError', code: 'ERR_JWT_EXPIRED' })
      await app.request('/', bearer(token({ ...claims, iss: 'c' })))
      expectUnauthorized(app.errors[1], 'invalid_token', 'jwt issuer invalid. expected: a,b')
      expect(app.errors[1].inner.code).toBe('ERR_JWT_ISSUER_INVALID')
    })

    test('clockTimestamp fixes the time the checks use', async () => {
      const t = token({ sub: 'u1', iat: 1000, exp: 2000 })
      app = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], clockTimestamp: 1500 }))
      expect(await app.request('/', bearer(t))).toEqual({
        status: 200,
        body: { auth: { sub: 'u1', iat: 1000, exp: 2000 } },
      })
    })

    test('options that are not verify options are left out (`complete` does not change req.auth)', async () => {
      const options = { secret, algorithms: ['HS256'], complete: true, passReqToCallback: true, key: 'other' }
      app = await startApp(framework, expressjwt(options))
      const t = token()
      expect(await app.request('/', bearer(t))).toEqual({ status: 200, body: { auth: jwt.decode(t) } })
    })

    test('cache: requests with the same token share one frozen payload, and expiry still applies', async () => {
      const seen = []
      const inner = expressjwt({ secret, algorithms: ['HS256'], cache: 100 })
      const middleware = (req, res, next) =>
        inner(req, res, (err) => {
          if (err) return next(err)
          seen.push(req.auth)
          try {
            req.auth.sub = 'someone else'
          } catch (error) {
            return next(error)
          }
          next()
        })
      app = await startApp(framework, middleware)
      const t = token({ sub: 'u1', scope: ['read'] })
      for (let i = 0; i < 2; i++) {
        const { status, body } = await app.request('/', bearer(t))
        expect(status).toBe(500)
        expect(body).toMatchObject({
          name: 'TypeError',
          message: "Cannot assign to read only property 'sub' of object '#<Object>'",
        })
      }
      expect(seen[0]).toBe(seen[1])
      expect(seen[0]).toEqual(jwt.decode(t))
      expect(Object.isFrozen(seen[0]) && Object.isFrozen(seen[0].scope)).toBe(true)
      const expired = token({ sub: 'u1', exp: now() - 1 })
      for (let i = 0; i < 2; i++) {
        expect((await app.request('/', bearer(expired))).status).toBe(401)
      }
      expectUnauthorized(app.errors[2], 'invalid_token', 'jwt expired')
      expectUnauthorized(app.errors[3], 'invalid_token', 'jwt expired')
    })
  })
})

test('a bad cache option is refused when the middleware is made', () => {
  let caught
  try {
    expressjwt({ secret, algorithms: ['HS256'], cache: 'yes' })
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(TypeError)
  expect(caught).toMatchObject({
    code: 'ERR_JWT_INVALID_OPTION',
    message: '"cache" must be a positive integer (the number of tokens to keep)',
  })
})
