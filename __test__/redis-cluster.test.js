'use strict'
// Both Redis stores on a real Redis Cluster (three primaries with a replica each, helpers/redis.js), with every
// client library and default options: the stores' whole behaviour with `minReplicas: 1`; keys spread over every
// primary; error replies that say what happened; a revoking write that waits for the replica of the primary
// that took it; and a primary killed (SIGKILL): requests for its keys are refused (at once, once the client has
// seen the connection drop) while its replica is elected, and go through again by themselves afterwards.
const { createClient } = require('redis')
const jwt = require('..')
const { createRedisSessionStore, createRedisTokenStore, StoreUnavailableError } = jwt
const { startCluster, HOST } = require('./helpers/redis')
const { LIBRARIES, connect, close } = require('./helpers/redis-clients')
const {
  storesOnEveryLibrary,
  checksFromTheCache,
  connectedClient,
  freshPrefix,
  refusedUntilRecovered,
} = require('./helpers/redis-matrix')
const { rejected } = require('./helpers/assert')

let cluster
beforeAll(async () => {
  cluster = await startCluster()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

const topology = () => ({ rootNodes: cluster.rootNodes })

async function expectUnavailable(promise, reason, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(StoreUnavailableError)
  expect(err).toMatchObject({ name: 'StoreUnavailableError', code: 'ERR_STORE_UNAVAILABLE', status: 503, reason })
  expect(err.message).toBe(message)
  return err
}

// Every revoking write waits for its replica; the wait is generous, since these tests are about behaviour and a
// loaded machine can hold a healthy replica's acknowledgement past the 250 ms default.
storesOnEveryLibrary(topology, { options: { minReplicas: 1, replicaTimeout: 5_000 } })

checksFromTheCache(topology)

describe.each(LIBRARIES)('%s on the Cluster', (library) => {
  const connected = connectedClient(library, topology)

  test('the keys of sessions and revocations spread over every primary', async () => {
    const prefix = freshPrefix()
    const sessions = createRedisSessionStore(connected(), { prefix })
    const tokens = createRedisTokenStore(connected(), { prefix })
    for (let i = 0; i < 12; i++) {
      await sessions.create(`u${i}`)
      await tokens.revoke({ jti: `j${i}`, exp: Math.floor(Date.now() / 1000) + 60 })
      await tokens.revokeAllFor(`u${i}`)
    }
    const counts = await Promise.all(
      (await cluster.primaries()).map(
        async (node) => (await node.cli('--scan', '--pattern', `${prefix}*`)).split('\n').length,
      ),
    )
    expect(counts.every((count) => count > 0)).toBe(true)
  })

  test('with minReplicas, an end waits for the replica of the primary that took it, and only that one', async () => {
    const prefix = freshPrefix()
    const sessions = createRedisSessionStore(connected(), { prefix, minReplicas: 1, replicaTimeout: 200 })
    const [primary] = await cluster.primaries()
    // Session ids are random: logins until at least two sessions are on that primary and two elsewhere.
    const logins = []
    const holders = []
    while (
      holders.filter((holder) => holder === primary).length < 2 ||
      holders.filter((holder) => holder !== primary).length < 2
    ) {
      const login = await sessions.create('u1')
      logins.push(login)
      holders.push(await cluster.primaryFor(`${prefix}{${login.session.id}}`))
    }
    const replica = await cluster.replicaOf(primary)
    replica.freeze()
    let outcomes
    try {
      outcomes = await Promise.allSettled(logins.map((login) => sessions.end(login.session.id)))
    } finally {
      replica.thaw()
    }
    const refused = outcomes.map((outcome) => outcome.status === 'rejected')
    expect(refused).toEqual(holders.map((holder) => holder === primary))
    expect(refused).toContain(false)
    expect(refused).toContain(true)
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') {
        expect(outcome.value).toBe(true)
        continue
      }
      expect(outcome.reason).toBeInstanceOf(StoreUnavailableError)
      expect(outcome.reason).toMatchObject({
        code: 'ERR_STORE_UNAVAILABLE',
        status: 503,
        reason: 'replicas',
        message: 'Redis confirmed the write on 0 of 1 replicas within 200 ms: the request is refused.',
      })
    }
  })
})

