'use strict'
// createRedisSessionStore(client) against a real redis-server on 127.0.0.1. The behaviour every store shares is
// in helpers/session-store-behaviour.js; this file adds Redis's own: what the keys hold and how long they live,
// that a dump of Redis holds no refresh token, and that a refresh race across two connections has one winner.
const crypto = require('node:crypto')
const { createClient, createClientPool } = require('redis')
const { createRedisSessionStore, createRedisTokenStore, StoreUnavailableError } = require('..')
const { startRedis, runWithRedis } = require('./helpers/redis')
const { thrown, rejected } = require('./helpers/assert')
const { sessionStoreBehaviour, expectRefusal, START, MINUTE, DAY } = require('./helpers/session-store-behaviour')
const { fakeDateOnly } = require('./helpers/clock')
const { withDefaults } = require('./helpers/redis-matrix')

let redis
let client
let other
let storeCount = 0
// A fresh key prefix per store keeps the tests apart on one server.
const newStore = (options, connection = client) => {
  const prefix = `test${++storeCount}:`
  return createRedisSessionStore(connection, withDefaults(options, { prefix }))
}

beforeAll(async () => {
  redis = await startRedis()
  client = createClient({ url: redis.url })
  other = createClient({ url: redis.url })
  await client.connect()
  await other.connect()
})
afterAll(async () => {
  await client?.quit()
  await other?.quit()
  await redis?.stop()
})

sessionStoreBehaviour((options) => newStore(options))

