'use strict'
// What the Redis token store does, whatever client and topology it runs on: one suite, run by
// redis-token-store.test.js (one node) and the Cluster and Sentinel tests against their store. `newStore(options)`
// returns a store with a fresh key prefix. Only Date is faked: Redis sockets and timers run for real.

const jwt = require('../..')
const { fakeDateOnly } = require('./clock')

const secret = 'a shared secret that is long enough for HS256'
// A whole second, so remaining lives come out as whole seconds.
const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const nowSeconds = () => Math.floor(Date.now() / 1000)

function tokenStoreBehaviour(newStore) {
  beforeEach(() => {
    fakeDateOnly(START)
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  describe('token store', () => {
    test('a revoked token is refused, in every form it is given, and another is not', async () => {
      const store = newStore()
      const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 600, jwtid: 'a' })
      await expect(store.revoke(token)).resolves.toBe(true)
      await expect(store.isRevoked(jwt.decode(token))).resolves.toBe(true)
      await expect(store.isRevoked({}, jwt.decode(token, { complete: true }))).resolves.toBe(true)
      await expect(store.isRevoked({ jti: 'b', sub: 'u1', iat: nowSeconds() })).resolves.toBe(false)
    })

    test('claims that hold members named header and payload are read as the claims they are', async () => {
      const store = newStore()
      const exp = nowSeconds() + 600
      const claims = { sub: 'u1', jti: 'real', exp, header: { alg: 'HS256' }, payload: { jti: 'decoy', exp } }
      await expect(store.revoke(claims)).resolves.toBe(true)
      await expect(store.isRevoked(claims)).resolves.toBe(true)
      await expect(store.isRevoked({ jti: 'decoy', sub: 'u1', iat: nowSeconds() })).resolves.toBe(false)
    })

    test('a token that has already expired is not written', async () => {
      const store = newStore()
      await expect(store.revoke({ jti: 'a', exp: nowSeconds() })).resolves.toBe(false)
      await expect(store.isRevoked({ jti: 'a' })).resolves.toBe(false)
    })

    test('revokeAllFor refuses the tokens of that subject issued before the cut-off, and only those', async () => {
      const store = newStore()
      await expect(store.revokeAllFor('u1', START + 500)).resolves.toBe(true)
      await expect(store.isRevoked({ sub: 'u1', iat: nowSeconds() })).resolves.toBe(true)
      await expect(store.isRevoked({ sub: 'u1' })).resolves.toBe(true)
      await expect(store.isRevoked({ jti: 'c', sub: 'u1', iat: nowSeconds() + 1 })).resolves.toBe(false)
      await expect(store.isRevoked({ sub: 'u2', iat: nowSeconds() })).resolves.toBe(false)
    })

    test('revokeAllFor keeps the later cut-off when an earlier one arrives afterwards', async () => {
      const store = newStore()
      await store.revokeAllFor('u1', START + 60_000)
      await store.revokeAllFor('u1', START)
      await expect(store.isRevoked({ sub: 'u1', iat: nowSeconds() + 30 })).resolves.toBe(true)
    })
  })
}

module.exports = { tokenStoreBehaviour, START }