// Resharding: while a primary moves a key's slot to another, a write may be redirected there (ASK), where no WAIT
// of the store's asks the replicas. With minReplicas it is refused, whether the key has already moved or not.
describe.each(LIBRARIES)('%s on the Cluster while a slot is moved', (library) => {
  const connected = connectedClient(library, topology)
  const { keySlot } = require('../lib/redis/slot')

  test.each([
    ['still on the primary moving it', false],
    ['already moved to the primary importing it', true],
  ])('with minReplicas, an end of a session %s is refused (ask)', async (_, moved) => {
    const prefix = freshPrefix()
    const sessions = createRedisSessionStore(connected(), { prefix, minReplicas: 1, replicaTimeout: 200 })
    const login = await sessions.create('u1')
    const key = `${prefix}{${login.session.id}}`
    const slot = String(keySlot(key))
    const source = await cluster.primaryFor(key)
    const target = (await cluster.primaries()).find((node) => node !== source)
    const [sourceId, targetId] = await Promise.all(
      [source, target].map(async (node) => (await node.cli('cluster', 'myid')).trim()),
    )
    await target.cli('cluster', 'setslot', slot, 'importing', sourceId)
    await source.cli('cluster', 'setslot', slot, 'migrating', targetId)
    try {
      if (moved) await source.cli('migrate', HOST, String(target.port), '', '0', '5000', 'keys', key)
      const err = await rejected(sessions.end(login.session.id))
      expect(err).toBeInstanceOf(StoreUnavailableError)
      expect(err).toMatchObject({
        code: 'ERR_STORE_UNAVAILABLE',
        status: 503,
        reason: 'ask',
        message:
          'Redis Cluster is moving the key between nodes: a write there cannot be confirmed on the replicas of the node that holds it. The request is refused.',
      })
    } finally {
      // The move, finished (the key on the target), or called off (the key still on the source).
      if (moved) {
        for (const node of await cluster.primaries()) await node.cli('cluster', 'setslot', slot, 'node', targetId)
      } else {
        await Promise.all([source, target].map((node) => node.cli('cluster', 'setslot', slot, 'stable')))
      }
    }
    // Refused before it was written; once the slot is settled the store finds where it is, and the end goes through.
    let ended
    for (let attempt = 0; ended === undefined && attempt < 50; attempt++) {
      ended = await sessions.end(login.session.id).catch((err) => {
        if (err.reason !== 'ask') throw err
        return new Promise((resolve) => setTimeout(() => resolve(undefined), 100))
      })
    }
    expect(ended).toBe(true)
  })
})

// node-redis 6 and ioredis put a Cluster client's `keyPrefix` before every key, so the Cluster hashes the prefixed
// key: the primary whose replicas a revoking write waits for is the one that holds that key.
describe.each(['node-redis 6', 'ioredis 6', 'ioredis 5'])('%s on the Cluster with a keyPrefix', (library) => {
  const KEY_PREFIX = 'app:'
  const connected = connectedClient(library, () => ({ ...topology(), keyPrefix: KEY_PREFIX }))

  test('with minReplicas, a revocation waits for the replica of the primary that holds the prefixed key', async () => {
    const prefix = freshPrefix()
    const tokens = createRedisTokenStore(connected(), { prefix, minReplicas: 1, replicaTimeout: 200 })
    // A jti whose key is on one primary with the client's prefix and on another without it.
    let jti
    let holder
    for (let i = 0; jti === undefined; i++) {
      const key = `${prefix}jti:j${i}`
      const [prefixed, bare] = await Promise.all([cluster.primaryFor(KEY_PREFIX + key), cluster.primaryFor(key)])
      if (prefixed !== bare) [jti, holder] = [`j${i}`, prefixed]
    }
    const exp = Math.floor(Date.now() / 1000) + 60
    const replica = await cluster.replicaOf(holder)
    replica.freeze()
    try {
      await expectUnavailable(
        tokens.revoke({ jti, exp }),
        'replicas',
        'Redis confirmed the write on 0 of 1 replicas within 200 ms: the request is refused.',
      )
    } finally {
      replica.thaw()
    }
    expect(await holder.cli('exists', `${KEY_PREFIX}${prefix}jti:${jti}`)).toBe('1')
    // Thawed, the replica confirms again (given the time to catch up that a loaded machine may need).
    const patient = createRedisTokenStore(connected(), { prefix, minReplicas: 1, replicaTimeout: 5_000 })
    await expect(patient.revoke({ jti, exp })).resolves.toBe(true)
    await expect(patient.isRevoked({ jti, sub: 'u1' })).resolves.toBe(true)
  })
})

describe('a client that is not a cluster client, on a Cluster node', () => {
  let plain
  beforeAll(async () => {
    const [primary] = await cluster.primaries()
    plain = createClient({ url: `redis://${HOST}:${primary.port}` })
    plain.on('error', () => {})
    await plain.connect()
  })
  afterAll(async () => {
    await plain?.destroy()
  })

  test('a key on another node is refused as moved, not as a failure to answer', async () => {
    const store = createRedisTokenStore(plain, { prefix: freshPrefix() })
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.revokeAllFor(`u${i}`)))
    const moved = results.find((result) => result.status === 'rejected')
    await expectUnavailable(
      Promise.reject(moved.reason),
      'moved',
      'Redis refused the command (MOVED): Redis Cluster moved the key to another node and the client did not ' +
        'follow. The request is refused.',
    )
  })
})

// Last: a primary is killed, and stays down.
describe('a primary killed (SIGKILL)', () => {
  const clients = {}
  beforeAll(async () => {
    for (const library of LIBRARIES) clients[library] = await connect(library, topology())
  })
  afterAll(async () => {
    await Promise.all(Object.values(clients).map(close))
  })

  test('its keys are refused (503) during the election, and served again by themselves afterwards', async () => {
    const subject = 'failover'
    const stores = Object.fromEntries(
      LIBRARIES.map((library) => {
        const prefix = `${freshPrefix()}{${subject}}:`
        return [library, createRedisSessionStore(clients[library], { prefix })]
      }),
    )
    for (const library of LIBRARIES) await stores[library].create(subject)
    // Every store's subject index is on the primary that is killed, so every create needs it.
    const target = await cluster.primaryFor(`{${subject}}`)
    await target.kill()
    const report = await refusedUntilRecovered(LIBRARIES, (library) => stores[library].create(subject))
    console.log('Cluster failover, primary killed:', JSON.stringify(report, null, 2))
  }, 60_000)
})
