'use strict'
// ringjwt/testing used as an app's test suite would: an Express app whose routes ringjwt/express protects with a
// remote JWK Set, requests over HTTP on 127.0.0.1, the fake clock crossing `exp`, and the JWK Set rotating. Then
// the kit's own pieces: keys for every algorithm and the refusal each test token earns.
const express = require('express')
const { expressjwt } = require('ringjwt/express')
const { createRemoteJwks, decode, verify, JsonWebTokenError, TokenExpiredError, NotBeforeError } = require('ringjwt')
const { createJwksServer, createTestKey, createTestTokens, fakeDateOnly } = require('ringjwt/testing')
const { expectError, rejected } = require('./helpers/assert')

const ISSUER = 'https://issuer.test'
const AUDIENCE = 'orders-api'
const START = Date.UTC(2030, 0, 1)

// The app under test: what an app would write.
function createApp(jwksUri) {
  const app = express()
  app.use(
    expressjwt({
      secret: createRemoteJwks(jwksUri, { cacheMaxAge: 600_000 }),
      algorithms: ['ES256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }).unless({ path: ['/health'] }),
  )
  app.get('/health', (req, res) => res.json({ ok: true }))
  app.get('/orders', (req, res) => res.json({ user: req.auth.sub }))
  app.use((err, req, res, next) => {
    if (err.name !== 'UnauthorizedError') return next(err)
    res.status(err.status).json({ error: err.code, reason: err.inner?.code, message: err.message })
  })
  return app
}

describe('an Express app tested with ringjwt/testing', () => {
  let issuer
  let server
  let base

  // A new issuer and app per test: each test's clock starts at START, and the app's cached JWK Set with it. Only
  // Date is faked (fakeDateOnly): the sockets keep real timers.
  beforeEach(async () => {
    jest.useFakeTimers({ ...fakeDateOnly, now: START })
    issuer = await createJwksServer({ tokens: { issuer: ISSUER, audience: AUDIENCE, expiresIn: '15m' } })
    const app = createApp(issuer.jwksUri)
    await new Promise((resolve) => {
      server = app.listen(0, '127.0.0.1', resolve)
    })
    base = `http://127.0.0.1:${server.address().port}`
  })
  afterEach(async () => {
    jest.useRealTimers()
    await issuer.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const get = async (path, token) => {
    const response = await fetch(`${base}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    })
    return { status: response.status, body: await response.json().catch(() => null) }
  }

  test('a valid token reaches the route; an unprotected route needs none', async () => {
    expect(await get('/orders', issuer.tokens.valid({ sub: 'u1' }))).toStrictEqual({
      status: 200,
      body: { user: 'u1' },
    })
    expect((await get('/health')).status).toBe(200)
  })

  test.each([
    ['expired', 'ERR_JWT_EXPIRED', 'jwt expired'],
    ['notYetValid', 'ERR_JWT_NOT_ACTIVE', 'jwt not active'],
    ['otherAudience', 'ERR_JWT_AUDIENCE_INVALID', `jwt audience invalid. expected: ${AUDIENCE}`],
    ['badSignature', 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature'],
    // The middleware asks the JWK Set for a key first, and the set has none for "alg": "none".
    ['unsigned', 'ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set'],
  ])('a token %s is refused with 401 and %s', async (kind, reason, message) => {
    expect(await get('/orders', issuer.tokens[kind]({ sub: 'u1' }))).toStrictEqual({
      status: 401,
      body: { error: 'invalid_token', reason, message },
    })
  })

  test('the fake clock crosses exp: accepted at 14 minutes, refused at 15', async () => {
    const token = issuer.tokens.valid({ sub: 'u1' })
    jest.setSystemTime(START + 14 * 60_000)
    expect((await get('/orders', token)).status).toBe(200)
    jest.setSystemTime(START + 15 * 60_000)
    expect(await get('/orders', token)).toStrictEqual({
      status: 401,
      body: { error: 'invalid_token', reason: 'ERR_JWT_EXPIRED', message: 'jwt expired' },
    })
  })

  test('the JWK Set rotates: new tokens verify at once, old ones until their key is withdrawn', async () => {
    const before = issuer.tokens.valid({ sub: 'old' })
    expect((await get('/orders', before)).status).toBe(200)
    issuer.rotate()
    // A minute later (past the verifier's 30-second cooldown), a token with the new kid makes the app refetch.
    jest.setSystemTime(START + 60_000)
    const after = issuer.tokens.valid({ sub: 'new' })
    expect(await get('/orders', after)).toStrictEqual({ status: 200, body: { user: 'new' } })
    expect((await get('/orders', before)).status).toBe(200)
    // The old key withdrawn: once the app's cached set is older than its cacheMaxAge, old tokens are refused.
    issuer.rotate({ keep: false })
    const latest = issuer.tokens.valid({ sub: 'latest' })
    jest.setSystemTime(START + 12 * 60_000)
    expect((await get('/orders', latest)).status).toBe(200)
    expect(await get('/orders', before)).toStrictEqual({
      status: 401,
      body: {
        error: 'invalid_token',
        reason: 'ERR_JWKS_NO_MATCHING_KEY',
        message: 'no applicable key found in the JSON Web Key Set',
      },
    })
  })
})

describe('the kit', () => {
  afterEach(() => jest.useRealTimers())

  test.each(['HS256', 'HS384', 'HS512', 'RS256', 'PS384', 'ES256', 'ES384', 'ES512', 'EdDSA'])(
    '%s: keys and the refusal each token earns',
    (algorithm) => {
      jest.useFakeTimers({ now: START })
      const tokens = createTestTokens({ algorithm, audience: AUDIENCE })
      const key = tokens.key.verifyingKey
      const options = { algorithms: [algorithm], audience: AUDIENCE }
      expect(verify(tokens.valid({ sub: 'u1' }), key, options)).toMatchObject({
        sub: 'u1',
        aud: AUDIENCE,
        iat: START / 1000,
        exp: START / 1000 + 900,
      })
      const refusals = [
        ['expired', TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired'],
        ['notYetValid', NotBeforeError, 'ERR_JWT_NOT_ACTIVE', 'jwt not active'],
        ['otherAudience', JsonWebTokenError, 'ERR_JWT_AUDIENCE_INVALID', `jwt audience invalid. expected: ${AUDIENCE}`],
        ['badSignature', JsonWebTokenError, 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature'],
        ['unsigned', JsonWebTokenError, 'ERR_JWS_SIGNATURE_REQUIRED', 'jwt signature is required'],
      ]
      for (const [kind, Class, code, message] of refusals) {
        expectError(() => verify(tokens[kind](), key, options), Class, code, message)
      }
      // An hour on, on the fake clock, the not-yet-valid token of an hour ago is valid, for the tokens' lifetime.
      const early = tokens.notYetValid()
      const { nbf, exp } = decode(early)
      expect(exp - nbf).toBe(15 * 60)
      jest.advanceTimersByTime(3_600_000)
      expect(verify(early, key, options)).toMatchObject({ aud: AUDIENCE })
      jest.advanceTimersByTime(15 * 60_000)
      expectError(() => verify(early, key, options), TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired')
    },
  )

  test('asymmetric keys publish their public half with the RFC 7638 kid; secrets publish nothing', () => {
    const key = createTestKey('ES256')
    expect(key.jwks.keys).toStrictEqual([{ ...key.jwk, kid: key.kid, alg: 'ES256', use: 'sig' }])
    expect(key.jwk.d).toBeUndefined()
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(createTestKey('HS256').jwks).toStrictEqual({ keys: [] })
    expect(createTestKey('EdDSA', { kid: 'mine' }).kid).toBe('mine')
  })

  test('the JWK Set server works under Jest fake timers that fake everything but its sockets', async () => {
    jest.useFakeTimers({ ...fakeDateOnly, now: START })
    const issuer = await createJwksServer({ algorithm: 'EdDSA' })
    try {
      const jwks = createRemoteJwks(issuer.jwksUri)
      const token = issuer.sign({ sub: 'u1' })
      const key = await jwks({ alg: 'EdDSA', kid: issuer.key.kid })
      expect(verify(token, key)).toMatchObject({ sub: 'u1' })
      expect(issuer.requests).toBe(1)
      const response = await fetch(`${issuer.url}/elsewhere`)
      expect(response.status).toBe(404)
    } finally {
      await issuer.close()
    }
  })

  test.each([
    [
      () => createTestKey('none'),
      'createTestKey(): "algorithm" must be one of: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    ],
    [
      () => createTestTokens({ algorithm: 'XS1' }),
      'createTestKey(): "algorithm" must be one of: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    ],
  ])('a bad algorithm is a TypeError', (call, message) => {
    expectError(call, TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })

  test('a JWK Set server for HMAC is refused: a set publishes public keys', async () => {
    const error = await rejected(createJwksServer({ algorithm: 'HS256' }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message:
        'createJwksServer(): "algorithm" must be one of: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    })
  })
})
