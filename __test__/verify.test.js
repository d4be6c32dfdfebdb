'use strict'
// verify(): every option and every error, checked against the npm `jsonwebtoken` package for the same input.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { keys, secret, signingKeyFor } = require('./helpers/keys')
const { thrown } = require('./helpers/assert')
const { hmacToken } = require('./helpers/tokens')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const NOW = 1_700_000_000

beforeEach(() => jest.useFakeTimers({ now: NOW * 1000 }))
afterEach(() => jest.useRealTimers())

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

// A token with exactly the header and payload given (JSON values or raw text), HMAC-signed with `secret`.
const hs256 = (payload, header = { alg: 'HS256', typ: 'JWT' }) => hmacToken(header, payload, secret)

const unsigned = (payload) => reference.sign(payload, null, { algorithm: 'none' })

function verifyWithCallback(...args) {
  return new Promise((resolve, reject) => jwt.verify(...args, (err, payload) => (err ? reject(err) : resolve(payload))))
}

const claims = {
  sub: 'u1',
  iss: 'auth',
  aud: ['api', 'web'],
  jti: 'id-1',
  nonce: 'n-1',
  iat: NOW - 10,
  nbf: NOW - 10,
  exp: NOW + 60,
}
const token = hs256(claims)

describe('algorithms', () => {
  const ALL = [
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ]
  const tokens = Object.fromEntries(
    ALL.map((alg) => [alg, jwt.sign({ alg }, signingKeyFor(alg).sign, { algorithm: alg, noTimestamp: true })]),
  )

  // What each kind of key accepts when `algorithms` is not given.
  test.each([
    ['a secret', secret, ['HS256', 'HS384', 'HS512']],
    ['an RSA public key', keys.rsa.publicPem, ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']],
    ['a P-256 key', keys.p256.publicPem, ['ES256']],
    ['a P-384 key', keys.p384.publicPem, ['ES384']],
    ['a P-521 key', keys.p521.publicPem, ['ES512']],
    ['an Ed25519 key', keys.ed25519.publicPem, ['EdDSA']],
  ])('default for %s', (_title, key, accepted) => {
    for (const alg of ALL) {
      if (accepted.includes(alg)) {
        expect(jwt.verify(tokens[alg], key)).toStrictEqual({ alg })
      } else {
        const err = thrown(() => jwt.verify(tokens[alg], key))
        expect(err).toBeInstanceOf(JsonWebTokenError)
        expect(err).toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED', message: 'invalid algorithm' })
      }
    }
  })

  test('an explicit list narrows the default', () => {
    expect(jwt.verify(tokens.RS256, keys.rsa.publicPem, { algorithms: ['RS256'] })).toStrictEqual({ alg: 'RS256' })
    expect(thrown(() => jwt.verify(tokens.PS256, keys.rsa.publicPem, { algorithms: ['RS256'] }))).toMatchObject({
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      message: 'invalid algorithm',
    })
  })

  test('none is accepted only when listed, and only without a key', () => {
    const none = unsigned({ a: 1 })
    expect(jwt.verify(none, null, { algorithms: ['none'] })).toStrictEqual(
      reference.verify(none, null, { algorithms: ['none'] }),
    )
    expect(thrown(() => jwt.verify(none, undefined))).toMatchObject({
      code: 'ERR_JWS_UNSIGNED_NOT_ALLOWED',
      message: 'please specify "none" in "algorithms" to verify unsigned tokens',
    })
    expect(thrown(() => jwt.verify(none, secret, { algorithms: ['none'] }))).toMatchObject({
      code: 'ERR_JWS_SIGNATURE_REQUIRED',
      message: 'jwt signature is required',
    })
  })

  test.each([
    [undefined, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    [['none'], 'ERR_JWS_SIGNATURE_INVALID'],
    [['none', 'HS256'], 'ERR_JWS_SIGNATURE_INVALID'],
  ])('a signed token that claims alg none is refused with algorithms %j', (algorithms, code) => {
    const forged = `${b64({ alg: 'none' })}.${b64({ admin: true })}.${token.split('.')[2]}`
    const expected = thrown(() => reference.verify(forged, secret, { algorithms }))
    const err = thrown(() => jwt.verify(forged, secret, { algorithms }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code, message: expected.message })
  })

  test('allowInsecureKeySizes accepts a 1024-bit RSA public key for RS256', () => {
    const small = reference.sign({ a: 1 }, keys.rsa1024.privatePem, { algorithm: 'RS256', allowInsecureKeySizes: true })
    expect(jwt.verify(small, keys.rsa1024.publicPem, { allowInsecureKeySizes: true })).toStrictEqual({ a: 1, iat: NOW })
    expect(thrown(() => jwt.verify(small, keys.rsa1024.publicPem))).toMatchObject({
      code: 'ERR_KEY_TOO_SMALL',
      message: 'secretOrPublicKey has a minimum key size of 2048 bits for RS256',
    })
  })

  test('allowInvalidAsymmetricKeyTypes is accepted; the curve is still enforced', () => {
    expect(jwt.verify(tokens.ES256, keys.p256.publicPem, { allowInvalidAsymmetricKeyTypes: true })).toStrictEqual({
      alg: 'ES256',
    })
    const options = { algorithms: ['ES256'], allowInvalidAsymmetricKeyTypes: true }
    expect(thrown(() => jwt.verify(tokens.ES256, keys.p384.publicPem, options))).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: '"alg" parameter "ES256" requires curve "prime256v1".',
    })
  })
})

