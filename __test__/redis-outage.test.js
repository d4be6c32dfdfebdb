'use strict'
// When Redis goes away: both Redis stores (sessions and revocations) refuse at once while the client is not
// connected, give up after their timeout on a server that takes commands and never answers, and work again when
// Redis is back on the same address, with the same client. A real redis-server is stopped and started again.
const express = require('express')
const { createClient } = require('redis')
const jwt = require('..')
const { createRedisSessionStore, createRedisTokenStore, StoreUnavailableError } = jwt
const { expressjwt } = require('../express')
const { createApp } = require('../examples/app')
const { redisAttemptStores } = require('../examples/login-limits')
const { connectionOf } = require('../examples/redis')
const { startRedis, runWithRedis, until } = require('./helpers/redis')
const { LIBRARIES, connect, close, isReady } = require('./helpers/redis-clients')
const { rejected } = require('./helpers/assert')
const { SECRET, CHEAP_SCRYPT, listen, call, login, demoUsers } = require('./helpers/demo')

const TIMEOUT = 300
const NOT_CONNECTED = 'Redis is not connected: the request is refused until it is back.'
const noAnswer = (ms) => `Redis did not answer within ${ms} ms: the request is refused.`
const NO_ANSWER = noAnswer(TIMEOUT)
const UNAVAILABLE = { error: 'store_unavailable', message: 'The session store is unavailable: try again shortly.' }

let redis
let client

const REASONS = { [NOT_CONNECTED]: 'not_connected', [NO_ANSWER]: 'timeout', [noAnswer(2 * TIMEOUT)]: 'timeout' }

async function expectUnavailable(promise, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(StoreUnavailableError)
  expect(err).toMatchObject({ name: 'StoreUnavailableError', code: 'ERR_STORE_UNAVAILABLE', status: 503, message })
  expect(err.reason).toBe(REASONS[message] ?? 'error')
  return err
}

beforeAll(async () => {
  redis = await startRedis()
  // The client's defaults (commands queue while offline): the stores refuse by themselves all the same.
  client = createClient({ url: redis.url })
  client.on('error', () => {})
  await client.connect()
})
afterAll(async () => {
  await client?.quit()
  await redis?.stop()
})

