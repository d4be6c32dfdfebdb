'use strict'
// ringjwt/hono's jwt middleware in a Hono app served over HTTP on 127.0.0.1: the token from the header or a
// cookie, hono's 401 answers (status, status text, challenge, body), the error kept as the HTTPException's
// `cause`, and `c.get('jwtPayload')`.
const { HTTPException } = require('hono/http-exception')
const { setCookie, setSignedCookie } = require('hono/cookie')
const { jwt, sign, JwtTokenSignatureMismatched, JwtTokenExpired, JwtTokenNotBefore } = require('../hono')
const honoJwt = require('../hono')
const { keys } = require('./helpers/keys')
const { hmacToken: signedWith } = require('./helpers/tokens')
const { startHono, bearer, challenge } = require('./helpers/hono-apps')
const { expectError } = require('./helpers/assert')

const secret = 'a shared secret that is long enough for HS256'
const now = () => Math.floor(Date.now() / 1000)
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

// A token signed with `secret` over any header and payload.
const hmacToken = (header, payload, key = secret) => signedWith(header, payload, key)

const NO_TOKEN = ['invalid_request', 'no authorization included in request']
const BAD_STRUCTURE = ['invalid_request', 'invalid credentials structure']
const INVALID = ['invalid_token', 'token verification failure']

// Routes that return the payload under middleware made with `options`.
function protectedApp(options, path = '/auth/*') {
  return (app) => {
    app.use(path, jwt(options))
    app.get('/auth/me', (c) => c.json({ payload: c.get('jwtPayload') }))
    app.get('/cookie/set', async (c) => {
      const token = await sign({ sub: 'from-cookie' }, secret)
      setCookie(c, 'access_token', token)
      await setSignedCookie(c, 'signed_token', token, 'cookie-secret')
      await setSignedCookie(c, 'signed_token', token, 'cookie-secret', { prefix: 'host', path: '/', secure: true })
      return c.text('set')
    })
  }
}

async function expectRefusal(app, path, init, [error, description], realm) {
  const res = await app.request(path, init)
  expect(res.status).toBe(401)
  expect(res.statusText).toBe('Unauthorized')
  expect(res.challenge).toBe(challenge(realm ?? `${app.url}${path}`, error, description))
  expect(res.text).toBe('Unauthorized')
  const err = app.errors.at(-1)
  expect(err).toBeInstanceOf(HTTPException)
  expect(err.status).toBe(401)
  expect(err.message).toBe(error === 'invalid_token' ? 'Unauthorized' : description)
  return err
}

