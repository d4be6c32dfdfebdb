'use strict'
// createTokenStore(): revoked jtis and per-subject cut-offs held in Rust until the tokens they concern expire,
// with time from a fake clock.
const jwt = require('..')
const { createTokenStore } = jwt
const { thrown } = require('./helpers/assert')

const secret = 'a shared secret that is long enough for HS256'
const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const nowSeconds = () => Math.floor(Date.now() / 1000)
const token = (claims, options) => jwt.sign(claims, secret, { expiresIn: 60, ...options })

beforeEach(() => {
  jest.useFakeTimers({ now: START })
})
afterEach(() => {
  jest.useRealTimers()
})

describe('revoke and isRevoked', () => {
  test('a revoked token is revoked, another is not', () => {
    const store = createTokenStore()
    const payload = { sub: 'u1', jti: 'a', iat: nowSeconds(), exp: nowSeconds() + 60 }
    expect(store.isRevoked(payload)).toBe(false)
    expect(store.revoke(payload)).toBe(true)
    expect(store.isRevoked(payload)).toBe(true)
    expect(store.isRevoked({ ...payload, jti: 'b' })).toBe(false)
    expect(store.size).toBe(1)
  })

  test('revoke takes a token string, a payload or { header, payload }', () => {
    const store = createTokenStore()
    const first = token({ sub: 'u1' }, { jwtid: 'one' })
    const second = jwt.verify(token({ sub: 'u1' }, { jwtid: 'two' }), secret, { complete: true })
    store.revoke(first)
    store.revoke(second)
    store.revoke(jwt.decode(token({ sub: 'u1' }, { jwtid: 'three' })))
    for (const jti of ['one', 'two', 'three']) expect(store.isRevoked({ jti })).toBe(true)
    expect(store.size).toBe(3)
  })

  test('isRevoked also works as the middleware callback isRevoked(req, { header, payload })', () => {
    const store = createTokenStore()
    const revoked = token({ sub: 'u1' }, { jwtid: 'gone' })
    const kept = token({ sub: 'u1' }, { jwtid: 'kept' })
    store.revoke(revoked)
    const req = {}
    expect(store.isRevoked(req, jwt.decode(revoked, { complete: true }))).toBe(true)
    expect(store.isRevoked(req, jwt.decode(kept, { complete: true }))).toBe(false)
    const { isRevoked } = store
    expect(isRevoked(req, jwt.decode(revoked, { complete: true }))).toBe(true)
  })

  test('a payload without jti or sub, or that is not an object, is not revoked', () => {
    const store = createTokenStore()
    store.revoke({ jti: 'a', exp: nowSeconds() + 60 })
    expect(store.isRevoked({ iat: nowSeconds() })).toBe(false)
    expect(store.isRevoked(null)).toBe(false)
    expect(store.isRevoked(42)).toBe(false)
    expect(store.isRevoked({ jti: 42 })).toBe(false)
  })

  // As revoke() takes them: what was revoked in one form is revoked in every form.
  test('isRevoked takes a token string or { header, payload } alone too, and refuses a string that is not a token', () => {
    const store = createTokenStore()
    const revoked = token({ sub: 'u1' }, { jwtid: 'alone' })
    store.revoke(revoked)
    expect(store.isRevoked(revoked)).toBe(true)
    expect(store.isRevoked(jwt.decode(revoked, { complete: true }))).toBe(true)
    expect(store.isRevoked(jwt.verify(revoked, secret, { complete: true }))).toBe(true)
    expect(store.isRevoked({}, revoked)).toBe(true)
    const other = token({ sub: 'u2' }, { jwtid: 'other' })
    expect(store.isRevoked(other)).toBe(false)
    store.revokeAllFor('u2', Date.now() + 1000)
    expect(store.isRevoked(other)).toBe(true)
    for (const notToken of ['a', '', 'a.b.c']) {
      const err = thrown(() => store.isRevoked(notToken))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({
        code: 'ERR_JWT_INVALID_OPTION',
        message: 'isRevoked() was given a string that is not a token',
      })
    }
  })

  test('methods return plain values that can be awaited like the Redis store promises', async () => {
    const store = createTokenStore()
    await expect(Promise.resolve(store.revoke({ jti: 'a', exp: nowSeconds() + 60 }))).resolves.toBe(true)
    expect(await store.isRevoked({ jti: 'a' })).toBe(true)
  })
})

