'use strict'
// Both Redis stores on every client library, against one topology: the session store's behaviour
// (helpers/session-store-behaviour.js) and the token store's (helpers/token-store-behaviour.js), each store with
// a fresh key prefix. `topology()` gives what helpers/redis-clients.js connects to, once the servers are up.

const {
  createRedisSessionStore,
  createRedisTokenStore,
  createRedisDpopReplayCache,
  StoreUnavailableError,
} = require('../..')
const { LIBRARIES, CACHING_LIBRARIES, connect, connectCaching, close } = require('./redis-clients')
const { until } = require('./redis')
const { sessionStoreBehaviour, expectRefusal } = require('./session-store-behaviour')
const { tokenStoreBehaviour } = require('./token-store-behaviour')

// The store options with `defaults` under them; options that are not an object are passed on as they are, for the
// tests of bad options.
function withDefaults(options, defaults) {
  return options === undefined || (typeof options === 'object' && options !== null)
    ? { ...defaults, ...options }
    : options
}

let prefixes = 0
const freshPrefix = () => `test${++prefixes}:`

// A client of `library` for the tests of the enclosing describe: connected before them, closed after them.
function connectedClient(library, topology) {
  let client
  beforeAll(async () => {
    client = await connect(library, topology())
  })
  afterAll(async () => {
    if (client !== undefined) await close(client)
  })
  return () => client
}

function storesOnEveryLibrary(topology, { libraries = LIBRARIES, options = {} } = {}) {
  describe.each(libraries)('%s', (library) => {
    const client = connectedClient(library, topology)
    const store = (create) => (given) => create(client(), withDefaults(given, { prefix: freshPrefix(), ...options }))
    describe('sessions', () => sessionStoreBehaviour(store(createRedisSessionStore)))
    describe('revocations', () => tokenStoreBehaviour(store(createRedisTokenStore)))
    test('DPoP proofs: each is new once, and new again once its window has closed', async () => {
      const cache = createRedisDpopReplayCache(client(), { prefix: freshPrefix() })
      const now = Date.now() / 1000
      const ids = Array.from({ length: 12 }, (_, i) => `proof${i}`)
      expect(await Promise.all(ids.map((id) => cache.remember(id, now + 60, now)))).toEqual(ids.map(() => true))
      expect(await Promise.all(ids.map((id) => cache.remember(id, now + 60, now)))).toEqual(ids.map(() => false))
      const later = Date.now() / 1000
      expect(await cache.remember('short', later + 0.05, later)).toBe(true)
      await until(async () => cache.remember('short', later + 60, later), 'the proof to be forgotten')
    })
  })
}

// The stores' per-request checks on node-redis clients with client-side caching, against one topology: once read,
// a check is answered from the client's cache (whose statistics count each hit), and a session ended or a token
// revoked through another client is refused soon after (Redis tells the caching client its key changed), whichever
// node holds the key.
function checksFromTheCache(topology) {
  describe.each(CACHING_LIBRARIES)('%s with client-side caching', (library) => {
    let cached
    let other
    beforeAll(async () => {
      cached = await connectCaching(library, topology())
      other = await connect(library, topology())
    })
    afterAll(async () => {
      for (const client of [cached, other]) if (client !== undefined) await close(client)
    })
    const hits = () => cached.clientSideCache.stats().hitCount

    test('the session check: from the cache once read, and an end made through another client is seen', async () => {
      const prefix = freshPrefix()
      const reader = createRedisSessionStore(cached, { prefix })
      const writer = createRedisSessionStore(other, { prefix })
      const logins = []
      for (let i = 0; i < 6; i++) logins.push(await writer.create(`u${i}`))
      for (const { claims } of logins) await expect(reader.isRevoked(claims)).resolves.toBe(false)
      const before = hits()
      for (const { claims } of logins) await expect(reader.isRevoked(claims)).resolves.toBe(false)
      expect(hits() - before).toBe(logins.length)
      for (const { session } of logins) expect(await writer.end(session.id)).toBe(true)
      for (const { claims } of logins) {
        await until(async () => {
          await expectRefusal(() => reader.isRevoked(claims), 'session_ended')
          return true
        }, 'the end to reach the cached check')
      }
    })

    test('the revocation check: from the cache once read, and a revocation made through another client is seen', async () => {
      const prefix = freshPrefix()
      const reader = createRedisTokenStore(cached, { prefix })
      const writer = createRedisTokenStore(other, { prefix })
      const exp = Math.floor(Date.now() / 1000) + 60
      const tokens = Array.from({ length: 6 }, (_, i) => ({ jti: `j${i}`, sub: `u${i}`, iat: exp - 61, exp }))
      for (const token of tokens) await expect(reader.isRevoked(token)).resolves.toBe(false)
      const before = hits()
      for (const token of tokens) await expect(reader.isRevoked(token)).resolves.toBe(false)
      expect(hits() - before).toBe(2 * tokens.length) // the token's key and its subject's
      await writer.revoke(tokens[0])
      await writer.revokeAllFor('u1')
      await until(async () => (await reader.isRevoked(tokens[0])) && reader.isRevoked(tokens[1]), 'the revocations')
      for (const token of tokens.slice(2)) await expect(reader.isRevoked(token)).resolves.toBe(false)
    })
  })
}

// After a failover has begun: runs `attempt(library)` for every library, every 50 ms, until it succeeds. Every
// refusal meanwhile must be a StoreUnavailableError (503); none may hang past the store's timeout (the store
// bounds it). Resolves with, per library, how long it took to succeed and the reasons it was refused for.
async function refusedUntilRecovered(libraries, attempt, { giveUpAfter = 30_000 } = {}) {
  const started = Date.now()
  const report = {}
  await Promise.all(
    libraries.map(async (library) => {
      const reasons = new Set()
      while (Date.now() - started < giveUpAfter) {
        try {
          await attempt(library)
          report[library] = { recoveredAfterMs: Date.now() - started, refusedAs: [...reasons].sort() }
          return
        } catch (err) {
          expect(err).toBeInstanceOf(StoreUnavailableError)
          expect(err).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503 })
          reasons.add(err.reason)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`${library} did not recover within ${giveUpAfter} ms (refused as ${[...reasons]})`)
    }),
  )
  return report
}

module.exports = {
  storesOnEveryLibrary,
  checksFromTheCache,
  connectedClient,
  withDefaults,
  freshPrefix,
  refusedUntilRecovered,
}