describe('jwt(): HS256 from the Authorization header', () => {
  let app
  beforeAll(async () => {
    app = await startHono(protectedApp({ secret, alg: 'HS256' }))
  })
  afterAll(() => app.close())

  test('a valid token: 200, the payload as jwtPayload', async () => {
    const token = await sign({ sub: 'u1', role: 'admin', exp: now() + 60 }, secret)
    const res = await app.request('/auth/me', bearer(token))
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ payload: { sub: 'u1', role: 'admin', exp: expect.any(Number) } })
  })

  test('the scheme is case-insensitive and the separator any whitespace', async () => {
    const token = await sign({ sub: 'u1' }, secret)
    const res = await app.request('/auth/me', { headers: { authorization: `bEaReR \t ${token}` } })
    expect(res.status).toBe(200)
  })

  test('no token: 401 invalid_request, the request URL as realm', async () => {
    const err = await expectRefusal(app, '/auth/me', {}, NO_TOKEN)
    expect(err.cause).toBeUndefined()
  })

  test.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bearer without a token', 'Bearer'],
    ['three parts', 'Bearer a b'],
  ])('%s: 401 invalid credentials structure', async (_, authorization) => {
    await expectRefusal(app, '/auth/me', { headers: { authorization } }, BAD_STRUCTURE)
  })

  test('a bad signature: 401 invalid_token, JwtTokenSignatureMismatched as the cause', async () => {
    const token = await sign({ sub: 'u1' }, 'another secret')
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    expect(err.cause).toBeInstanceOf(JwtTokenSignatureMismatched)
    expect(err.cause).toMatchObject({
      name: 'JwtTokenSignatureMismatched',
      code: 'ERR_JWS_SIGNATURE_INVALID',
      message: `token(${token}) signature mismatched`,
    })
  })

  test('an expired token: JwtTokenExpired (exp reached counts as expired)', async () => {
    const token = await sign({ sub: 'u1', exp: now() }, secret)
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    expect(err.cause).toBeInstanceOf(JwtTokenExpired)
    expect(err.cause).toMatchObject({ code: 'ERR_JWT_EXPIRED', message: `token (${token}) expired` })
  })

  test('a token not yet valid: JwtTokenNotBefore', async () => {
    const token = await sign({ sub: 'u1', nbf: now() + 600 }, secret)
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    expect(err.cause).toBeInstanceOf(JwtTokenNotBefore)
    expect(err.cause).toMatchObject({
      code: 'ERR_JWT_NOT_ACTIVE',
      message: `token (${token}) is being used before it's valid`,
    })
  })

  test('a token issued in the future: JwtTokenIssuedAt', async () => {
    const iat = now() + 600
    const token = await sign({ sub: 'u1', iat }, secret)
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    expect(err.cause).toMatchObject({
      name: 'JwtTokenIssuedAt',
      code: 'ERR_JWT_ISSUED_IN_FUTURE',
      message: expect.stringMatching(/^Invalid "iat" claim, must be a valid number lower than "\d+" \(iat: "\d+"\)$/),
    })
  })

  test.each([
    ['another algorithm', { alg: 'HS384', typ: 'JWT' }, 'JwtAlgorithmMismatch', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['a typ other than JWT', { alg: 'HS256', typ: 'at+jwt' }, 'JwtHeaderInvalid', 'ERR_JWT_HEADER_INVALID'],
    ['a crit header', { alg: 'HS256', crit: ['exp'] }, 'JwtHeaderInvalid', 'ERR_JWT_HEADER_INVALID'],
    ['alg none', { alg: 'none' }, 'JwtHeaderInvalid', 'ERR_JWT_HEADER_INVALID'],
  ])('%s: 401 with %s', async (_, header, name, code) => {
    const token = hmacToken(header, { sub: 'u1' })
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    const message =
      name === 'JwtAlgorithmMismatch'
        ? `JWT algorithm mismatch: expected "HS256", got "${header.alg}"`
        : `jwt header is invalid: ${JSON.stringify(header)}`
    expect(err.cause).toMatchObject({ name, code, message })
  })

  test.each([
    ['two parts', 'a.b', 'ERR_JWT_MALFORMED'],
    ['parts that are not base64url JSON', 'a.b.c', 'ERR_JWT_MALFORMED'],
    ['base64 padding (RFC 7515 has none)', `${b64({ alg: 'HS256' })}==.${b64({})}.sig`, 'ERR_JWT_MALFORMED'],
  ])('%s: 401 with JwtTokenInvalid', async (_, token, code) => {
    const err = await expectRefusal(app, '/auth/me', bearer(token), INVALID)
    expect(err.cause).toMatchObject({ name: 'JwtTokenInvalid', code, message: `invalid JWT token: ${token}` })
  })

  test('a route outside the middleware answers without a token', async () => {
    const res = await app.request('/cookie/set')
    expect(res.status).toBe(200)
  })
})

