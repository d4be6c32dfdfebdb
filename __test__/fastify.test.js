'use strict'
// ringjwt/fastify on a real Fastify 5 app over HTTP: registration options, the decorators (promise and callback
// forms), fast-jwt's option names and units, the session store's check, and each refusal's status, code and
// message. Where @fastify/jwt answers a client's bad token with a 500, the answer here is a 401 with the same code.
const { createHmac, createPublicKey, createSign, generateKeyPairSync } = require('node:crypto')
const { AssertionError } = require('node:assert')
const Fastify = require('fastify')
const fastifyJwt = require('../fastify')
const compiled = require('../lib/compiled')
const { TokenError } = fastifyJwt
const { createSessionStore, createTokenStore, sign: ringjwtSign } = require('..')
const { start, bearer } = require('./helpers/fastify-apps')

const secret = 'a shared secret that is long enough for HS256'
const now = Math.floor(Date.now() / 1000)
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
function hmacToken(payload, header = { alg: 'HS256', typ: 'JWT' }, key = secret) {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}
// The same from the header's and the payload's JSON text, as written.
function rawHmacToken(headerJson, payloadJson) {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ecPem = {
  private: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  public: ec.publicKey.export({ type: 'spki', format: 'pem' }),
}
const throwing = (value) => {
  throw value
}
const HOOK_FAILED = 'an authentication hook failed without a reason: it threw or rejected with a falsy value'
const refusal = (statusCode, code, message) => ({
  status: statusCode,
  body: { statusCode, code, error: statusCode === 400 ? 'Bad Request' : 'Unauthorized', message },
})

describe('request.jwtVerify over HTTP', () => {
  let server
  beforeAll(async () => {
    server = await start(fastifyJwt, {
      secret,
      sign: { expiresIn: 300, iss: 'auth' },
      verify: { allowedIss: 'auth', allowedAud: /^api/, clockTolerance: 2000 },
    })
  })
  afterAll(() => server.close())

  test('a valid token: the payload, on request.user too', async () => {
    const token = hmacToken({ sub: 'u1', iss: 'auth', aud: 'api-v1', exp: now + 60 })
    const { status, body } = await server.ask('/verify', bearer(token))
    expect(status).toBe(200)
    expect(body).toEqual({ verified: { sub: 'u1', iss: 'auth', aud: 'api-v1', exp: now + 60 }, user: body.verified })
  })

  test.each([
    [
      'no Authorization header',
      {},
      refusal(401, 'FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'No Authorization was found in request.headers'),
    ],
    [
      'a Basic header',
      { headers: { authorization: 'Basic abc' } },
      refusal(401, 'FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'No Authorization was found in request.headers'),
    ],
    [
      'Bearer and a tab',
      { headers: { authorization: 'Bearer\tabc' } },
      refusal(400, 'FST_JWT_BAD_REQUEST', 'Format is Authorization: Bearer [token]'),
    ],
    [
      'three parts',
      { headers: { authorization: 'Bearer a b' } },
      refusal(400, 'FST_JWT_BAD_REQUEST', 'Format is Authorization: Bearer [token]'),
    ],
    [
      'one segment',
      bearer('abc'),
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'Authorization token is invalid: The token is malformed.'),
    ],
    [
      'a header that is not JSON',
      bearer('bm90.e30.c2ln'),
      refusal(
        401,
        'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        'Authorization token is invalid: The token header is not a valid base64url serialized JSON.',
      ),
    ],
    [
      'a bad signature',
      bearer(hmacToken({ iss: 'auth', aud: 'api' }, undefined, 'other')),
      refusal(
        401,
        'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        'Authorization token is invalid: The token signature is invalid.',
      ),
    ],
    [
      'an expired token',
      bearer(hmacToken({ iss: 'auth', aud: 'api', exp: now - 60 })),
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED', 'Authorization token expired'),
    ],
    [
      'another issuer',
      bearer(hmacToken({ iss: 'other', aud: 'api' })),
      refusal(
        401,
        'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        'Authorization token is invalid: The iss claim value is not allowed.',
      ),
    ],
    [
      'other audiences',
      bearer(hmacToken({ iss: 'auth', aud: ['web', 'app'] })),
      refusal(
        401,
        'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        'Authorization token is invalid: None of aud claim values are allowed.',
      ),
    ],
    [
      'an unsigned token',
      bearer(`${b64({ alg: 'none' })}.${b64({ iss: 'auth', aud: 'api' })}.`),
      refusal(401, 'FAST_JWT_MISSING_SIGNATURE', 'Unsigned authorization token'),
    ],
    // @fastify/jwt answers these with 500: they are the client's fault.
    [
      'a nbf in the future',
      bearer(hmacToken({ iss: 'auth', aud: 'api', nbf: now + 600 })),
      refusal(
        401,
        'FAST_JWT_INACTIVE',
        `The token will be active at ${new Date((now + 600) * 1000 - 2000).toISOString()}.`,
      ),
    ],
    [
      'an RS256 token for an HMAC secret',
      bearer(hmacToken({ iss: 'auth', aud: 'api' }, { alg: 'RS256' })),
      refusal(401, 'FAST_JWT_INVALID_ALGORITHM', 'The token algorithm is invalid.'),
    ],
    [
      'an issuer that is not a string',
      bearer(hmacToken({ iss: 5, aud: 'api' })),
      refusal(401, 'FAST_JWT_INVALID_CLAIM_TYPE', 'The iss claim must be a string.'),
    ],
    [
      'a payload that is an array',
      bearer(hmacToken([1])),
      refusal(401, 'FAST_JWT_INVALID_PAYLOAD', 'The payload must be an object'),
    ],
    // Written by hand: a registered claim, or a header member, twice. fast-jwt's decoder takes the last; ringjwt
    // refuses the token, as @fastify/jwt refuses one its decoder finds malformed.
    [
      'a registered claim twice',
      bearer(rawHmacToken('{"alg":"HS256","typ":"JWT"}', '{"iss":"auth","aud":"api","sub":"a","sub":"b"}')),
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'Authorization token is invalid: The token is malformed.'),
    ],
    [
      'a header member twice',
      bearer(rawHmacToken('{"alg":"HS256","alg":"HS256"}', '{"iss":"auth","aud":"api"}')),
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'Authorization token is invalid: The token is malformed.'),
    ],
    // ringjwt refuses a token without a claim the options check; fast-jwt skips the check.
    [
      'no issuer',
      bearer(hmacToken({ aud: 'api' })),
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'Authorization token is invalid: The iss claim is required.'),
    ],
  ])('%s', async (_name, init, expected) => {
    expect(await server.ask('/verify', init)).toEqual(expected)
    expect(await server.ask('/verify-callback', init)).toEqual(expected)
  })

  test('clockTolerance and clockTimestamp are in milliseconds', () => {
    const exp = 1_700_000_000
    const token = hmacToken({ iss: 'auth', aud: 'api', exp })
    expect(server.app.jwt.verify(token, { clockTimestamp: exp * 1000 + 1000, clockTolerance: 1500 }).exp).toBe(exp)
    expect(() => server.app.jwt.verify(token, { clockTimestamp: exp * 1000 + 2000, clockTolerance: 1500 })).toThrow(
      expect.objectContaining({
        code: 'FAST_JWT_EXPIRED',
        message: `The token has expired at ${new Date(exp * 1000 + 1500).toISOString()}.`,
      }),
    )
  })

  test('reply.jwtSign: expiresIn in seconds, the sign options applied, a token the plugin accepts', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sub":"u1","aud":"api"}' }
    const { body } = await server.ask('/sign', init)
    const claims = server.app.jwt.decode(body.token)
    expect(claims).toEqual({ sub: 'u1', aud: 'api', iss: 'auth', iat: expect.any(Number), exp: claims.iat + 300 })
    expect((await server.ask('/verify', bearer(body.token))).status).toBe(200)
  })
})

