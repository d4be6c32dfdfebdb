'use strict'
// The demo app end to end over HTTP on 127.0.0.1, with the in-process session store: every route, its answers
// and its refusals; the page's files; and `npm start` (examples/server.js) itself. Redis-backed instances are in
// demo-redis.test.js, the browser in demo-browser.test.js.
const crypto = require('node:crypto')
const http = require('node:http')
const { spawn } = require('node:child_process')
const path = require('node:path')
const jwt = require('..')
const { createSessionStore } = jwt
const { createApp, createUser } = require('../examples/app')
const { verifyPassword } = require('../examples/passwords')
const { SECRET, EMAIL, PASSWORD, CHEAP_SCRYPT, listen, call, login, demoUsers, startServer } = require('./helpers/demo')
const { fakeDateOnly } = require('./helpers/clock')

const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
// A session id: a version 7 UUID, which carries the time its login began.
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const ENDED = { error: 'session_ended', message: 'The session has ended.' }
const UNKNOWN = { error: 'session_unknown', message: 'The session of this token is unknown.' }
const REUSED = { error: 'refresh_token_reused', message: 'The refresh token was already used: the session has ended.' }
const INVALID_REFRESH = { error: 'refresh_token_invalid', message: 'The refresh token is not valid.' }
const INVALID_CREDENTIALS = { error: 'invalid_credentials', message: 'Invalid email or password.' }