describe('jwt(): options', () => {
  test('realm: the challenge names it, with quotes and backslashes escaped', async () => {
    const app = await startHono(protectedApp({ secret, alg: 'HS256', realm: 'api "v1" \\ main' }))
    try {
      await expectRefusal(app, '/auth/me', {}, NO_TOKEN, 'api \\"v1\\" \\\\ main')
    } finally {
      await app.close()
    }
  })

  test('headerName: the token comes from that header, and Authorization is ignored', async () => {
    const app = await startHono(protectedApp({ secret, alg: 'HS256', headerName: 'x-auth' }))
    try {
      const token = await sign({ sub: 'u1' }, secret)
      expect((await app.request('/auth/me', { headers: { 'x-auth': `Bearer ${token}` } })).status).toBe(200)
      await expectRefusal(app, '/auth/me', bearer(token), NO_TOKEN)
    } finally {
      await app.close()
    }
  })

  test('verification: iss, aud and typ are checked, time claims can be left out', async () => {
    const verification = { iss: /^https:\/\/auth\./, aud: ['api', 'web'], typ: 'at+jwt', exp: false }
    const app = await startHono(protectedApp({ secret, alg: 'HS256', verification }))
    try {
      const good = { iss: 'https://auth.example', aud: 'web', exp: 1 }
      const ok = await app.request('/auth/me', bearer(hmacToken({ alg: 'HS256', typ: 'application/at+JWT' }, good)))
      expect(ok.status).toBe(200)
      expect(ok.json).toEqual({ payload: good })
      const cases = [
        [{ alg: 'HS256', typ: 'JWT' }, good, 'JwtHeaderInvalid', 'ERR_JWT_HEADER_INVALID'],
        [{ alg: 'HS256', typ: 'at+jwt' }, { ...good, iss: 'https://evil' }, 'JwtTokenIssuer', 'ERR_JWT_ISSUER_INVALID'],
        [{ alg: 'HS256', typ: 'at+jwt' }, { iss: good.iss }, 'JwtPayloadRequiresAud', 'ERR_JWT_AUDIENCE_INVALID'],
        [{ alg: 'HS256', typ: 'at+jwt' }, { ...good, aud: ['x'] }, 'JwtTokenAudience', 'ERR_JWT_AUDIENCE_INVALID'],
      ]
      for (const [header, payload, name, code] of cases) {
        const err = await expectRefusal(app, '/auth/me', bearer(hmacToken(header, payload)), INVALID)
        expect(err.cause).toMatchObject({ name, code })
      }
      expect(app.errors.map((err) => err.cause.message)).toEqual([
        expect.stringMatching(/^jwt header is invalid: \{"alg":"HS256","typ":"JWT"\}$/),
        'expected issuer "/^https:\\/\\/auth\\./", got "https://evil" ',
        `required "aud" in jwt payload: {"iss":"https://auth.example"}`,
        'expected audience "api, web", got "x"',
      ])
    } finally {
      await app.close()
    }
  })

  test('an asymmetric key: RS256 with the public PEM, ES256 with a JWK, EdDSA with a CryptoKey', async () => {
    const edPublic = await crypto.subtle.importKey('jwk', keys.ed25519.publicJwk, { name: 'Ed25519' }, false, [
      'verify',
    ])
    const app = await startHono((app) => {
      app.use('/rs/*', jwt({ secret: keys.rsa.publicPem, alg: 'RS256' }))
      app.use('/es/*', jwt({ secret: keys.p256.publicJwk, alg: 'ES256' }))
      app.use('/ed/*', jwt({ secret: edPublic, alg: 'EdDSA' }))
      app.get('*', (c) => c.json(c.get('jwtPayload')))
    })
    try {
      const rs = await sign({ sub: 'rs' }, keys.rsa.privatePem, 'RS256')
      const es = await sign({ sub: 'es' }, keys.p256.privateJwk, 'ES256')
      const ed = await sign({ sub: 'ed' }, keys.ed25519.privatePem, 'EdDSA')
      expect((await app.request('/rs/x', bearer(rs))).json).toEqual({ sub: 'rs' })
      expect((await app.request('/es/x', bearer(es))).json).toEqual({ sub: 'es' })
      expect((await app.request('/ed/x', bearer(ed))).json).toEqual({ sub: 'ed' })
      // RFC 8725: an HS256 token made with the RSA public key's text as its secret is not an RS256 token.
      const confused = await expectRefusal(app, '/rs/x', bearer(hmacToken({ alg: 'HS256' }, { sub: 'x' })), INVALID)
      expect(confused.cause).toMatchObject({
        name: 'JwtAlgorithmMismatch',
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
        message: 'JWT algorithm mismatch: expected "RS256", got "HS256"',
      })
    } finally {
      await app.close()
    }
  })

  test('made without a secret or alg: hono’s errors', () => {
    expect(() => jwt()).toThrow(new Error('JWT auth middleware requires options for "secret"'))
    expect(() => jwt({ alg: 'HS256' })).toThrow(new Error('JWT auth middleware requires options for "secret"'))
    expect(() => jwt({ secret })).toThrow(new Error('JWT auth middleware requires options for "alg"'))
  })
})

