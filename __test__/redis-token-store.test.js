'use strict'
// createRedisTokenStore(client) against a real redis-server on 127.0.0.1. The behaviour every client and topology
// shares is in helpers/token-store-behaviour.js; this file adds what the keys hold: every key expires with the
// token it concerns, nothing is written for expired tokens, and a lookup is one round trip of two GETs.
const { createClient } = require('redis')
const jwt = require('..')
const { createRedisTokenStore } = jwt
const { startRedis } = require('./helpers/redis')
const { fakeDateOnly } = require('./helpers/clock')
const { tokenStoreBehaviour } = require('./helpers/token-store-behaviour')

const secret = 'a shared secret that is long enough for HS256'
// A whole second, so remaining lives come out as whole seconds.
const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const nowSeconds = () => Math.floor(Date.now() / 1000)

let redis
let client
let storeCount = 0
// A fresh key prefix per store keeps the tests apart on one server.
const newStore = (options) => {
  const prefix = `test${++storeCount}:`
  return { prefix, store: createRedisTokenStore(client, { prefix, ...options }) }
}

beforeAll(async () => {
  redis = await startRedis()
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client?.quit()
  await redis?.stop()
})
beforeEach(() => {
  fakeDateOnly(START)
})
afterEach(() => {
  jest.useRealTimers()
})

tokenStoreBehaviour((options) => newStore(options).store)

describe('revoke', () => {
  test('writes one key whose TTL is the token remaining life', async () => {
    const { prefix, store } = newStore()
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 600, jwtid: 'a' })
    await expect(store.revoke(token)).resolves.toBe(true)
    expect(await client.get(`${prefix}jti:a`)).toBe('1')
    expect(await client.ttl(`${prefix}jti:a`)).toBe(600)
  })

  test('adds clockTolerance to the TTL and rounds a part second up', async () => {
    const { prefix, store } = newStore({ clockTolerance: 30 })
    jest.setSystemTime(START + 400)
    await store.revoke({ jti: 'a', exp: START / 1000 + 600 })
    expect(await client.ttl(`${prefix}jti:a`)).toBe(630)
  })

  // Redis refuses an EX it cannot add to its clock in milliseconds, and any number written in exponent form.
  test.each([1e16, 1e21, 1e300])('revokes a token whose exp is %p, for some 31,700 years', async (exp) => {
    const { prefix, store } = newStore()
    await expect(store.revoke({ jti: 'far', exp })).resolves.toBe(true)
    await expect(store.isRevoked({ jti: 'far' })).resolves.toBe(true)
    expect(await client.ttl(`${prefix}jti:far`)).toBe(1e12)
  })

  test('writes nothing for a token that has already expired', async () => {
    const { prefix, store } = newStore()
    await expect(store.revoke({ jti: 'a', exp: nowSeconds() })).resolves.toBe(false)
    await expect(store.revoke({ jti: 'b', exp: nowSeconds() - 60 })).resolves.toBe(false)
    expect(await client.keys(`${prefix}*`)).toEqual([])
  })
})

describe('revokeAllFor', () => {
  test('stores the cut-off with the longest token life as TTL', async () => {
    const { prefix, store } = newStore({ maxTokenLifetime: '1h' })
    await expect(store.revokeAllFor('u1')).resolves.toBe(true)
    expect(await client.get(`${prefix}sub:u1`)).toBe(String(START))
    expect(await client.ttl(`${prefix}sub:u1`)).toBe(3600)
  })

  test('keeps the later cut-off when an earlier one arrives afterwards', async () => {
    const { prefix, store } = newStore({ maxTokenLifetime: 3600 })
    await store.revokeAllFor('u1', START + 60_000)
    await store.revokeAllFor('u1', START)
    expect(await client.get(`${prefix}sub:u1`)).toBe(String(START + 60_000))
    expect(await client.ttl(`${prefix}sub:u1`)).toBe(3660)
  })

  test('takes a cut-off far in the future', async () => {
    const { prefix, store } = newStore()
    await expect(store.revokeAllFor('u1', 1e300)).resolves.toBe(true)
    await expect(store.isRevoked({ sub: 'u1', iat: START / 1000 })).resolves.toBe(true)
    expect(await client.ttl(`${prefix}sub:u1`)).toBe(1e12)
  })

  test('writes nothing for a cut-off older than the longest token life', async () => {
    const { prefix, store } = newStore({ maxTokenLifetime: 60 })
    await expect(store.revokeAllFor('u1', START - 60_000)).resolves.toBe(false)
    expect(await client.keys(`${prefix}*`)).toEqual([])
  })
})

// Each key is its own hash slot (a Cluster spreads them), so a lookup never sends one command across slots.
test('a lookup reads the jti and the subject cut-off with two GETs, and no MGET', async () => {
  const { store } = newStore()
  await store.revokeAllFor('u1')
  const calls = async () => {
    const stats = await client.info('commandstats')
    const count = (command) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0)
    return { get: count('get'), mget: count('mget') }
  }
  const before = await calls()
  await expect(store.isRevoked({ jti: 'a', sub: 'u1', iat: nowSeconds() - 1 })).resolves.toBe(true)
  await expect(store.isRevoked({ iat: nowSeconds() })).resolves.toBe(false)
  const after = await calls()
  expect({ get: after.get - before.get, mget: after.mget - before.mget }).toEqual({ get: 2, mget: 0 })
})

describe('bad arguments', () => {
  const thrown = (fn) => {
    try {
      fn()
    } catch (err) {
      return err
    }
    throw new Error('expected a throw')
  }

  test('a client that is not a Redis client is a TypeError', () => {
    const err = thrown(() => createRedisTokenStore({ get() {} }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_JWT_INVALID_OPTION')
    expect(err.message).toBe(
      'createRedisTokenStore() expects a Redis client: node-redis 5 or 6 (the "redis" package) or ioredis 5 or 6',
    )
  })

  test('a timeout that is not a positive whole number of milliseconds a timer can wait is a TypeError', () => {
    for (const timeout of [0, -5, 2.5, '1s', 2 ** 31, Infinity]) {
      const err = thrown(() => createRedisTokenStore(client, { timeout }))
      expect(err).toBeInstanceOf(TypeError)
      expect(err.code).toBe('ERR_JWT_INVALID_OPTION')
      expect(err.message).toBe('"timeout" must be a positive whole number of milliseconds, at most 2147483647')
    }
  })

  test('a prefix that is not a string is a TypeError', () => {
    const err = thrown(() => createRedisTokenStore(client, { prefix: 1 }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_JWT_INVALID_OPTION')
    expect(err.message).toBe('"prefix" must be a string')
  })

  test('revoke() of a token without jti rejects with a TypeError and writes nothing', async () => {
    const { prefix, store } = newStore()
    const rejection = store.revoke({ sub: 'u1', exp: nowSeconds() + 60 })
    await expect(rejection).rejects.toThrow(TypeError)
    await expect(rejection).rejects.toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message: 'revoke() needs a token with a "jti" claim: sign with a jwtid, or use revokeAllFor(sub)',
    })
    expect(await client.keys(`${prefix}*`)).toEqual([])
  })
})
