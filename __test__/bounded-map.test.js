'use strict'
// lib/bounded-map.js, the one shape of lib/'s in-memory caches: at most `limit` entries, the oldest dropped when a new
// key comes to a full map (never the whole map), and with `refreshOnHit` a get() that finds its key makes it the
// newest, so the least recently used entry goes first.

const { boundedMap } = require('../lib/bounded-map')

const filled = (map, keys) => {
  for (const key of keys) map.set(key, `value of ${key}`)
  return map
}

describe('boundedMap(limit): the oldest entry dropped first', () => {
  test('holds at most `limit` entries however many keys come', () => {
    const map = boundedMap(3)
    for (let i = 0; i < 100; i++) {
      map.set(`k${i}`, i)
      expect(map.size).toBe(Math.min(i + 1, 3))
    }
    expect([...map.keys()]).toEqual(['k97', 'k98', 'k99'])
  })

  test('a new key in a full map drops the oldest entry alone', () => {
    const map = filled(boundedMap(3), ['a', 'b', 'c'])
    map.set('d', 'value of d')
    expect([...map.keys()]).toEqual(['b', 'c', 'd'])
    expect(map.has('a')).toBe(false)
    expect(map.get('b')).toBe('value of b')
  })

  test('a hit does not refresh: the entry read most is still dropped when it is the oldest', () => {
    const map = filled(boundedMap(3), ['a', 'b', 'c'])
    for (let i = 0; i < 5; i++) expect(map.get('a')).toBe('value of a')
    map.set('d', 'value of d')
    expect(map.get('a')).toBeUndefined()
    expect([...map.keys()]).toEqual(['b', 'c', 'd'])
  })

  test('setting a key it holds replaces the value in place, and drops nothing', () => {
    const map = filled(boundedMap(3), ['a', 'b', 'c'])
    map.set('a', 'new a')
    expect(map.size).toBe(3)
    expect([...map.entries()]).toEqual([
      ['a', 'new a'],
      ['b', 'value of b'],
      ['c', 'value of c'],
    ])
  })

  test('a miss answers undefined and changes nothing', () => {
    const map = filled(boundedMap(2), ['a', 'b'])
    expect(map.get('z')).toBeUndefined()
    expect([...map.keys()]).toEqual(['a', 'b'])
  })

  test('a deleted entry frees its room: the next key drops nothing', () => {
    const map = filled(boundedMap(3), ['a', 'b', 'c'])
    map.delete('b')
    map.set('d', 'value of d')
    expect([...map.keys()]).toEqual(['a', 'c', 'd'])
  })

  test('keys are compared as a Map compares them: objects by identity', () => {
    const one = {}
    const other = {}
    const map = boundedMap(2)
    map.set(one, 1)
    expect(map.get(one)).toBe(1)
    expect(map.get(other)).toBeUndefined()
  })

  test('a limit of one keeps the last key', () => {
    const map = filled(boundedMap(1), ['a', 'b'])
    expect([...map.keys()]).toEqual(['b'])
  })

  test.each([0, -1, 1.5, NaN, Infinity, '3', undefined])('refuses %p as a limit', (limit) => {
    expect(() => boundedMap(limit)).toThrow(RangeError)
    expect(() => boundedMap(limit, { refreshOnHit: true })).toThrow(RangeError)
  })
})