describe('claim options that pass', () => {
  test.each([
    ['audience string', { audience: 'web' }],
    ['audience RegExp', { audience: /^ap/ }],
    ['audience RegExp with a flag', { audience: /^WEB$/i }],
    ['audience array, one matches', { audience: ['x', 'api'] }],
    ['audience array of string and RegExp', { audience: ['x', /eb$/] }],
    ['issuer string', { issuer: 'auth' }],
    ['issuer array', { issuer: ['other', 'auth'] }],
    ['subject', { subject: 'u1' }],
    ['jwtid', { jwtid: 'id-1' }],
    ['nonce', { nonce: 'n-1' }],
    ['maxAge number', { maxAge: 60 }],
    ['maxAge string', { maxAge: '1m' }],
    ['clockTimestamp inside the lifetime', { clockTimestamp: NOW + 59 }],
    ['ignoreExpiration', { clockTimestamp: NOW + 3600, ignoreExpiration: true }],
    ['ignoreNotBefore', { clockTimestamp: NOW - 3600, ignoreNotBefore: true }],
    ['clockTolerance on exp', { clockTimestamp: NOW + 62, clockTolerance: 5 }],
    ['clockTolerance on nbf', { clockTimestamp: NOW - 12, clockTolerance: 5 }],
    ['clockTolerance on maxAge', { maxAge: 8, clockTolerance: 5 }],
    [
      'every check together',
      { audience: 'api', issuer: 'auth', subject: 'u1', jwtid: 'id-1', nonce: 'n-1', maxAge: '1h' },
    ],
  ])('%s', (_title, options) => {
    expect(jwt.verify(token, secret, options)).toStrictEqual(claims)
    expect(reference.verify(token, secret, options)).toStrictEqual(claims)
  })

  test('an aud claim given as a string matches an array option', () => {
    const single = hs256({ aud: 'api' })
    expect(jwt.verify(single, secret, { audience: ['web', 'api'] })).toStrictEqual({ aud: 'api' })
  })

  test('complete returns header, payload and signature as jsonwebtoken does', () => {
    const result = jwt.verify(token, secret, { complete: true })
    expect(result).toStrictEqual(reference.verify(token, secret, { complete: true }))
    expect(result).toStrictEqual({
      header: { alg: 'HS256', typ: 'JWT' },
      payload: claims,
      signature: token.split('.')[2],
    })
  })

  test.each(['false', 1, {}])('complete: %p is not true: the claims, as jsonwebtoken returns', async (complete) => {
    const rsaToken = jwt.sign(claims, keys.rsa.privateKey, { algorithm: 'RS256' })
    expect(jwt.verify(token, secret, { complete })).toStrictEqual(reference.verify(token, secret, { complete }))
    expect(jwt.verify(token, secret, { complete })).toStrictEqual(claims)
    expect(await jwt.verifyAsync(rsaToken, keys.rsa.publicKey, { complete })).toStrictEqual(claims)
  })

  test.each([
    ['a string payload', jwt.sign('hello', secret), 'hello'],
    ['a JSON payload without typ', jwt.sign(Buffer.from('{"a":1}'), secret), { a: 1 }],
    ['a JSON scalar payload', jwt.sign('123', secret), '123'],
  ])('%s', (_title, signed, expected) => {
    expect(jwt.verify(signed, secret)).toStrictEqual(expected)
    expect(jwt.verify(signed, secret, { complete: true }).payload).toStrictEqual(expected)
    expect(reference.verify(signed, secret)).toStrictEqual(expected)
  })

  test('keys in every form node:crypto reads', () => {
    const signed = jwt.sign({ a: 1 }, keys.rsa.privatePem, { algorithm: 'RS256' })
    for (const key of [
      keys.rsa.publicPem,
      Buffer.from(keys.rsa.publicPem),
      keys.rsa.publicKey,
      keys.rsa.publicPkcs1Pem,
      keys.rsa.privatePem,
      { key: keys.rsa.publicJwk, format: 'jwk' },
    ]) {
      expect(jwt.verify(signed, key)).toStrictEqual({ a: 1, iat: NOW })
    }
  })
})