describe('fastify.jwt.sign, verify and decode', () => {
  let app
  beforeAll(async () => {
    app = Fastify()
    await app.register(fastifyJwt, { secret: ecPem, sign: { kid: 'k1' }, verify: { allowedSub: ['u1', /^svc-/] } })
  })
  afterAll(() => app.close())

  test('sign picks the key algorithm (ES256) and the header; verify and decode read it back', () => {
    const token = app.jwt.sign({ sub: 'svc-a' }, { expiresIn: '1h' })
    expect(app.jwt.decode(token, { complete: true }).header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
    const payload = app.jwt.verify(token)
    expect(payload.exp - payload.iat).toBe(3600)
    expect(app.jwt.verify(token, { complete: true })).toEqual({
      header: { alg: 'ES256', typ: 'JWT', kid: 'k1' },
      payload,
      signature: token.split('.')[2],
      input: token.slice(0, token.lastIndexOf('.')),
    })
  })

  test('callbacks', async () => {
    const token = await new Promise((resolve, reject) =>
      app.jwt.sign({ sub: 'u1' }, (err, value) => (err ? reject(err) : resolve(value))),
    )
    const payload = await new Promise((resolve, reject) =>
      app.jwt.verify(token, (err, value) => (err ? reject(err) : resolve(value))),
    )
    expect(payload.sub).toBe('u1')
  })

  test('verify refuses a payload that is a JSON string holding claims, as fast-jwt does, in every form', async () => {
    // The payload segment is `"{\"sub\":\"u1\"}"`, signed with the plugin's key.
    const header = app.jwt.sign({ sub: 'u1' }).split('.')[0]
    const input = `${header}.${Buffer.from(JSON.stringify(JSON.stringify({ sub: 'u1' }))).toString('base64url')}`
    const signature = createSign('sha256').update(input).sign({ key: ec.privateKey, dsaEncoding: 'ieee-p1363' })
    const token = `${input}.${signature.toString('base64url')}`
    const refused = expect.objectContaining({
      code: 'FAST_JWT_INVALID_PAYLOAD',
      message: 'The payload must be an object',
    })
    expect(() => app.jwt.verify(token)).toThrow(refused)
    expect(() => app.jwt.verify(token, { complete: true })).toThrow(refused)
    const viaCallback = new Promise((resolve, reject) =>
      app.jwt.verify(token, (err, value) => (err ? reject(err) : resolve(value))),
    )
    await expect(viaCallback).rejects.toEqual(refused)
  })

  test('verify throws fast-jwt errors: code and message', () => {
    const other = app.jwt.sign({ sub: 'u2' })
    expect(() => app.jwt.verify(other)).toThrow(
      expect.objectContaining({ code: 'FAST_JWT_INVALID_CLAIM_VALUE', message: 'The sub claim value is not allowed.' }),
    )
    expect(() => app.jwt.verify(other)).toThrow(TokenError)
    expect(() => app.jwt.verify(app.jwt.sign({ sub: 'u1' }), { requiredClaims: ['jti'] })).toThrow(
      expect.objectContaining({ code: 'FAST_JWT_MISSING_REQUIRED_CLAIM', message: 'The jti claim is required.' }),
    )
    expect(() => app.jwt.verify('a.b')).toThrow(
      expect.objectContaining({ code: 'FAST_JWT_MALFORMED', message: 'The token is malformed.' }),
    )
    expect(() => app.jwt.decode('a.b')).toThrow(
      expect.objectContaining({
        code: 'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        statusCode: 401,
        message: 'Authorization token is invalid: The token is malformed.',
      }),
    )
  })

  test('options in the wrong unit or shape are TokenErrors with code FAST_JWT_INVALID_OPTION', () => {
    expect(() => app.jwt.sign({ sub: 'u1' }, { expiresIn: 'soon' })).toThrow(
      expect.objectContaining({
        code: 'FAST_JWT_INVALID_OPTION',
        message: 'The expiresIn option must be a finite number or a valid string.',
      }),
    )
    expect(() => app.jwt.verify('a.b.c', { maxAge: '' })).toThrow(
      expect.objectContaining({
        code: 'FAST_JWT_INVALID_OPTION',
        message: 'The maxAge option must be a finite number or a valid string.',
      }),
    )
    const notFinite = (name) =>
      expect.objectContaining({
        code: 'FAST_JWT_INVALID_OPTION',
        message: `The ${name} option must be a finite, non-negative number.`,
      })
    for (const [name, value] of [
      ['clockTolerance', -1],
      ['clockTolerance', 'x'],
      ['clockTimestamp', -5],
      ['clockTimestamp', Infinity],
    ]) {
      expect(() => app.jwt.verify('a.b.c', { [name]: value })).toThrow(notFinite(name))
    }
    for (const value of [-5, Infinity]) {
      expect(() => app.jwt.sign({ a: 1 }, { clockTimestamp: value })).toThrow(notFinite('clockTimestamp'))
    }
  })

  test('time comes from Date.now(): Jest fake timers move it', () => {
    const token = app.jwt.sign({ sub: 'u1' }, { expiresIn: 60 })
    jest.useFakeTimers({ now: Date.now() + 120_000 })
    try {
      expect(() => app.jwt.verify(token)).toThrow(expect.objectContaining({ code: 'FAST_JWT_EXPIRED' }))
    } finally {
      jest.useRealTimers()
    }
    expect(app.jwt.verify(token).sub).toBe('u1')
  })
})

describe('registration', () => {
  test.each([
    [{}, AssertionError, 'missing secret'],
    [{ secret, jwtVerify: 5 }, AssertionError, 'Invalid options.jwtVerify'],
    [{ secret: { private: 'x' } }, Error, 'missing public key'],
    [
      { secret, sign: { algorithm: 'RS256' } },
      Error,
      'RSA Signatures set as Algorithm in the options require a private and public key to be set as the secret',
    ],
    [
      { secret, sign: { expiresIn: -Infinity } },
      TokenError,
      'The expiresIn option must be a finite number or a valid string.',
    ],
    // Read once the options are validated: @fastify/jwt lets such an error escape register() and end the process.
    [
      {
        secret,
        messages: {
          get badRequestErrorMessage() {
            throw new Error('messages cannot be read')
          },
        },
      },
      Error,
      'messages cannot be read',
    ],
    [{ secret, decoratorName: Object.create(null) }, TypeError, 'Cannot convert object to primitive value'],
  ])('%o is refused', async (options, type, message) => {
    const app = Fastify()
    const error = await app
      .register(fastifyJwt, options)
      .ready()
      .catch((err) => err)
    expect(error).toBeInstanceOf(type)
    expect(error.message).toBe(message)
    await app.close()
  })

  test('a Buffer secret signs and verifies (HS256), and refuses a token signed with its text shortened', async () => {
    const app = Fastify()
    await app.register(fastifyJwt, { secret: Buffer.from(secret) })
    const token = app.jwt.sign({ sub: 'u1' })
    expect(app.jwt.decode(token, { complete: true }).header.alg).toBe('HS256')
    expect(app.jwt.verify(token).sub).toBe('u1')
    expect(() => app.jwt.verify(hmacToken({ sub: 'u1' }, undefined, secret.slice(1)))).toThrow(
      expect.objectContaining({ code: 'FAST_JWT_INVALID_SIGNATURE', message: 'The token signature is invalid.' }),
    )
    await app.close()
  })

  test('verify-only: a public key alone cannot sign', async () => {
    const app = Fastify()
    await app.register(fastifyJwt, { secret: { public: ecPem.public } })
    expect(() => app.jwt.sign({ sub: 'u1' })).toThrow(
      expect.objectContaining({
        name: 'AssertionError',
        message: 'unable to sign: secret is configured in verify mode',
      }),
    )
    await app.close()
  })

  test('namespaces, decorator names and messages', async () => {
    const server = await start(
      fastifyJwt,
      {
        secret,
        namespace: 'partner',
        jwtVerify: 'partnerCheck',
        decoratorName: 'partnerUser',
        messages: { noAuthorizationInHeaderMessage: 'Who are you?', authorizationTokenInvalid: 'Nope' },
      },
      (app) => {
        app.get('/verify', async (request) => {
          await request.partnerCheck()
          return { user: request.partnerUser }
        })
      },
    )
    try {
      const token = server.app.jwt.partner.sign({ sub: 'u1' })
      expect((await server.ask('/verify', bearer(token))).body.user.sub).toBe('u1')
      expect(await server.ask('/verify')).toEqual(refusal(401, 'FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'Who are you?'))
      expect(await server.ask('/verify', bearer(`${token}x`))).toEqual(
        refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'Nope'),
      )
    } finally {
      await server.close()
    }
  })
})

describe('secret functions', () => {
  const keys = { k1: 'the first key, long enough for HS256 ok', k2: 'the second key, long enough for HS256 ok' }
  test.each([
    ['a callback', (request, token, callback) => callback(null, keys[token.header.kid])],
    ['a promise', async (request, token) => keys[token.header.kid]],
  ])('%s picks the key by kid', async (_name, secretFunction) => {
    const server = await start(fastifyJwt, { secret: secretFunction, decode: { complete: true } })
    try {
      const token = hmacToken({ sub: 'u1' }, { alg: 'HS256', kid: 'k2' }, keys.k2)
      expect((await server.ask('/verify', bearer(token))).body.verified).toEqual({ sub: 'u1' })
      const wrong = hmacToken({ sub: 'u1' }, { alg: 'HS256', kid: 'k1' }, keys.k2)
      expect(await server.ask('/verify', bearer(wrong))).toEqual(
        refusal(
          401,
          'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
          'Authorization token is invalid: The token signature is invalid.',
        ),
      )
    } finally {
      await server.close()
    }
  })

  test('a new Buffer or KeyObject with the same key per request: compiled once per key', async () => {
    const createVerifier = jest.spyOn(compiled, 'createVerifier')
    try {
      const fresh = [
        ['Buffer', () => Buffer.from(secret), () => hmacToken({ sub: 'u1' })],
        [
          'KeyObject',
          () => createPublicKey(ecPem.public),
          () => ringjwtSign({ sub: 'u1' }, ec.privateKey, { algorithm: 'ES256' }),
        ],
      ]
      for (const [name, keyOf, token] of fresh) {
        const server = await start(fastifyJwt, { secret: async () => keyOf() })
        try {
          const before = createVerifier.mock.calls.length
          for (let i = 0; i < 3; i += 1) expect((await server.ask('/verify', bearer(token()))).status).toBe(200)
          expect([name, createVerifier.mock.calls.length - before]).toEqual([name, 1])
        } finally {
          await server.close()
        }
      }
    } finally {
      createVerifier.mockRestore()
    }
  })

  test('a failing secret function is the server error it threw', async () => {
    const server = await start(fastifyJwt, { secret: async () => Promise.reject(new Error('key store down')) })
    try {
      expect(await server.ask('/verify', bearer(hmacToken({ sub: 'u1' })))).toEqual({
        status: 500,
        body: { statusCode: 500, error: 'Internal Server Error', message: 'key store down' },
      })
    } finally {
      await server.close()
    }
  })
})

describe('trusted and the session store', () => {
  let server
  const sessions = createSessionStore({ accessTokenLifetime: '15m' })
  beforeAll(async () => {
    server = await start(fastifyJwt, {
      secret,
      isRevoked: sessions.isRevoked,
      trusted: (request, payload) => payload.sub !== 'blocked',
    })
  })
  afterAll(() => server.close())

  test('a token its live session issued passes; once the session ends it is refused with the store code', async () => {
    const { session, claims } = sessions.create('u1')
    const token = server.app.jwt.sign(claims)
    expect((await server.ask('/verify', bearer(token))).body.verified).toEqual({ ...claims, iat: expect.any(Number) })
    sessions.end(session.id)
    expect(await server.ask('/verify', bearer(token))).toEqual({
      status: 401,
      body: { statusCode: 401, code: 'session_ended', error: 'Unauthorized', message: 'The session has ended.' },
    })
  })

  test('a session store that binds its tokens (create with sign) gets their signature', async () => {
    const bound = createSessionStore({ accessTokenLifetime: '15m' })
    const other = await start(fastifyJwt, { secret, isRevoked: bound.isRevoked })
    try {
      const sign = (claims) => other.app.jwt.sign(claims)
      const { session, token } = await bound.create('u1', {}, { sign })
      expect(await other.ask('/verify', bearer(token))).toMatchObject({
        status: 200,
        body: { verified: { sub: 'u1', sid: session.id } },
      })
      // The same claims signed again (another iat): not the token the session recorded.
      const [, payload] = token.split('.')
      const resigned = other.app.jwt.sign({ ...JSON.parse(Buffer.from(payload, 'base64url')), extra: 1 })
      expect(await other.ask('/verify', bearer(resigned))).toEqual({
        status: 401,
        body: {
          statusCode: 401,
          code: 'token_not_issued',
          error: 'Unauthorized',
          message: 'This token was not issued by its session.',
        },
      })
      bound.end(session.id)
      expect((await other.ask('/verify', bearer(token))).body.code).toBe('session_ended')
    } finally {
      await other.close()
    }
  })

  test('isRevoked gets the header, the claims and the signature', async () => {
    const seen = []
    const other = await start(fastifyJwt, {
      secret,
      isRevoked: (request, token) => {
        seen.push({ ...token })
        return false
      },
    })
    try {
      const token = other.app.jwt.sign({ sub: 'u1', jti: 'j1' })
      expect((await other.ask('/verify', bearer(token))).status).toBe(200)
      expect(seen).toEqual([
        {
          header: { alg: 'HS256', typ: 'JWT' },
          payload: { sub: 'u1', jti: 'j1', iat: expect.any(Number) },
          signature: token.split('.')[2],
        },
      ])
    } finally {
      await other.close()
    }
  })

  test('with the verified-token cache, isRevoked, trusted and request.user get the cached, frozen token', async () => {
    const seen = []
    const other = await start(fastifyJwt, {
      secret,
      verify: { cache: true },
      trusted: (request, payload) => seen.push(['trusted', payload]) > 0,
      isRevoked: (request, token) => {
        seen.push(['isRevoked', token])
        return false
      },
    })
    try {
      const token = other.app.jwt.sign({ sub: 'u1', jti: 'j1' })
      for (let i = 0; i < 2; i++) {
        const claims = { sub: 'u1', jti: 'j1', iat: expect.any(Number) }
        expect(await other.ask('/verify', bearer(token))).toEqual({
          status: 200,
          body: { verified: claims, user: claims },
        })
      }
      const [[, payload], [, first], , [, second]] = seen
      expect(seen.map(([hook]) => hook)).toEqual(['trusted', 'isRevoked', 'trusted', 'isRevoked'])
      expect(first).toEqual({ header: { alg: 'HS256', typ: 'JWT' }, payload, signature: token.split('.')[2] })
      expect([first.payload, second.payload, seen[2][1]]).toEqual([payload, payload, payload])
      expect(second.payload).toBe(first.payload)
      expect(second.header).toBe(first.header)
      expect([Object.isFrozen(first.payload), Object.isFrozen(first.header)]).toEqual([true, true])
    } finally {
      await other.close()
    }
  })

  test('a token no session issued', async () => {
    expect(await server.ask('/verify', bearer(server.app.jwt.sign({ sub: 'u1' })))).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        code: 'session_unknown',
        error: 'Unauthorized',
        message: 'The session of this token is unknown.',
      },
    })
  })

  test('trusted answering false', async () => {
    const { claims } = sessions.create('blocked')
    expect(await server.ask('/verify', bearer(server.app.jwt.sign(claims)))).toEqual(
      refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'Untrusted authorization token'),
    )
  })

  test('the revocation store: a revoked token is untrusted', async () => {
    const revocations = createTokenStore()
    const other = await start(fastifyJwt, { secret, isRevoked: revocations.isRevoked })
    try {
      const revoked = other.app.jwt.sign({ sub: 'u1', jti: 'j1' }, { expiresIn: 60 })
      revocations.revoke(other.app.jwt.decode(revoked))
      expect(await other.ask('/verify', bearer(revoked))).toEqual(
        refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'Untrusted authorization token'),
      )
      const kept = other.app.jwt.sign({ sub: 'u1', jti: 'j2' }, { expiresIn: 60 })
      expect((await other.ask('/verify', bearer(kept))).body.verified.jti).toBe('j2')
    } finally {
      await other.close()
    }
  })

  test('claims with members named header and payload are the claims: a revoked jti among them is refused', async () => {
    const revocations = createTokenStore()
    const other = await start(fastifyJwt, { secret, isRevoked: revocations.isRevoked })
    try {
      const claims = { sub: 'u1', jti: 'j-revoked', header: { kind: 'x' }, payload: { note: 'app data' } }
      const revoked = other.app.jwt.sign(claims, { expiresIn: 60 })
      // One argument, the verified claims: its jti is what is revoked, not a `payload` member's.
      expect(revocations.revoke(other.app.jwt.decode(revoked))).toBe(true)
      expect(revocations.isRevoked({ jti: 'j-revoked', sub: 'u1' })).toBe(true)
      for (const path of ['/verify', '/verify-callback']) {
        expect(await other.ask(path, bearer(revoked))).toEqual(
          refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'Untrusted authorization token'),
        )
      }
      revocations.revokeAllFor('u2')
      const cutOff = other.app.jwt.sign({ ...claims, sub: 'u2', jti: 'j2', iat: Math.floor(Date.now() / 1000) - 60 })
      expect(await other.ask('/verify', bearer(cutOff))).toEqual(
        refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'Untrusted authorization token'),
      )
    } finally {
      await other.close()
    }
  })

  test('with verify: { complete: true } isRevoked gets the complete token', async () => {
    const seen = []
    const isRevoked = (request, token) => {
      seen.push(token)
      return false
    }
    const other = await start(fastifyJwt, { secret, verify: { complete: true }, isRevoked })
    try {
      const token = other.app.jwt.sign({ sub: 'u1', jti: 'j1' })
      expect((await other.ask('/verify', bearer(token))).status).toBe(200)
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ header: { alg: 'HS256', typ: 'JWT' }, payload: { sub: 'u1', jti: 'j1' } })
    } finally {
      await other.close()
    }
  })

  // @fastify/jwt hands such a failure of `trusted` to the callback as it is, where `undefined` reads as success;
  // ringjwt refuses it, in both forms of request.jwtVerify().
  test.each([
    ['throws undefined', () => throwing(undefined)],
    ['rejects with nothing', () => Promise.reject()],
    ['rejects with null', () => Promise.reject(null)],
    ['rejects with an empty string', async () => throwing('')],
  ])('a trusted or isRevoked hook that %s fails the request with ERR_HOOK_FAILED', async (_, failing) => {
    for (const hook of ['trusted', 'isRevoked']) {
      const other = await start(fastifyJwt, { secret, [hook]: failing })
      try {
        for (const path of ['/verify', '/verify-callback']) {
          expect(await other.ask(path, bearer(other.app.jwt.sign({ sub: 'u1', jti: 'j1' })))).toEqual({
            status: 500,
            body: { statusCode: 500, code: 'ERR_HOOK_FAILED', error: 'Internal Server Error', message: HOOK_FAILED },
          })
        }
      } finally {
        await other.close()
      }
    }
  })

  test('an isRevoked answering true', async () => {
    const other = await start(fastifyJwt, { secret, isRevoked: async (request, token) => token.payload.jti === 'x' })
    try {
      expect(await other.ask('/verify', bearer(other.app.jwt.sign({ jti: 'x' })))).toEqual(
        refusal(401, 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'Untrusted authorization token'),
      )
      expect((await other.ask('/verify', bearer(other.app.jwt.sign({ jti: 'y' })))).status).toBe(200)
    } finally {
      await other.close()
    }
  })
})