describe('boundedMap(limit, { refreshOnHit: true }): the least recently used entry dropped first', () => {
  test('holds at most `limit` entries however many keys come', () => {
    const map = boundedMap(3, { refreshOnHit: true })
    for (let i = 0; i < 100; i++) {
      map.set(`k${i}`, i)
      if (i % 2 === 0) map.get('k0')
      expect(map.size).toBe(Math.min(i + 1, 3))
    }
    expect(map.size).toBe(3)
  })

  test('a hit makes the entry the newest: the one not read since is dropped instead', () => {
    const map = filled(boundedMap(3, { refreshOnHit: true }), ['a', 'b', 'c'])
    expect(map.get('a')).toBe('value of a')
    expect([...map.keys()]).toEqual(['b', 'c', 'a'])
    map.set('d', 'value of d')
    expect(map.get('b')).toBeUndefined()
    expect([...map.keys()]).toEqual(['c', 'a', 'd'])
    expect(map.get('a')).toBe('value of a')
  })

  test('an entry read again and again stays while new keys stream through', () => {
    const map = boundedMap(3, { refreshOnHit: true })
    map.set('hot', 'value of hot')
    for (let i = 0; i < 50; i++) {
      map.set(`cold${i}`, i)
      expect(map.get('hot')).toBe('value of hot')
    }
    expect([...map.keys()]).toEqual(['cold48', 'cold49', 'hot'])
  })

  test('a miss refreshes nothing', () => {
    const map = filled(boundedMap(2, { refreshOnHit: true }), ['a', 'b'])
    expect(map.get('z')).toBeUndefined()
    expect([...map.keys()]).toEqual(['a', 'b'])
    map.set('c', 'value of c')
    expect([...map.keys()]).toEqual(['b', 'c'])
  })

  test('has() is a look, not a use: it refreshes nothing', () => {
    const map = filled(boundedMap(2, { refreshOnHit: true }), ['a', 'b'])
    expect(map.has('a')).toBe(true)
    map.set('c', 'value of c')
    expect([...map.keys()]).toEqual(['b', 'c'])
  })

  test('setting a key it holds makes it the newest and drops nothing', () => {
    const map = filled(boundedMap(3, { refreshOnHit: true }), ['a', 'b', 'c'])
    map.set('a', 'new a')
    expect(map.size).toBe(3)
    expect([...map.entries()]).toEqual([
      ['b', 'value of b'],
      ['c', 'value of c'],
      ['a', 'new a'],
    ])
    map.set('d', 'value of d')
    expect([...map.keys()]).toEqual(['c', 'a', 'd'])
  })

  test('set() answers the map, as Map#set does', () => {
    const fifo = boundedMap(2)
    const lru = boundedMap(2, { refreshOnHit: true })
    expect(fifo.set('a', 1)).toBe(fifo)
    expect(lru.set('a', 1)).toBe(lru)
  })
})

// Two of the caches built on it, seen from the public API: a key's native verifiers (one per set of verify()
// options) and its decrypters (one per set of decrypt() options) once emptied themselves when full.
describe('the caches of a key: a full one drops its oldest entry for each new one', () => {
  const crypto = require('node:crypto')
  const jwt = require('..')
  const { verifyingKey, VERIFIER_CACHE_LIMIT } = require('../lib/keys')
  const { decryptionKey } = require('../lib/jwe-keys')

  // Fills `cache` with `use(i)` for `limit` + 3 option sets, each one new, then checks that one more drops the oldest
  // alone: what it held before, but for its first entry, then the new one.
  function expectOldestDropped(cache, limit, use) {
    for (let i = 0; i < limit + 3; i++) use(i)
    expect(cache.size).toBe(limit)
    const before = [...cache.values()]
    use(limit + 3)
    const after = [...cache.values()]
    expect(after).toHaveLength(limit)
    for (let i = 0; i < limit - 1; i++) expect(after[i]).toBe(before[i + 1])
    expect(before).not.toContain(after[limit - 1])
  }

  test(`verify(): a key keeps the verifiers of its last ${VERIFIER_CACHE_LIMIT} option sets`, () => {
    const secret = crypto.randomBytes(32)
    const token = jwt.sign({ iss: 'issuer' }, secret)
    const { verifiers } = verifyingKey(secret)
    expectOldestDropped(verifiers, VERIFIER_CACHE_LIMIT, (i) => {
      expect(jwt.verify(token, secret, { issuer: ['issuer', `other ${i}`] })).toMatchObject({ iss: 'issuer' })
    })
  })

  test('decrypt(): a key keeps the decrypters of its last 64 option sets', () => {
    const key = crypto.randomBytes(32)
    const encrypted = jwt.encrypt({ aud: 'api' }, key, { algorithm: 'dir' })
    const { decrypters } = decryptionKey(key)
    expectOldestDropped(decrypters, 64, (i) => {
      expect(jwt.decrypt(encrypted, key, { audience: ['api', `other ${i}`] })).toMatchObject({ aud: 'api' })
    })
  })
})