describe('key function', () => {
  test('getKey receives the header and its key is used, in the callback form', async () => {
    const getKey = jest.fn((header, callback) => callback(null, secret))
    const signed = jwt.sign({ a: 1 }, secret, { keyid: 'k1' })
    await expect(verifyWithCallback(signed, getKey)).resolves.toStrictEqual({ a: 1, iat: NOW })
    expect(getKey).toHaveBeenCalledTimes(1)
    expect(getKey.mock.calls[0][0]).toStrictEqual({ alg: 'HS256', typ: 'JWT', kid: 'k1' })
  })

  test('getKey with options and an asynchronous answer', async () => {
    const signed = jwt.sign({ a: 1 }, keys.p256.privatePem, { algorithm: 'ES256' })
    const getKey = (header, callback) => Promise.resolve().then(() => callback(null, keys.p256.publicKey))
    await expect(verifyWithCallback(signed, getKey, { complete: true })).resolves.toMatchObject({
      header: { alg: 'ES256', typ: 'JWT' },
      payload: { a: 1, iat: NOW },
    })
  })

  test('the synchronous form refuses a key function', () => {
    const expected = thrown(() => reference.verify(token, (header, callback) => callback(null, secret)))
    const err = thrown(() => jwt.verify(token, (header, callback) => callback(null, secret)))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_FUNCTION_SYNC', message: expected.message })
  })

  test.each([
    ['an error from getKey', (header, callback) => callback(new Error('no such kid')), 'ERR_KEY_FUNCTION_FAILED'],
    ['no key from getKey', (header, callback) => callback(null, undefined), 'ERR_KEY_REQUIRED'],
    ['a wrong key from getKey', (header, callback) => callback(null, 'other'), 'ERR_JWS_SIGNATURE_INVALID'],
  ])('%s', async (_title, getKey, code) => {
    const expected = await new Promise((resolve) => reference.verify(token, getKey, resolve))
    const err = await verifyWithCallback(token, getKey).catch((error) => error)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code, message: expected.message })
  })

  test('a malformed token fails before getKey is asked', async () => {
    const getKey = jest.fn()
    await expect(verifyWithCallback('a.b', getKey)).rejects.toMatchObject({
      code: 'ERR_JWT_MALFORMED',
      message: 'jwt malformed',
    })
    await expect(verifyWithCallback('a.b.c', getKey)).rejects.toMatchObject({
      code: 'ERR_JWT_MALFORMED',
      message: 'invalid token',
    })
    expect(getKey).not.toHaveBeenCalled()
  })
})

