'use strict'
// Every write of the Redis stores run twice, against a real redis-server behind a real TCP proxy on 127.0.0.1
// (helpers/redis-proxy.js): with ioredis, the proxy drops the reply to the write and closes the connection, and
// ioredis reconnects and sends the write again (as it does by default); with every library, the proxy runs the
// write once on a connection of its own, then on the client's, as a client that re-sends or retries it. The second
// run must answer as the first did and change nothing more: one login, one rotation, one end, one fresh proof.
const jwt = require('..')
const { keys } = require('./helpers/keys')
const { startRedis } = require('./helpers/redis')
const { startProxy } = require('./helpers/redis-proxy')
const { LIBRARIES, CACHING_LIBRARIES, connect, connectCaching, close } = require('./helpers/redis-clients')
const { expectRefusal, START, MINUTE } = require('./helpers/session-store-behaviour')
const { rejected } = require('./helpers/assert')
const { fakeDateOnly } = require('./helpers/clock')

const {
  createRedisSessionStore,
  createRedisTokenStore,
  createRedisKeyRingStore,
  createRedisDpopReplayCache,
  createDpopProof,
  verifyDpopProof,
  JsonWebTokenError,
} = jwt

const SCRIPT = /EVAL/i // EVALSHA, or EVAL when Redis has no copy of the script yet

let redis
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const IOREDIS = LIBRARIES.filter((library) => library.startsWith('ioredis'))
const CASES = [
  ...IOREDIS.map((library) => [library, 'its reply lost (the client re-sends it)', 'drop', connect]),
  ...LIBRARIES.map((library) => [library, 'run twice', 'twice', connect]),
  ...CACHING_LIBRARIES.map((library) => [`${library} with client-side caching`, 'run twice', 'twice', connectCaching]),
]

