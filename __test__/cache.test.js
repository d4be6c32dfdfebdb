'use strict'
// The verified-token cache of createVerifier({ cache }): off by default, bounded, keyed by the whole token, and
// never serving an entry past the token's `exp` or `maxAge` deadline, `cacheTTL`, or for a token that differs.
// A hit returns the very object the first verification returned, which is how these tests tell hits from misses;
// a cached refusal is thrown as a copy of the first (an error of its own for each caller), told by its content.

const jwt = require('..')
const { keys, secret } = require('./helpers/keys')
const { thrown } = require('./helpers/assert')
const { hmacToken } = require('./helpers/tokens')
const { SIGNED_REFUSALS } = require('../lib/compiled')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const NOW = 1_700_000_000

beforeEach(() => jest.useFakeTimers({ now: NOW * 1000 }))
afterEach(() => jest.useRealTimers())

const at = (seconds) => jest.setSystemTime(seconds * 1000)

// The same signature bytes with one base64url character in the middle changed.
function tamperSignature(token) {
  const [head, body, signature] = token.split('.')
  const i = signature.length >> 1
  return `${head}.${body}.${signature.slice(0, i)}${signature[i] === 'A' ? 'B' : 'A'}${signature.slice(i + 1)}`
}

// `copy` is another error of the same class with the same message and members.
function expectCopy(copy, err) {
  expect(copy).not.toBe(err)
  expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(err))
  expect({ ...copy, message: copy.message }).toEqual({ ...err, message: err.message })
}

test('is off by default: every call verifies again', () => {
  const verifier = jwt.createVerifier({ key: secret })
  const token = jwt.sign({ sub: 'u1' }, secret)
  const first = verifier.verify(token)
  expect(verifier.verify(token)).toEqual(first)
  expect(verifier.verify(token)).not.toBe(first)
})

test('cache: false is off too', () => {
  const verifier = jwt.createVerifier({ key: secret, cache: false })
  const token = jwt.sign({ sub: 'u1' }, secret)
  expect(verifier.verify(token)).not.toBe(verifier.verify(token))
})

test('a hit returns the first result, sync and async, and with complete', async () => {
  const verifier = jwt.createVerifier({ key: keys.rsa.publicKey, cache: 10 })
  const token = jwt.sign({ sub: 'u1' }, keys.rsa.privateKey, { algorithm: 'RS256' })
  const first = await verifier.verifyAsync(token)
  expect(first).toEqual({ sub: 'u1', iat: NOW })
  expect(verifier.verify(token)).toBe(first)
  expect(await verifier.verifyAsync(token)).toBe(first)

  const complete = jwt.createVerifier({ key: secret, cache: 10, complete: true })
  const hsToken = jwt.sign({ sub: 'u1' }, secret)
  const result = complete.verify(hsToken)
  expect(result.payload).toEqual({ sub: 'u1', iat: NOW })
  expect(complete.verify(hsToken)).toBe(result)
})

// One caller changing its result (a role added to a request's user, say) must not reach the next caller.
test('a cached result is frozen, its nested objects too', () => {
  const verifier = jwt.createVerifier({ key: secret, cache: 10 })
  const token = jwt.sign({ sub: 'alice', roles: ['user'] }, secret)
  const first = verifier.verify(token)
  expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true)
  expect(() => first.roles.push('admin')).toThrow(TypeError)
  expect(() => {
    first.sub = 'mallory'
  }).toThrow(TypeError)
  expect(verifier.verify(token)).toEqual({ sub: 'alice', roles: ['user'], iat: NOW })
  // Without the cache each call has its own object, as before.
  expect(Object.isFrozen(jwt.createVerifier({ key: secret }).verify(token))).toBe(false)
})