// Every client library, with its defaults (node-redis and ioredis both queue commands while offline).
describe.each(LIBRARIES)('%s', (library) => {
  let own
  beforeAll(async () => {
    own = await connect(library, { url: redis.url })
  })
  afterAll(async () => {
    await close(own)
  })

  test('while Redis is down both stores refuse at once; back on the same address, they work again', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'down:', timeout: TIMEOUT })
    const tokens = createRedisTokenStore(own, { prefix: 'down-revoked:', timeout: TIMEOUT })
    const login = await sessions.create('u1')
    const revoked = jwt.sign({ sub: 'u1' }, SECRET, { expiresIn: 600, jwtid: 'gone' })
    await tokens.revoke(revoked)

    await redis.down()
    await until(() => !isReady(own), 'the client to notice')
    await expectUnavailable(sessions.isRevoked(login.claims), NOT_CONNECTED)
    await expectUnavailable(sessions.refresh(login.refreshToken), NOT_CONNECTED)
    await expectUnavailable(sessions.create('u1'), NOT_CONNECTED)
    await expectUnavailable(sessions.list('u1'), NOT_CONNECTED)
    await expectUnavailable(sessions.end(login.session.id), NOT_CONNECTED)
    await expectUnavailable(tokens.isRevoked(jwt.decode(revoked)), NOT_CONNECTED)
    await expectUnavailable(tokens.revoke(revoked), NOT_CONNECTED)
    await expectUnavailable(tokens.revokeAllFor('u1'), NOT_CONNECTED)

    await redis.up()
    await until(() => isReady(own), 'the client to reconnect')
    // The server came back empty (no persistence): the old session is unknown, new ones work, scripts reload.
    const err = await rejected(sessions.isRevoked(login.claims))
    expect(err).toMatchObject({ name: 'UnauthorizedError', code: 'session_unknown' })
    const again = await sessions.create('u1')
    await expect(sessions.isRevoked(again.claims)).resolves.toBe(false)
    await expect(sessions.refresh(again.refreshToken)).resolves.toMatchObject({ claims: { sub: 'u1' } })
    await expect(tokens.revokeAllFor('u1')).resolves.toBe(true)
    await expect(tokens.isRevoked({ jti: 'other', sub: 'u2' })).resolves.toBe(false)
  })

  test('a Redis that takes commands and never answers is given up on after the timeout', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'frozen:', timeout: TIMEOUT })
    const tokens = createRedisTokenStore(own, { prefix: 'frozen-revoked:', timeout: TIMEOUT })
    const login = await sessions.create('u1')
    redis.freeze()
    try {
      await expectUnavailable(sessions.isRevoked(login.claims), NO_ANSWER)
      await expectUnavailable(sessions.refresh(login.refreshToken), NO_ANSWER)
      await expectUnavailable(tokens.isRevoked({ jti: 'a', sub: 'u1' }), NO_ANSWER)
    } finally {
      redis.thaw()
    }
    // Nothing was lost: the same session is accepted again.
    await expect(sessions.isRevoked(login.claims)).resolves.toBe(false)
  })

  test('checks that pile up on a server that never answers each get their own full timeout, oldest first', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'piled:', timeout: TIMEOUT })
    const patient = createRedisSessionStore(own, { prefix: 'piled:', timeout: 2 * TIMEOUT })
    const login = await sessions.create('u1')
    const order = []
    const timed = (store, name) => {
      const started = performance.now()
      const message = noAnswer(store === sessions ? TIMEOUT : 2 * TIMEOUT)
      return expectUnavailable(store.isRevoked(login.claims), message).then(() => {
        order.push(name)
        return performance.now() - started
      })
    }
    redis.freeze()
    let waited
    try {
      const first = [timed(sessions, 'first'), timed(patient, 'patient')]
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT / 2))
      waited = await Promise.all([...first, timed(sessions, 'second'), timed(sessions, 'third')])
    } finally {
      redis.thaw()
    }
    expect(order).toEqual(['first', 'second', 'third', 'patient'])
    // None is given up on before its time (a timer's clock may run a millisecond behind performance.now()).
    const [first, patientWait, second, third] = waited
    for (const wait of [first, second, third]) expect(wait).toBeGreaterThanOrEqual(TIMEOUT - 1)
    expect(patientWait).toBeGreaterThanOrEqual(2 * TIMEOUT - 1)
    await expect(sessions.isRevoked(login.claims)).resolves.toBe(false)
  })

  // Fake timers that leave the client its own scheduling, as a test that moves the clock past a token's `exp` may.
  const CLIENT_TIMERS = ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask']

  test('after a test fakes the timers and restores them, calls still time out on the real clock', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'faked:', timeout: TIMEOUT })
    const login = await sessions.create('u1')
    jest.useFakeTimers({ doNotFake: CLIENT_TIMERS })
    try {
      // Answered while the timers are fake: its timer was one of the fake clock's.
      await expect(sessions.isRevoked(login.claims)).resolves.toBe(false)
    } finally {
      jest.useRealTimers()
    }
    redis.freeze()
    try {
      await expectUnavailable(sessions.isRevoked(login.claims), NO_ANSWER)
    } finally {
      redis.thaw()
    }
  })

  test('with a fake setTimeout over a real performance.now(), each call times out when the fake clock passes its own timeout', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'half-faked:', timeout: TIMEOUT })
    const login = await sessions.create('u1')
    redis.freeze()
    jest.useFakeTimers({ doNotFake: [...CLIENT_TIMERS, 'performance'] })
    try {
      const refused = []
      const check = () => {
        const outcome = { settled: false }
        outcome.promise = expectUnavailable(sessions.isRevoked(login.claims), NO_ANSWER).finally(() => {
          outcome.settled = true
        })
        refused.push(outcome)
      }
      // Two calls at the same fake instant, a third half a timeout later.
      check()
      check()
      jest.advanceTimersByTime(TIMEOUT / 2)
      check()
      jest.advanceTimersByTime(TIMEOUT / 2)
      await Promise.all([refused[0].promise, refused[1].promise])
      expect(refused[2].settled).toBe(false)
      jest.advanceTimersByTime(TIMEOUT / 2)
      await refused[2].promise
    } finally {
      jest.useRealTimers()
      redis.thaw()
    }
    await expect(sessions.isRevoked(login.claims)).resolves.toBe(false)
  })

  test('an error reply from Redis is refused as unavailable too, with the reply as its cause', async () => {
    const sessions = createRedisSessionStore(own, { prefix: 'wrongtype:', timeout: TIMEOUT })
    const { claims, session } = await sessions.create('u1')
    await client.del(`wrongtype:{${session.id}}`)
    await client.set(`wrongtype:{${session.id}}`, 'not a hash')
    const err = await expectUnavailable(sessions.isRevoked(claims), 'Redis failed to answer: the request is refused.')
    expect(err.cause.message).toMatch(/^WRONGTYPE/)
  })
})

