'use strict'
// The header and the claims set are JSON objects (RFC 7515 §4, RFC 7519 §7.2). A header that is a JSON array or
// string is refused even under a valid signature, wherever a token is read; a payload that is not a JSON object
// has no claims, except where jsonwebtoken reads one a second time: a `typ: JWT` payload that is a JSON string
// holding a claims object, whose claims are then checked as jsonwebtoken checks them.

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
  // jsonwebtoken parses a `typ: JWT` payload once (jws), then a string once more (its decode), and takes an object
  // or array found there as the payload: its claims are checked, and it is what verify returns.
  const claims = { sub: 'admin', aud: 'api', exp: NOW + 60 }
  const text = JSON.stringify(JSON.stringify(claims))
  const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, text, secret)
  const expired = hmacToken({ alg: 'HS256', typ: 'JWT' }, JSON.stringify(JSON.stringify({ exp: NOW - 60 })), secret)

  test.each(VERIFIERS)('%s checks and returns the object inside', async (how) => {
    await expect(verifiers[how](token, secret, { clockTimestamp: NOW })).resolves.toEqual(claims)
    const complete = await verifiers[how](token, secret, { clockTimestamp: NOW, complete: true })
    expect(complete.payload).toEqual(claims)
    await expect(verifiers[how](token, secret, { clockTimestamp: NOW, audience: 'api' })).resolves.toEqual(claims)
    const err = await rejected(verifiers[how](token, secret, { clockTimestamp: NOW, audience: 'web' }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID', message: 'jwt audience invalid. expected: web' })
    const late = await rejected(verifiers[how](expired, secret, { clockTimestamp: NOW }))
    expect(late).toBeInstanceOf(TokenExpiredError)
    expect(late).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: 'jwt expired' })
  })

  test('without typ: JWT it is a string, as in jsonwebtoken: nothing inside is read', () => {
    const plain = hmacToken({ alg: 'HS256' }, JSON.stringify(JSON.stringify({ exp: NOW - 60 })), secret)
    expect(jwt.verify(plain, secret, { clockTimestamp: NOW })).toBe(JSON.stringify(JSON.stringify({ exp: NOW - 60 })))
    expect(reference.verify(plain, secret, { clockTimestamp: NOW })).toBe(
      jwt.verify(plain, secret, { clockTimestamp: NOW }),
    )
  })

  test('decode returns the object inside, as jsonwebtoken does', () => {
    expect(jwt.decode(token)).toEqual(claims)
    expect(jwt.decode(token, { complete: true }).payload).toEqual(claims)
    expect(reference.decode(token)).toEqual(claims)
  })

  test('strict refuses it: the payload itself is not an object', () => {
    expectError(
      () => jwt.verify(token, secret, { clockTimestamp: NOW, strict: true }),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
  })

  test('text inside that opens an object and is not one is an invalid token, as for a payload itself', () => {
    for (const inner of ['{"exp":1', '{"exp":1,"exp":2}', '{"exp":1}x']) {
      const bad = hmacToken({ alg: 'HS256', typ: 'JWT' }, JSON.stringify(inner), secret)
      expectError(() => jwt.verify(bad, secret), JsonWebTokenError, 'ERR_JWT_MALFORMED', 'invalid token')
    }
  })

  // Accepted as jsonwebtoken accepts it, and returned as its text like any other JSON string payload.
  test('a JSON string with a lone surrogate escape is accepted, as in jsonwebtoken; claims inside it are refused', async () => {
    const header = { alg: 'HS256', typ: 'JWT' }
    for (const text of ['"\\ud800"', '"a \\udc00 b \\ud83d\\ude00"', '"x{\\"exp\\":1}\\udbff"']) {
      const token = hmacToken(header, text, secret)
      expect(typeof reference.verify(token, secret)).toBe('string')
      for (const how of VERIFIERS) {
        await expect(verifiers[how](token, secret, {})).resolves.toBe(text)
      }
      expect(jwt.decode(token)).toBe(reference.decode(token))
    }
    const withClaims = hmacToken(header, '"{\\"exp\\":1,\\"sub\\":\\"\\ud800\\"}"', secret)
    expect(() => reference.verify(withClaims, secret)).toThrow('jwt expired')
    for (const how of VERIFIERS) {
      const err = await rejected(verifiers[how](withClaims, secret, {}))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_MALFORMED', message: 'invalid token' })
    }
  })

  // jsonwebtoken 9's verdict for each payload, option set and verifier: the claims it returns, or its error's class
  // and message. ringjwt refuses a claims object it cannot read unambiguously (see the test above), and returns a
  // `typ: JWT` payload that is a JSON string or number as its text: those payloads are not among these.
  describe('the same verdicts as jsonwebtoken', () => {
    const held = (value) => JSON.stringify(JSON.stringify(value))
    const PAYLOADS = [
      held({ sub: 'a' }),
      held({ exp: NOW - 1 }),
      held({ exp: NOW }),
      held({ exp: NOW + 1 }),
      held({ nbf: NOW + 10 }),
      held({ nbf: NOW - 10, exp: NOW + 10 }),
      held({ aud: 'api' }),
      held({ aud: ['web', 'api'] }),
      held({ iss: 'https://auth.example', sub: 'u1', jti: 'j1', nonce: 'n1' }),
      held({ iat: NOW - 100 }),
      held({ exp: 'soon' }),
      held({ nbf: null }),
      held([{ exp: 1 }]),
      JSON.stringify(` \n${JSON.stringify({ exp: 1 })}`),
      JSON.stringify(JSON.stringify({ inner: JSON.stringify({ exp: 1 }) })),
    ]
    const OPTIONS = [
      {},
      { audience: 'api' },
      { audience: /^ap/ },
      { issuer: 'https://auth.example' },
      { subject: 'u1', jwtid: 'j1' },
      { nonce: 'n1' },
      { maxAge: 50 },
      { ignoreExpiration: true, ignoreNotBefore: true },
      { clockTolerance: 5 },
      { complete: true },
    ]
    const outcome = async (run) => {
      try {
        return { value: await run() }
      } catch (err) {
        return { error: err.name, message: err.message }
      }
    }
    test.each(VERIFIERS)('%s', async (how) => {
      for (const payload of PAYLOADS) {
        const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, payload, secret)
        for (const options of OPTIONS) {
          const given = { clockTimestamp: NOW, ...options }
          const expected = await outcome(() => reference.verify(token, secret, given))
          const actual = await outcome(() => verifiers[how](token, secret, given))
          expect({ payload, options, ...actual }).toEqual({ payload, options, ...expected })
        }
      }
    })
  })

  describe.each(FRAMEWORK_NAMES)('the middleware on %s', (framework) => {
    let open
    let withAudience
    beforeAll(async () => {
      open = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'] }))
      withAudience = await startApp(framework, expressjwt({ secret, algorithms: ['HS256'], audience: 'web' }))
    })
    afterAll(async () => {
      await open.close()
      await withAudience.close()
    })

    test('req.auth is the object inside, and its audience is checked', async () => {
      const unexpired = hmacToken({ alg: 'HS256', typ: 'JWT' }, JSON.stringify(JSON.stringify({ aud: 'api' })), secret)
      const accepted = await open.request('/', bearer(unexpired))
      expect(accepted).toEqual({ status: 200, body: { auth: { aud: 'api' } } })
      await expectInvalidToken(
        withAudience,
        unexpired,
        'ERR_JWT_AUDIENCE_INVALID',
        'jwt audience invalid. expected: web',
      )
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
