'use strict'
// Token extractors as `getToken`: each one finds its token in a real request on Express 5, Express 4 and
// node:http, and finds nothing (credentials_required) when the token is elsewhere.
const jwt = require('..')
const { expressjwt, UnauthorizedError, ExtractJwt, ...named } = require('../express')
const { FRAMEWORK_NAMES, startApp } = require('./helpers/express-apps')

const secret = 'a shared secret that is long enough for HS256'
const t = jwt.sign({ sub: 'u1' }, secret)
const payload = jwt.decode(t)

let app
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function start(framework, getToken, { cookies, jsonBody } = {}) {
  const inner = expressjwt({ secret, algorithms: ['HS256'], getToken })
  // Stands in for cookie-parser, which sets req.cookies before the middleware runs.
  const middleware = cookies
    ? (req, res, next) => {
        req.cookies = cookies
        return inner(req, res, next)
      }
    : inner
  app = await startApp(framework, middleware, { jsonBody })
}

async function expectFound(path, init) {
  expect(await app.request(path, init)).toEqual({ status: 200, body: { auth: payload } })
}

async function expectNotFound(path, init) {
  const before = app.errors.length
  const { status, body } = await app.request(path, init)
  expect(status).toBe(401)
  expect(body).toMatchObject({ code: 'credentials_required', message: 'No authorization token was found' })
  const err = app.errors[before]
  expect(err).toBeInstanceOf(UnauthorizedError)
  expect(err).toMatchObject({ status: 401, code: 'credentials_required' })
}

const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe.each(FRAMEWORK_NAMES)('%s', (framework) => {
  test('fromAuthHeaderAsBearerToken', async () => {
    await start(framework, ExtractJwt.fromAuthHeaderAsBearerToken())
    await expectFound('/', { headers: { authorization: `Bearer ${t}` } })
    await expectFound('/', { headers: { authorization: `bearer   ${t}` } })
    await expectNotFound('/', { headers: { authorization: `Basic ${t}` } })
    await expectNotFound('/', { headers: { authorization: `Bearer ${t} extra` } })
    await expectNotFound('/')
  })

  test('fromAuthHeaderWithScheme', async () => {
    await start(framework, ExtractJwt.fromAuthHeaderWithScheme('JWT'))
    await expectFound('/', { headers: { authorization: `JWT ${t}` } })
    await expectFound('/', { headers: { authorization: `jwt ${t}` } })
    await expectNotFound('/', { headers: { authorization: `Bearer ${t}` } })
  })

  test('fromHeader', async () => {
    await start(framework, ExtractJwt.fromHeader('X-Access-Token'))
    await expectFound('/', { headers: { 'x-access-token': t } })
    await expectNotFound('/', { headers: { authorization: `Bearer ${t}` } })
  })

  test('fromUrlQueryParameter', async () => {
    await start(framework, ExtractJwt.fromUrlQueryParameter('access_token'))
    await expectFound(`/items?access_token=${t}`)
    await expectFound(`/items?page=2&access_token=${encodeURIComponent(t)}&access_token=second`)
    await expectNotFound(`/items?token=${t}`)
    await expectNotFound('/items?access_token=')
    await expectNotFound('/items')
  })

  test('fromBodyField', async () => {
    await start(framework, ExtractJwt.fromBodyField('token'), { jsonBody: true })
    await expectFound('/', json({ token: t }))
    await expectNotFound('/', json({ other: t }))
    await expectNotFound('/', json({ token: { value: t } }))
    await expectNotFound('/', { headers: { authorization: `Bearer ${t}` } })
  })

  test('fromCookie, reading the Cookie header', async () => {
    await start(framework, ExtractJwt.fromCookie('jwt'))
    await expectFound('/', { headers: { cookie: `theme=dark; jwt=${t}; lang=en` } })
    await expectFound('/', { headers: { cookie: `jwt="${t}"` } })
    await expectFound('/', { headers: { cookie: `jwt=${encodeURIComponent(t)}` } })
    await expectNotFound('/', { headers: { cookie: `xjwt=${t}; jwtx=${t}` } })
    await expectNotFound('/', { headers: { cookie: 'jwt=' } })
    await expectNotFound('/')
  })

  test('fromCookie, reading req.cookies when a cookie parser has set it', async () => {
    await start(framework, ExtractJwt.fromCookie('jwt'), { cookies: { jwt: t } })
    await expectFound('/', { headers: { cookie: 'jwt=ignored-when-req.cookies-is-set' } })
    await app.close()
    await start(framework, ExtractJwt.fromCookie('jwt'), { cookies: { other: t } })
    await expectNotFound('/', { headers: { cookie: `jwt=${t}` } })
  })

  test('fromExtractors: the first that finds a token', async () => {
    const getToken = ExtractJwt.fromExtractors([
      ExtractJwt.fromHeader('x-access-token'),
      ExtractJwt.fromCookie('jwt'),
      ExtractJwt.fromAuthHeaderAsBearerToken(),
    ])
    await start(framework, getToken)
    await expectFound('/', { headers: { 'x-access-token': t, authorization: 'Bearer not-this-one' } })
    await expectFound('/', { headers: { cookie: `jwt=${t}`, authorization: 'Bearer not-this-one' } })
    await expectFound('/', { headers: { authorization: `Bearer ${t}` } })
    await expectNotFound('/', { headers: { authorization: `Basic ${t}` } })
    const { status } = await app.request('/', { headers: { 'x-access-token': 'abc', authorization: `Bearer ${t}` } })
    expect(status).toBe(401)
    expect(app.errors.at(-1)).toMatchObject({ code: 'invalid_token', message: 'jwt malformed' })
  })

  test('fromExtractors with an async extractor', async () => {
    const fromSession = async (req) => (req.headers['x-session'] === 's1' ? t : undefined)
    await start(framework, ExtractJwt.fromExtractors([fromSession, ExtractJwt.fromUrlQueryParameter('token')]))
    await expectFound('/', { headers: { 'x-session': 's1' } })
    await expectFound(`/?token=${t}`, { headers: { 'x-session': 'other' } })
    await expectNotFound('/', { headers: { 'x-session': 'other' } })
  })
})