describe('an entry holds only while its answer does', () => {
  test('an acceptance is not served before the token is active (a clock set back)', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10 })
    const token = jwt.sign({ sub: 'u1', nbf: NOW + 10 }, secret)
    at(NOW + 20)
    const first = verifier.verify(token)
    expect(verifier.verify(token)).toBe(first)
    at(NOW)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(NotBeforeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_NOT_ACTIVE', message: 'jwt not active' })
  })

  test('with cacheErrors, "jwt not active" holds until nbf (less the clock tolerance), then the token verifies', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, cacheErrors: true, clockTolerance: 5 })
    const token = jwt.sign({ sub: 'u1', nbf: NOW + 60 }, secret)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(NotBeforeError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_NOT_ACTIVE',
      message: 'jwt not active',
      date: new Date((NOW + 60) * 1000),
    })
    expectCopy(
      thrown(() => verifier.verify(token)),
      err,
    )
    at(NOW + 54)
    expectCopy(
      thrown(() => verifier.verify(token)),
      err,
    )
    at(NOW + 55)
    expect(verifier.verify(token)).toEqual({ sub: 'u1', iat: NOW, nbf: NOW + 60 })
  })

  test('with cacheErrors, "jwt expired" is not served to a clock set back before exp', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, cacheErrors: true })
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 60 })
    at(NOW + 60)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_EXPIRED',
      message: 'jwt expired',
      expiredAt: new Date((NOW + 60) * 1000),
    })
    expectCopy(
      thrown(() => verifier.verify(token)),
      err,
    )
    at(NOW + 59)
    expect(verifier.verify(token)).toEqual({ sub: 'u1', iat: NOW, exp: NOW + 60 })
  })
})

describe('no entry outlives the token', () => {
  test('exp: the first call at exp verifies again and fails', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10 })
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 30 })
    const first = verifier.verify(token)
    at(NOW + 29)
    expect(verifier.verify(token)).toBe(first)
    at(NOW + 30)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_EXPIRED',
      message: 'jwt expired',
      expiredAt: new Date((NOW + 30) * 1000),
    })
  })

  test('exp with clockTolerance: the entry lives as long as the token verifies', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, clockTolerance: 5 })
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 30 })
    const first = verifier.verify(token)
    at(NOW + 34)
    expect(verifier.verify(token)).toBe(first)
    at(NOW + 35)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: 'jwt expired' })
  })

  test.each([
    ['seconds', 20],
    ['a timespan string', '20s'],
    ['a timespan with a fraction of a second', '20500ms'],
  ])('maxAge in %s: the entry ends at the maxAge deadline', (_, maxAge) => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, maxAge })
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: '1h' })
    const first = verifier.verify(token)
    at(NOW + 19)
    expect(verifier.verify(token)).toBe(first)
    at(NOW + 20)
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: 'maxAge exceeded' })
    expect(thrown(() => jwt.verify(token, secret, { maxAge }))).toMatchObject({ message: 'maxAge exceeded' })
  })

  test('cacheTTL ends an entry early; the token then verifies afresh', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, cacheTTL: 5000 })
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: '1h' })
    const first = verifier.verify(token)
    at(NOW + 4)
    expect(verifier.verify(token)).toBe(first)
    at(NOW + 5)
    const second = verifier.verify(token)
    expect(second).toEqual(first)
    expect(second).not.toBe(first)
  })

  test('the async form sees the same expiry', async () => {
    const verifier = jwt.createVerifier({ key: keys.p256.publicKey, cache: 10 })
    const token = jwt.sign({ sub: 'u1' }, keys.p256.privateKey, { algorithm: 'ES256', expiresIn: 30 })
    const first = await verifier.verifyAsync(token)
    at(NOW + 30)
    let err
    try {
      await verifier.verifyAsync(token)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: 'jwt expired' })
    expect(first).toEqual({ sub: 'u1', iat: NOW, exp: NOW + 30 })
  })
})

describe('keyed by the whole token', () => {
  test('a different token never hits, even with the same claims', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10 })
    const a = jwt.sign({ sub: 'u1' }, secret)
    const b = jwt.sign({ sub: 'u1' }, secret, { keyid: 'k2' })
    const first = verifier.verify(a)
    const other = verifier.verify(b)
    expect(other).toEqual(first)
    expect(other).not.toBe(first)
    expect(verifier.verify(a)).toBe(first)
    expect(verifier.verify(b)).toBe(other)
  })

  test('a token with a changed signature is never served from the cache', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10 })
    const token = jwt.sign({ sub: 'u1' }, secret)
    verifier.verify(token)
    const tampered = tamperSignature(token)
    for (let i = 0; i < 2; i++) {
      const err = thrown(() => verifier.verify(tampered))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
    }
  })

  test('a token with a changed payload and the old signature is never served from the cache', async () => {
    const verifier = jwt.createVerifier({ key: keys.ed25519.publicKey, cache: 10 })
    const token = jwt.sign({ sub: 'u1' }, keys.ed25519.privateKey, { algorithm: 'EdDSA' })
    await verifier.verifyAsync(token)
    const [head, , signature] = token.split('.')
    const forged = `${head}.${Buffer.from(JSON.stringify({ sub: 'admin', iat: NOW })).toString('base64url')}.${signature}`
    let err
    try {
      await verifier.verifyAsync(forged)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
  })
})