describe('expiry', () => {
  test('an entry is revoked until exp and gone after prune', () => {
    const store = createTokenStore()
    const exp = nowSeconds() + 60
    store.revoke({ jti: 'a', exp })
    jest.advanceTimersByTime(59_999)
    expect(store.isRevoked({ jti: 'a' })).toBe(true)
    jest.advanceTimersByTime(1)
    expect(store.isRevoked({ jti: 'a' })).toBe(false)
    expect(store.size).toBe(1)
    expect(store.prune()).toBe(1)
    expect(store.size).toBe(0)
  })

  test('clockTolerance keeps an entry that long past exp', () => {
    const store = createTokenStore({ clockTolerance: 30 })
    store.revoke({ jti: 'a', exp: nowSeconds() + 60 })
    jest.advanceTimersByTime(89_000)
    expect(store.isRevoked({ jti: 'a' })).toBe(true)
    jest.advanceTimersByTime(1_000)
    expect(store.isRevoked({ jti: 'a' })).toBe(false)
  })

  test('an already expired token is not recorded', () => {
    const store = createTokenStore()
    expect(store.revoke({ jti: 'a', exp: nowSeconds() })).toBe(false)
    expect(store.revoke({ jti: 'b', exp: nowSeconds() - 3600 })).toBe(false)
    expect(store.size).toBe(0)
  })

  test('revocations are pruned as they go: the store holds about twice the live tokens at most', () => {
    const store = createTokenStore()
    // One 60-second token revoked per second for three hours: 60 are alive at any time.
    let most = 0
    for (let i = 0; i < 3 * 3600; i++) {
      store.revoke({ jti: `t${i}`, exp: nowSeconds() + 60 })
      most = Math.max(most, store.size)
      jest.advanceTimersByTime(1000)
    }
    expect(most).toBeLessThanOrEqual(1024)
    expect(store.isRevoked({ jti: `t${3 * 3600 - 1}` })).toBe(true)
    expect(store.isRevoked({ jti: 't0' })).toBe(false)
  })
})

describe('revokeAllFor', () => {
  test('refuses the tokens of that subject issued before the cut-off, and only those', () => {
    const store = createTokenStore()
    jest.advanceTimersByTime(500)
    const before = jwt.decode(token({ sub: 'u1' }))
    const otherUser = jwt.decode(token({ sub: 'u2' }))
    expect(store.revokeAllFor('u1')).toBe(true)
    expect(store.isRevoked(before)).toBe(true)
    expect(store.isRevoked(otherUser)).toBe(false)
    jest.advanceTimersByTime(1000)
    expect(store.isRevoked(jwt.decode(token({ sub: 'u1' })))).toBe(false)
  })

  test('a token of that subject without iat counts as issued before the cut-off', () => {
    const store = createTokenStore()
    store.revokeAllFor('u1')
    expect(store.isRevoked({ sub: 'u1' })).toBe(true)
  })

  test('takes the cut-off as a Date or epoch milliseconds', () => {
    const store = createTokenStore()
    store.revokeAllFor('u1', new Date(START + 10_000))
    store.revokeAllFor('u2', START + 10_000)
    for (const sub of ['u1', 'u2']) {
      expect(store.isRevoked({ sub, iat: START / 1000 + 9 })).toBe(true)
      expect(store.isRevoked({ sub, iat: START / 1000 + 10 })).toBe(false)
    }
  })

  test('a later cut-off wins over an earlier one given afterwards', () => {
    const store = createTokenStore()
    store.revokeAllFor('u1', START + 60_000)
    store.revokeAllFor('u1', START)
    expect(store.isRevoked({ sub: 'u1', iat: START / 1000 + 30 })).toBe(true)
    expect(store.size).toBe(1)
  })

  test('a cut-off is kept for maxTokenLifetime (plus clockTolerance), then dropped', () => {
    const store = createTokenStore({ maxTokenLifetime: '1h', clockTolerance: 10 })
    const old = { sub: 'u1', iat: nowSeconds() - 1 }
    store.revokeAllFor('u1')
    jest.advanceTimersByTime(3_609_999)
    expect(store.isRevoked(old)).toBe(true)
    jest.advanceTimersByTime(1)
    expect(store.isRevoked(old)).toBe(false)
    expect(store.prune()).toBe(1)
  })

  test('a cut-off older than the longest token life records nothing', () => {
    const store = createTokenStore({ maxTokenLifetime: 60 })
    expect(store.revokeAllFor('u1', START - 60_000)).toBe(false)
    expect(store.size).toBe(0)
  })
})