describe('extractor arguments', () => {
  test('each extractor is also a named export, and ExtractJwt is frozen', () => {
    expect(Object.keys(named).sort()).toEqual(Object.keys(ExtractJwt).sort())
    for (const name of Object.keys(named)) expect(named[name]).toBe(ExtractJwt[name])
    expect(Object.isFrozen(ExtractJwt)).toBe(true)
    expect(jwt.ExtractJwt).toBe(ExtractJwt)
  })

  test.each([
    ['fromHeader', () => ExtractJwt.fromHeader(''), 'The header name must be a non-empty string'],
    [
      'fromUrlQueryParameter',
      () => ExtractJwt.fromUrlQueryParameter(1),
      'The query parameter name must be a non-empty string',
    ],
    ['fromBodyField', () => ExtractJwt.fromBodyField(), 'The body field name must be a non-empty string'],
    ['fromCookie', () => ExtractJwt.fromCookie(null), 'The cookie name must be a non-empty string'],
    [
      'fromAuthHeaderWithScheme',
      () => ExtractJwt.fromAuthHeaderWithScheme(''),
      'The auth scheme must be a non-empty string',
    ],
    ['fromExtractors', () => ExtractJwt.fromExtractors('x'), 'fromExtractors expects an array of functions'],
    [
      'fromExtractors',
      () => ExtractJwt.fromExtractors([() => 't', 'x']),
      'fromExtractors expects an array of functions',
    ],
  ])('%s refuses a bad argument with a TypeError', (_, make, message) => {
    let caught
    try {
      make()
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(TypeError)
    expect(caught).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
  })
})