let stores = 0
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe.each(CASES)('%s, each write %s', (library, _, mode, connectWith) => {
  let proxy
  let client
  beforeAll(async () => {
    proxy = await startProxy(redis.port)
    client = await connectWith(library.replace(' with client-side caching', ''), { url: proxy.url })
  })
  afterAll(async () => {
    await close(client)
    await proxy.close()
  })
  afterEach(() => {
    jest.useRealTimers()
    proxy.reset()
  })

  // Arms the proxy for the next command that matches `match`.
  const twice = (match) => (mode === 'drop' ? proxy.dropReply(match) : proxy.runTwice(match))
  // The number of commands run twice since the last call.
  const fired = () => proxy.reset()
  const prefix = (name) => `resend${++stores}-${name}:`
  const sessions = (options) => createRedisSessionStore(client, { prefix: prefix('session'), ...options })

  describe('the session store', () => {
    test('create: the login is answered as created, and is live', async () => {
      const store = sessions()
      twice(SCRIPT)
      const login = await store.create('alice', { device: 'phone' })
      expect(fired()).toBe(1)
      await expect(store.isRevoked(login.claims)).resolves.toBe(false)
      expect((await store.list('alice')).map((session) => session.id)).toEqual([login.session.id])
      const next = await store.refresh(login.refreshToken)
      await expect(store.isRevoked(next.claims)).resolves.toBe(false)
    })

    test('refresh: the one rotation succeeds, the session stays live and the new tokens work', async () => {
      const store = sessions()
      const login = await store.create('bob')
      twice(SCRIPT)
      const next = await store.refresh(login.refreshToken)
      expect(fired()).toBe(1)
      expect(next.session).toEqual(await store.get(login.session.id))
      await expect(store.isRevoked(next.claims)).resolves.toBe(false)
      await expect(store.isRevoked(login.claims)).resolves.toBe(false)
      const after = await store.refresh(next.refreshToken)
      await expect(store.isRevoked(after.claims)).resolves.toBe(false)
      // The token the rotation retired is a reuse, as it is after any rotation.
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_reused')
      await expectRefusal(() => store.isRevoked(after.claims), 'session_ended')
    })

    test('refresh with tokens signed through the store: the one rotation succeeds', async () => {
      const store = sessions()
      const sign = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig-${claims.jti}`
      const login = await store.create('bob', undefined, { sign })
      twice(SCRIPT)
      const next = await store.refresh(login.refreshToken, { sign })
      expect(fired()).toBe(1)
      await expect(store.isRevoked(next.token)).resolves.toBe(false)
      const after = await store.refresh(next.refreshToken, { sign })
      await expect(store.isRevoked(after.token)).resolves.toBe(false)
    })

    test('refresh with a retired token: refused as a reuse, and the session has ended', async () => {
      const store = sessions()
      const login = await store.create('carol')
      const next = await store.refresh(login.refreshToken)
      twice(SCRIPT)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_reused')
      expect(fired()).toBe(1)
      await expectRefusal(() => store.isRevoked(next.claims), 'session_ended')
      await expectRefusal(() => store.refresh(next.refreshToken), 'session_ended')
    })

    test('refresh with a retired token once every access token has expired: refused as a reuse', async () => {
      fakeDateOnly(START)
      const store = sessions()
      const login = await store.create('carol')
      jest.setSystemTime(START + MINUTE)
      const next = await store.refresh(login.refreshToken)
      jest.setSystemTime(START + 20 * MINUTE)
      twice(SCRIPT)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_reused')
      expect(fired()).toBe(1)
      await expectRefusal(() => store.refresh(next.refreshToken), 'refresh_token_invalid')
    })

    test('end: true, and the session has ended', async () => {
      const store = sessions()
      const login = await store.create('dave')
      twice(SCRIPT)
      await expect(store.end(login.session.id)).resolves.toBe(true)
      expect(fired()).toBe(1)
      await expectRefusal(() => store.isRevoked(login.claims), 'session_ended')
      await expectRefusal(() => store.refresh(login.refreshToken), 'session_ended')
      await expect(store.end(login.session.id)).resolves.toBe(false)
    })

    test('end of a session whose access tokens have all expired: true, and the session is over', async () => {
      fakeDateOnly(START)
      const store = sessions()
      const login = await store.create('dave')
      jest.setSystemTime(START + 20 * MINUTE)
      twice(SCRIPT)
      await expect(store.end(login.session.id)).resolves.toBe(true)
      expect(fired()).toBe(1)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_invalid')
      await expect(store.get(login.session.id)).resolves.toBeNull()
      await expect(store.end(login.session.id)).resolves.toBe(false)
    })

    test('endAll: counts each session it ended once, and every one has ended', async () => {
      const store = sessions()
      const logins = []
      for (let i = 0; i < 3; i++) logins.push(await store.create('erin'))
      twice(SCRIPT)
      await expect(store.endAll('erin')).resolves.toBe(3)
      expect(fired()).toBe(1)
      for (const login of logins) await expectRefusal(() => store.isRevoked(login.claims), 'session_ended')
      await expect(store.list('erin')).resolves.toEqual([])
      await expect(store.endAll('erin')).resolves.toBe(0)
    })
  })

  describe('the DPoP replay cache', () => {
    const htu = 'https://api.example/resource'
    const accessToken = 'access.token.value'

    test('a fresh proof is accepted once; presented again, it is refused as a replay', async () => {
      const name = prefix('dpop')
      const replayCache = createRedisDpopReplayCache(client, { prefix: name })
      const proof = createDpopProof(keys.p256.privateKey, { htm: 'GET', htu, accessToken })
      const verify = () => verifyDpopProof(proof, { htm: 'GET', htu, accessToken, replayCache })
      twice(new RegExp(escape(name)))
      await expect(verify()).resolves.toMatchObject({ payload: { htm: 'GET', htu } })
      expect(fired()).toBe(1)
      const err = await rejected(verify())
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_DPOP_REPLAYED', message: 'DPoP proof "jti" has been used before' })
    })

    test('remember(): true for the new proof, false for it again', async () => {
      const name = prefix('dpop')
      const cache = createRedisDpopReplayCache(client, { prefix: name })
      const now = Date.now() / 1000
      twice(new RegExp(escape(name)))
      await expect(cache.remember('proof-1', now + 60, now)).resolves.toBe(true)
      expect(fired()).toBe(1)
      await expect(cache.remember('proof-1', now + 60, now)).resolves.toBe(false)
      await expect(cache.remember('proof-2', now + 60, now)).resolves.toBe(true)
    })
  })

  describe('the key ring store', () => {
    test('compareAndSet: true for the write that took place; a stale one is still refused', async () => {
      const store = createRedisKeyRingStore(client, { key: `${prefix('ring')}state` })
      twice(SCRIPT)
      await expect(store.compareAndSet(null, '{"first":1}')).resolves.toBe(true)
      expect(fired()).toBe(1)
      twice(SCRIPT)
      await expect(store.compareAndSet('{"first":1}', '{"second":2}')).resolves.toBe(true)
      expect(fired()).toBe(1)
      await expect(store.get()).resolves.toBe('{"second":2}')
      await expect(store.compareAndSet('{"first":1}', '{"third":3}')).resolves.toBe(false)
      await expect(store.compareAndSet(null, '{"third":3}')).resolves.toBe(false)
      await expect(store.get()).resolves.toBe('{"second":2}')
    })
  })

  describe('the token store', () => {
    test('revoke: true, and the token is revoked until it expires', async () => {
      const name = prefix('revoked')
      const store = createRedisTokenStore(client, { prefix: name })
      const exp = Math.floor(Date.now() / 1000) + 300
      twice(new RegExp(escape(`${name}jti:`)))
      await expect(store.revoke({ jti: 'token-1', exp })).resolves.toBe(true)
      expect(fired()).toBe(1)
      await expect(store.isRevoked({ jti: 'token-1', sub: 'u1' })).resolves.toBe(true)
      await expect(store.isRevoked({ jti: 'token-2', sub: 'u1' })).resolves.toBe(false)
      const ttl = await connectedTtl(`${name}jti:token-1`)
      expect(ttl).toBeGreaterThan(298_000)
      expect(ttl).toBeLessThanOrEqual(301_000)
    })

    test('revokeAllFor: true, and the cut-off is the one given', async () => {
      const name = prefix('revoked')
      const store = createRedisTokenStore(client, { prefix: name })
      const now = Date.now()
      twice(SCRIPT)
      await expect(store.revokeAllFor('u1', now)).resolves.toBe(true)
      expect(fired()).toBe(1)
      const iat = Math.floor(now / 1000)
      await expect(store.isRevoked({ sub: 'u1', iat: iat - 1 })).resolves.toBe(true)
      await expect(store.isRevoked({ sub: 'u1', iat: iat + 1 })).resolves.toBe(false)
      expect(await redis.cli('GET', `${name}sub:u1`)).toBe(String(now))
    })
  })

  // The remaining life of `key` in milliseconds, asked of Redis directly.
  const connectedTtl = async (key) => Number(await redis.cli('PTTL', key))
})