describe("jwt() and jwk(): ringjwt's isRevoked, with the session and token stores", () => {
  const { createSessionStore, createTokenStore, createSigner, StoreUnavailableError } = require('..')
  const { jwk } = require('../hono')
  const sessions = createSessionStore({ accessTokenLifetime: '15m' })
  const revocations = createTokenStore()
  const signer = createSigner({ key: secret, algorithm: 'HS256' })
  let app
  beforeAll(async () => {
    app = await startHono((hono) => {
      hono.use('/session/*', jwt({ secret, alg: 'HS256', isRevoked: sessions.isRevoked }))
      hono.use('/revocation/*', jwt({ secret, alg: 'HS256', isRevoked: revocations.isRevoked }))
      hono.use(
        '/down/*',
        jwt({
          secret,
          alg: 'HS256',
          isRevoked: () => {
            throw new StoreUnavailableError('The session store is not answering.')
          },
        }),
      )
      hono.use(
        '/broken/*',
        jwt({
          secret,
          alg: 'HS256',
          isRevoked: async () => {
            throw new Error('the hook is broken')
          },
        }),
      )
      hono.use(
        '/seen/*',
        jwt({ secret, alg: 'HS256', isRevoked: (c, token) => (seen.push([c.req.path, { ...token }]), false) }),
      )
      for (const path of ['/session/me', '/revocation/me', '/down/me', '/broken/me', '/seen/me']) {
        hono.get(path, (c) => c.json({ payload: c.get('jwtPayload') }))
      }
    })
  })
  afterAll(() => app.close())
  const seen = []

  test('a token its live session issued passes; once the session ends it is refused with the store message', async () => {
    const { session, token } = await sessions.create('u1', {}, { sign: (claims) => signer.sign(claims) })
    expect((await app.request('/session/me', bearer(token))).json.payload).toMatchObject({ sub: 'u1', sid: session.id })
    // Signed again over the same claims and one more: not the token the session recorded.
    const [, body] = token.split('.')
    const resigned = signer.sign({ ...JSON.parse(Buffer.from(body, 'base64url')), role: 'admin' })
    let err = await expectRefusal(app, '/session/me', bearer(resigned), [
      'invalid_token',
      'This token was not issued by its session.',
    ])
    expect(err.cause).toMatchObject({ name: 'UnauthorizedError', code: 'token_not_issued', status: 401 })
    sessions.end(session.id)
    err = await expectRefusal(app, '/session/me', bearer(token), ['invalid_token', 'The session has ended.'])
    expect(err.cause).toMatchObject({ name: 'UnauthorizedError', code: 'session_ended', status: 401 })
  })

  test('a revoked token is refused as "token revoked"; the others pass', async () => {
    const revoked = signer.sign({ sub: 'u1', jti: 'j-revoked', exp: now() + 60 })
    revocations.revoke(revoked)
    const err = await expectRefusal(app, '/revocation/me', bearer(revoked), ['invalid_token', 'token revoked'])
    expect(err.cause).toBeUndefined()
    const kept = signer.sign({ sub: 'u1', jti: 'j-kept', exp: now() + 60 })
    expect((await app.request('/revocation/me', bearer(kept))).status).toBe(200)
  })

  test('a store that cannot answer is a 503; any other error goes to the error handler as it is', async () => {
    const token = signer.sign({ sub: 'u1' })
    const down = await app.request('/down/me', bearer(token))
    expect([down.status, down.text]).toEqual([503, 'The session store is not answering.'])
    expect(app.errors.at(-1)).toBeInstanceOf(HTTPException)
    expect(app.errors.at(-1).cause).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', status: 503 })
    const broken = await app.request('/broken/me', bearer(token))
    expect([broken.status, broken.text]).toEqual([500, 'Internal Server Error'])
    expect(app.errors.at(-1)).toMatchObject({ message: 'the hook is broken' })
  })

  test('isRevoked gets the context, the header, the verified claims and the signature', async () => {
    const token = signer.sign({ sub: 'u1', jti: 'j1' })
    expect((await app.request('/seen/me', bearer(token))).status).toBe(200)
    expect(seen).toEqual([
      [
        '/seen/me',
        {
          header: { alg: 'HS256', typ: 'JWT' },
          payload: { sub: 'u1', jti: 'j1', iat: expect.any(Number) },
          signature: token.split('.')[2],
        },
      ],
    ])
  })

  test('an isRevoked that is not a function is refused when the middleware is made', () => {
    for (const make of [
      () => jwt({ secret, alg: 'HS256', isRevoked: sessions }),
      () => jwk({ keys: [], alg: ['RS256'], isRevoked: 'yes' }),
    ]) {
      expectError(make, TypeError, 'ERR_JWT_INVALID_OPTION', '"isRevoked" must be a function')
    }
  })
})