// Nothing in a response body may look like a stack, a path, or the key.
function expectNoLeak(res) {
  expect(res.text).not.toContain(SECRET)
  expect(res.text).not.toMatch(/\bat .*\(|node_modules|examples\/|\.js:\d+/)
}

const COOKIE = '__Secure-ringjwt_refresh'

// The refresh cookie a response sets, as { value, attributes }.
function refreshCookieOf(res, name = COOKIE) {
  const header = res.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`))
  if (header === undefined) return undefined
  const [pair, ...attributes] = header.split(';').map((part) => part.trim())
  return { value: decodeURIComponent(pair.slice(name.length + 1)), attributes }
}

// A JSON call from another loopback address (Linux routes all of 127.0.0.0/8 to lo): another client to the
// limits, which key on the address.
function callFrom(localAddress, base, route, json) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(json)
    const request = http.request(base + route, {
      method: 'POST',
      localAddress,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    })
    request.on('response', (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (text += chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: JSON.parse(text) }),
      )
    })
    request.on('error', reject)
    request.end(body)
  })
}

let users
beforeAll(async () => {
  users = await demoUsers()
})
afterEach(() => {
  jest.useRealTimers()
})

function demo(options = {}) {
  return listen(
    createApp({ secret: SECRET, sessions: createSessionStore(), users, passwordHashing: CHEAP_SCRYPT, ...options }),
  )
}

describe('with the in-process session store', () => {
  let app
  beforeAll(async () => {
    app = await demo()
  })
  afterAll(() => app.close())

  test('/health answers', async () => {
    const res = await call(app.base, '/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
  })

  test('/ serves the page, its script and its style, under a strict Content-Security-Policy', async () => {
    for (const [route, type] of [
      ['/', 'text/html'],
      ['/app.js', 'text/javascript'],
      ['/style.css', 'text/css'],
    ]) {
      const res = await fetch(app.base + route)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain(type)
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
          "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      )
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect(await (await fetch(app.base + '/')).text()).toContain('<form id="login-form">')
  })

  describe('POST /login', () => {
    test('returns an access token, a refresh token and its lifetime, and starts a session', async () => {
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD },
        headers: { 'user-agent': 'spec-agent/1.0' },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.getSetCookie()).toEqual([])
      expect(res.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 })
      const claims = jwt.verify(res.body.token, SECRET, { algorithms: ['HS256'] })
      expect(claims).toEqual({
        sub: users[0].id,
        sid: expect.stringMatching(SESSION_ID),
        jti: expect.stringMatching(UUID),
        iat: expect.any(Number),
        exp: claims.iat + 900,
        email: EMAIL,
        iss: 'ringjwt-demo',
      })
      expect(res.body.refreshToken.startsWith(`${claims.sid}.`)).toBe(true)
      const listed = await call(app.base, '/sessions', { token: res.body.token })
      expect(listed.body.sessions).toContainEqual({
        id: claims.sid,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        userAgent: 'spec-agent/1.0',
        ip: '127.0.0.1',
        current: true,
      })
    })

    // The session store keeps at most 2 kB of metadata; a longer user agent once made the sign-in a 500.
    test('a user agent of 3 kB signs in; the session keeps its first 512 characters', async () => {
      const userAgent = `Mozilla/5.0 ${'x'.repeat(3000)}`
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD },
        headers: { 'user-agent': userAgent },
      })
      expect(res.status).toBe(200)
      const listed = await call(app.base, '/sessions', { token: res.body.token })
      const mine = listed.body.sessions.find((session) => session.current)
      expect(mine.userAgent).toBe(userAgent.slice(0, 512))
    })

    // Secure even over http://127.0.0.1 (browsers take it there), with the __Secure- prefix that makes the
    // browser refuse the name without Secure.
    test('with cookie: true, the refresh token comes as a __Secure- HttpOnly Secure SameSite=Strict cookie for /refresh only', async () => {
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ token: expect.any(String), expiresIn: 900 })
      expect(res.headers.getSetCookie()).toHaveLength(1)
      const cookie = refreshCookieOf(res)
      expect(cookie.value.startsWith(`${jwt.decode(res.body.token).sid}.`)).toBe(true)
      expect(cookie.attributes).toEqual([
        'Path=/refresh',
        expect.stringMatching(/^Expires=/),
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
      ])
    })

    test('with secureCookie: false (plain-HTTP development), the cookie has neither Secure nor the prefix', async () => {
      // By default it has both.
      const secure = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      expect(refreshCookieOf(secure).attributes).toContain('Secure')
      const plain = await demo({ secureCookie: false })
      try {
        const res = await call(plain.base, '/login', {
          method: 'POST',
          json: { email: EMAIL, password: PASSWORD, cookie: true },
        })
        expect(res.status).toBe(200)
        expect(refreshCookieOf(res)).toBeUndefined()
        const cookie = refreshCookieOf(res, 'ringjwt_refresh')
        expect(cookie.attributes).toEqual([
          'Path=/refresh',
          expect.stringMatching(/^Expires=/),
          'HttpOnly',
          'SameSite=Strict',
        ])
        const refreshed = await call(plain.base, '/refresh', {
          method: 'POST',
          json: {},
          headers: { cookie: `ringjwt_refresh=${encodeURIComponent(cookie.value)}` },
        })
        expect(refreshed.status).toBe(200)
        expect(refreshCookieOf(refreshed, 'ringjwt_refresh').value).not.toBe(cookie.value)
      } finally {
        await plain.close()
      }
    })

    test('the email is matched without regard to case', async () => {
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: 'ADA@Example.com', password: PASSWORD },
      })
      expect(res.status).toBe(200)
    })

    test('the decoy hash an unknown email is checked against is made with the app, not at the first such login', async () => {
      const calls = []
      let isolatedCreateApp
      jest.isolateModules(() => {
        const passwords = jest.requireActual('../examples/passwords')
        jest.doMock('../examples/passwords', () => ({
          ...passwords,
          hashPassword: (...args) => {
            calls.push('hash')
            return passwords.hashPassword(...args)
          },
          verifyPassword: (...args) => {
            calls.push('verify')
            return passwords.verifyPassword(...args)
          },
        }))
        isolatedCreateApp = require('../examples/app').createApp
      })
      jest.dontMock('../examples/passwords')
      isolatedCreateApp({ secret: SECRET, sessions: createSessionStore(), users })
      expect(calls).toEqual(['hash'])
      const other = await listen(isolatedCreateApp({ secret: SECRET, sessions: createSessionStore(), users }))
      try {
        calls.length = 0
        const res = await call(other.base, '/login', {
          method: 'POST',
          json: { email: 'eve@example.com', password: 'x' },
        })
        expect(res.status).toBe(401)
        expect(calls).toEqual(['verify'])
      } finally {
        await other.close()
      }
    })

    test('a wrong password and an unknown email get the same 401', async () => {
      const wrong = await call(app.base, '/login', { method: 'POST', json: { email: EMAIL, password: 'nope' } })
      const unknown = await call(app.base, '/login', {
        method: 'POST',
        json: { email: 'eve@example.com', password: PASSWORD },
      })
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401)
        expect(res.body).toEqual({ error: 'invalid_credentials', message: 'Invalid email or password.' })
        expectNoLeak(res)
      }
    })

    const MISSING = { error: 'invalid_request', message: 'Send a JSON object with "email" and "password" strings.' }
    const INVALID_JSON = { error: 'invalid_json', message: 'The request body is not valid JSON.' }
    const json = { 'content-type': 'application/json' }
    const FORM = 'application/x-www-form-urlencoded'
    test.each([
      ['malformed JSON', 400, { body: '{"email": "ada@example.com",', headers: json }, INVALID_JSON],
      ['a JSON string instead of an object', 400, { body: '"ada"', headers: json }, INVALID_JSON],
      ['no password', 400, { json: { email: EMAIL } }, MISSING],
      ['no email', 400, { json: { password: PASSWORD } }, MISSING],
      ['an empty password', 400, { json: { email: EMAIL, password: '' } }, MISSING],
      ['a password that is not a string', 400, { json: { email: EMAIL, password: 12345 } }, MISSING],
      [
        'a cookie flag that is not a boolean',
        400,
        { json: { email: EMAIL, password: PASSWORD, cookie: 'yes' } },
        MISSING,
      ],
      ['a JSON array', 400, { json: [EMAIL, PASSWORD] }, MISSING],
      ['no body', 400, { headers: json }, MISSING],
      ['a form body', 400, { body: `email=${EMAIL}&password=x`, headers: { 'content-type': FORM } }, MISSING],
      [
        'a body over 10 kB',
        413,
        { json: { email: EMAIL, password: 'x'.repeat(20_000) } },
        { error: 'bad_request', message: 'The request could not be read.' },
      ],
    ])('with %s → %i', async (_, status, request, body) => {
      const res = await call(app.base, '/login', { method: 'POST', ...request })
      expect(res.status).toBe(status)
      expect(res.body).toEqual(body)
      expectNoLeak(res)
    })
  })

  describe('GET /me', () => {
    test('returns the claims of a token its session issued', async () => {
      const { token } = await login(app.base)
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(jwt.decode(token))
    })

    // Personal data: no cache keeps a copy.
    test('/me and /sessions answer with Cache-Control: no-store', async () => {
      const { token } = await login(app.base)
      for (const route of ['/me', '/sessions']) {
        const res = await call(app.base, route, { token })
        expect(res.status).toBe(200)
        expect(res.headers.get('cache-control')).toBe('no-store')
      }
    })

    test('refuses a token signed with the app key whose session was never issued', async () => {
      const forged = jwt.sign(
        { sub: users[0].id, sid: crypto.randomUUID(), jti: crypto.randomUUID(), iss: 'ringjwt-demo' },
        SECRET,
        {
          expiresIn: 600,
        },
      )
      const res = await call(app.base, '/me', { token: forged })
      expect(res.status).toBe(401)
      // The app takes DPoP tokens too: the challenge offers both schemes (RFC 9449 §7.1).
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer, DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"',
      )
      expect(res.body).toEqual(UNKNOWN)
    })

    test('refuses a token that copies a live session id with a jti the session never issued', async () => {
      const { sid } = jwt.decode((await login(app.base)).token)
      const forged = jwt.sign({ sub: users[0].id, sid, jti: crypto.randomUUID(), iss: 'ringjwt-demo' }, SECRET, {
        expiresIn: 600,
      })
      const res = await call(app.base, '/me', { token: forged })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'token_not_issued', message: 'This token was not issued by its session.' })
    })

    // Someone holding the app's key re-signs a live token: the same sid, jti, sub and exp, another claim.
    test('refuses a live token re-signed with the app key over another email', async () => {
      const { token } = await login(app.base)
      const forged = jwt.sign({ ...jwt.decode(token), email: 'admin@example.com' }, SECRET)
      expect((await call(app.base, '/me', { token })).status).toBe(200)
      for (const route of ['/me', '/sessions']) {
        const res = await call(app.base, route, { token: forged })
        expect(res.status).toBe(401)
        expect(res.body).toEqual({ error: 'token_not_issued', message: 'This token was not issued by its session.' })
      }
    })

    test.each([
      ['GET', '/sessions'],
      ['POST', '/logout-all'],
      ['GET', '/me'],
    ])('refuses a live token re-signed without sub: %s %s answers 401', async (method, route) => {
      const { token } = await login(app.base)
      const { sub, ...claims } = jwt.decode(token)
      expect(sub).toBe(users[0].id)
      const res = await call(app.base, route, { method, token: jwt.sign(claims, SECRET) })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'token_not_issued', message: 'This token was not issued by its session.' })
      expect((await call(app.base, '/me', { token })).status).toBe(200)
    })

    test('refuses a token without a session id', async () => {
      const plain = jwt.sign({ sub: users[0].id, jti: crypto.randomUUID(), iss: 'ringjwt-demo' }, SECRET, {
        expiresIn: 600,
      })
      const res = await call(app.base, '/me', { token: plain })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(UNKNOWN)
    })

    test('verifies with strict: a registered claim of the wrong type is refused before any session lookup', async () => {
      const { sid, jti } = jwt.decode((await login(app.base)).token)
      const forged = jwt.sign({ sub: 42, sid, jti, iss: 'ringjwt-demo' }, SECRET, { expiresIn: 600 })
      const res = await call(app.base, '/me', { token: forged })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'invalid_token', message: 'invalid sub value' })
    })

    const otherKey = jwt.sign({ sub: 'x', iss: 'ringjwt-demo' }, 'another key')
    const otherIssuer = jwt.sign({ sub: 'x', iss: 'elsewhere' }, SECRET)
    test.each([
      ['no token', 'credentials_required', undefined, 'No authorization token was found'],
      ['a token that is not a JWT', 'invalid_token', 'abc', 'jwt malformed'],
      ['a token signed with another key', 'invalid_token', otherKey, 'invalid signature'],
      ['a token from another issuer', 'invalid_token', otherIssuer, 'jwt issuer invalid. expected: ringjwt-demo'],
    ])('with %s → 401 %s', async (_, error, token, message) => {
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error, message })
      expectNoLeak(res)
    })

    test('with an expired token → 401 invalid_token', async () => {
      fakeDateOnly(START)
      const { token } = await login(app.base)
      jest.setSystemTime(START + 900_000)
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'invalid_token', message: 'jwt expired' })
    })
  })

  describe('POST /refresh', () => {
    test('{ refreshToken } → a new pair; the old refresh token is retired, and reusing it ends the session', async () => {
      const first = await login(app.base)
      const res = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: first.refreshToken } })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 })
      expect(res.body.refreshToken).not.toBe(first.refreshToken)
      const before = jwt.decode(first.token)
      const after = jwt.decode(res.body.token)
      expect(after).toMatchObject({ sub: before.sub, sid: before.sid, email: EMAIL })
      expect(after.jti).not.toBe(before.jti)
      expect((await call(app.base, '/me', { token: res.body.token })).status).toBe(200)

      const reused = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: first.refreshToken } })
      expect(reused.status).toBe(401)
      expect(reused.body).toEqual(REUSED)
      for (const token of [first.token, res.body.token]) {
        expect(await call(app.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
      }
      const newest = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: res.body.refreshToken } })
      expect(newest).toMatchObject({ status: 401, body: ENDED })
    })

    test('{} with the cookie → a new access token, and the new refresh token in the cookie only', async () => {
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      const cookie = refreshCookieOf(res)
      const refreshed = await call(app.base, '/refresh', {
        method: 'POST',
        json: {},
        headers: { cookie: `theme=dark; ${COOKIE}=${encodeURIComponent(cookie.value)}` },
      })
      expect(refreshed.status).toBe(200)
      expect(refreshed.body).toEqual({ token: expect.any(String), expiresIn: 900 })
      const next = refreshCookieOf(refreshed)
      expect(next.value).not.toBe(cookie.value)
      expect(next.attributes).toContain('HttpOnly')
      expect(jwt.decode(refreshed.body.token).sid).toBe(jwt.decode(res.body.token).sid)
      // The retired cookie ends the session, and the answer clears the cookie.
      const reused = await call(app.base, '/refresh', {
        method: 'POST',
        json: {},
        headers: { cookie: `${COOKIE}=${encodeURIComponent(cookie.value)}` },
      })
      expect(reused).toMatchObject({ status: 401, body: REUSED })
      expect(refreshCookieOf(reused)).toEqual({
        value: '',
        attributes: ['Path=/refresh', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'Secure', 'SameSite=Strict'],
      })
    })

    const BODY = {
      error: 'invalid_request',
      message: 'Send a JSON object: {"refreshToken": "…"}, or {} with the refresh cookie.',
    }
    test.each([
      [
        'a form (what another site could send)',
        { body: 'refreshToken=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      ['text/plain', { body: '{}', headers: { 'content-type': 'text/plain' } }],
      ['a JSON array', { json: [] }],
      ['a refreshToken that is not a string', { json: { refreshToken: 42 } }],
      ['an empty refreshToken', { json: { refreshToken: '' } }],
    ])('with %s → 400', async (_, request) => {
      const res = await call(app.base, '/refresh', { method: 'POST', ...request })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(BODY)
    })

    test('JSON that is neither an object nor an array is not JSON to the app → 400 invalid_json', async () => {
      for (const body of ['"x"', '3']) {
        const res = await call(app.base, '/refresh', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        })
        expect({ status: res.status, body: res.body }).toEqual({
          status: 400,
          body: { error: 'invalid_json', message: 'The request body is not valid JSON.' },
        })
      }
    })

    test('a cookie without a JSON body is not read', async () => {
      const res = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      const cookie = `${COOKIE}=${encodeURIComponent(refreshCookieOf(res).value)}`
      const refused = await call(app.base, '/refresh', { method: 'POST', headers: { cookie } })
      expect(refused).toMatchObject({ status: 400, body: BODY })
    })

    test('no refresh token → 401 refresh_token_required', async () => {
      const res = await call(app.base, '/refresh', { method: 'POST', json: {} })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'refresh_token_required', message: 'No refresh token was sent.' })
    })

    test.each([
      ['not a refresh token', 'abc'],
      ['of no session', `${crypto.randomUUID()}.${'A'.repeat(43)}`],
    ])('a refresh token %s → 401 refresh_token_invalid', async (_, refreshToken) => {
      const res = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken } })
      expect(res.status).toBe(401)
      expect(res.body).toEqual(INVALID_REFRESH)
    })

    test('a refresh token of a session idle past its lifetime → 401 refresh_token_invalid', async () => {
      fakeDateOnly(START)
      const { refreshToken } = await login(app.base)
      jest.setSystemTime(START + 7 * 24 * 3600_000)
      const res = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken } })
      expect(res).toMatchObject({ status: 401, body: INVALID_REFRESH })
    })
  })

  describe('sessions', () => {
    test('GET /sessions lists the caller own sessions, the current one marked', async () => {
      const { token } = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD },
        headers: { 'user-agent': 'laptop' },
      }).then((res) => res.body)
      const phone = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD },
        headers: { 'user-agent': 'phone' },
      }).then((res) => res.body)
      const res = await call(app.base, '/sessions', { token })
      expect(res.status).toBe(200)
      const mine = res.body.sessions.filter((session) => ['laptop', 'phone'].includes(session.userAgent))
      expect(mine).toEqual([
        {
          id: jwt.decode(token).sid,
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          userAgent: 'laptop',
          ip: '127.0.0.1',
          current: true,
        },
        {
          id: jwt.decode(phone.token).sid,
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          userAgent: 'phone',
          ip: '127.0.0.1',
          current: false,
        },
      ])
      expect(new Date(mine[0].createdAt).toISOString()).toBe(mine[0].createdAt)
    })

    test('DELETE /sessions/:id ends that session: 204, and its tokens are refused', async () => {
      const laptop = await login(app.base)
      const phone = await login(app.base)
      const res = await call(app.base, `/sessions/${jwt.decode(phone.token).sid}`, {
        method: 'DELETE',
        token: laptop.token,
      })
      expect(res.status).toBe(204)
      expect(res.text).toBe('')
      expect(await call(app.base, '/me', { token: phone.token })).toMatchObject({ status: 401, body: ENDED })
      expect(
        await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: phone.refreshToken } }),
      ).toMatchObject({
        status: 401,
        body: ENDED,
      })
      expect((await call(app.base, '/me', { token: laptop.token })).status).toBe(200)
    })

    test('DELETE /sessions/:id of another user, of no session, or of one already ended → 404', async () => {
      const bea = await listen(
        createApp({
          secret: SECRET,
          sessions: createSessionStore(),
          users: [...users, await createUser('bea@example.com', 'pw', CHEAP_SCRYPT)],
          passwordHashing: CHEAP_SCRYPT,
        }),
      )
      try {
        const ada = await login(bea.base)
        const other = await login(bea.base, { email: 'bea@example.com', password: 'pw' })
        const ended = await login(bea.base)
        await call(bea.base, `/sessions/${jwt.decode(ended.token).sid}`, { method: 'DELETE', token: ada.token })
        for (const id of [jwt.decode(other.token).sid, crypto.randomUUID(), jwt.decode(ended.token).sid]) {
          const res = await call(bea.base, `/sessions/${id}`, { method: 'DELETE', token: ada.token })
          expect(res.status).toBe(404)
          expect(res.body).toEqual({ error: 'not_found', message: 'No such session.' })
        }
        expect((await call(bea.base, '/me', { token: other.token })).status).toBe(200)
      } finally {
        await bea.close()
      }
    })

    test('the routes need a token', async () => {
      for (const [method, route] of [
        ['GET', '/sessions'],
        ['DELETE', `/sessions/${crypto.randomUUID()}`],
        ['POST', '/logout'],
        ['POST', '/logout-all'],
      ]) {
        const res = await call(app.base, route, { method })
        expect(res.status).toBe(401)
        expect(res.body).toEqual({ error: 'credentials_required', message: 'No authorization token was found' })
      }
    })
  })

  describe('logout', () => {
    test('/logout ends the current session, and only that one', async () => {
      const current = await login(app.base)
      const other = await login(app.base)
      const out = await call(app.base, '/logout', { method: 'POST', token: current.token })
      expect(out.status).toBe(200)
      expect(out.body).toEqual({ message: 'Signed out: this session has ended.' })
      expect(refreshCookieOf(out).value).toBe('')
      expect(await call(app.base, '/me', { token: current.token })).toMatchObject({ status: 401, body: ENDED })
      expect(
        await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: current.refreshToken } }),
      ).toMatchObject({
        status: 401,
        body: ENDED,
      })
      expect((await call(app.base, '/me', { token: other.token })).status).toBe(200)
      expect((await call(app.base, '/logout', { method: 'POST', token: current.token })).status).toBe(401)
    })

    test('/logout-all ends every session of the user; a later login works', async () => {
      const app2 = await demo()
      try {
        const first = await login(app2.base)
        const second = await login(app2.base)
        const out = await call(app2.base, '/logout-all', { method: 'POST', token: second.token })
        expect(out.status).toBe(200)
        expect(out.body).toEqual({ message: 'Signed out everywhere: every session of this user has ended.', ended: 2 })
        for (const { token, refreshToken } of [first, second]) {
          expect(await call(app2.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
          expect(await call(app2.base, '/refresh', { method: 'POST', json: { refreshToken } })).toMatchObject({
            status: 401,
            body: ENDED,
          })
        }
        const after = await login(app2.base)
        expect((await call(app2.base, '/me', { token: after.token })).status).toBe(200)
      } finally {
        await app2.close()
      }
    })
  })

  test('an unknown route → 404', async () => {
    const res = await call(app.base, '/admin')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'not_found', message: 'No such route.' })
  })
})

// A full DPoP replay cache is the server's capacity, not the client's fault: a 503 with Retry-After, at /login (the
// proof is checked there) and on the API (the middleware), never a 400 or a 500.
test('a full DPoP replay cache: 503 with Retry-After at /login and on the API', async () => {
  const app = await demo({ dpopReplayCache: jwt.createDpopReplayCache({ maxEntries: 1 }) })
  try {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const proof = (htm, route, accessToken) => jwt.createDpopProof(key, { htm, htu: app.base + route, accessToken })
    const json = { email: EMAIL, password: PASSWORD }
    const first = await call(app.base, '/login', { method: 'POST', json, headers: { dpop: proof('POST', '/login') } })
    expect(first.status).toBe(200)
    expect(first.body.token_type).toBe('DPoP')
    const busy = {
      error: 'temporarily_unavailable',
      message: 'The server cannot take more DPoP proofs now: try again shortly.',
    }
    const login = await call(app.base, '/login', { method: 'POST', json, headers: { dpop: proof('POST', '/login') } })
    expect(login.status).toBe(503)
    expect(login.body).toEqual(busy)
    expect(login.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    const me = await call(app.base, '/me', {
      headers: { authorization: `DPoP ${first.body.token}`, dpop: proof('GET', '/me', first.body.token) },
    })
    expect(me.status).toBe(503)
    expect(me.body).toEqual(busy)
    expect(me.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
  } finally {
    await app.close()
  }
})

describe('failed sign-ins are limited', () => {
  const TOO_MANY = /^Too many failed sign-in attempts: try again in \d+ seconds\.$/

  test('per account: after 5 failures, 429 with Retry-After, even with the right password', async () => {
    const app = await demo()
    try {
      for (let i = 0; i < 5; i++) {
        const res = await call(app.base, '/login', { method: 'POST', json: { email: EMAIL, password: `guess ${i}` } })
        expect(res.status).toBe(401)
      }
      for (const password of ['guess 5', PASSWORD]) {
        const res = await call(app.base, '/login', { method: 'POST', json: { email: EMAIL.toUpperCase(), password } })
        expect(res.status).toBe(429)
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
        expect(res.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(TOO_MANY) })
      }
      // Another account from the same address is not affected.
      const other = await call(app.base, '/login', {
        method: 'POST',
        json: { email: 'eve@example.com', password: 'x' },
      })
      expect(other.status).toBe(401)
    } finally {
      await app.close()
    }
  })

  // OWASP: a guesser at one address must not lock the owner out everywhere.
  test('5 failures from one address do not lock the account for another address', async () => {
    const app = await demo()
    try {
      for (let i = 0; i < 5; i++) {
        const res = await callFrom('127.0.0.3', app.base, '/login', { email: EMAIL, password: `guess ${i}` })
        expect(res).toMatchObject({ status: 401, body: INVALID_CREDENTIALS })
      }
      const blocked = await callFrom('127.0.0.3', app.base, '/login', { email: EMAIL, password: PASSWORD })
      expect(blocked.status).toBe(429)
      expect(blocked.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(TOO_MANY) })
      const owner = await callFrom('127.0.0.4', app.base, '/login', { email: EMAIL, password: PASSWORD })
      expect(owner.status).toBe(200)
      expect(owner.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 })
      // A wrong password from there still counts there only: 401, not 429.
      const typo = await callFrom('127.0.0.4', app.base, '/login', { email: EMAIL, password: 'typo' })
      expect(typo).toMatchObject({ status: 401, body: INVALID_CREDENTIALS })
    } finally {
      await app.close()
    }
  })

  test('per account from every address together: the looser limit (default 50)', async () => {
    const app = await demo({ loginLimits: { perAccount: 3 } })
    try {
      for (const address of ['127.0.0.5', '127.0.0.6', '127.0.0.7']) {
        const res = await callFrom(address, app.base, '/login', { email: EMAIL, password: 'guess' })
        expect(res).toMatchObject({ status: 401, body: INVALID_CREDENTIALS })
      }
      const res = await callFrom('127.0.0.8', app.base, '/login', { email: EMAIL, password: PASSWORD })
      expect(res.status).toBe(429)
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      expect(res.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(TOO_MANY) })
    } finally {
      await app.close()
    }
    const defaults = await demo()
    try {
      for (let i = 0; i < 50; i++) {
        const address = `127.0.1.${1 + Math.floor(i / 5)}`
        const res = await callFrom(address, defaults.base, '/login', { email: EMAIL, password: 'guess' })
        expect(res.status).toBe(401)
      }
      const res = await callFrom('127.0.2.1', defaults.base, '/login', { email: EMAIL, password: PASSWORD })
      expect(res.status).toBe(429)
    } finally {
      await defaults.close()
    }
  })

  test('per client address, across accounts; successful sign-ins and bad requests do not count', async () => {
    const app = await demo({ loginLimits: { perAddress: 3 } })
    try {
      for (let i = 0; i < 4; i++) await login(app.base)
      for (let i = 0; i < 4; i++)
        expect((await call(app.base, '/login', { method: 'POST', json: {} })).status).toBe(400)
      for (let i = 0; i < 3; i++) {
        const res = await call(app.base, '/login', {
          method: 'POST',
          json: { email: `user${i}@example.com`, password: 'x' },
        })
        expect(res.status).toBe(401)
      }
      const res = await call(app.base, '/login', { method: 'POST', json: { email: EMAIL, password: PASSWORD } })
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(res.body.error).toBe('too_many_attempts')
    } finally {
      await app.close()
    }
  })
})

describe('/refresh is limited per address', () => {
  const TOO_MANY_REQUESTS = /^Too many requests: try again in \d+ seconds\.$/

  test('every request counts; past the limit, 429 with Retry-After even with a good refresh token', async () => {
    const app = await demo({ refreshLimits: { perAddress: 3 } })
    try {
      const { refreshToken } = await login(app.base)
      const bogus = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: 'x' } })
      expect(bogus).toMatchObject({ status: 401, body: INVALID_REFRESH })
      const empty = await call(app.base, '/refresh', { method: 'POST', json: {} })
      expect(empty.status).toBe(401)
      const first = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken } })
      expect(first.status).toBe(200)
      const refused = await call(app.base, '/refresh', {
        method: 'POST',
        json: { refreshToken: first.body.refreshToken },
      })
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(refused.body).toEqual({ error: 'too_many_requests', message: expect.stringMatching(TOO_MANY_REQUESTS) })
      // The refused request rotated nothing: from another address, the same refresh token still works.
      const elsewhere = await callFrom('127.0.0.2', app.base, '/refresh', { refreshToken: first.body.refreshToken })
      expect(elsewhere.status).toBe(200)
      expect(elsewhere.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 })
    } finally {
      await app.close()
    }
  })

  test('by default 60 a minute', async () => {
    const app = await demo()
    try {
      for (let i = 0; i < 60; i++) {
        const res = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: 'x' } })
        expect(res.status).toBe(401)
      }
      const res = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: 'x' } })
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(res.body).toEqual({ error: 'too_many_requests', message: expect.stringMatching(TOO_MANY_REQUESTS) })
    } finally {
      await app.close()
    }
  })
})

describe('sessions per user are capped', () => {
  // Sign-ins one after another, each from its own user agent: their answers, oldest first.
  async function signIns(base, count, { email = EMAIL, password = PASSWORD, device = 'device' } = {}) {
    const answers = []
    for (let i = 0; i < count; i++) {
      const res = await call(base, '/login', {
        method: 'POST',
        json: { email, password },
        headers: { 'user-agent': `${device} ${i}` },
      })
      expect(res.status).toBe(200)
      answers.push(res.body)
    }
    return answers
  }
  const sidOf = (answer) => jwt.decode(answer.token).sid
  const listed = async (base, token) => {
    const res = await call(base, '/sessions', { token })
    expect(res.status).toBe(200)
    return res.body.sessions
  }

  test('by default 10: the 11th sign-in ends the oldest session, whose tokens are then refused', async () => {
    const app = await demo()
    try {
      const answers = await signIns(app.base, 11)
      const [oldest, second] = answers
      const newest = answers.at(-1)
      const sessions = await listed(app.base, newest.token)
      expect(sessions.map((session) => session.id)).toEqual(answers.slice(1).map(sidOf))
      expect(sessions.map((session) => session.userAgent)).toEqual(answers.slice(1).map((_, i) => `device ${i + 1}`))
      expect(sessions.map((session) => session.current)).toEqual([...Array(9).fill(false), true])
      // The oldest session has ended: its refresh token and its access token are refused as any ended session's.
      const refused = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: oldest.refreshToken } })
      expect(refused).toMatchObject({ status: 401, body: ENDED })
      expectNoLeak(refused)
      expect(await call(app.base, '/me', { token: oldest.token })).toMatchObject({ status: 401, body: ENDED })
      // The newest works, refresh included, and so does the oldest one left.
      const refreshed = await call(app.base, '/refresh', {
        method: 'POST',
        json: { refreshToken: newest.refreshToken },
      })
      expect(refreshed.status).toBe(200)
      expect(jwt.decode(refreshed.body.token).sid).toBe(sidOf(newest))
      expect(await call(app.base, '/me', { token: refreshed.body.token })).toMatchObject({
        status: 200,
        body: { sid: sidOf(newest) },
      })
      expect((await call(app.base, '/me', { token: second.token })).status).toBe(200)
      // A refresh does not make a session newer: the next sign-in ends the oldest by sign-in time, the second.
      const next = await login(app.base)
      expect((await listed(app.base, next.token)).map((session) => session.id)).toEqual([
        ...answers.slice(2).map(sidOf),
        sidOf(next),
      ])
      expect(await call(app.base, '/me', { token: second.token })).toMatchObject({ status: 401, body: ENDED })
    } finally {
      await app.close()
    }
  })

  test("a lower cap ends as many of the oldest as needed, and only that user's", async () => {
    const grace = await createUser('grace@example.com', 'grace password', CHEAP_SCRYPT)
    const app = await demo({ users: [...users, grace], maxSessionsPerUser: 3 })
    try {
      const ada = await signIns(app.base, 3)
      const hers = await signIns(app.base, 5, { email: grace.email, password: 'grace password', device: 'grace' })
      // Grace's sign-ins past her cap ended her two oldest sessions, none of Ada's.
      expect((await listed(app.base, hers.at(-1).token)).map((session) => session.id)).toEqual(hers.slice(2).map(sidOf))
      for (const answer of hers.slice(0, 2)) {
        expect(
          await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: answer.refreshToken } }),
        ).toMatchObject({ status: 401, body: ENDED })
      }
      expect((await listed(app.base, ada[0].token)).map((session) => session.id)).toEqual(ada.map(sidOf))
      // Only live sessions count: one signed out leaves room, and the next sign-in ends nothing.
      const out = await call(app.base, `/sessions/${sidOf(ada[1])}`, { method: 'DELETE', token: ada[2].token })
      expect(out.status).toBe(204)
      const next = await login(app.base)
      expect((await listed(app.base, next.token)).map((session) => session.id)).toEqual([
        sidOf(ada[0]),
        sidOf(ada[2]),
        sidOf(next),
      ])
      expect((await call(app.base, '/me', { token: ada[0].token })).status).toBe(200)
    } finally {
      await app.close()
    }
  })

  test('a cap of 1: each sign-in ends the one before, by the API and with the refresh cookie alike', async () => {
    const app = await demo({ maxSessionsPerUser: 1 })
    try {
      const browser = await call(app.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      expect(browser.status).toBe(200)
      const cookie = refreshCookieOf(browser).value
      const api = await login(app.base)
      expect((await listed(app.base, api.token)).map((session) => session.id)).toEqual([sidOf(api)])
      const refused = await call(app.base, '/refresh', {
        method: 'POST',
        json: {},
        headers: { cookie: `${COOKIE}=${cookie}` },
      })
      expect(refused).toMatchObject({ status: 401, body: ENDED })
      expect(refreshCookieOf(refused).value).toBe('')
      expect(
        (await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: api.refreshToken } })).status,
      ).toBe(200)
    } finally {
      await app.close()
    }
  })

  test('sign-ins at once all succeed: the sessions left are the newest, and each of them works', async () => {
    const sessions = createSessionStore()
    // Sign-ins in flight count against the failure limits until they succeed: room for six at once.
    const app = await demo({ sessions, maxSessionsPerUser: 2, loginLimits: { perAccountAndAddress: 10 } })
    try {
      const json = { email: EMAIL, password: PASSWORD }
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => call(app.base, '/login', { method: 'POST', json })),
      )
      expect(answers.map((res) => res.status)).toEqual(Array(6).fill(200))
      const left = sessions.list(users[0].id).map((session) => session.id)
      expect(left).toHaveLength(2)
      // Every sign-in answered; those whose sessions were ended by a newer one are refused as ended sessions are.
      for (const res of answers) {
        const me = await call(app.base, '/me', { token: res.body.token })
        if (left.includes(sidOf(res.body))) expect(me.status).toBe(200)
        else expect(me).toMatchObject({ status: 401, body: ENDED })
      }
      expect(await listed(app.base, answers.find((res) => sidOf(res.body) === left[1]).body.token)).toHaveLength(2)
    } finally {
      await app.close()
    }
  })

  // On Redis, two sign-ins on two instances can both write their sessions before either lists them. Each then
  // sees the other's: ending the other's would leave the user with neither. A store that holds every list until
  // both sessions exist makes that interleaving certain.
  test('two sign-ins whose steps interleave, as on Redis: the newer keeps its session, never neither', async () => {
    const store = createSessionStore()
    let release
    const bothCreated = new Promise((resolve) => (release = resolve))
    const created = []
    const sessions = {
      isRevoked: store.isRevoked,
      refresh: store.refresh,
      get: store.get,
      end: store.end,
      endAll: store.endAll,
      create(...args) {
        const issued = store.create(...args)
        if (created.push(issued.session.id) === 2) release()
        return issued
      },
      list: async (subject) => {
        await bothCreated
        return store.list(subject)
      },
    }
    const app = await demo({ sessions, maxSessionsPerUser: 1 })
    try {
      const json = { email: EMAIL, password: PASSWORD }
      const answers = await Promise.all([1, 2].map(() => call(app.base, '/login', { method: 'POST', json })))
      expect(answers.map((res) => res.status)).toEqual([200, 200])
      // The in-process store lists sessions in the order they were made.
      const [older, newer] = created
      expect(store.list(users[0].id).map((session) => session.id)).toEqual([newer])
      const byId = new Map(answers.map((res) => [sidOf(res.body), res.body]))
      expect(await call(app.base, '/me', { token: byId.get(newer).token })).toMatchObject({ status: 200 })
      expect(await call(app.base, '/me', { token: byId.get(older).token })).toMatchObject({ status: 401, body: ENDED })
    } finally {
      await app.close()
    }
  })

  test.each([0, -1, 1.5, '3', Number.NaN, Infinity])('maxSessionsPerUser %p is refused', (value) => {
    expect(() =>
      createApp({ secret: SECRET, sessions: createSessionStore(), users, maxSessionsPerUser: value }),
    ).toThrow(new TypeError('maxSessionsPerUser must be a whole number of sessions, at least 1'))
  })
})

describe('password hashing', () => {
  test("by default scrypt with OWASP's parameters (N = 2^17, r = 8, p = 1), recorded in the hash", async () => {
    const user = await createUser('grace@example.com', 'hunter2 but longer')
    expect(user.passwordHash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(await verifyPassword('hunter2 but longer', user.passwordHash)).toBe(true)
    expect(await verifyPassword('hunter2', user.passwordHash)).toBe(false)
    expect(user.passwordHash).not.toContain('hunter2')
  })

  test('a hash weaker than the app asks for is replaced at the next sign-in', async () => {
    const weak = await createUser('old@example.com', 'pw', { ln: 10, r: 8, p: 1 })
    const app = await listen(
      createApp({
        secret: SECRET,
        sessions: createSessionStore(),
        users: [weak],
        passwordHashing: { ln: 11, r: 8, p: 1 },
      }),
    )
    try {
      await call(app.base, '/login', { method: 'POST', json: { email: 'old@example.com', password: 'wrong' } })
      expect(weak.passwordHash).toMatch(/^\$scrypt\$ln=10,/)
      await login(app.base, { email: 'old@example.com', password: 'pw' })
      expect(weak.passwordHash).toMatch(/^\$scrypt\$ln=11,r=8,p=1\$/)
      await login(app.base, { email: 'old@example.com', password: 'pw' })
    } finally {
      await app.close()
    }
  })

  test('a stored hash that is not one of ours never matches', async () => {
    for (const stored of ['scrypt$16384$8$1$abc$def', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA', '', undefined]) {
      expect(await verifyPassword('pw', stored)).toBe(false)
    }
  })
})

test('a failing store gives a 500 with a generic message, and the cause goes to the log only', async () => {
  const log = jest.fn()
  const sessions = createSessionStore()
  const lost = () => Promise.reject(new Error('connection to 10.0.0.7:6379 lost'))
  const failing = {
    ...sessions,
    isRevoked: sessions.isRevoked,
    create: sessions.create,
    end: lost,
    endAll: lost,
    list: lost,
  }
  const app = await listen(createApp({ secret: SECRET, sessions: failing, users, passwordHashing: CHEAP_SCRYPT, log }))
  try {
    const { token } = await login(app.base)
    for (const [method, route] of [
      ['POST', '/logout'],
      ['POST', '/logout-all'],
      ['GET', '/sessions'],
    ]) {
      const res = await call(app.base, route, { method, token })
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ error: 'internal_error', message: 'Something went wrong.' })
      expect(res.text).not.toContain('10.0.0.7')
      expectNoLeak(res)
    }
    // The sign-in got its session all the same: a store that cannot list costs the cap, not the sign-in.
    expect(log.mock.calls).toEqual([
      ['POST /login: the oldest sessions past the cap were not ended: connection to 10.0.0.7:6379 lost'],
      ['POST /logout failed: connection to 10.0.0.7:6379 lost'],
      ['POST /logout-all failed: connection to 10.0.0.7:6379 lost'],
      ['GET /sessions failed: connection to 10.0.0.7:6379 lost'],
    ])
  } finally {
    await app.close()
  }
})

describe('npm start', () => {
  test('prints the demo user, the page and the curl commands, and serves the app', async () => {
    const server = await startServer({ JWT_SECRET: SECRET })
    try {
      // The password given in DEMO_PASSWORD is not printed.
      expect(server.stdout).toContain(`demo user: ${EMAIL} (password: DEMO_PASSWORD)`)
      expect(server.stdout).toContain(`-d '{"email":"${EMAIL}","password":"<DEMO_PASSWORD>"}'`)
      expect(server.stdout + server.stderr).not.toContain(PASSWORD)
      expect(server.stdout).toContain('(sessions kept in memory)')
      expect(server.stdout).toContain(`Open ${server.base}/ in a browser`)
      expect(server.stdout).toContain(`curl -s ${server.base}/me -H "Authorization: Bearer $TOKEN"`)
      const { token, refreshToken } = await login(server.base)
      expect((await call(server.base, '/me', { token })).body.email).toBe(EMAIL)
      expect((await call(server.base, '/refresh', { method: 'POST', json: { refreshToken } })).status).toBe(200)
      expect(server.stdout + server.stderr).not.toContain(SECRET)
      expect(server.stderr).toBe('')
    } finally {
      await server.stop()
    }
  })

  test('without DEMO_PASSWORD it makes one and prints it, once, with the curl commands that use it', async () => {
    const server = await startServer({ JWT_SECRET: SECRET, DEMO_PASSWORD: '' })
    try {
      const [, password] = /demo user: \S+ \/ (\S+)\n/.exec(server.stdout)
      expect(password).toMatch(/^[\w-]{12}$/)
      expect(server.stdout).toContain(`-d '{"email":"${EMAIL}","password":"${password}"}'`)
      const res = await call(server.base, '/login', { method: 'POST', json: { email: EMAIL, password } })
      expect(res.status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  test('a JWT_SECRET shorter than 32 bytes is refused at start, without showing it', async () => {
    const short = 'only-31-bytes-of-secret-1234567'
    const err = await startServer({ JWT_SECRET: short }).then(
      () => new Error('the server started'),
      (error) => error,
    )
    expect(err.message).toBe(
      'server.js exited with 1: cannot start: JWT_SECRET must be at least 32 bytes for HS256 (RFC 7518 §3.2); ' +
        `generate one with: node -p "require('crypto').randomBytes(32).toString('base64url')"\n`,
    )
    expect(err.message).not.toContain(short)
  })

  test('a port already in use: one line saying so, and exit code 1', async () => {
    const first = await startServer({ JWT_SECRET: SECRET })
    try {
      const port = new URL(first.base).port
      const second = spawn(process.execPath, [path.join(__dirname, '..', 'examples', 'server.js')], {
        env: { PATH: process.env.PATH, PORT: port, DEMO_EMAIL: EMAIL, DEMO_PASSWORD: PASSWORD, JWT_SECRET: SECRET },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      second.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
      second.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
      const code = await new Promise((resolve) => second.once('exit', resolve))
      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr: `cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
      })
      // The first one is still serving.
      expect((await call(first.base, '/health')).status).toBe(200)
    } finally {
      await first.stop()
    }
  })

  test('INSECURE_COOKIE=1 drops Secure and the prefix from the refresh cookie, and warns', async () => {
    const server = await startServer({ JWT_SECRET: SECRET, INSECURE_COOKIE: '1' })
    try {
      expect(server.stderr).toBe(
        'warning: INSECURE_COOKIE=1: the refresh cookie goes out without Secure; for plain-HTTP development only.\n',
      )
      const res = await call(server.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      expect(res.status).toBe(200)
      expect(refreshCookieOf(res, 'ringjwt_refresh').attributes).not.toContain('Secure')
    } finally {
      await server.stop()
    }
    const secure = await startServer({ JWT_SECRET: SECRET })
    try {
      const res = await call(secure.base, '/login', {
        method: 'POST',
        json: { email: EMAIL, password: PASSWORD, cookie: true },
      })
      expect(refreshCookieOf(res).attributes).toContain('Secure')
    } finally {
      await secure.stop()
    }
  })

  test.each([
    ['INSECURE_COOKIE', 'yes', 'cannot start: INSECURE_COOKIE must be 1 (or unset)\n'],
    [
      'DPOP_REPLAY_CACHE_SIZE',
      '1e3',
      'cannot start: DPOP_REPLAY_CACHE_SIZE must be a whole number of proofs, at least 1\n',
    ],
    ...['0', '-1', '2.5', 'ten', '1e3', ' 3'].map((value) => [
      'MAX_SESSIONS_PER_USER',
      value,
      'cannot start: MAX_SESSIONS_PER_USER must be a whole number of sessions, at least 1\n',
    ]),
  ])('%s=%s is refused at start', async (name, value, message) => {
    const err = await startServer({ JWT_SECRET: SECRET, [name]: value }).then(
      () => new Error('the server started'),
      (error) => error,
    )
    expect(err.message).toBe(`server.js exited with 1: ${message}`)
  })

  test('MAX_SESSIONS_PER_USER=2 caps each user at two live sessions', async () => {
    const server = await startServer({ JWT_SECRET: SECRET, MAX_SESSIONS_PER_USER: '2' })
    try {
      const [first, second, third] = [await login(server.base), await login(server.base), await login(server.base)]
      const sessions = await call(server.base, '/sessions', { token: third.token })
      expect(sessions.body.sessions.map((session) => session.id)).toEqual(
        [second, third].map((answer) => jwt.decode(answer.token).sid),
      )
      expect(
        await call(server.base, '/refresh', { method: 'POST', json: { refreshToken: first.refreshToken } }),
      ).toMatchObject({ status: 401, body: ENDED })
      expect(
        (await call(server.base, '/refresh', { method: 'POST', json: { refreshToken: third.refreshToken } })).status,
      ).toBe(200)
      expect(server.stderr).toBe('')
    } finally {
      await server.stop()
    }
  })

  test('without JWT_SECRET it generates a key and warns', async () => {
    const server = await startServer({})
    try {
      expect(server.stderr).toBe(
        'warning: JWT_SECRET is not set: using a random key, so tokens stop working when the server restarts.\n',
      )
      const { token } = await login(server.base)
      expect(() => jwt.verify(token, SECRET)).toThrow('invalid signature')
      expect((await call(server.base, '/me', { token })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
