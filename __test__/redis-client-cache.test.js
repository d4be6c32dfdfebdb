'use strict'
// The Redis session store on a node-redis client with client-side caching (RESP3, `clientSideCache`), against a
// real redis-server: the whole shared behaviour on a caching client; a check served from the cache (read there
// directly, sending nothing to Redis, within the cache's ttl, and through a cache of the application's own that
// answers its own way); an end() made through another client seen soon after; and the cache dropped when the
// connection drops.
const net = require('node:net')
const { setTimeout: sleep } = require('node:timers/promises')
const { createClient, BasicClientSideCache } = require('redis')
const { createClient: createClient5 } = require('redis5')
const { createRedisSessionStore, createRedisTokenStore, StoreUnavailableError } = require('..')
const { rejected } = require('./helpers/assert')
const { startRedis } = require('./helpers/redis')
const { sessionStoreBehaviour, expectRefusal } = require('./helpers/session-store-behaviour')

// Generous bound for what takes a millisecond or two on one machine: how long a test waits, never what it asserts
// about speed.
const PATIENCE_MS = 5000

let redis
let cached
let plain
let storeCount = 0
const prefix = () => `cache${++storeCount}:`

function cachingClient(options = {}) {
  return createClient({
    url: redis.url,
    RESP: 3,
    clientSideCache: { ttl: 0, maxEntries: 10_000 },
    disableOfflineQueue: true,
    ...options,
  })
}

// Calls `check` until it rejects, at most PATIENCE_MS; resolves with the rejection.
async function refusedWithin(check) {
  const deadline = Date.now() + PATIENCE_MS
  for (;;) {
    try {
      await check()
    } catch (err) {
      return err
    }
    if (Date.now() > deadline) throw new Error(`still accepted after ${PATIENCE_MS} ms`)
    await sleep(1)
  }
}