describe('in Redis', () => {
  beforeEach(() => {
    fakeDateOnly(START)
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  test('a session is one hash, living as long as the session, and the subject index a set', async () => {
    const store = createRedisSessionStore(client, { prefix: 'keys:', idleLifetime: '1d', clockTolerance: 5 })
    const { session, claims } = await store.create('u1', { ip: '127.0.0.1' })
    const key = `keys:{${session.id}}`
    expect(await client.keys('keys:*')).toEqual(expect.arrayContaining([key, 'keys:subject:{u1}']))
    expect(await client.hGetAll(key)).toEqual({
      sub: 'u1',
      created: String(START),
      used: String(START),
      expires: String(START + DAY),
      absolute: String(START + 30 * DAY),
      refresh: expect.stringMatching(/^[0-9a-f]{64}$/),
      meta: '{"ip":"127.0.0.1"}',
      [`t:${claims.jti}`]: String(START + 15 * MINUTE),
    })
    // TTLs count from the app's clock: the session's end plus the clock tolerance.
    expect(await client.pTTL(key)).toBeGreaterThan(DAY + 5000 - 1000)
    expect(await client.pTTL(key)).toBeLessThanOrEqual(DAY + 5000)
    expect(await client.sMembers('keys:subject:{u1}')).toEqual([session.id])
    expect(await client.pTTL('keys:subject:{u1}')).toBeLessThanOrEqual(30 * DAY + 5000)
  })

  test('a dump of Redis holds no refresh token: only SHA-256 digests', async () => {
    const store = createRedisSessionStore(client, { prefix: 'dump:' })
    const login = await store.create('u1')
    const next = await store.refresh(login.refreshToken)
    const dump = []
    for (const key of await client.keys('dump:*')) {
      dump.push(
        key,
        JSON.stringify((await client.type(key)) === 'hash' ? await client.hGetAll(key) : await client.sMembers(key)),
      )
    }
    const text = dump.join('\n')
    for (const token of [login.refreshToken, next.refreshToken]) expect(text).not.toContain(token.split('.')[1])
    const digest = (token) => crypto.createHash('sha256').update(token).digest('hex')
    expect(text).toContain(digest(next.refreshToken))
    expect(text).toContain(`r:${digest(login.refreshToken).slice(0, 32)}`)
  })

  test('an ended session becomes a tombstone that lives until its last token expires', async () => {
    const store = createRedisSessionStore(client, { prefix: 'tomb:', timeout: 200 })
    const { session } = await store.create('u1')
    await store.end(session.id)
    const key = `tomb:{${session.id}}`
    const by = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(await client.hGetAll(key)).toEqual({ ended: 'ended', sub: 'u1', until: String(START + 15 * MINUTE), by })
    expect(await client.pTTL(key)).toBeLessThanOrEqual(15 * MINUTE)
    // Once its tokens have expired there is nothing to keep but the end's own nonce, for a second run of the same
    // end (a re-sent command) to find, for the store's timeout: its `until` is already past.
    const late = await store.create('u1')
    jest.setSystemTime(START + 20 * MINUTE)
    await store.end(late.session.id)
    const lateKey = `tomb:{${late.session.id}}`
    expect(await client.hGetAll(lateKey)).toEqual({ ended: 'ended', sub: 'u1', until: String(START + 20 * MINUTE), by })
    expect(await client.pTTL(lateKey)).toBeLessThanOrEqual(200)
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(await client.exists(lateKey)).toBe(0)
  })

  // The check reads sub, expires and the token's fields; only a hash without `expires` is read again for `ended` and
  // `until`. Each hash as it stands, whoever wrote it, gets the refusal the in-process store's order gives.
  test.each([
    ['a tombstone whose tokens may still be alive', { ended: 'ended', until: String(START + MINUTE) }, 'session_ended'],
    ['a tombstone past its until', { ended: 'ended', until: String(START - 1) }, 'session_unknown'],
    ['a tombstone whose until is not a number', { ended: 'ended', until: 'soon' }, 'session_ended'],
    ['a hash with a subject and nothing else', {}, 'session_unknown'],
  ])('a session hash that is %s', async (_, fields, code) => {
    const store = createRedisSessionStore(client, { prefix: 'shape:' })
    const { session, claims } = await store.create('u1')
    const key = `shape:{${session.id}}`
    await client.del(key)
    await client.hSet(key, { sub: 'u1', ...fields })
    await expectRefusal(() => store.isRevoked(claims), code)
  })

  test('a rotation drops the access tokens and retired refresh tokens that can no longer matter', async () => {
    const store = createRedisSessionStore(client, { prefix: 'prune:', idleLifetime: '30m' })
    let { session, refreshToken } = await store.create('u1')
    for (let i = 1; i <= 12; i++) {
      jest.setSystemTime(START + i * 10 * MINUTE)
      ;({ refreshToken } = await store.refresh(refreshToken))
    }
    const fields = Object.keys(await client.hGetAll(`prune:{${session.id}}`))
    expect(fields.filter((name) => name.startsWith('t:')).length).toBeLessThanOrEqual(3)
    expect(fields.filter((name) => name.startsWith('r:')).length).toBeLessThanOrEqual(4)
  })

  test("a token signed through the store is bound by its signature's fingerprint, dropped with its jti", async () => {
    const store = createRedisSessionStore(client, { prefix: 'bound:', idleLifetime: '30m' })
    const sign = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig-${claims.jti}`
    const fingerprint = (jti) => crypto.createHash('sha256').update(`sig-${jti}`).digest('hex').slice(0, 32)
    const login = await store.create('u1', undefined, { sign })
    const key = `bound:{${login.session.id}}`
    expect(await client.hGet(key, `f:${login.claims.jti}`)).toBe(fingerprint(login.claims.jti))
    jest.setSystemTime(START + 20 * MINUTE)
    const next = await store.refresh(login.refreshToken, { sign })
    const fields = await client.hGetAll(key)
    expect(fields[`f:${next.claims.jti}`]).toBe(fingerprint(next.claims.jti))
    // The first token has expired: its record and its fingerprint went with the rotation.
    expect(Object.keys(fields).filter((name) => /^[tf]:/.test(name))).toEqual(
      expect.arrayContaining([`t:${next.claims.jti}`, `f:${next.claims.jti}`]),
    )
    expect(Object.keys(fields).filter((name) => /^[tf]:/.test(name))).toHaveLength(2)
  })

  test('list forgets index entries of sessions that are over', async () => {
    const store = createRedisSessionStore(client, { prefix: 'index:' })
    const a = await store.create('u1')
    const b = await store.create('u1')
    await store.end(a.session.id)
    expect(await client.sCard('index:subject:{u1}')).toBe(2)
    expect((await store.list('u1')).map((session) => session.id)).toEqual([b.session.id])
    expect(await client.sMembers('index:subject:{u1}')).toEqual([b.session.id])
  })

  test('session ids are version 7 UUIDs that carry the time the login began', async () => {
    const store = createRedisSessionStore(client, { prefix: 'v7:' })
    const { session, refreshToken } = await store.create('u1')
    expect(session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Number.parseInt(session.id.slice(0, 8) + session.id.slice(9, 13), 16)).toBe(START)
    expect(refreshToken.startsWith(`${session.id}.`)).toBe(true)
    const ids = new Set()
    for (let i = 0; i < 50; i++) ids.add((await store.create('u1')).session.id)
    expect(ids.size).toBe(50)
  })

  // An id in the index whose session is not in Redis: a login still writing it, or a session long gone.
  test('list and endAll keep an index entry without a session while its login may still be writing it', async () => {
    const store = createRedisSessionStore(client, { prefix: 'pending:', timeout: 1000, clockTolerance: 5 })
    const live = await store.create('u1')
    const idAt = (ms) => {
      const hex = ms.toString(16).padStart(12, '0')
      return `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-0123456789ab`
    }
    const margin = 1000 + 5000 + 60_000
    const recent = idAt(START - margin + 1)
    const old = idAt(START - margin)
    const unversioned = crypto.randomUUID()
    await client.sAdd('pending:subject:{u1}', [recent, old, unversioned])
    expect((await store.list('u1')).map((session) => session.id)).toEqual([live.session.id])
    expect((await client.sMembers('pending:subject:{u1}')).sort()).toEqual([live.session.id, recent].sort())
    await client.sAdd('pending:subject:{u1}', [old, unversioned])
    expect(await store.endAll('u1')).toBe(1)
    expect(await client.sMembers('pending:subject:{u1}')).toEqual([recent])
    // Once its login could no longer be under way, it goes too.
    jest.setSystemTime(START + 1)
    expect(await store.list('u1')).toEqual([])
    expect(await client.exists('pending:subject:{u1}')).toBe(0)
  })

  test('scripts run again after Redis has lost them (SCRIPT FLUSH, or a restart)', async () => {
    const store = newStore()
    const login = await store.create('u1')
    await client.scriptFlush()
    await expect(store.refresh(login.refreshToken)).resolves.toMatchObject({ claims: { sub: 'u1' } })
  })

  // What Redis Cluster hashes: the part between the first '{' and the next '}', when not empty.
  const hashTag = (key) => {
    const open = key.indexOf('{')
    const close = key.indexOf('}', open + 1)
    return open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key
  }

  test('each session key is its own hash slot, and a prefix with a hash tag puts every key in one', async () => {
    const plain = createRedisSessionStore(client, { prefix: 'slots:' })
    const tagged = createRedisSessionStore(client, { prefix: '{tagged}:' })
    const a = await plain.create('u1')
    const b = await tagged.create('u1')
    const keys = (await client.keys('slots:*')).concat(await client.keys('{tagged}:*')).sort()
    expect(keys.map((key) => [key, hashTag(key)])).toEqual(
      [
        [`slots:{${a.session.id}}`, a.session.id],
        ['slots:subject:{u1}', 'u1'],
        [`{tagged}:{${b.session.id}}`, 'tagged'],
        ['{tagged}:subject:{u1}', 'tagged'],
      ].sort(),
    )
  })
})

describe('a refresh race across two connections sharing one Redis', () => {
  test('has exactly one winner, every time', async () => {
    const one = newStore()
    const two = createRedisSessionStore(other, { prefix: `test${storeCount}:` })
    const ROUNDS = 200
    for (let round = 0; round < ROUNDS; round++) {
      const login = await one.create(`racer${round}`)
      const outcomes = await Promise.allSettled([one.refresh(login.refreshToken), two.refresh(login.refreshToken)])
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const lost = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason.code)
      expect({ round, won: won.length, lost }).toEqual({ round, won: 1, lost: ['refresh_token_reused'] })
      // The loser presented a retired token: the session is over on both connections.
      await expectRefusal(() => two.isRevoked(won[0].value.claims), 'session_ended')
      await expectRefusal(() => one.refresh(won[0].value.refreshToken), 'session_ended')
    }
  })
})

// Login writes the subject index, then (a round trip later) the session. A logout everywhere or a listing from
// another server in between sees an id without a session; the session written after it must stay findable.
describe('a logout everywhere or a listing while a login is writing its session', () => {
  // The login's client, held before its script (the session's write) until `release()`.
  function heldClient() {
    let reached
    const atScript = new Promise((resolve) => {
      reached = resolve
    })
    let release
    const released = new Promise((resolve) => {
      release = resolve
    })
    const held = (redis) =>
      new Proxy(redis, {
        get(target, name) {
          if (name === 'evalSha' || name === 'eval') {
            return async (...args) => {
              reached()
              await released
              return target[name](...args)
            }
          }
          const value = target[name]
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    const wrapped = new Proxy(client, {
      get(target, name) {
        if (name === 'withCommandOptions') return (options) => held(target.withCommandOptions(options))
        const value = target[name]
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    return { wrapped, atScript, release }
  }

  test.each(['endAll', 'list'])(
    '%s: the new session stays listed, and the next logout everywhere ends it',
    async (method) => {
      const prefix = `racing-${method}:`
      const { wrapped, atScript, release } = heldClient()
      const login = createRedisSessionStore(wrapped, { prefix })
      const elsewhere = createRedisSessionStore(other, { prefix })
      const created = login.create('u1')
      await atScript
      if (method === 'endAll') expect(await elsewhere.endAll('u1')).toBe(0)
      else expect(await elsewhere.list('u1')).toEqual([])
      release()
      const { session, claims } = await created
      await expect(elsewhere.isRevoked(claims)).resolves.toBe(false)
      expect((await elsewhere.list('u1')).map((listed) => listed.id)).toEqual([session.id])
      expect(await elsewhere.endAll('u1')).toBe(1)
      await expectRefusal(() => elsewhere.isRevoked(claims), 'session_ended')
    },
  )
})

describe('on a client with client-side caching (RESP3)', () => {
  let cached
  beforeAll(async () => {
    cached = createClient({ url: redis.url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100 } })
    await cached.connect()
  })
  afterAll(async () => {
    await cached?.quit()
  })

  test('a check answered from the cache still sees a session ended on another connection', async () => {
    const here = createRedisSessionStore(cached, { prefix: 'cached:' })
    const there = createRedisSessionStore(other, { prefix: 'cached:' })
    const { session, claims } = await here.create('u1')
    await expect(here.isRevoked(claims)).resolves.toBe(false)
    await expect(here.isRevoked(claims)).resolves.toBe(false)
    expect(cached.clientSideCache.stats().hitCount).toBeGreaterThanOrEqual(1)
    expect(await there.end(session.id)).toBe(true)
    // Redis writes its invalidation to the cached connection before the answer to any later command on it.
    await cached.ping()
    await expectRefusal(() => here.isRevoked(claims), 'session_ended')
  })
})

describe('minReplicas: every write that takes access away waits for replicas', () => {
  // This server has no replica: nothing can confirm.
  const NOT_CONFIRMED = 'Redis confirmed the write on 0 of 1 replicas within 50 ms: the request is refused.'

  async function expectNotConfirmed(promise, message = NOT_CONFIRMED, reason = 'replicas') {
    const err = await rejected(promise)
    expect(err).toBeInstanceOf(StoreUnavailableError)
    expect(err).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503, reason, message })
  }

  test('end, endAll, a rotation, revoke and revokeAllFor reject with 503 when no replica confirms', async () => {
    const options = { minReplicas: 1, replicaTimeout: 50 }
    const store = newStore(options)
    const tokens = createRedisTokenStore(client, { prefix: `test${++storeCount}:`, ...options })
    // A login takes nothing away: it does not wait.
    const one = await store.create('u1')
    const two = await store.create('u1')
    await expectNotConfirmed(store.end(one.session.id))
    await expectNotConfirmed(store.endAll('u1'))
    await expectNotConfirmed(store.refresh(two.refreshToken))
    await expectNotConfirmed(tokens.revoke({ jti: 'a', exp: Math.floor(Date.now() / 1000) + 60 }))
    await expectNotConfirmed(tokens.revokeAllFor('u1'))
    // Reads do not wait either.
    await expect(tokens.isRevoked({ jti: 'b' })).resolves.toBe(false)
  })

  test('a timeout and a replica timeout longer together than a timer can wait are waited for whole', async () => {
    // 2^31 - 1 + 50 ms: one timer of that length fires after 1 ms, with a TimeoutOverflowWarning on stderr.
    const outcome = await runWithRedis(
      redis.url,
      `const options = { prefix: 'long:', timeout: 2 ** 31 - 1, minReplicas: 1, replicaTimeout: 50 }
      const store = ringjwt.createRedisSessionStore(client, options)
      const { session } = await store.create('u1')
      const outcome = await store.end(session.id).catch((err) => err.message)
      await new Promise((resolve) => setTimeout(resolve, 20))
      return outcome`,
    )
    expect(outcome).toEqual({ stdout: `${NOT_CONFIRMED}\n`, stderr: '', exit: 0 })
  })

  test('waitAof on a Redis without WAITAOF (before 7.2) is refused and says so', async () => {
    const store = newStore({ minReplicas: 1, waitAof: true })
    const { session } = await store.create('u1')
    await expectNotConfirmed(
      store.end(session.id),
      'Redis could not run WAITAOF (it needs Redis 7.2 or later, with appendonly yes): the request is refused.',
      'error',
    )
  })
})

describe('bad arguments', () => {
  test('a client that is not a Redis client is a TypeError', () => {
    const err = thrown(() => createRedisSessionStore({ get() {} }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message:
        'createRedisSessionStore() expects a Redis client: node-redis 5 or 6 (the "redis" package) or ioredis 5 or 6',
    })
  })

  test('minReplicas with a node-redis client pool is a TypeError: its WAIT may go out on another connection', () => {
    const pool = createClientPool({ url: redis.url })
    const err = thrown(() => createRedisSessionStore(pool, { minReplicas: 1 }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message: '"minReplicas" needs a client that sends a write and its WAIT on one connection, not a pool',
    })
    expect(createRedisSessionStore(pool)).toHaveProperty('end')
  })

  test.each([
    [{ prefix: 1 }, '"prefix" must be a string'],
    [{ timeout: 0 }, '"timeout" must be a positive whole number of milliseconds, at most 2147483647'],
    [{ timeout: 1.5 }, '"timeout" must be a positive whole number of milliseconds, at most 2147483647'],
    [{ timeout: 2 ** 31 }, '"timeout" must be a positive whole number of milliseconds, at most 2147483647'],
    [{ minReplicas: -1 }, '"minReplicas" must be a whole number of replicas (0 for none)'],
    [{ minReplicas: 1.5 }, '"minReplicas" must be a whole number of replicas (0 for none)'],
    [{ minReplicas: '1' }, '"minReplicas" must be a whole number of replicas (0 for none)'],
    [
      { minReplicas: 1, replicaTimeout: 0 },
      '"replicaTimeout" must be a positive whole number of milliseconds, at most 2147483647',
    ],
    [
      { minReplicas: 1, replicaTimeout: 2 ** 32 },
      '"replicaTimeout" must be a positive whole number of milliseconds, at most 2147483647',
    ],
    [{ minReplicas: 1, waitAof: 'yes' }, '"waitAof" must be true or false'],
    [{ waitAof: true }, '"waitAof" needs "minReplicas" of 1 or more'],
  ])('options %p are a TypeError', (options, message) => {
    const err = thrown(() => createRedisSessionStore(client, options))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
  })
})