// What a store sends to node-redis while the client is offline waits in node-redis's queue: the store's `timeout`
// goes with each command as node-redis's own command timeout, so such a command is dropped after it rather than
// sent once Redis is back. (The stores refuse by themselves while the client is not ready; this is the link below
// them, for a command sent just as the connection went.) node-redis 5's `sendCommand` reads only the options it is
// given, so the raw commands carry the timeout themselves.
// node-redis's TimeoutError: with a message from node-redis 6, none from node-redis 5.
describe.each([
  ['node-redis 6', require('redis').TimeoutError, `Command timed out after ${TIMEOUT}ms waiting to be sent`],
  ['node-redis 5', require('redis5').TimeoutError, ''],
])('%s: a command waiting in the offline queue', (library, TimeoutError, message) => {
  const { link } = require('../lib/redis/node-redis')
  let own
  beforeAll(async () => {
    own = await connect(library, { url: redis.url })
  })
  afterAll(async () => {
    await close(own)
  })

  test.each([
    ['the raw HMGET', (redisLink) => redisLink.hmGet('queued:{s}', ['sub', 'ended'])],
    ['a raw WAIT', (redisLink) => redisLink.confirm('queued:{s}', 1, 10, false)],
    ['a command method (SADD)', (redisLink) => redisLink.sAdd('queued:set', 'member')],
  ])('%s is dropped after the timeout', async (name, send) => {
    const redisLink = link(own, { timeout: TIMEOUT })
    await redis.down()
    try {
      await until(() => !isReady(own), 'the client to notice')
      const started = performance.now()
      const outcome = send(redisLink).then(
        () => 'answered',
        (err) => err,
      )
      const waiting = new Promise((resolve) => setTimeout(resolve, 4 * TIMEOUT, 'still waiting'))
      const err = await Promise.race([outcome, waiting])
      expect(err).toBeInstanceOf(TimeoutError)
      expect(err.message).toBe(message)
      expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT - 1)
    } finally {
      await redis.up()
    }
    await until(() => isReady(own) && client.isReady, 'the clients to reconnect')
  })
})

test('a timeout that has not run out does not hold up the process: a script that checks and quits exits', async () => {
  // Killed after 20 s, far less than the 60 s a timer per call would have kept it alive.
  const { stdout, exit } = await runWithRedis(
    redis.url,
    `const sessions = ringjwt.createRedisSessionStore(client, { prefix: 'exit:', timeout: 60000 })
    const { claims } = await sessions.create('u1')
    return sessions.isRevoked(claims)`,
  )
  expect({ stdout, exit }).toEqual({ stdout: 'false\n', exit: 0 })
})

test('the middleware passes the refusal on with status 503: an Express app answers 503, not 401', async () => {
  const tokens = createRedisTokenStore(client, { prefix: 'middleware:', timeout: TIMEOUT })
  const app = express()
  app.get('/me', expressjwt({ secret: SECRET, algorithms: ['HS256'], isRevoked: tokens.isRevoked }), (req, res) => {
    res.json(req.auth)
  })
  // Express's own error handler answers with the error's status.
  app.use((err, req, res, next) => next(err))
  const server = await listen(app)
  const token = jwt.sign({ sub: 'u1' }, SECRET, { expiresIn: 600, jwtid: 'a' })
  try {
    expect((await fetch(`${server.base}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    redis.freeze()
    try {
      expect((await fetch(`${server.base}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(503)
    } finally {
      redis.thaw()
    }
    expect((await fetch(`${server.base}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
  } finally {
    await server.close()
  }
})

describe('the demo app with REDIS_URL', () => {
  let app
  let demoClient
  const log = jest.fn()
  beforeAll(async () => {
    demoClient = createClient({ url: redis.url, disableOfflineQueue: true })
    demoClient.on('error', () => {})
    await demoClient.connect()
    app = await listen(
      createApp({
        secret: SECRET,
        sessions: createRedisSessionStore(demoClient, { timeout: TIMEOUT }),
        loginLimits: { store: redisAttemptStores(connectionOf(demoClient), { timeout: TIMEOUT }) },
        users: await demoUsers(),
        passwordHashing: CHEAP_SCRYPT,
        log,
      }),
    )
  })
  afterAll(async () => {
    await app?.close()
    await demoClient?.quit()
  })

  test('answers 503 as JSON at once while Redis is down, and works again when it is back', async () => {
    const { token, refreshToken } = await login(app.base)
    await redis.down()
    await until(() => !demoClient.isReady, 'the client to notice')
    for (const [method, route, options] of [
      ['GET', '/me', { token }],
      ['GET', '/sessions', { token }],
      ['POST', '/refresh', { json: { refreshToken } }],
      ['POST', '/login', { json: { email: 'ada@example.com', password: 'wrong' } }],
    ]) {
      const res = await call(app.base, route, { method, ...options })
      expect({ route, status: res.status, body: res.body }).toEqual({ route, status: 503, body: UNAVAILABLE })
      expect(res.headers.get('retry-after')).toBe('1')
    }
    expect(log).toHaveBeenCalledWith(`GET /me refused: ${NOT_CONNECTED}`)
    expect((await call(app.base, '/health')).status).toBe(200)

    await redis.up()
    await until(() => demoClient.isReady, 'the client to reconnect')
    const again = await login(app.base)
    expect((await call(app.base, '/me', { token: again.token })).status).toBe(200)
    expect(
      (await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: again.refreshToken } })).status,
    ).toBe(200)
  })

  test('answers 503 after the timeout while Redis does not answer, then carries on', async () => {
    const { token } = await login(app.base)
    redis.freeze()
    try {
      const res = await call(app.base, '/me', { token })
      expect(res.status).toBe(503)
      expect(res.body).toEqual(UNAVAILABLE)
    } finally {
      redis.thaw()
    }
    expect((await call(app.base, '/me', { token })).status).toBe(200)
  })
})