describe('any value in any argument', () => {
  const { BAD_VALUES, CallerError } = require('./helpers/bad-values')
  const fastJwtCodes = new Set(Object.values(TokenError.codes))
  let app
  let token
  beforeAll(async () => {
    app = Fastify()
    await app.register(fastifyJwt, { secret })
    token = app.jwt.sign({ sub: 'u1' })
  })
  afterAll(() => app.close())

  // Allowed: fast-jwt's TokenError with one of its codes, @fastify/jwt's assertions and its own errors (a `secret`
  // object without `public` is its plain Error), a TypeError, or the caller's own error (a getter that throws).
  function problemWith(err, runsCallerCode) {
    if (runsCallerCode && err instanceof CallerError) return null
    if (err instanceof TokenError) return fastJwtCodes.has(err.code) ? null : `TokenError with code ${err.code}`
    if (err instanceof AssertionError || err?.name === 'TypeError') return null
    if (err?.name === 'FastifyError' && /^FST_JWT_/.test(err.code)) return null
    if (err?.constructor === Error && err.message === 'missing public key') return null
    return `${err?.constructor?.name} ${err?.code}: ${err?.message}`
  }

  test.each([
    ['fastify.jwt.verify(value)', (v) => app.jwt.verify(v)],
    ['fastify.jwt.decode(value)', (v) => app.jwt.decode(v)],
    ['fastify.jwt.sign(value)', (v) => app.jwt.sign(v)],
    ...['allowedIss', 'allowedAud', 'allowedSub', 'maxAge', 'clockTolerance', 'clockTimestamp', 'algorithms']
      .concat(['requiredClaims', 'complete', 'cache', 'checkTyp', 'key'])
      .map((name) => [`verify option ${name}`, (v) => app.jwt.verify(token, { [name]: v })]),
    ...['expiresIn', 'notBefore', 'aud', 'iss', 'kid', 'header', 'algorithm', 'noTimestamp', 'key'].map((name) => [
      `sign option ${name}`,
      (v) => app.jwt.sign({ sub: 'u1' }, { [name]: v }),
    ]),
  ])('%s', async (name, call) => {
    const problems = []
    for (const [label, value, runsCallerCode] of BAD_VALUES) {
      // A function as `key` is a key function, which may take its time: as in fast-jwt, one that never answers
      // leaves the call pending.
      if (name.endsWith('option key') && typeof value === 'function') continue
      try {
        // A key function makes the call asynchronous, as in fast-jwt: its promise is awaited.
        await call(value)
      } catch (err) {
        const problem = problemWith(err, runsCallerCode)
        if (problem !== null) problems.push(`${label}: ${problem}`)
      }
    }
    expect(problems).toEqual([])
  })

  test.each([
    ['secret', (v) => ({ secret: v })],
    ['sign', (v) => ({ secret, sign: v })],
    ['sign.expiresIn', (v) => ({ secret, sign: { expiresIn: v } })],
    ['sign.algorithm', (v) => ({ secret, sign: { algorithm: v } })],
    ['verify', (v) => ({ secret, verify: v })],
    ['verify.algorithms', (v) => ({ secret, verify: { algorithms: v } })],
    ['verify.maxAge', (v) => ({ secret, verify: { maxAge: v } })],
    ['decode', (v) => ({ secret, decode: v })],
  ])('registration option %s', async (_name, options) => {
    const problems = []
    for (const [label, value, runsCallerCode] of BAD_VALUES) {
      const fresh = Fastify()
      let registered
      try {
        registered = fresh.register(fastifyJwt, options(value))
      } catch (err) {
        const problem = problemWith(err, runsCallerCode)
        if (problem !== null) problems.push(`${label}: ${problem}`)
        continue
      }
      const error = await registered.ready().then(
        () => null,
        (err) => err,
      )
      const problem = error === null ? null : problemWith(error, runsCallerCode)
      if (problem !== null) problems.push(`${label}: ${problem}`)
      await fresh.close().catch(() => {})
    }
    expect(problems).toEqual([])
  })
})