// Resolves once `condition()` holds, polling for at most PATIENCE_MS.
async function until(condition) {
  const deadline = Date.now() + PATIENCE_MS
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not so after ${PATIENCE_MS} ms`)
    await sleep(5)
  }
}

// A TCP proxy to Redis on 127.0.0.1 whose connections the test can drop: cut() closes them and refuses new ones
// until restore(). hold() stops passing bytes on in either direction, leaving the connections open, as a network
// that loses its way does; release() passes on what was held, and goes on.
function startProxy(port) {
  const sockets = new Set()
  let open = true
  const server = net.createServer((inbound) => {
    if (!open) return inbound.destroy()
    const outbound = net.connect(port, '127.0.0.1')
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ]) {
      sockets.add(from)
      from.pipe(to)
      from.on('error', () => to.destroy())
      from.on('close', () => {
        sockets.delete(from)
        to.destroy()
      })
    }
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        cut() {
          open = false
          for (const socket of sockets) socket.destroy()
        },
        restore() {
          open = true
        },
        hold() {
          for (const socket of sockets) socket.pause()
        },
        release() {
          for (const socket of sockets) socket.resume()
        },
        close: () => new Promise((done) => server.close(done)),
      }),
    )
  })
}

beforeAll(async () => {
  redis = await startRedis()
  cached = cachingClient()
  cached.on('error', () => {})
  plain = createClient({ url: redis.url })
  await cached.connect()
  await plain.connect()
})
afterAll(async () => {
  await cached?.quit()
  await plain?.quit()
  await redis?.stop()
})

describe('every store behaviour holds on a caching client', () => {
  // Options that are not an object go through as they are: the store refuses them.
  sessionStoreBehaviour((options) =>
    createRedisSessionStore(
      cached,
      options === undefined || (typeof options === 'object' && options !== null)
        ? { prefix: prefix(), ...options }
        : options,
    ),
  )
})

describe('the check, cached', () => {
  test('is answered from the cache after the first call: one HMGET is cacheable', async () => {
    const store = createRedisSessionStore(cached, { prefix: prefix() })
    const { claims } = await store.create('u1')
    await store.isRevoked(claims)
    const before = cached.clientSideCache.stats()
    for (let i = 0; i < 10; i++) await expect(store.isRevoked(claims)).resolves.toBe(false)
    const after = cached.clientSideCache.stats()
    expect(after.hitCount - before.hitCount).toBe(10)
    expect(after.missCount - before.missCount).toBe(0)
  })

  // The cache's statistics count a hit that way (`recordHits`); a command node-redis answers from its cache counts
  // it otherwise. So this fails if node-redis ever files replies under other keys than the store looks for.
  test.each([
    ['node-redis 6', createClient],
    ['node-redis 5', createClient5],
  ])('%s: a check the cache can answer is read there directly, without a command', async (_, create) => {
    const client = create({ url: redis.url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100 } })
    await client.connect()
    try {
      const cache = client.clientSideCache
      let direct = 0
      const recordHits = cache.recordHits.bind(cache)
      cache.recordHits = (count) => {
        direct += count
        return recordHits(count)
      }
      const sessions = createRedisSessionStore(client, { prefix: prefix() })
      const tokens = createRedisTokenStore(client, { prefix: prefix() })
      const { claims } = await sessions.create('u1')
      for (let i = 0; i < 4; i++) await expect(sessions.isRevoked(claims)).resolves.toBe(false)
      for (let i = 0; i < 4; i++) await expect(tokens.isRevoked(claims)).resolves.toBe(false)
      expect(direct).toBe(3 + 3 * 2)
      expect(cache.stats().hitCount).toBe(direct)
    } finally {
      await client.quit()
    }
  })

  // node-redis 6 puts `keyPrefix` before every key its commands send: the store's own reads and lookups carry it too.
  test.each([
    ['without a cache', {}, 0],
    ['with client-side caching', { RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100 } }, 3],
  ])('on a client with a keyPrefix, %s, the check reads the prefixed keys', async (_, options, hits) => {
    const client = createClient({ url: redis.url, keyPrefix: 'app:', ...options })
    await client.connect()
    // Hits the store reads from the cache itself (node-redis's own count would also take those of its commands).
    let direct = 0
    const cache = client.clientSideCache
    if (cache) {
      const recordHits = cache.recordHits.bind(cache)
      cache.recordHits = (count) => {
        direct += count
        return recordHits(count)
      }
    }
    try {
      const storePrefix = prefix()
      const store = createRedisSessionStore(client, { prefix: storePrefix })
      const { claims, session } = await store.create('u1')
      expect(await plain.exists(`app:${storePrefix}{${session.id}}`)).toBe(1)
      for (let i = 0; i < 4; i++) await expect(store.isRevoked(claims)).resolves.toBe(false)
      expect(direct).toBe(hits)
      await store.end(session.id)
      await expectRefusal(() => store.isRevoked(claims), 'session_ended')
    } finally {
      await client.quit()
    }
  })

  test('a check answered from the cache sends nothing to Redis', async () => {
    const store = createRedisSessionStore(cached, { prefix: prefix() })
    const { claims } = await store.create('u1')
    await store.isRevoked(claims)
    const calls = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await plain.info('commandstats'))[1])
    const before = await calls()
    for (let i = 0; i < 10; i++) await expect(store.isRevoked(claims)).resolves.toBe(false)
    expect(await calls()).toBe(before)
  })

  test("the cache's ttl holds: a reply older than that is read from Redis again", async () => {
    const client = cachingClient({ clientSideCache: { ttl: 100, maxEntries: 100 } })
    await client.connect()
    try {
      const store = createRedisSessionStore(client, { prefix: prefix() })
      const { claims } = await store.create('u1')
      await store.isRevoked(claims)
      await store.isRevoked(claims)
      const before = client.clientSideCache.stats()
      await sleep(150)
      await expect(store.isRevoked(claims)).resolves.toBe(false)
      const after = client.clientSideCache.stats()
      expect(after.missCount - before.missCount).toBe(1)
      expect(after.hitCount - before.hitCount).toBe(0)
    } finally {
      await client.quit()
    }
  })

  test('a cache of the application that answers cached commands its own way is asked every time', async () => {
    class CountingCache extends BasicClientSideCache {
      asked = 0
      handleCache(...args) {
        this.asked++
        return super.handleCache(...args)
      }
    }
    const own = new CountingCache({ ttl: 0, maxEntries: 100 })
    const client = cachingClient({ clientSideCache: own })
    await client.connect()
    try {
      const store = createRedisSessionStore(client, { prefix: prefix() })
      const { claims } = await store.create('u1')
      const before = own.asked
      for (let i = 0; i < 5; i++) await expect(store.isRevoked(claims)).resolves.toBe(false)
      expect(own.asked - before).toBe(5)
      expect(own.stats().hitCount).toBe(4)
    } finally {
      await client.quit()
    }
  })

  test('an end() made through another client is refused soon after', async () => {
    const prefixed = prefix()
    const reader = createRedisSessionStore(cached, { prefix: prefixed })
    const writer = createRedisSessionStore(plain, { prefix: prefixed })
    for (let round = 0; round < 20; round++) {
      const { session, claims } = await writer.create(`u${round}`)
      await expect(reader.isRevoked(claims)).resolves.toBe(false)
      await expect(reader.isRevoked(claims)).resolves.toBe(false)
      expect(await writer.end(session.id)).toBe(true)
      const err = await refusedWithin(() => reader.isRevoked(claims))
      expect(err).toMatchObject({ name: 'UnauthorizedError', code: 'session_ended' })
    }
  })

  test('a refresh elsewhere reaches the cached check: a reused refresh token ends the session for it too', async () => {
    const prefixed = prefix()
    const reader = createRedisSessionStore(cached, { prefix: prefixed })
    const writer = createRedisSessionStore(plain, { prefix: prefixed })
    const login = await writer.create('u1')
    const next = await writer.refresh(login.refreshToken)
    await expect(reader.isRevoked(next.claims)).resolves.toBe(false)
    await expectRefusal(() => writer.refresh(login.refreshToken), 'refresh_token_reused')
    const err = await refusedWithin(() => reader.isRevoked(next.claims))
    expect(err).toMatchObject({ name: 'UnauthorizedError', code: 'session_ended' })
  })

  // The connection stays open, so the client still says it is ready, and no invalidation can come: the cache is
  // read only within `timeout` of a command answered on the connection, and after that a PING must come back first.
  test.each([
    ['session', (store, login) => store.isRevoked(login.claims)],
    ['token', (store, login) => store.isRevoked(login.claims)],
  ])('a %s check on a connection that goes silent is refused once the timeout has passed', async (kind, check) => {
    const TIMEOUT = 300
    const proxy = await startProxy(redis.port)
    const client = cachingClient({ url: `redis://127.0.0.1:${proxy.port}` })
    client.on('error', () => {})
    await client.connect()
    try {
      const prefixed = prefix()
      const sessions = createRedisSessionStore(plain, { prefix: prefixed })
      const login = await sessions.create('u1')
      const [reader, writer] =
        kind === 'session'
          ? [createRedisSessionStore(client, { prefix: prefixed, timeout: TIMEOUT }), sessions]
          : [
              createRedisTokenStore(client, { prefix: prefixed, timeout: TIMEOUT }),
              createRedisTokenStore(plain, { prefix: prefixed }),
            ]
      await expect(check(reader, login)).resolves.toBe(false)
      const hits = client.clientSideCache.stats().hitCount
      await expect(check(reader, login)).resolves.toBe(false)
      expect(client.clientSideCache.stats().hitCount).toBeGreaterThan(hits)

      proxy.hold()
      if (kind === 'session') expect(await writer.end(login.session.id)).toBe(true)
      else expect(await writer.revokeAllFor('u1', Date.now() + 1000)).toBe(true)
      await sleep(TIMEOUT + 50)
      expect(client.isReady).toBe(true)
      const err = await rejected(check(reader, login))
      expect(err).toBeInstanceOf(StoreUnavailableError)
      expect(err).toMatchObject({
        code: 'ERR_STORE_UNAVAILABLE',
        reason: 'timeout',
        message: `Redis did not answer within ${TIMEOUT} ms: the request is refused.`,
      })

      // Once the connection carries bytes again, the invalidation arrives before the PING's answer.
      proxy.release()
      if (kind === 'session') await expectRefusal(() => check(reader, login), 'session_ended')
      else await expect(check(reader, login)).resolves.toBe(true)
    } finally {
      proxy.release()
      await client.quit()
      await proxy.close()
    }
  })

  test('the cache is dropped when the connection drops: an end made meanwhile is seen after reconnecting', async () => {
    // The caching client reaches Redis through a proxy the test can cut, and keep cut: the end below surely
    // happens while it is away.
    const proxy = await startProxy(redis.port)
    const client = cachingClient({ url: `redis://127.0.0.1:${proxy.port}`, socket: { reconnectStrategy: () => 50 } })
    client.on('error', () => {})
    await client.connect()
    try {
      const prefixed = prefix()
      const reader = createRedisSessionStore(client, { prefix: prefixed })
      const writer = createRedisSessionStore(plain, { prefix: prefixed })
      const { session, claims } = await writer.create('u1')
      await reader.isRevoked(claims)
      await reader.isRevoked(claims)
      expect(client.clientSideCache.size()).toBeGreaterThan(0)

      proxy.cut()
      await until(() => !client.isReady)
      expect(client.clientSideCache.size()).toBe(0)
      // While it is away the check is refused at once (503), never answered from a cache.
      await expect(reader.isRevoked(claims)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503 })
      expect(await writer.end(session.id)).toBe(true)
      await sleep(200)
      expect(client.isReady).toBe(false)

      proxy.restore()
      await until(() => client.isReady)
      await expectRefusal(() => reader.isRevoked(claims), 'session_ended')
      // Tracking is on again on the new connection: the next end is seen too.
      const again = await writer.create('u2')
      await expect(reader.isRevoked(again.claims)).resolves.toBe(false)
      await expect(reader.isRevoked(again.claims)).resolves.toBe(false)
      await writer.end(again.session.id)
      const err = await refusedWithin(() => reader.isRevoked(again.claims))
      expect(err).toMatchObject({ name: 'UnauthorizedError', code: 'session_ended' })
    } finally {
      await client.quit()
      await proxy.close()
    }
  })
})