describe('errors', () => {
  test('are not cached by default: a token that becomes active verifies', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10 })
    const token = jwt.sign({ sub: 'u1' }, secret, { notBefore: 10 })
    const err = thrown(() => verifier.verify(token))
    expect(err).toBeInstanceOf(NotBeforeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_NOT_ACTIVE', message: 'jwt not active' })
    expect(thrown(() => verifier.verify(token))).not.toBe(err)
    at(NOW + 10)
    expect(verifier.verify(token)).toEqual({ sub: 'u1', iat: NOW, nbf: NOW + 10 })
  })

  test('with cacheErrors, the first error is thrown again (a copy of its own each time) until the entry ends', () => {
    const verifier = jwt.createVerifier({
      key: secret,
      cache: 10,
      cacheErrors: true,
      cacheTTL: 60_000,
      audience: 'api',
    })
    const bad = jwt.sign({ sub: 'u1', aud: 'other' }, secret)
    const refusal = { code: 'ERR_JWT_AUDIENCE_INVALID', message: 'jwt audience invalid. expected: api' }
    const err = thrown(() => verifier.verify(bad))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject(refusal)
    // What one caller sets on its error (a framework's status, say) is not on the next caller's.
    err.statusCode = 401
    const again = thrown(() => verifier.verify(bad))
    expect(again).not.toBe(err)
    expect(again).toBeInstanceOf(JsonWebTokenError)
    expect(again).toBeInstanceOf(Error)
    expect(require('node:util').types.isNativeError(again)).toBe(true)
    expect(again).toMatchObject({ name: 'JsonWebTokenError', ...refusal })
    expect(again.statusCode).toBeUndefined()
    again.headers = { 'www-authenticate': 'Bearer' }
    expect(thrown(() => verifier.verify(bad)).headers).toBeUndefined()
    at(NOW + 60)
    const later = thrown(() => verifier.verify(bad))
    expect(later).not.toBe(err)
    expect(later).toMatchObject(refusal)
  })

  // Each entry holds its whole token: tokens nobody signed (any number of them, as long as a header allows) must
  // not fill the cache or push out the tokens it holds.
  test.each([
    [
      'a bad signature',
      (i) => tamperSignature(jwt.sign({ sub: `u${i}` }, secret)),
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    ],
    ['a malformed token', (i) => `x${i}.y.z`, 'ERR_JWT_MALFORMED', 'invalid token'],
    [
      'an algorithm not allowed',
      (i) => jwt.sign({ sub: `u${i}` }, secret, { algorithm: 'HS384' }),
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
  ])('with cacheErrors, a token refused before its signature verified (%s) is not kept', (_, make, code, message) => {
    const verifier = jwt.createVerifier({ key: secret, cache: 2, cacheErrors: true, algorithms: ['HS256'] })
    const good = [jwt.sign({ sub: 'a' }, secret), jwt.sign({ sub: 'b' }, secret)]
    const first = good.map((token) => verifier.verify(token))
    for (let i = 0; i < 5; i++) {
      const err = thrown(() => verifier.verify(make(i)))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code, message })
    }
    expect(good.map((token) => verifier.verify(token))).toStrictEqual(first)
    good.forEach((token, i) => expect(verifier.verify(token)).toBe(first[i]))
  })

  // The refusals kept are those that only a token the key's holder signed can reach: each comes after the signature
  // check, so the same token with a bad signature is refused for its signature. Every code the cache keeps is here.
  test.each([
    ['ERR_JWT_TYPE_INVALID', { typ: 'at+jwt' }, { sub: 'u1' }],
    ['ERR_JWT_PAYLOAD_NOT_OBJECT', { strict: true }, [1]],
    ['ERR_JWT_CLAIM_INVALID', {}, { exp: 'soon' }],
    [
      'ERR_JWT_CLAIM_MISSING',
      { accessToken: true, audience: 'api', issuer: 'idp' },
      { sub: 'u1', aud: 'api', iss: 'idp' },
      'at+jwt',
    ],
    ['ERR_JWT_EXPIRED', {}, { exp: NOW - 10 }],
    ['ERR_JWT_NOT_ACTIVE', {}, { nbf: NOW + 10 }],
    ['ERR_JWT_AUDIENCE_INVALID', { audience: 'api' }, { aud: 'other' }],
    ['ERR_JWT_ISSUER_INVALID', { issuer: 'idp' }, { iss: 'other' }],
    ['ERR_JWT_SUBJECT_INVALID', { subject: 'u1' }, { sub: 'u2' }],
    ['ERR_JWT_JWTID_INVALID', { jwtid: 'j1' }, { jti: 'j2' }],
    ['ERR_JWT_NONCE_INVALID', { nonce: 'n1' }, { nonce: 'n2' }],
  ])('%s comes after the signature check', (code, options, payload, typ = 'JWT') => {
    const verifier = jwt.createVerifier({ key: secret, clockTimestamp: NOW, ...options })
    const token = hmacToken({ alg: 'HS256', typ }, payload, secret)
    expect(thrown(() => verifier.verify(token)).code).toBe(code)
    const err = thrown(() => verifier.verify(tamperSignature(token)))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
  })

  test('the refusals the cache keeps are those listed above', () => {
    expect([...SIGNED_REFUSALS].sort()).toStrictEqual(
      [
        'ERR_JWT_TYPE_INVALID',
        'ERR_JWT_PAYLOAD_NOT_OBJECT',
        'ERR_JWT_CLAIM_INVALID',
        'ERR_JWT_CLAIM_MISSING',
        'ERR_JWT_EXPIRED',
        'ERR_JWT_NOT_ACTIVE',
        'ERR_JWT_AUDIENCE_INVALID',
        'ERR_JWT_ISSUER_INVALID',
        'ERR_JWT_SUBJECT_INVALID',
        'ERR_JWT_JWTID_INVALID',
        'ERR_JWT_NONCE_INVALID',
      ].sort(),
    )
  })

  test('with cacheErrors, async rejections are cached too', async () => {
    const verifier = jwt.createVerifier({ key: keys.rsa.publicKey, cache: 10, cacheErrors: true })
    const bad = jwt.sign({ sub: 'u1', exp: NOW - 10 }, keys.rsa.privateKey, { algorithm: 'RS256' })
    const reasons = []
    for (let i = 0; i < 2; i++) {
      try {
        await verifier.verifyAsync(bad)
      } catch (e) {
        reasons.push(e)
      }
    }
    expect(reasons).toHaveLength(2)
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(TokenExpiredError)
      expect(reason).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: 'jwt expired' })
    }
    expect(reasons[1]).not.toBe(reasons[0])
  })

  test('argument errors are never cached', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 10, cacheErrors: true })
    const errors = [thrown(() => verifier.verify(undefined)), thrown(() => verifier.verify(undefined))]
    for (const err of errors) {
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_REQUIRED', message: 'jwt must be provided' })
    }
    expect(errors[1]).not.toBe(errors[0])
  })
})

describe('bounded', () => {
  const tokens = ['a', 'b', 'c'].map((sub) => jwt.sign({ sub }, secret))

  test('holds at most `cache` tokens, dropping the least recently used', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 2 })
    const [a, b, c] = tokens
    const first = { a: verifier.verify(a), b: verifier.verify(b) }
    expect(verifier.verify(a)).toBe(first.a) // a is now the most recently used
    verifier.verify(c) // evicts b
    expect(verifier.verify(a)).toBe(first.a)
    const again = verifier.verify(b)
    expect(again).toEqual(first.b)
    expect(again).not.toBe(first.b)
  })

  test('a cache of one keeps only the last token', () => {
    const verifier = jwt.createVerifier({ key: secret, cache: 1 })
    const [a, b] = tokens
    const firstA = verifier.verify(a)
    expect(verifier.verify(a)).toBe(firstA)
    verifier.verify(b)
    expect(verifier.verify(a)).not.toBe(firstA)
  })
})