describe('jwt(): the token from a cookie', () => {
  let app
  let cookies
  beforeAll(async () => {
    app = await startHono((app) => {
      protectedApp({ secret, alg: 'HS256', cookie: 'access_token' }, '/auth/*')(app)
      app.use('/signed/*', jwt({ secret, alg: 'HS256', cookie: { key: 'signed_token', secret: 'cookie-secret' } }))
      app.use(
        '/host/*',
        jwt({ secret, alg: 'HS256', cookie: { key: 'signed_token', secret: 'cookie-secret', prefixOptions: 'host' } }),
      )
      app.use('/plain-key/*', jwt({ secret, alg: 'HS256', cookie: { key: 'access_token' } }))
      app.get('*', (c) => c.json(c.get('jwtPayload')))
    })
    const res = await fetch(`${app.url}/cookie/set`)
    cookies = res.headers.getSetCookie().map((line) => line.split(';')[0])
  })
  afterAll(() => app.close())

  const cookieHeader = (...names) => ({
    headers: { cookie: cookies.filter((pair) => names.some((name) => pair.startsWith(`${name}=`))).join('; ') },
  })

  test('cookie: a name', async () => {
    const res = await app.request('/auth/me', cookieHeader('access_token'))
    expect(res.json).toEqual({ payload: { sub: 'from-cookie' } })
  })

  test('cookie: { key } without a secret', async () => {
    expect((await app.request('/plain-key/x', cookieHeader('access_token'))).json).toEqual({ sub: 'from-cookie' })
  })

  test('cookie: { key, secret }, a signed cookie', async () => {
    expect((await app.request('/signed/x', cookieHeader('signed_token'))).json).toEqual({ sub: 'from-cookie' })
  })

  test('cookie: { key, secret, prefixOptions: "host" }, a __Host- signed cookie', async () => {
    expect((await app.request('/host/x', cookieHeader('__Host-signed_token'))).json).toEqual({ sub: 'from-cookie' })
  })

  test('an unsigned or tampered cookie where a signed one is expected: no token', async () => {
    await expectRefusal(app, '/signed/x', cookieHeader('access_token'), NO_TOKEN)
    const token = await sign({ sub: 'from-cookie' }, secret)
    await expectRefusal(app, '/signed/x', { headers: { cookie: `signed_token=${token}.forged` } }, NO_TOKEN)
  })

  test('the header comes first: a bad header is refused even with a good cookie', async () => {
    const res = await app.request('/auth/me', {
      headers: { ...cookieHeader('access_token').headers, authorization: 'Bearer a.b.c' },
    })
    expect(res.status).toBe(401)
    expect(app.errors.at(-1).cause).toMatchObject({
      name: 'JwtTokenInvalid',
      code: 'ERR_JWT_MALFORMED',
      message: 'invalid JWT token: a.b.c',
    })
  })

  test('a cookie with a bad token: 401 invalid_token', async () => {
    const token = await sign({ sub: 'u1' }, 'another secret')
    const err = await expectRefusal(app, '/auth/me', { headers: { cookie: `access_token=${token}` } }, INVALID)
    expect(err.cause).toMatchObject({
      name: 'JwtTokenSignatureMismatched',
      code: 'ERR_JWS_SIGNATURE_INVALID',
      message: `token(${token}) signature mismatched`,
    })
  })
})

test('the module exports what hono/jwt and hono/utils/jwt export', () => {
  const reference = { ...require('hono/jwt'), ...require('hono/utils/jwt/types'), ...require('hono/utils/jwt/jwt') }
  const missing = Object.keys(reference).filter((name) => name !== 'CryptoKeyUsage' && !(name in honoJwt))
  expect(missing).toEqual([])
  expect(honoJwt.AlgorithmTypes).toEqual(require('hono/jwt').AlgorithmTypes)
})
