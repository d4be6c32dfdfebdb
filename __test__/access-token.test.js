'use strict'
// The `typ` option (RFC 8725 §3.11, compared as RFC 9068 §4 says) and `accessToken`, RFC 9068's JWT access-token
// profile: verify, createVerifier and the Express middleware refuse what the profile refuses, each with its code.
const jwt = require('..')
const { expectError } = require('./helpers/assert')
const { JsonWebTokenError } = jwt

const NOW = 1_900_000_000
const secret = 'a shared secret that is long enough for HS256'
const ISSUER = 'https://issuer.test'
const AUDIENCE = 'https://api.test'
const CLAIMS = { sub: 'u1', client_id: 'app', jti: 'id-1', scope: 'read' }

beforeEach(() => jest.useFakeTimers({ now: NOW * 1000 }))
afterEach(() => jest.useRealTimers())

const accessToken = (claims = CLAIMS, typ = 'at+jwt') =>
  jwt.sign(claims, secret, { header: { typ }, issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m' })
const profile = { accessToken: true, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }

describe('typ', () => {
  test.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+Jwt'])('"%s" is at+jwt', (typ) => {
    expect(jwt.verify(accessToken(CLAIMS, typ), secret, { typ: 'at+jwt' })).toMatchObject(CLAIMS)
    expect(jwt.verify(accessToken(CLAIMS, typ), secret, { typ: 'application/at+jwt' })).toMatchObject(CLAIMS)
  })

  test.each([['JWT'], ['application/jwt'], ['application/x/at+jwt'], ['at+jwt ']])('"%s" is not', (typ) => {
    expectError(
      () => jwt.verify(accessToken(CLAIMS, typ), secret, { typ: 'at+jwt' }),
      JsonWebTokenError,
      'ERR_JWT_TYPE_INVALID',
      'jwt type invalid. expected: at+jwt',
    )
  })

  test('a token without typ, or with a typ that is not a string, is refused', () => {
    const bare = jwt.sign(CLAIMS, secret, { header: { typ: undefined } })
    for (const token of [bare, jwt.sign(CLAIMS, secret, { header: { typ: ['at+jwt'] } })]) {
      expectError(
        () => jwt.verify(token, secret, { typ: 'at+jwt' }),
        JsonWebTokenError,
        'ERR_JWT_TYPE_INVALID',
        'jwt type invalid. expected: at+jwt',
      )
    }
  })

  test('the type is checked only after the signature: a forged token is a bad signature first', () => {
    expectError(
      () => jwt.verify(accessToken(CLAIMS, 'JWT'), 'another secret that is long enough for HS256', { typ: 'at+jwt' }),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
  })

  test.each([[''], [1], [{}]])('typ %p is refused as an option', (typ) => {
    expectError(
      () => jwt.verify(accessToken(), secret, { typ }),
      JsonWebTokenError,
      'ERR_JWT_INVALID_OPTION',
      '"typ" must be a non-empty string',
    )
  })
})

describe('accessToken', () => {
  test('a token with every claim and typ at+jwt passes, with createVerifier too', () => {
    expect(jwt.verify(accessToken(), secret, profile)).toMatchObject({ ...CLAIMS, iss: ISSUER, aud: AUDIENCE })
    const verifier = jwt.createVerifier({ key: secret, ...profile })
    expect(verifier.verify(accessToken())).toMatchObject(CLAIMS)
  })

  test.each(['sub', 'client_id', 'jti'])('without %s: ERR_JWT_CLAIM_MISSING', (name) => {
    const { [name]: _, ...rest } = CLAIMS
    void _
    expectError(
      () => jwt.verify(accessToken(rest), secret, profile),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_MISSING',
      `jwt claim "${name}" is required`,
    )
  })

  test('a claim set to null counts as missing; exp and iat are required too', () => {
    expectError(
      () => jwt.verify(accessToken({ ...CLAIMS, client_id: null }), secret, profile),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_MISSING',
      'jwt claim "client_id" is required',
    )
    const noExp = jwt.sign(CLAIMS, secret, { header: { typ: 'at+jwt' }, issuer: ISSUER, audience: AUDIENCE })
    expectError(
      () => jwt.verify(noExp, secret, profile),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_MISSING',
      'jwt claim "exp" is required',
    )
    const noIat = jwt.sign(CLAIMS, secret, {
      header: { typ: 'at+jwt' },
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 60,
      noTimestamp: true,
    })
    expectError(
      () => jwt.verify(noIat, secret, profile),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_MISSING',
      'jwt claim "iat" is required',
    )
  })

  test('an ID token (typ JWT) is not an access token', () => {
    expectError(
      () => jwt.verify(accessToken(CLAIMS, 'JWT'), secret, profile),
      JsonWebTokenError,
      'ERR_JWT_TYPE_INVALID',
      'jwt type invalid. expected: at+jwt',
    )
  })

  test('audience and issuer are still checked', () => {
    expectError(
      () => jwt.verify(accessToken(), secret, { ...profile, audience: 'https://other.test' }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: https://other.test',
    )
  })

  test('without audience or issuer, or not a boolean, it is refused as an option', () => {
    for (const options of [
      { accessToken: true, issuer: ISSUER },
      { accessToken: true, audience: AUDIENCE },
    ]) {
      expectError(
        () => jwt.verify(accessToken(), secret, options),
        JsonWebTokenError,
        'ERR_JWT_INVALID_OPTION',
        '"accessToken" needs "audience" and "issuer"',
      )
    }
    expectError(
      () => jwt.verify(accessToken(), secret, { ...profile, accessToken: 'yes' }),
      JsonWebTokenError,
      'ERR_JWT_INVALID_OPTION',
      '"accessToken" must be a boolean',
    )
  })
})
