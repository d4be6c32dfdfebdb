'use strict'
// createRedisKeyRingStore(client) against a real redis-server on 127.0.0.1: instances on separate connections
// share one ring, one of them rotates, private keys are wrapped at rest, and a stopped server fails closed.
const crypto = require('node:crypto')
const { createClient } = require('redis')
const jwt = require('..')
const { createKeyRing, createRedisKeyRingStore, StoreUnavailableError } = jwt
const { startRedis } = require('./helpers/redis')
const { fakeDateOnly } = require('./helpers/clock')
const { rejected, expectError } = require('./helpers/assert')

const START = Date.UTC(2030, 0, 1)
const HOUR = 3_600_000
const kek = crypto.randomBytes(32)

let redis
let clients
let keyCount = 0

beforeAll(async () => {
  redis = await startRedis()
  clients = await Promise.all(
    [0, 1, 2].map(async () => {
      const client = createClient({ url: redis.url })
      await client.connect()
      return client
    }),
  )
})
afterAll(async () => {
  await Promise.all((clients ?? []).map((client) => client.quit()))
  await redis?.stop()
})
afterEach(() => jest.useRealTimers())

// Three instances, one per connection, on a fresh record.
function instances() {
  const key = `ring:${++keyCount}`
  const rings = clients.map((client) =>
    createKeyRing({ store: createRedisKeyRingStore(client, { key }), kek, rotateEvery: '6h', overlap: '1h' }),
  )
  return { key, rings }
}

const kidOf = (token) => jwt.decode(token, { complete: true }).header.kid

test('instances starting together agree on one current key, stored wrapped', async () => {
  fakeDateOnly(START)
  const { key, rings } = instances()
  const tokens = await Promise.all(rings.map((ring) => ring.sign({ sub: 'a' })))
  expect(new Set(tokens.map(kidOf)).size).toBe(1)
  const raw = await clients[0].get(key)
  const record = JSON.parse(raw)
  expect(record.keys).toHaveLength(2)
  expect(raw).not.toContain('"d"')
  for (const entry of record.keys) expect(entry.wrapped.split('.')).toHaveLength(5)
})

test('on a fake clock, one instance rotates and all sign with the new key; every token verifies', async () => {
  fakeDateOnly(START)
  const { rings } = instances()
  const kids = []
  const tokens = []
  for (let hour = 0; hour <= 24; hour += 1) {
    jest.setSystemTime(START + hour * HOUR)
    const signed = await Promise.all(rings.map((ring) => ring.sign({ sub: String(hour) }, { expiresIn: '30m' })))
    expect(new Set(signed.map(kidOf)).size).toBe(1)
    kids.push(kidOf(signed[0]))
    tokens.push(...signed)
    // Every instance publishes the same set, and each token signed this hour verifies against it.
    const sets = await Promise.all(rings.map((ring) => ring.jwks()))
    expect(new Set(sets.map((set) => JSON.stringify(set))).size).toBe(1)
    const local = jwt.createLocalJwks(sets[0])
    for (const token of signed)
      expect(jwt.verify(token, local(jwt.decode(token, { complete: true }).header))).toMatchObject({
        sub: String(hour),
      })
  }
  // Rotations at 6, 12, 18 and 24 hours.
  expect(new Set(kids).size).toBe(5)
})

test('a stopped server fails closed with StoreUnavailableError', async () => {
  const spare = await startRedis()
  const client = createClient({ url: spare.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const ring = createKeyRing({ store: createRedisKeyRingStore(client, { timeout: 200 }) })
  await spare.stop()
  const err = await rejected(ring.sign({}))
  expect(err).toBeInstanceOf(StoreUnavailableError)
  expect(err).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503 })
  expect(err.message).toMatch(/^Redis (is not connected|did not answer within 200 ms|failed to answer)/)
  client.destroy()
})

test.each([
  [null, 'Expected "options" to be a plain object.'],
  ['key', 'Expected "options" to be a plain object.'],
  [[], 'Expected "options" to be a plain object.'],
  [{ timeOut: 100 }, '"timeOut" is not allowed in "options"'],
])('options of %p are refused', (options, message) => {
  expectError(() => createRedisKeyRingStore(clients[0], options), TypeError, 'ERR_JWT_INVALID_OPTION', message)
})

test('a client that is not one is refused', () => {
  expectError(
    () => createRedisKeyRingStore({}),
    TypeError,
    'ERR_JWT_INVALID_OPTION',
    'createRedisKeyRingStore() expects a Redis client: node-redis 5 or 6 (the "redis" package) or ioredis 5 or 6',
  )
})
