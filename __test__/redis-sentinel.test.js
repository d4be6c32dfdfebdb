'use strict'
// Both Redis stores under Sentinel (a primary, a replica and three sentinels, helpers/redis.js), with every client
// library and default options: the stores' whole behaviour with `minReplicas: 1`; a write to a replica refused as
// such; and the primary killed (SIGKILL) while its replica is cut off. An end that was acknowledged without
// `minReplicas` is lost in that failover; with `minReplicas` the end is refused, and refused again while the new
// primary has no replica, until it has one. Meanwhile requests are refused (503), and go through again by
// themselves once the replica is promoted.
const { createClient } = require('redis')
const jwt = require('..')
const { createRedisSessionStore, createRedisTokenStore, StoreUnavailableError } = jwt
const { startSentinel, until, field } = require('./helpers/redis')
const { LIBRARIES, connect, close } = require('./helpers/redis-clients')
const {
  storesOnEveryLibrary,
  checksFromTheCache,
  freshPrefix,
  refusedUntilRecovered,
} = require('./helpers/redis-matrix')
const { rejected } = require('./helpers/assert')

let sentinel
beforeAll(async () => {
  // The primary keeps whatever it has for a replica that reads nothing, rather than dropping the replica: so a
  // write can be held in the primary's memory alone.
  sentinel = await startSentinel({ primaryArgs: ['--client-output-buffer-limit', 'replica 0 0 0'] })
}, 60_000)
afterAll(async () => {
  await sentinel?.stop()
})

const topology = () => ({ name: sentinel.name, sentinelNodes: sentinel.sentinelNodes })

async function expectUnavailable(promise, reason, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(StoreUnavailableError)
  expect(err).toMatchObject({ name: 'StoreUnavailableError', code: 'ERR_STORE_UNAVAILABLE', status: 503, reason })
  expect(err.message).toBe(message)
}

const NOT_CONFIRMED = 'Redis confirmed the write on 0 of 1 replicas within 200 ms: the request is refused.'

// Every revoking write waits for its replica; the wait is generous, since these tests are about behaviour and a
// loaded machine can hold a healthy replica's acknowledgement past the 250 ms default.
storesOnEveryLibrary(topology, { options: { minReplicas: 1, replicaTimeout: 5_000 } })

checksFromTheCache(topology)

test('a write to a replica is refused as read-only, not as a failure to answer', async () => {
  const onReplica = createClient({ url: sentinel.replica.url })
  onReplica.on('error', () => {})
  await onReplica.connect()
  try {
    const store = createRedisTokenStore(onReplica, { prefix: freshPrefix() })
    await expectUnavailable(
      store.revokeAllFor('u1'),
      'readonly',
      'Redis refused the command (READONLY): the Redis node is a read-only replica (a failover is under way). ' +
        'The request is refused.',
    )
  } finally {
    await onReplica.destroy()
  }
})

// Last: the primary is killed, and the replica takes over.
describe('the primary killed while its replica is cut off', () => {
  const clients = {}
  let filler
  beforeAll(async () => {
    for (const library of LIBRARIES) clients[library] = await connect(library, topology())
    filler = createClient({ url: sentinel.primary.url })
    filler.on('error', () => {})
    await filler.connect()
  })
  afterAll(async () => {
    await Promise.all(Object.values(clients).map(close))
    await filler.destroy()
  })

  test('an end acknowledged without minReplicas is lost; with minReplicas it is refused until it holds', async () => {
    const client = clients['node-redis 6']
    const loose = createRedisSessionStore(client, { prefix: freshPrefix() })
    const durable = createRedisSessionStore(client, { prefix: freshPrefix(), minReplicas: 1, replicaTimeout: 200 })
    const a = await loose.create('u1')
    const b = await durable.create('u1')
    // Both sessions are on the replica.
    expect(await filler.sendCommand(['WAIT', '1', '5000'])).toBe(1)

    // SIGSTOP: the replica reads nothing more. 48 MB fill the kernel's buffers on both ends of the link (a few MB
    // on loopback), so that what comes next stays in the primary's own memory.
    sentinel.replica.freeze()
    const value = 'x'.repeat(1 << 20)
    for (let i = 0; i < 48; i++) await filler.set(`filler:${i}`, value)
    await expect(loose.end(a.session.id)).resolves.toBe(true)
    await expectUnavailable(durable.end(b.session.id), 'replicas', NOT_CONFIRMED)

    await sentinel.primary.kill()
    sentinel.replica.thaw()
    const report = await refusedUntilRecovered(LIBRARIES, (library) =>
      createRedisSessionStore(clients[library], { prefix: freshPrefix() }).create('u2'),
    )
    console.log('Sentinel failover, primary killed:', JSON.stringify(report, null, 2))
    expect(await sentinel.primaryPort()).toBe(sentinel.replica.port)

    // The end that was acknowledged is gone: the session is live again on the new primary.
    expect(await loose.get(a.session.id)).toMatchObject({ id: a.session.id, subject: 'u1' })
    // The end that was refused is refused again while the new primary has no replica to confirm it...
    expect(await durable.get(b.session.id)).toMatchObject({ id: b.session.id })
    await expectUnavailable(durable.end(b.session.id), 'replicas', NOT_CONFIRMED)
    // ...and holds once the old primary is back, as a replica of the new one.
    await sentinel.primary.up()
    await until(
      async () => field(await sentinel.primary.cli('info', 'replication'), 'master_link_status') === 'up',
      'the old primary to follow the new one',
    )
    const ended = await durable.end(b.session.id)
    expect(typeof ended).toBe('boolean')
    expect(await durable.get(b.session.id)).toBe(null)
  }, 90_000)
})
