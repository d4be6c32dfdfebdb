'use strict'
// The demo app end to end over HTTP on 127.0.0.1: login, /me, logout, logout-all and every bad input, with the
// in-process store; two instances sharing one Redis; and `npm start` (examples/server.js) itself.
const { spawn } = require('node:child_process')
const path = require('node:path')
const { createClient } = require('redis')
const jwt = require('..')
const { createTokenStore, createRedisTokenStore } = jwt
const { createApp, createUser } = require('../examples/app')
const { startRedis } = require('./helpers/redis')

const secret = 'demo-app test secret, long enough for HS256 use'
const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse battery staple'
const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const SERVER = path.join(__dirname, '..', 'examples', 'server.js')

// Only Date is faked, so servers, sockets and scrypt run for real while token times are chosen by the test.
const { REAL_TIMERS: REAL } = require('./helpers/clock')

function listen(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({
        base: `http://127.0.0.1:${server.address().port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
    server.once('error', reject)
  })
}

async function call(base, route, { method = 'GET', token, json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } }
  if (token !== undefined) init.headers.authorization = `Bearer ${token}`
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(json)
  } else if (body !== undefined) {
    init.body = body
  }
  const res = await fetch(base + route, init)
  const text = await res.text()
  return { status: res.status, text, body: JSON.parse(text) }
}

const login = async (base, credentials = { email: EMAIL, password: PASSWORD }) => {
  const res = await call(base, '/login', { method: 'POST', json: credentials })
  expect(res.status).toBe(200)
  return res.body.token
}

// Nothing in a response body may look like a stack, a path, or the key.
function expectNoLeak(res) {
  expect(res.text).not.toContain(secret)
  expect(res.text).not.toMatch(/\bat .*\(|node_modules|examples\/|\.js:\d+/)
}

let users
beforeAll(async () => {
  users = [await createUser(EMAIL, PASSWORD)]
})
afterEach(() => {
  jest.useRealTimers()
})

describe('with the in-process store', () => {
  let app
  beforeAll(async () => {
    app = await listen(createApp({ secret, store: createTokenStore({ maxTokenLifetime: 900 }), users }))
  })
  afterAll(() => app.close())

  test('/health answers', async () => {
    const res = await call(app.base, '/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok' })
  })

  test('/login returns a short-lived token with sub, jti, iat and exp', async () => {
    const res = await call(app.base, '/login', { method: 'POST', json: { email: EMAIL, password: PASSWORD } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ token: expect.any(String), expiresIn: 900 })
    const claims = jwt.verify(res.body.token, secret, { algorithms: ['HS256'] })
    expect(claims).toEqual({
      sub: users[0].id,
      email: EMAIL,
      jti: expect.stringMatching(UUID),
      iat: expect.any(Number),
      exp: claims.iat + 900,
      iss: 'ringjwt-demo',
    })
  })

  test('each login gets its own jti', async () => {
    const first = jwt.decode(await login(app.base))
    const second = jwt.decode(await login(app.base))
    expect(first.jti).not.toBe(second.jti)
  })

  test('the email is matched without regard to case', async () => {
    const res = await call(app.base, '/login', {
      method: 'POST',
      json: { email: 'ADA@Example.com', password: PASSWORD },
    })
    expect(res.status).toBe(200)
  })

  test('/me returns the claims of the token', async () => {
    const token = await login(app.base)
    const res = await call(app.base, '/me', { token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(jwt.decode(token))
  })

  test('/logout revokes the token it is called with, and only that one', async () => {
    const token = await login(app.base)
    const other = await login(app.base)
    const out = await call(app.base, '/logout', { method: 'POST', token })
    expect(out.status).toBe(200)
    expect(out.body).toEqual({ message: 'This token is revoked.' })
    const refused = await call(app.base, '/me', { token })
    expect(refused.status).toBe(401)
    expect(refused.body).toEqual({ error: 'revoked_token', message: 'The token has been revoked.' })
    expect((await call(app.base, '/me', { token: other })).status).toBe(200)
    expect((await call(app.base, '/logout', { method: 'POST', token })).status).toBe(401)
  })

  test('/logout-all revokes every token of the user issued until then', async () => {
    jest.useFakeTimers({ now: START + 500, doNotFake: REAL })
    const first = await login(app.base)
    const second = await login(app.base)
    const out = await call(app.base, '/logout-all', { method: 'POST', token: second })
    expect(out.status).toBe(200)
    expect(out.body).toEqual({ message: 'Every token of this user issued until now is revoked.' })
    for (const token of [first, second]) {
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'revoked_token', message: 'The token has been revoked.' })
    }
    jest.setSystemTime(START + 1500)
    const after = await login(app.base)
    expect((await call(app.base, '/me', { token: after })).status).toBe(200)
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
    ['a JSON array', 400, { json: [EMAIL, PASSWORD] }, MISSING],
    ['no body', 400, { headers: json }, MISSING],
    ['a form body', 400, { body: `email=${EMAIL}&password=x`, headers: { 'content-type': FORM } }, MISSING],
    [
      'a body over 10 kB',
      413,
      { json: { email: EMAIL, password: 'x'.repeat(20_000) } },
      { error: 'bad_request', message: 'The request could not be read.' },
    ],
  ])('/login with %s → %i', async (_, status, request, body) => {
    const res = await call(app.base, '/login', { method: 'POST', ...request })
    expect(res.status).toBe(status)
    expect(res.body).toEqual(body)
    expectNoLeak(res)
  })

  const otherKey = jwt.sign({ sub: 'x', iss: 'ringjwt-demo' }, 'another key')
  const otherIssuer = jwt.sign({ sub: 'x', iss: 'elsewhere' }, secret)
  test.each([
    ['no token', 'credentials_required', undefined, 'No authorization token was found'],
    ['a token that is not a JWT', 'invalid_token', 'abc', 'jwt malformed'],
    ['a token signed with another key', 'invalid_token', otherKey, 'invalid signature'],
    ['a token from another issuer', 'invalid_token', otherIssuer, 'jwt issuer invalid. expected: ringjwt-demo'],
  ])('/me with %s → 401 %s', async (_, error, token, message) => {
    const res = await call(app.base, '/me', { token })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error, message })
    expectNoLeak(res)
  })

  test('/me with an expired token → 401 invalid_token', async () => {
    jest.useFakeTimers({ now: START, doNotFake: REAL })
    const token = await login(app.base)
    jest.setSystemTime(START + 900_000)
    const res = await call(app.base, '/me', { token })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: 'invalid_token', message: 'jwt expired' })
  })

  test('an unknown route → 404', async () => {
    const res = await call(app.base, '/admin')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'not_found', message: 'No such route.' })
  })
})

test('a failing store gives a 500 with a generic message, and the cause goes to the log only', async () => {
  const log = jest.fn()
  const failing = {
    isRevoked: () => false,
    revoke: () => Promise.reject(new Error('connection to 10.0.0.7:6379 lost')),
    revokeAllFor: () => Promise.reject(new Error('connection to 10.0.0.7:6379 lost')),
  }
  const app = await listen(createApp({ secret, store: failing, users, log }))
  try {
    const token = await login(app.base)
    for (const route of ['/logout', '/logout-all']) {
      const res = await call(app.base, route, { method: 'POST', token })
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ error: 'internal_error', message: 'Something went wrong.' })
      expect(res.text).not.toContain('10.0.0.7')
      expectNoLeak(res)
    }
    expect(log.mock.calls).toEqual([
      ['POST /logout failed: connection to 10.0.0.7:6379 lost'],
      ['POST /logout-all failed: connection to 10.0.0.7:6379 lost'],
    ])
  } finally {
    await app.close()
  }
})

describe('two instances sharing one Redis', () => {
  let redis
  const clients = []
  let one
  let two
  beforeAll(async () => {
    redis = await startRedis()
    const instance = async () => {
      const client = createClient({ url: redis.url })
      await client.connect()
      clients.push(client)
      return listen(createApp({ secret, store: createRedisTokenStore(client, { maxTokenLifetime: 900 }), users }))
    }
    one = await instance()
    two = await instance()
  })
  afterAll(async () => {
    await one?.close()
    await two?.close()
    for (const client of clients) await client.quit()
    await redis?.stop()
  })

  test('a token revoked through one is refused by the other', async () => {
    const token = await login(one.base)
    expect((await call(two.base, '/me', { token })).status).toBe(200)
    expect((await call(one.base, '/logout', { method: 'POST', token })).status).toBe(200)
    for (const app of [two, one]) {
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'revoked_token', message: 'The token has been revoked.' })
    }
  })

  test('logout-all through one refuses the older tokens on both', async () => {
    jest.useFakeTimers({ now: START + 500, doNotFake: REAL })
    const fromOne = await login(one.base)
    const fromTwo = await login(two.base)
    expect((await call(two.base, '/logout-all', { method: 'POST', token: fromTwo })).status).toBe(200)
    for (const [app, token] of [
      [one, fromOne],
      [two, fromOne],
      [one, fromTwo],
    ]) {
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(401)
      expect(res.body.error).toBe('revoked_token')
    }
    jest.setSystemTime(START + 1500)
    expect((await call(one.base, '/me', { token: await login(two.base) })).status).toBe(200)
  })

  test('npm start with REDIS_URL keeps revocations in Redis, shared with the other instances', async () => {
    const server = await startServer({ JWT_SECRET: secret, REDIS_URL: redis.url })
    try {
      expect(server.stdout).toContain('(revocations kept in Redis)')
      const token = await login(server.base)
      expect((await call(server.base, '/logout', { method: 'POST', token })).status).toBe(200)
      const res = await call(one.base, '/me', { token })
      expect(res.body).toEqual({ error: 'revoked_token', message: 'The token has been revoked.' })
    } finally {
      await server.stop()
    }
  })
})

// examples/server.js as `npm start` runs it, on a free port, until it prints where it listens.
function startServer(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, PORT: '0', DEMO_EMAIL: EMAIL, DEMO_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server.js exited with ${code}: ${output.stderr}`)))
    const poll = setInterval(() => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)
      if (found === null || !output.stdout.includes('curl -s')) return
      clearInterval(poll)
      resolve({
        base: found[1],
        get stdout() {
          return output.stdout
        },
        get stderr() {
          return output.stderr
        },
        stop: () => {
          child.kill('SIGTERM')
          return exited
        },
      })
    }, 20)
    child.once('exit', () => clearInterval(poll))
  })
}

describe('npm start', () => {
  test('prints the demo user and the curl commands, and serves the app', async () => {
    const server = await startServer({ JWT_SECRET: secret })
    try {
      expect(server.stdout).toContain(`demo user: ${EMAIL} / ${PASSWORD}`)
      expect(server.stdout).toContain('(revocations kept in memory)')
      expect(server.stdout).toContain(`curl -s ${server.base}/me -H "Authorization: Bearer $TOKEN"`)
      const token = await login(server.base)
      expect((await call(server.base, '/me', { token })).body.email).toBe(EMAIL)
      expect(server.stdout + server.stderr).not.toContain(secret)
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
      const token = await login(server.base)
      expect(() => jwt.verify(token, secret)).toThrow('invalid signature')
      expect((await call(server.base, '/me', { token })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
