'use strict'
// The header and the claims set are JSON objects (RFC 7515 §4, RFC 7519 §7.2). A header that is a JSON array or
// string is refused even under a valid signature, wherever a token is read; a payload that is not a JSON object
// has no claims, whatever it holds, a JSON string holding a claims object included.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { expressjwt } = require('../express')
const { hmacToken } = require('./helpers/tokens')
const { expectError, rejected } = require('./helpers/assert')
const { FRAMEWORK_NAMES, startApp, bearer, expectInvalidToken } = require('./helpers/express-apps')

const { JsonWebTokenError, TokenExpiredError } = jwt
const secret = 'a shared secret of at least thirty-two bytes'
const NOW = 1_800_000_000

// Every way ringjwt verifies a token, each returning a promise of the result.
const verifiers = {
  verify: (token, key, options) => Promise.resolve().then(() => jwt.verify(token, key, options)),
  'verify with a callback': (token, key, options) =>
    new Promise((resolve, reject) => jwt.verify(token, key, options, (err, out) => (err ? reject(err) : resolve(out)))),
  verifyAsync: (token, key, options) => jwt.verifyAsync(token, key, options),
  'createVerifier().verify': (token, key, options) =>
    Promise.resolve().then(() => jwt.createVerifier({ key, ...options }).verify(token)),
  'createVerifier().verifyAsync': (token, key, options) => jwt.createVerifier({ key, ...options }).verifyAsync(token),
}
const VERIFIERS = Object.keys(verifiers)

describe('a header that is JSON but not an object', () => {
  const headers = [
    ['an array', '["HS256","JWT"]'],
    ['an array after JSON whitespace', ' \n\t["HS256","JWT"]'],
    ['an array of one object', '[{"alg":"HS256","typ":"JWT"}]'],
    ['a string', '"HS256"'],
    ['null', 'null'],
    ['a number', '256'],
  ]

  describe.each(VERIFIERS)('%s', (how) => {
    test.each(headers)('%s is refused under a valid signature', async (_, header) => {
      const token = hmacToken(header, { sub: 'u1' }, secret)
      const err = await rejected(verifiers[how](token, secret, { clockTimestamp: NOW }))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_HEADER_INVALID', message: 'jwt header must be a JSON object' })
    })
  })

  test.each(headers)('%s: decode returns null; jsonwebtoken refuses it to verify too', (_, header) => {
    const token = hmacToken(header, { sub: 'u1' }, secret)
    expect(jwt.decode(token)).toBeNull()
    expect(jwt.decode(token, { complete: true })).toBeNull()
    expect(() => reference.verify(token, secret)).toThrow(reference.JsonWebTokenError)
  })

  test('a key function is not asked for a key', () => {
    const token = hmacToken('["HS256"]', { sub: 'u1' }, secret)
    const getKey = jest.fn((header, callback) => callback(null, secret))
    const callback = jest.fn()
    jwt.verify(token, getKey, callback)
    expect(getKey).not.toHaveBeenCalled()
    expect(callback).toHaveBeenCalledTimes(1)
    const [err] = callback.mock.calls[0]
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_HEADER_INVALID', message: 'jwt header must be a JSON object' })
  })

  test('unsigned tokens too', () => {
    const token = `${Buffer.from('["none"]').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`
    expectError(
      () => jwt.verify(token, null, { algorithms: ['none'] }),
      JsonWebTokenError,
      'ERR_JWT_HEADER_INVALID',
      'jwt header must be a JSON object',
    )
  })
})

describe('a payload that is a JSON string holding a claims object', () => {
  // jsonwebtoken parses such a payload twice and takes the inner object for claims.
  const claims = { sub: 'admin', aud: 'api', exp: NOW - 60 }
  const text = JSON.stringify(JSON.stringify(claims))
  const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, text, secret)

  test('jsonwebtoken reads the inner object as claims', () => {
    expect(() => reference.verify(token, secret, { clockTimestamp: NOW })).toThrow(reference.TokenExpiredError)
    expect(reference.decode(token)).toEqual(claims)
  })

  test.each(VERIFIERS)('%s returns it as a string: no claim inside it is checked or returned', async (how) => {
    await expect(verifiers[how](token, secret, { clockTimestamp: NOW })).resolves.toBe(text)
    const complete = await verifiers[how](token, secret, { clockTimestamp: NOW, complete: true })
    expect(complete.payload).toBe(text)
    // Its `aud` is not an audience.
    const err = await rejected(verifiers[how](token, secret, { clockTimestamp: NOW, audience: 'api' }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID', message: 'jwt audience invalid. expected: api' })
  })

  test('decode returns it as a string', () => {
    expect(jwt.decode(token)).toBe(JSON.parse(text))
    expect(jwt.decode(token, { complete: true }).payload).toBe(JSON.parse(text))
  })

  test('strict refuses it', () => {
    expectError(
      () => jwt.verify(token, secret, { clockTimestamp: NOW, strict: true }),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
  })

  describe.each(FRAMEWORK_NAMES)('the middleware on %s', (framework) => {
    let open
    let withAudience
    beforeAll(async () => {
      open = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'] }))
      withAudience = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], audience: 'api' }))
    })
    afterAll(async () => {
      await open.close()
      await withAudience.close()
    })

    test('req.auth is the string, and an audience option refuses it', async () => {
      const accepted = await open.request('/', bearer(token))
      expect(accepted).toEqual({ status: 200, body: { auth: text } })
      await expectInvalidToken(withAudience, token, 'ERR_JWT_AUDIENCE_INVALID', 'jwt audience invalid. expected: api')
    })
  })
})

describe('what counts as an object is what JSON.parse reads as one', () => {
  const expired = '{"exp":1}'

  test('JSON whitespace before the object: the claims are read and checked', () => {
    for (const space of [' ', '\t', '\n', '\r', ' \r\n\t ']) {
      const token = hmacToken({ alg: 'HS256' }, space + expired, secret)
      expectError(() => jwt.verify(token, secret), TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired')
      expect(() => reference.verify(token, secret)).toThrow(reference.TokenExpiredError)
    }
  })

  test('other white space before it: JSON.parse reads no object, so there are no claims', () => {
    for (const space of ['\u00a0', '\ufeff', '\u2028', '\u000b', '\u000c']) {
      const token = hmacToken({ alg: 'HS256' }, space + expired, secret)
      expect(jwt.verify(token, secret)).toBe(space + expired)
      expect(reference.verify(token, secret)).toBe(space + expired)
    }
  })

  test('an array of claims objects has no claims', () => {
    const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, `[${expired}]`, secret)
    expect(jwt.verify(token, secret)).toEqual([{ exp: 1 }])
    expectError(
      () => jwt.verify(token, secret, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
  })

  test('text that opens an object and is not one is an invalid token, with or without typ', () => {
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', typ: 'JWT' }]) {
      for (const payload of ['{"exp":1', '{"exp":1}x', '{"exp":1,"exp":2}', ' {exp:1}']) {
        const token = hmacToken(header, payload, secret)
        expectError(() => jwt.verify(token, secret), JsonWebTokenError, 'ERR_JWT_MALFORMED', 'invalid token')
      }
    }
  })
})
