'use strict'
// Two instances of the demo app sharing one real redis-server, as behind a load balancer: sessions, refresh
// tokens and failed sign-in counts are the same on both; and `npm start` with REDIS_URL.
const { createClient } = require('redis')
const jwt = require('..')
const { createRedisSessionStore } = jwt
const { createApp, createUser } = require('../examples/app')
const { redisAttemptStores } = require('../examples/login-limits')
const { connectionOf, connectRedis, redisSettings } = require('../examples/redis')
const { setTimeout: sleep } = require('node:timers/promises')
const { startRedis } = require('./helpers/redis')
const { SECRET, PASSWORD, CHEAP_SCRYPT, listen, call, login, demoUsers, startServer } = require('./helpers/demo')

const ENDED = { error: 'session_ended', message: 'The session has ended.' }

let redis
const clients = []
let users
let one
let two

// An instance with its own connection, as a second process would have. `limits`: its loginLimits but the store.
async function instance(options = {}, limits = {}) {
  const client = createClient({ url: redis.url, disableOfflineQueue: true })
  await client.connect()
  clients.push(client)
  return listen(
    createApp({
      secret: SECRET,
      sessions: createRedisSessionStore(client),
      loginLimits: { ...limits, store: redisAttemptStores(connectionOf(client)) },
      users,
      passwordHashing: CHEAP_SCRYPT,
      ...options,
    }),
  )
}

beforeAll(async () => {
  redis = await startRedis()
  users = await demoUsers()
  one = await instance()
  two = await instance()
})
afterAll(async () => {
  await one?.close()
  await two?.close()
  for (const client of clients) await client.quit()
  await redis?.stop()
})

test('a session started on one is accepted and refreshed on the other', async () => {
  const { token, refreshToken } = await login(one.base)
  expect((await call(two.base, '/me', { token })).status).toBe(200)
  const refreshed = await call(two.base, '/refresh', { method: 'POST', json: { refreshToken } })
  expect(refreshed.status).toBe(200)
  expect((await call(one.base, '/me', { token: refreshed.body.token })).status).toBe(200)
  const listed = await call(one.base, '/sessions', { token: refreshed.body.token })
  expect(listed.body.sessions.map((session) => session.id)).toContain(jwt.decode(token).sid)
})