// fast-jwt 6's allowedCritHeaders and cacheKeyBuilder: the first is refused unless empty (ringjwt implements no crit
// extension, so it cannot honour a name), the second taken and not needed (the cache keys by the whole token).
describe('fast-jwt verifier options ringjwt does not need or cannot honour', () => {
  async function registration(verify) {
    const app = Fastify()
    app.register(fastifyJwt, { secret, verify })
    const error = await app.ready().then(
      () => null,
      (err) => err,
    )
    return { app, error }
  }

  test('allowedCritHeaders with a name: refused at registration, saying why', async () => {
    const { app, error } = await registration({ allowedCritHeaders: ['b64'] })
    expect(error).toBeInstanceOf(TokenError)
    expect(error.code).toBe('FAST_JWT_INVALID_OPTION')
    expect(error.message).toMatch(/allowedCritHeaders option cannot be honoured: ringjwt implements no crit extension/)
    await app.close().catch(() => {})
  })

  test.each([
    ['a string', 'b64'],
    ['an empty name', ['']],
    ['a number', [1]],
  ])("allowedCritHeaders that is %s: fast-jwt's refusal", async (_label, value) => {
    const { app, error } = await registration({ allowedCritHeaders: value })
    expect(error).toMatchObject({
      code: 'FAST_JWT_INVALID_OPTION',
      message: 'The allowedCritHeaders option must be an array of strings.',
    })
    await app.close().catch(() => {})
  })

  test('allowedCritHeaders empty: accepted, and a token with crit is still refused', async () => {
    const { app, error } = await registration({ allowedCritHeaders: [] })
    expect(error).toBeNull()
    const token = ringjwtSign({ sub: 'u1' }, secret)
    expect(app.jwt.verify(token)).toMatchObject({ sub: 'u1' })
    const withCrit = hmacToken({ sub: 'u1' }, { alg: 'HS256', crit: ['b64'], b64: true })
    expect(() => app.jwt.verify(withCrit)).toThrow(expect.objectContaining({ code: 'FAST_JWT_INVALID_CRIT_HEADER' }))
    // Given per call, a name is refused as at registration.
    expect(() => app.jwt.verify(token, { allowedCritHeaders: ['b64'] })).toThrow(
      expect.objectContaining({ code: 'FAST_JWT_INVALID_OPTION' }),
    )
    await app.close()
  })

  test('cacheKeyBuilder: accepted and not used (a constant key shares no entry)', async () => {
    const { app, error } = await registration({ cache: true, cacheKeyBuilder: () => 'one key for every token' })
    expect(error).toBeNull()
    for (const sub of ['u1', 'u2', 'u1', 'u2']) {
      expect(app.jwt.verify(ringjwtSign({ sub }, secret))).toMatchObject({ sub })
    }
    await app.close()
  })
})
