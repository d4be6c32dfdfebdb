'use strict'
// What the middleware returns: always a promise, as express-jwt's async middleware does, that resolves once `next`
// has run and never rejects; called directly and served by Express 5 (which attaches a rejection handler to it).
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { startApp, bearer } = require('./helpers/express-apps')

const secret = 'a shared secret that is long enough for HS256'
const token = jwt.sign({ sub: 'u1' }, secret)
const later = (value) => new Promise((resolve) => setImmediate(() => resolve(value)))

const request = (headers = {}) => ({ method: 'GET', url: '/', headers })
const withToken = (value) => request({ authorization: `Bearer ${value}` })

// Calls the middleware and records, in order, the call of `next` and the settling of what it returned.
async function run(middleware, req) {
  const events = []
  const returned = middleware(req, {}, (err) => events.push(err === undefined ? 'next' : err))
  expect(returned).toBeInstanceOf(Promise)
  await returned.then((value) => events.push({ resolved: value }))
  return events
}

describe('called directly', () => {
  test.each([
    ['a verified token', {}, withToken(token)],
    ['no token, with credentialsRequired: false', { credentialsRequired: false }, request()],
    [
      'another scheme, with credentialsRequired: false',
      { credentialsRequired: false },
      request({ authorization: 'Basic x' }),
    ],
    ['an async isRevoked', { isRevoked: async () => false }, withToken(token)],
    ['an async key function', { secret: async () => secret }, withToken(token)],
    ['an async getToken', { getToken: () => later(token) }, request()],
  ])('%s: a promise that resolves once next() has run', async (_name, options, req) => {
    const middleware = expressjwt({ secret, algorithms: ['HS256'], ...options })
    expect(await run(middleware, req)).toEqual(['next', { resolved: undefined }])
  })

  test.each([
    ['no token', {}, request(), 'credentials_required'],
    ['a bad token', {}, withToken('a.b.c'), 'invalid_token'],
    ['a revoked token, sync', { isRevoked: () => true }, withToken(token), 'revoked_token'],
    ['a revoked token, async', { isRevoked: async () => true }, withToken(token), 'revoked_token'],
  ])('%s: next(err), and the promise resolves (it never rejects)', async (_name, options, req, code) => {
    const middleware = expressjwt({ secret, algorithms: ['HS256'], ...options })
    const [err, settled, ...rest] = await run(middleware, req)
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect(err.code).toBe(code)
    expect(settled).toEqual({ resolved: undefined })
    expect(rest).toEqual([])
  })

  test.each([
    ['sync', {}],
    ['an async key function', { secret: async () => secret }],
  ])(
    'through .unless(), %s: the promise resolves once next() has run, or at once when skipped',
    async (_n, options) => {
      const guarded = expressjwt({ secret, algorithms: ['HS256'], ...options }).unless({ path: '/public' })
      const req = { ...withToken(token), originalUrl: '/private' }
      expect(await run(guarded, req)).toEqual(['next', { resolved: undefined }])
      expect(req.auth).toMatchObject({ sub: 'u1' })
      const skipped = { ...request(), originalUrl: '/public' }
      expect(await run(guarded, skipped)).toEqual(['next', { resolved: undefined }])
      expect(skipped.auth).toBeUndefined()
      // Chained, as express-unless allows.
      const twice = guarded.unless({ path: '/other' })
      expect(await run(twice, { ...withToken(token), originalUrl: '/private' })).toEqual([
        'next',
        { resolved: undefined },
      ])
    },
  )

  test('`await` sees the claims set; `.then` chains as on express-jwt', async () => {
    const middleware = expressjwt({ secret, algorithms: ['HS256'] })
    const req = withToken(token)
    await middleware(req, {}, () => {})
    expect(req.auth).toMatchObject({ sub: 'u1' })
    const sub = await middleware(withToken(token), {}, () => {}).then(() => 'then ran')
    expect(sub).toBe('then ran')
  })
})

describe('served by Express 5 on 127.0.0.1', () => {
  let app
  const unhandled = []
  const onUnhandled = (reason) => unhandled.push(reason)
  beforeAll(() => process.on('unhandledRejection', onUnhandled))
  afterAll(() => process.off('unhandledRejection', onUnhandled))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  test.each([
    ['sync', {}],
    ['async', { isRevoked: async (req) => req.headers['x-revoked'] === '1' }],
  ])('%s: each request answered once, the error handler called once per refusal', async (_name, options) => {
    // Express 5 calls .then(noop, next) on what the middleware returns: on the shared resolved promise too.
    const middleware = expressjwt({ secret, algorithms: ['HS256'], ...options })
    const returned = []
    app = await startApp('Express 5', (req, res, next) => {
      const value = middleware(req, res, next)
      returned.push(value)
      return value
    })
    const answers = []
    for (let i = 0; i < 3; i++) {
      answers.push(await app.request('/', bearer(token)))
      answers.push(await app.request('/'))
      answers.push(await app.request('/', bearer('a.b.c')))
    }
    if (options.isRevoked)
      answers.push(await app.request('/', { headers: { ...bearer(token).headers, 'x-revoked': '1' } }))
    await later()
    expect(answers.map((answer) => answer.status)).toEqual([
      ...Array(3).fill([200, 401, 401]).flat(),
      ...(options.isRevoked ? [401] : []),
    ])
    expect(answers[0].body).toEqual({ auth: expect.objectContaining({ sub: 'u1' }) })
    expect(app.errors.map((err) => err.code)).toEqual([
      ...Array(3).fill(['credentials_required', 'invalid_token']).flat(),
      ...(options.isRevoked ? ['revoked_token'] : []),
    ])
    expect(unhandled).toEqual([])
    expect(returned).toHaveLength(answers.length)
    for (const value of returned) expect(value).toBeInstanceOf(Promise)
    await expect(Promise.all(returned)).resolves.toEqual(returned.map(() => undefined))
  })
})
