'use strict'
// Sessions bound to a DPoP key, in memory and on a real redis-server: a session created or refreshed with a proof's
// thumbprint (`{ jkt }`) hands out access tokens with `cnf.jkt`, and its refresh token works only with a proof
// from the same key, so a stolen refresh token alone is useless.

const { createClient } = require('redis')
const { createSessionStore, createRedisSessionStore, calculateJwkThumbprint } = require('..')
const { UnauthorizedError } = require('../express')
const { keys } = require('./helpers/keys')
const { startRedis } = require('./helpers/redis')
const { rejected } = require('./helpers/assert')

const jkt = calculateJwkThumbprint(keys.p256.publicJwk)
const otherJkt = calculateJwkThumbprint(keys.p384.publicJwk)

async function expectRefused(promise, code, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(UnauthorizedError)
  expect(err).toMatchObject({ code, message, status: 401 })
}

let redis
let client
beforeAll(async () => {
  redis = await startRedis()
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client.quit()
  await redis.stop()
})

let count = 0
const STORES = {
  'in memory': () => createSessionStore(),
  'on Redis': () => createRedisSessionStore(client, { prefix: `dpop${++count}:` }),
}

describe.each(Object.keys(STORES))('sessions %s', (name) => {
  const newStore = STORES[name]
  const call = async (fn) => fn()

  test('a session created with a key: its tokens carry cnf.jkt, refresh needs the same key', async () => {
    const store = newStore()
    const created = await store.create('u1', {}, { jkt })
    expect(created.claims.cnf).toEqual({ jkt })
    await expectRefused(
      call(() => store.refresh(created.refreshToken)),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { jkt: otherJkt })),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    // The refusals changed nothing: the holder of the key refreshes.
    const refreshed = await store.refresh(created.refreshToken, { jkt })
    expect(refreshed.claims.cnf).toEqual({ jkt })
    expect(refreshed.session.id).toBe(created.session.id)
  })

  test('a retired refresh token presented with the key is still a reuse: the session ends', async () => {
    const store = newStore()
    const created = await store.create('u1', {}, { jkt })
    await store.refresh(created.refreshToken, { jkt })
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { jkt })),
      'refresh_token_reused',
      'The refresh token was already used: the session has ended.',
    )
    expect(await store.get(created.session.id)).toBeNull()
  })

  test('a session without a key works as before, and a refresh with a proof binds it from then on', async () => {
    const store = newStore()
    const created = await store.create('u1')
    expect(created.claims.cnf).toBeUndefined()
    const plain = await store.refresh(created.refreshToken)
    expect(plain.claims.cnf).toBeUndefined()
    const bound = await store.refresh(plain.refreshToken, { jkt })
    expect(bound.claims.cnf).toEqual({ jkt })
    await expectRefused(
      call(() => store.refresh(bound.refreshToken)),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    expect((await store.refresh(bound.refreshToken, { jkt })).claims.cnf).toEqual({ jkt })
  })

  test('bad binding options are TypeErrors', async () => {
    const store = newStore()
    for (const [options, message] of [
      [{ jkt: 'short' }, '"jkt" must be a SHA-256 JWK thumbprint (43 base64url characters)'],
      [{ key: jkt }, '"key" is not allowed in "options"'],
      ['jkt', 'Expected "options" to be a plain object.'],
    ]) {
      const err = await rejected(call(() => store.create('u1', {}, options)))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })
})
