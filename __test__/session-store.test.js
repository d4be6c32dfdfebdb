'use strict'
// createSessionStore(): sessions held in Rust (src/session.rs), with time from a fake clock. The behaviour every
// store shares is in helpers/session-store-behaviour.js; this file adds what is particular to memory.
const { createSessionStore } = require('..')
const { sessionStoreBehaviour, START, MINUTE, DAY } = require('./helpers/session-store-behaviour')

sessionStoreBehaviour((options) => createSessionStore(options))

describe('in memory', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START })
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  test('methods return plain values, not promises', () => {
    const store = createSessionStore()
    const login = store.create('u1')
    expect(login.claims.sub).toBe('u1')
    expect(store.isRevoked(login.claims)).toBe(false)
    expect(store.refresh(login.refreshToken).session.subject).toBe('u1')
    expect(store.list('u1')).toHaveLength(1)
    expect(store.end(login.session.id)).toBe(true)
    expect(store.endAll('u1')).toBe(0)
  })

  test('holds only live sessions and recent tombstones; prune() drops the rest', () => {
    const store = createSessionStore({ idleLifetime: '1h' })
    const kept = store.create('u1')
    const ended = store.create('u1')
    store.create('u2')
    store.end(ended.session.id)
    expect(store.size).toBe(3)
    jest.setSystemTime(START + 30 * MINUTE)
    store.refresh(kept.refreshToken)
    // The ended session's last token has expired; the untouched one has been idle for its whole lifetime.
    jest.setSystemTime(START + 60 * MINUTE)
    expect(store.prune()).toBe(2)
    expect(store.size).toBe(1)
    jest.setSystemTime(START + DAY)
    expect(store.prune()).toBe(1)
    expect(store.size).toBe(0)
  })

  test('inserts drop expired sessions as they go, so memory follows the live ones', () => {
    const store = createSessionStore({ accessTokenLifetime: 60, idleLifetime: 60, absoluteLifetime: 60 })
    let most = 0
    for (let i = 0; i < 10_000; i++) {
      jest.setSystemTime(START + i * 1000)
      store.create(`u${i % 10}`)
      most = Math.max(most, store.size)
    }
    // 60 alive at a time; the store sweeps when it reaches twice its size at the last sweep (at least 1,024).
    expect(most).toBeLessThanOrEqual(1024)
  })

  test('a refresh token is never held: only its SHA-256', () => {
    const store = createSessionStore()
    const { refreshToken } = store.create('u1')
    const secret = refreshToken.split('.')[1]
    expect(JSON.stringify(store.list('u1'))).not.toContain(secret)
  })
})