test('a session ended on one is refused on the other', async () => {
  const { token, refreshToken } = await login(one.base)
  expect((await call(one.base, '/logout', { method: 'POST', token })).status).toBe(200)
  expect(await call(two.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
  expect(await call(two.base, '/refresh', { method: 'POST', json: { refreshToken } })).toMatchObject({
    status: 401,
    body: ENDED,
  })
})

test('a session signed out from the other instance, and logout-all, reach both', async () => {
  const laptop = await login(one.base)
  const phone = await login(two.base)
  const sid = jwt.decode(phone.token).sid
  expect((await call(one.base, `/sessions/${sid}`, { method: 'DELETE', token: laptop.token })).status).toBe(204)
  expect(await call(two.base, '/me', { token: phone.token })).toMatchObject({ status: 401, body: ENDED })
  const third = await login(two.base)
  const out = await call(two.base, '/logout-all', { method: 'POST', token: third.token })
  expect(out.body.ended).toBeGreaterThanOrEqual(2)
  for (const token of [laptop.token, third.token]) {
    expect(await call(one.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
  }
})

test('a refresh race across the two instances has exactly one winner, every time', async () => {
  for (let round = 0; round < 25; round++) {
    const { refreshToken } = await login(one.base)
    const answers = await Promise.all(
      [one, two].map((app) => call(app.base, '/refresh', { method: 'POST', json: { refreshToken } })),
    )
    const statuses = answers.map((res) => res.status).sort()
    expect({ round, statuses }).toEqual({ round, statuses: [200, 401] })
    const winner = answers.find((res) => res.status === 200)
    const loser = answers.find((res) => res.status === 401)
    expect(loser.body.error).toBe('refresh_token_reused')
    // The race looks like a stolen token: the session is over, the winner's new tokens included.
    expect(await call(two.base, '/me', { token: winner.body.token })).toMatchObject({ status: 401, body: ENDED })
  }
})

test('failed sign-ins are counted across instances', async () => {
  const victim = 'grace@example.com'
  for (let i = 0; i < 5; i++) {
    const app = i % 2 === 0 ? one : two
    expect(
      (await call(app.base, '/login', { method: 'POST', json: { email: victim, password: `guess ${i}` } })).status,
    ).toBe(401)
  }
  for (const app of [one, two]) {
    const res = await call(app.base, '/login', { method: 'POST', json: { email: victim, password: 'guess' } })
    expect(res.status).toBe(429)
    expect(res.body.error).toBe('too_many_attempts')
  }
})

test('an instance that does not know the session user ends the session at refresh', async () => {
  const stranger = await instance({ users: [await createUser('someone@example.com', 'pw', CHEAP_SCRYPT)] })
  try {
    const { token, refreshToken } = await login(one.base)
    const res = await call(stranger.base, '/refresh', { method: 'POST', json: { refreshToken } })
    expect(res).toMatchObject({ status: 401, body: ENDED })
    expect(await call(one.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
  } finally {
    await stranger.close()
  }
})

describe('sessions per user are capped across instances', () => {
  const sidOf = (answer) => jwt.decode(answer.token).sid
  const signIn = async (app, email) => {
    const res = await call(app.base, '/login', { method: 'POST', json: { email, password: PASSWORD } })
    expect(res.status).toBe(200)
    return res.body
  }

  test('a sign-in past the cap on one instance ends the oldest session on both', async () => {
    const user = await createUser('cap@example.com', PASSWORD, CHEAP_SCRYPT)
    const log = jest.fn()
    const [left, right] = [
      await instance({ users: [user], maxSessionsPerUser: 3, log }),
      await instance({ users: [user], maxSessionsPerUser: 3, log }),
    ]
    try {
      const answers = []
      for (let i = 0; i < 4; i++) answers.push(await signIn(i % 2 === 0 ? left : right, user.email))
      const [oldest, second] = answers
      const newest = answers.at(-1)
      const listed = await call(left.base, '/sessions', { token: newest.token })
      expect(listed.status).toBe(200)
      expect(listed.body.sessions.map((session) => session.id)).toEqual(answers.slice(1).map(sidOf))
      for (const app of [left, right]) {
        expect(
          await call(app.base, '/refresh', { method: 'POST', json: { refreshToken: oldest.refreshToken } }),
        ).toMatchObject({ status: 401, body: ENDED })
        expect(await call(app.base, '/me', { token: oldest.token })).toMatchObject({ status: 401, body: ENDED })
      }
      const refreshed = await call(right.base, '/refresh', {
        method: 'POST',
        json: { refreshToken: newest.refreshToken },
      })
      expect(refreshed.status).toBe(200)
      expect((await call(left.base, '/me', { token: refreshed.body.token })).status).toBe(200)
      expect((await call(right.base, '/me', { token: second.token })).status).toBe(200)
      expect(log).not.toHaveBeenCalled()
    } finally {
      await left.close()
      await right.close()
    }
  })

  // Sign-ins at once, spread over the two instances: each lists and ends sessions while the others write theirs.
  // Every one is answered; the newest session is never ended; a session is either listed and works or is refused
  // as ended; at most one session more than the cap is left per other sign-in in the race (see endOldestSessions
  // in examples/app.js); and the next sign-in brings the count back to the cap.
  async function race(left, right, email, { cap, racing }) {
    const answers = await Promise.all(
      Array.from({ length: racing }, (_, i) =>
        call(i % 2 === 0 ? left.base : right.base, '/login', { method: 'POST', json: { email, password: PASSWORD } }),
      ),
    )
    expect(answers.map((res) => res.status)).toEqual(Array(racing).fill(200))
    // Session ids are version 7 UUIDs: in the order of their logins' times, as the store lists them.
    const sids = answers.map((res) => sidOf(res.body)).sort()
    const newest = answers.find((res) => sidOf(res.body) === sids.at(-1)).body
    const listed = await call(right.base, '/sessions', { token: newest.token })
    expect(listed.status).toBe(200)
    const live = listed.body.sessions.map((session) => session.id)
    expect(live.at(-1)).toBe(sids.at(-1))
    expect(live.length).toBeLessThanOrEqual(cap + racing - 1)
    for (const res of answers) {
      const me = await call(left.base, '/me', { token: res.body.token })
      if (live.includes(sidOf(res.body))) expect(me.status).toBe(200)
      else expect(me).toMatchObject({ status: 401, body: ENDED })
    }
    const next = await signIn(left, email)
    const after = await call(right.base, '/sessions', { token: next.token })
    expect(after.body.sessions.map((session) => session.id)).toEqual([
      ...live.slice(live.length - (cap - 1)),
      sidOf(next),
    ])
  }

  test('sign-ins at once on both instances: all answered, the newest kept, the cap back at the next one', async () => {
    const user = await createUser('race@example.com', PASSWORD, CHEAP_SCRYPT)
    const log = jest.fn()
    const cap = 2
    // Sign-ins in flight count against the failure limits until they succeed: room for all of them at once.
    const limits = { perAccountAndAddress: 50 }
    const [left, right] = [
      await instance({ users: [user], maxSessionsPerUser: cap, log }, limits),
      await instance({ users: [user], maxSessionsPerUser: cap, log }, limits),
    ]
    try {
      for (let round = 0; round < 20; round++) await race(left, right, user.email, { cap, racing: 2 })
      for (let round = 0; round < 5; round++) await race(left, right, user.email, { cap, racing: 6 })
      expect(log).not.toHaveBeenCalled()
    } finally {
      await left.close()
      await right.close()
    }
  })

  test('npm start with REDIS_URL and MAX_SESSIONS_PER_USER=2', async () => {
    const email = 'cap-start@example.com'
    const server = await startServer({
      JWT_SECRET: SECRET,
      REDIS_URL: redis.url,
      MAX_SESSIONS_PER_USER: '2',
      DEMO_EMAIL: email,
    })
    try {
      const answers = [await signIn(server, email), await signIn(server, email), await signIn(server, email)]
      const listed = await call(server.base, '/sessions', { token: answers[2].token })
      expect(listed.body.sessions.map((session) => session.id)).toEqual(answers.slice(1).map(sidOf))
      expect(
        await call(server.base, '/refresh', { method: 'POST', json: { refreshToken: answers[0].refreshToken } }),
      ).toMatchObject({ status: 401, body: ENDED })
      expect(
        (await call(server.base, '/refresh', { method: 'POST', json: { refreshToken: answers[2].refreshToken } }))
          .status,
      ).toBe(200)
      expect(server.stderr).toBe('')
    } finally {
      await server.stop()
    }
  })
})

test('npm start with REDIS_URL keeps sessions in Redis, shared with the other instances', async () => {
  const server = await startServer({ JWT_SECRET: SECRET, REDIS_URL: redis.url })
  try {
    expect(server.stdout).toContain('(sessions kept in Redis)')
    const { token } = await login(server.base)
    expect((await call(one.base, '/me', { token })).status).toBe(200)
    expect((await call(server.base, '/logout', { method: 'POST', token })).status).toBe(200)
    expect(await call(two.base, '/me', { token })).toMatchObject({ status: 401, body: ENDED })
    expect(server.stderr).toBe('')
  } finally {
    await server.stop()
  }
})

// The connections of the server `CLIENT LIST` shows with tracking on (flag t) and RESP3: client-side caching.
async function trackingConnections(client) {
  const list = await client.sendCommand(['CLIENT', 'LIST'])
  return list.split('\n').filter((line) => / flags=\S*t/.test(line) && / resp=3/.test(line))
}

test('npm start with REDIS_CACHE=1 checks tokens through a client-side cache, and sees an end elsewhere', async () => {
  const [client] = clients
  expect(await trackingConnections(client)).toEqual([])
  const server = await startServer({ JWT_SECRET: SECRET, REDIS_URL: redis.url, REDIS_CACHE: '1' })
  try {
    expect(server.stdout).toContain('(sessions kept in Redis, checks cached)')
    expect(await trackingConnections(client)).toHaveLength(1)
    const { token } = await login(one.base)
    for (let i = 0; i < 3; i++) expect((await call(server.base, '/me', { token })).status).toBe(200)
    expect((await call(two.base, '/logout', { method: 'POST', token })).status).toBe(200)
    // Seen as soon as Redis's invalidation reaches the server: polled, for at most 5 s.
    let res
    for (let tries = 0; tries < 500; tries++) {
      res = await call(server.base, '/me', { token })
      if (res.status !== 200) break
      await sleep(10)
    }
    expect(res).toMatchObject({ status: 401, body: ENDED })
    expect(server.stderr).toBe('')
  } finally {
    await server.stop()
  }
})

test('npm start stops with a message when the Redis variables disagree', async () => {
  const err = await startServer({
    JWT_SECRET: SECRET,
    REDIS_URL: redis.url,
    REDIS_CLIENT: 'ioredis',
    REDIS_CACHE: '1',
  }).then(
    () => new Error('the server started'),
    (error) => error,
  )
  expect(err.message).toBe(
    'server.js exited with 1: cannot start: REDIS_CACHE=1 needs REDIS_CLIENT=redis: ioredis has no client-side ' +
      'caching (see "The demo app" in docs/sessions.md)\n',
  )
})

test('with REDIS_CLIENT=ioredis, failed sign-ins are counted through ioredis, shared with node-redis instances', async () => {
  const redisConnection = await connectRedis(redisSettings({ REDIS_URL: redis.url, REDIS_CLIENT: 'ioredis' }))
  try {
    expect(redisConnection.kind).toBe('in Redis, through ioredis')
    expect(redisConnection.isReady()).toBe(true)
    const third = await listen(
      createApp({
        secret: SECRET,
        sessions: createRedisSessionStore(clients[0]),
        loginLimits: { store: redisAttemptStores(redisConnection) },
        users,
        passwordHashing: CHEAP_SCRYPT,
      }),
    )
    try {
      const victim = 'linus@example.com'
      for (let i = 0; i < 5; i++) {
        const app = i % 2 === 0 ? third : one
        const res = await call(app.base, '/login', { method: 'POST', json: { email: victim, password: `guess ${i}` } })
        expect(res.status).toBe(401)
      }
      for (const app of [third, one]) {
        const res = await call(app.base, '/login', { method: 'POST', json: { email: victim, password: 'guess' } })
        expect(res.status).toBe(429)
      }
    } finally {
      await third.close()
    }
  } finally {
    await redisConnection.close()
  }
})