describe('bad arguments and options', () => {
  const invalid = (message) => expect.objectContaining({ name: 'TypeError', code: 'ERR_JWT_INVALID_OPTION', message })
  const thrown = (fn) => {
    try {
      fn()
    } catch (err) {
      return err
    }
    throw new Error('expected a throw')
  }

  test.each([
    [
      'a payload without jti',
      { exp: 2e9 },
      'revoke() needs a token with a "jti" claim: sign with a jwtid, or use revokeAllFor(sub)',
    ],
    [
      'an empty jti',
      { jti: '', exp: 2e9 },
      'revoke() needs a token with a "jti" claim: sign with a jwtid, or use revokeAllFor(sub)',
    ],
    [
      'a payload without exp',
      { jti: 'a' },
      'revoke() needs a token with an "exp" claim: without one it would have to be kept forever',
    ],
    ['a string that is not a token', 'nope', 'revoke() was given a string that is not a token'],
    ['a number', 42, 'revoke() expects a token, a payload object or { header, payload }'],
    ['null', null, 'revoke() expects a token, a payload object or { header, payload }'],
  ])('revoke(%s) is a TypeError', (_, argument, message) => {
    const err = thrown(() => createTokenStore().revoke(argument))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toEqual(invalid(message))
  })

  test('revoke() of a token signed without jwtid is a TypeError', () => {
    const err = thrown(() => createTokenStore().revoke(token({ sub: 'u1' })))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_JWT_INVALID_OPTION')
    expect(err.message).toBe('revoke() needs a token with a "jti" claim: sign with a jwtid, or use revokeAllFor(sub)')
  })

  test.each([
    ['no subject', [undefined], 'revokeAllFor() expects "sub" to be a non-empty string'],
    ['an empty subject', [''], 'revokeAllFor() expects "sub" to be a non-empty string'],
    [
      'a cut-off that is not a time',
      ['u1', '2030-01-01'],
      'revokeAllFor() expects "when" to be a Date or a number of milliseconds since the epoch',
    ],
    [
      'an invalid Date',
      ['u1', new Date('nope')],
      'revokeAllFor() expects "when" to be a Date or a number of milliseconds since the epoch',
    ],
  ])('revokeAllFor with %s is a TypeError', (_, args, message) => {
    const err = thrown(() => createTokenStore().revokeAllFor(...args))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toEqual(invalid(message))
  })

  test.each([
    ['an unknown option', { maxAge: 5 }, '"maxAge" is not allowed in "options"'],
    ['options that are not an object', 'fast', 'Expected "options" to be a plain object.'],
    ['a negative clockTolerance', { clockTolerance: -1 }, '"clockTolerance" must be a number of seconds, 0 or more'],
    [
      'a maxTokenLifetime of zero',
      { maxTokenLifetime: 0 },
      '"maxTokenLifetime" must be a positive number of seconds or a timespan string such as "1d"',
    ],
    [
      'an unreadable maxTokenLifetime',
      { maxTokenLifetime: 'a while' },
      '"maxTokenLifetime" must be a positive number of seconds or a timespan string such as "1d"',
    ],
  ])('createTokenStore with %s is a TypeError', (_, options, message) => {
    const err = thrown(() => createTokenStore(options))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toEqual(invalid(message))
  })
})