describe('errors, as jsonwebtoken reports them', () => {
  const tampered = `${token.split('.')[0]}.${b64({ ...claims, sub: 'admin' })}.${token.split('.')[2]}`
  const rs256 = jwt.sign({ a: 1 }, keys.rsa.privatePem, { algorithm: 'RS256' })
  const es256 = jwt.sign({ a: 1 }, keys.p256.privatePem, { algorithm: 'ES256' })
  const hs256PemToken = reference.sign({ a: 1 }, keys.rsa.publicPem)
  const J = JsonWebTokenError

  const cases = [
    // token
    ['an empty token', '', secret, {}, J, 'ERR_JWT_REQUIRED'],
    ['no token', undefined, secret, {}, J, 'ERR_JWT_REQUIRED'],
    ['a number token', 5, secret, {}, J, 'ERR_JWT_NOT_STRING'],
    ['an object token', { token }, secret, {}, J, 'ERR_JWT_NOT_STRING'],
    ['two parts', 'a.b', secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['four parts', `${token}.x`, secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['parts that are not base64url JSON', 'a.b.c', secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['a header that is not JSON', `${b64('{alg')}.${b64({})}.c2ln`, secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['a signature with a trailing newline', `${token}\n`, secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['a signature with base64 padding', `${token}=`, secret, {}, J, 'ERR_JWT_MALFORMED'],
    ['a signature with characters outside base64url', `${token.slice(0, -2)}!!`, secret, {}, J, 'ERR_JWT_MALFORMED'],
    // signature and key
    ['an unsigned token with a key', unsigned({ a: 1 }), secret, {}, J, 'ERR_JWS_SIGNATURE_REQUIRED'],
    ['a signed token without a key', token, undefined, {}, J, 'ERR_KEY_REQUIRED'],
    ['a signed token with an empty key', token, '', {}, J, 'ERR_KEY_REQUIRED'],
    ['an unsigned token without algorithms', unsigned({ a: 1 }), null, {}, J, 'ERR_JWS_UNSIGNED_NOT_ALLOWED'],
    [
      'an unsigned token, none not listed',
      unsigned({ a: 1 }),
      null,
      { algorithms: ['HS256'] },
      J,
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    ['a tampered payload', tampered, secret, {}, J, 'ERR_JWS_SIGNATURE_INVALID'],
    ['a wrong secret', token, 'wrong', {}, J, 'ERR_JWS_SIGNATURE_INVALID'],
    ['an algorithm not listed', token, secret, { algorithms: ['HS512'] }, J, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['an empty algorithms list', token, secret, { algorithms: [] }, J, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['an HS256 token and an RSA key', token, keys.rsa.publicPem, {}, J, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['HS256 listed for an RSA key', token, keys.rsa.publicKey, { algorithms: ['HS256'] }, J, 'ERR_KEY_TYPE_MISMATCH'],
    ['an RS256 token and a secret', rs256, secret, {}, J, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['RS256 listed for a secret', rs256, secret, { algorithms: ['RS256'] }, J, 'ERR_KEY_TYPE_MISMATCH'],
    ['an object that is no key', token, { foo: 1 }, {}, J, 'ERR_KEY_INVALID'],
    ['a number as key', token, 5, {}, J, 'ERR_KEY_INVALID'],
    [
      'a token HMAC-signed with public key text',
      hs256PemToken,
      keys.rsa.publicPem,
      { algorithms: ['HS256'] },
      J,
      'ERR_KEY_TYPE_MISMATCH',
    ],
    ['RS256 listed for an EC key', rs256, keys.p256.publicPem, { algorithms: ['RS256'] }, J, 'ERR_KEY_TYPE_MISMATCH'],
    ['ES256 listed for an RSA key', es256, keys.rsa.publicPem, { algorithms: ['ES256'] }, J, 'ERR_KEY_TYPE_MISMATCH'],
    ['ES256 listed for a P-384 key', es256, keys.p384.publicPem, { algorithms: ['ES256'] }, J, 'ERR_KEY_TYPE_MISMATCH'],
    // options
    ['clockTimestamp a string', token, secret, { clockTimestamp: '1' }, J, 'ERR_JWT_INVALID_OPTION'],
    ['nonce blank', token, secret, { nonce: ' ' }, J, 'ERR_JWT_INVALID_OPTION'],
    ['nonce a number', token, secret, { nonce: 1 }, J, 'ERR_JWT_INVALID_OPTION'],
    [
      'allowInvalidAsymmetricKeyTypes a string',
      token,
      secret,
      { allowInvalidAsymmetricKeyTypes: 'y' },
      J,
      'ERR_JWT_INVALID_OPTION',
    ],
    ['maxAge not a timespan', token, secret, { maxAge: 'old' }, J, 'ERR_JWT_INVALID_OPTION'],
    ['maxAge an object', token, secret, { maxAge: {} }, J, 'ERR_JWT_INVALID_OPTION'],
    // claims
    ['exp not a number', hs256({ exp: '1' }), secret, {}, J, 'ERR_JWT_CLAIM_INVALID'],
    ['exp null', hs256({ exp: null }), secret, {}, J, 'ERR_JWT_CLAIM_INVALID'],
    ['nbf not a number', hs256({ nbf: '1' }), secret, {}, J, 'ERR_JWT_CLAIM_INVALID'],
    ['maxAge without iat', hs256({ a: 1 }), secret, { maxAge: 60 }, J, 'ERR_JWT_CLAIM_INVALID'],
    ['maxAge with a string iat', hs256({ iat: '1' }), secret, { maxAge: 60 }, J, 'ERR_JWT_CLAIM_INVALID'],
    ['expired', token, secret, { clockTimestamp: NOW + 60 }, TokenExpiredError, 'ERR_JWT_EXPIRED'],
    [
      'expired beyond the tolerance',
      token,
      secret,
      { clockTimestamp: NOW + 65, clockTolerance: 5 },
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
    ],
    ['a negative exp', hs256({ exp: -1 }), secret, {}, TokenExpiredError, 'ERR_JWT_EXPIRED'],
    ['maxAge exceeded (number)', token, secret, { maxAge: 10 }, TokenExpiredError, 'ERR_JWT_EXPIRED'],
    ['maxAge exceeded (string)', token, secret, { maxAge: '5s' }, TokenExpiredError, 'ERR_JWT_EXPIRED'],
    [
      'maxAge exceeded beyond the tolerance',
      token,
      secret,
      { maxAge: 5, clockTolerance: 4 },
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
    ],
    ['not active yet', token, secret, { clockTimestamp: NOW - 11 }, NotBeforeError, 'ERR_JWT_NOT_ACTIVE'],
    [
      'nbf before exp in the checks',
      hs256({ nbf: NOW + 10, exp: NOW - 10 }),
      secret,
      {},
      NotBeforeError,
      'ERR_JWT_NOT_ACTIVE',
    ],
    ['audience string', token, secret, { audience: 'other' }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['audience array', token, secret, { audience: ['x', 'y'] }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['audience RegExp', token, secret, { audience: /^x/ }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['audience mixed', token, secret, { audience: ['x', /^API$/] }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['audience and no aud', hs256({ a: 1 }), secret, { audience: 'api' }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['issuer string', token, secret, { issuer: 'other' }, J, 'ERR_JWT_ISSUER_INVALID'],
    ['issuer array', token, secret, { issuer: ['x', 'y'] }, J, 'ERR_JWT_ISSUER_INVALID'],
    ['subject', token, secret, { subject: 'u2' }, J, 'ERR_JWT_SUBJECT_INVALID'],
    ['jwtid', token, secret, { jwtid: 'id-2' }, J, 'ERR_JWT_JWTID_INVALID'],
    ['nonce', token, secret, { nonce: 'n-2' }, J, 'ERR_JWT_NONCE_INVALID'],
    // several faults: the first one jsonwebtoken finds
    ['options before the token', 5, secret, { nonce: '' }, J, 'ERR_JWT_INVALID_OPTION'],
    ['the token before the key', 'a.b', { foo: 1 }, {}, J, 'ERR_JWT_MALFORMED'],
    [
      'the signature before the claims',
      tampered,
      'wrong',
      { clockTimestamp: NOW + 3600 },
      J,
      'ERR_JWS_SIGNATURE_INVALID',
    ],
    [
      'exp before audience',
      token,
      secret,
      { clockTimestamp: NOW + 60, audience: 'x' },
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
    ],
    ['audience before issuer', token, secret, { audience: 'x', issuer: 'y' }, J, 'ERR_JWT_AUDIENCE_INVALID'],
    ['nonce before maxAge', token, secret, { nonce: 'x', maxAge: 1 }, J, 'ERR_JWT_NONCE_INVALID'],
  ]

  test.each(cases)('%s', async (_title, input, key, options, ErrorClass, code) => {
    const expected = thrown(() => reference.verify(input, key, options))
    const err = thrown(() => jwt.verify(input, key, options))
    expect(err).toBeInstanceOf(ErrorClass)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ name: ErrorClass.name, code, message: expected.message })
    if (ErrorClass === TokenExpiredError) expect(err.expiredAt).toStrictEqual(expected.expiredAt)
    if (ErrorClass === NotBeforeError) expect(err.date).toStrictEqual(expected.date)
    // The callback form reports the same error.
    await expect(verifyWithCallback(input, key, options)).rejects.toMatchObject({ code, message: expected.message })
  })

  test('expiredAt and date are Dates of the claim', () => {
    const expired = thrown(() => jwt.verify(token, secret, { clockTimestamp: NOW + 3600 }))
    expect(expired.expiredAt).toBeInstanceOf(Date)
    expect(expired.expiredAt.getTime()).toBe((NOW + 60) * 1000)
    const tooOld = thrown(() => jwt.verify(token, secret, { maxAge: 5 }))
    expect(tooOld.expiredAt.getTime()).toBe((NOW - 5) * 1000)
    const early = thrown(() => jwt.verify(token, secret, { clockTimestamp: NOW - 3600 }))
    expect(early.date).toBeInstanceOf(Date)
    expect(early.date.getTime()).toBe((NOW - 10) * 1000)
  })

  // Where ringjwt is deliberately stricter (docs/migrating.md and docs/security.md, "Security defaults").
  test.each([
    [
      'an ES384 token and a P-256 key',
      jwt.sign({}, keys.p384.privatePem, { algorithm: 'ES384' }),
      keys.p256.publicPem,
      {},
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
    ['a duplicate claim', hs256('{"exp":1,"exp":99999999999}'), secret, {}, 'ERR_JWT_MALFORMED', 'invalid token'],
    ['typ JWT with a payload that is not JSON', hs256('hello'), secret, {}, 'ERR_JWT_MALFORMED', 'invalid token'],
    [
      'a secp256k1 key',
      es256,
      keys.secp256k1.publicPem,
      { algorithms: ['ES256'] },
      'ERR_KEY_UNSUPPORTED',
      'Unsupported elliptic curve "secp256k1".',
    ],
    [
      'algorithms not an array',
      token,
      secret,
      { algorithms: 'HS256' },
      'ERR_JWT_INVALID_OPTION',
      '"algorithms" must be an array of strings',
    ],
    [
      'clockTolerance a string',
      token,
      secret,
      { clockTolerance: '5' },
      'ERR_JWT_INVALID_OPTION',
      '"clockTolerance" must be a number of seconds',
    ],
    [
      'issuer a number',
      token,
      secret,
      { issuer: 5 },
      'ERR_JWT_INVALID_OPTION',
      '"issuer" must be a string or an array of strings',
    ],
    [
      'audience a number',
      token,
      secret,
      { audience: 5 },
      'ERR_JWT_INVALID_OPTION',
      '"audience" must be a string, a RegExp or an array of them',
    ],
    ['subject a number', token, secret, { subject: 5 }, 'ERR_JWT_INVALID_OPTION', '"subject" must be a string'],
  ])('%s', (_title, input, key, options, code, message) => {
    const err = thrown(() => jwt.verify(input, key, options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code, message })
  })
})

describe('options used again', () => {
  test('an options object changed in place between calls is read again', () => {
    const options = { audience: ['api'], clockTimestamp: NOW }
    expect(jwt.verify(token, secret, options)).toEqual(claims)
    options.audience.push('other')
    expect(jwt.verify(token, secret, options)).toEqual(claims)
    options.audience.splice(0, 2, 'other')
    const err = thrown(() => jwt.verify(token, secret, options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID', message: 'jwt audience invalid. expected: other' })
    options.audience = /^no/
    expect(thrown(() => jwt.verify(token, secret, options))).toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID' })
    options.audience = /^web$/
    expect(jwt.verify(token, secret, options)).toEqual(claims)
  })

  test('equal literals on every call give the same answers', () => {
    for (const issuer of [claims.iss, 'someone else', claims.iss]) {
      const run = () => jwt.verify(token, secret, { issuer: [issuer], clockTimestamp: NOW })
      if (issuer === claims.iss) expect(run()).toEqual(claims)
      else expect(thrown(run)).toMatchObject({ code: 'ERR_JWT_ISSUER_INVALID' })
    }
  })
})

describe('ECDSA signatures that verify for any message are refused (CVE-2022-21449)', () => {
  // In the JWS form a signature is r || s, each as long as the curve's order. r = 0 or s = 0, and r or s equal to the
  // order n, are outside [1, n - 1]: a verifier that does not check the range accepts them for every message.
  const curves = [
    ['ES256', keys.p256, 32, 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'],
    [
      'ES384',
      keys.p384,
      48,
      'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ],
    [
      'ES512',
      keys.p521,
      66,
      '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ],
  ]
  const input = (alg) => `${b64({ alg, typ: 'JWT' })}.${b64({ sub: 'admin', iat: NOW })}`
  for (const [alg, key, size, order] of curves) {
    const n = Buffer.from(order, 'hex')
    const one = Buffer.alloc(size)
    one[size - 1] = 1
    const signatures = [
      ['r = s = 0', Buffer.alloc(2 * size)],
      ['r = 0, s = 1', Buffer.concat([Buffer.alloc(size), one])],
      ['r = 1, s = 0', Buffer.concat([one, Buffer.alloc(size)])],
      ['r = s = n', Buffer.concat([n, n])],
    ]
    for (const [name, signature] of signatures) {
      const token = `${input(alg)}.${signature.toString('base64url')}`
      test(`${alg}, ${name}: refused by verify and verifyAsync`, async () => {
        for (const err of [
          thrown(() => jwt.verify(token, key.publicKey, { algorithms: [alg] })),
          await jwt.verifyAsync(token, key.publicKey, { algorithms: [alg] }).catch((e) => e),
        ]) {
          expect(err).toBeInstanceOf(JsonWebTokenError)
          expect(err).toMatchObject({
            name: 'JsonWebTokenError',
            code: 'ERR_JWS_SIGNATURE_INVALID',
            message: 'invalid signature',
          })
        }
      })
    }
  }
})

test('the last-options shortcut reads every option that shapes a verifier', () => {
  // snapshot() and sameOptions() name the options one by one, for speed; one left out would let a verifier made for
  // other options (without `strict`, say) serve the call.
  const { POLICY_OPTIONS, snapshot, sameOptions } = require('../lib/verify')
  expect(Object.keys(snapshot({}))).toEqual(POLICY_OPTIONS)
  for (const name of POLICY_OPTIONS) {
    expect(sameOptions(snapshot({}), { [name]: true })).toBe(false)
    expect(sameOptions(snapshot({ [name]: true }), { [name]: true })).toBe(true)
  }
})
