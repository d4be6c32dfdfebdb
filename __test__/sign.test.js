'use strict'
// sign(): every option and every error, checked against the npm `jsonwebtoken` package for the same input.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { keys, secret, signingKeyFor } = require('./helpers/keys')
const { thrown, rejected } = require('./helpers/assert')

const { JsonWebTokenError } = jwt
const NOW = 1_700_000_000

// A frozen clock for `iat`; fake timers also prove the callback form needs no timer to complete.
beforeEach(() => jest.useFakeTimers({ now: NOW * 1000 }))
afterEach(() => jest.useRealTimers())

const part = (token, index) => Buffer.from(token.split('.')[index], 'base64url').toString()

function signWithCallback(...args) {
  return new Promise((resolve, reject) => jwt.sign(...args, (err, token) => (err ? reject(err) : resolve(token))))
}

describe('claims set from options', () => {
  test.each([
    ['no options', { sub: 'u1' }, {}, { sub: 'u1', iat: NOW }],
    ['expiresIn as a number of seconds', {}, { expiresIn: 60 }, { iat: NOW, exp: NOW + 60 }],
    ['expiresIn 0', {}, { expiresIn: 0 }, { iat: NOW, exp: NOW }],
    ['expiresIn "2h"', {}, { expiresIn: '2h' }, { iat: NOW, exp: NOW + 7200 }],
    ['expiresIn "7d"', {}, { expiresIn: '7d' }, { iat: NOW, exp: NOW + 7 * 86400 }],
    ['expiresIn "10 s"', {}, { expiresIn: '10 s' }, { iat: NOW, exp: NOW + 10 }],
    ['expiresIn "-3s"', {}, { expiresIn: '-3s' }, { iat: NOW, exp: NOW - 3 }],
    ['expiresIn bare "120" (milliseconds)', {}, { expiresIn: '120' }, { iat: NOW, exp: NOW }],
    ['expiresIn bare "2500" (milliseconds)', {}, { expiresIn: '2500' }, { iat: NOW, exp: NOW + 2 }],
    ['notBefore as a number of seconds', {}, { notBefore: 30 }, { iat: NOW, nbf: NOW + 30 }],
    ['notBefore "1m"', {}, { notBefore: '1m' }, { iat: NOW, nbf: NOW + 60 }],
    ['notBefore -10', {}, { notBefore: -10 }, { iat: NOW, nbf: NOW - 10 }],
    [
      'times count from the payload iat',
      { iat: 1000 },
      { expiresIn: 60, notBefore: '5s' },
      { iat: 1000, nbf: 1005, exp: 1060 },
    ],
    ['audience as a string', {}, { audience: 'api' }, { iat: NOW, aud: 'api' }],
    ['audience as an array', {}, { audience: ['api', 'web'] }, { iat: NOW, aud: ['api', 'web'] }],
    ['issuer', {}, { issuer: 'auth' }, { iat: NOW, iss: 'auth' }],
    ['subject', {}, { subject: 'u1' }, { iat: NOW, sub: 'u1' }],
    ['jwtid', {}, { jwtid: 'id-1' }, { iat: NOW, jti: 'id-1' }],
    ['noTimestamp', { a: 1 }, { noTimestamp: true }, { a: 1 }],
    ['noTimestamp drops a payload iat after using it', { iat: 5 }, { noTimestamp: true, expiresIn: 10 }, { exp: 15 }],
    ['noTimestamp false', { a: 1 }, { noTimestamp: false }, { a: 1, iat: NOW }],
    [
      'Number objects as time claims (lodash isNumber takes them)',
      { iat: new Number(1000), exp: new Number(2000) },
      { notBefore: 5 },
      { iat: 1000, exp: 2000, nbf: 1005 },
    ],
    [
      'every claim option together',
      { scope: 'read' },
      { expiresIn: '1h', notBefore: 0, audience: 'api', issuer: 'auth', subject: 'u1', jwtid: 'j' },
      { scope: 'read', iat: NOW, nbf: NOW, exp: NOW + 3600, aud: 'api', iss: 'auth', sub: 'u1', jti: 'j' },
    ],
  ])('%s', (_title, payload, options, claims) => {
    const token = jwt.sign(payload, secret, options)
    expect(JSON.parse(part(token, 1))).toStrictEqual(claims)
    expect(token).toBe(reference.sign(payload, secret, options))
  })

  test('the payload object is copied unless mutatePayload is set', () => {
    const payload = { sub: 'u1' }
    jwt.sign(payload, secret, { expiresIn: 60, audience: 'api' })
    expect(payload).toStrictEqual({ sub: 'u1' })
    jwt.sign(payload, secret, { expiresIn: 60, audience: 'api', mutatePayload: true })
    expect(payload).toStrictEqual({ sub: 'u1', iat: NOW, exp: NOW + 60, aud: 'api' })
  })

  // jsonwebtoken's sloppy-mode code drops the claim without a word; here it is JavaScript's TypeError, with a code.
  test.each([
    ['frozen', Object.freeze({ sub: 'u1' }), {}, 'iat'],
    ['sealed, with expiresIn and no iat', Object.seal({ sub: 'u1' }), { expiresIn: 60, noTimestamp: true }, 'exp'],
  ])('mutatePayload with a %s payload is a TypeError with a code', async (_title, payload, options, claim) => {
    const message = `Cannot add property ${claim}, object is not extensible`
    const signer = jwt.createSigner({ key: secret, mutatePayload: true, ...options })
    const failures = [
      thrown(() => jwt.sign(payload, secret, { mutatePayload: true, ...options })),
      thrown(() => signer.sign(payload)),
      await rejected(jwt.signAsync(payload, secret, { mutatePayload: true, ...options })),
      await rejected(signer.signAsync(payload)),
    ]
    for (const err of failures) {
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ name: 'TypeError', code: 'ERR_JWT_PAYLOAD_INVALID', message })
    }
    expect(payload).toStrictEqual({ sub: 'u1' })
  })

  test('an object made from Number.prototype is not a Number: refused as jsonwebtoken refuses it', () => {
    const payload = { exp: Object.create(Number.prototype) }
    const err = thrown(() => jwt.sign(payload, secret))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_PAYLOAD_INVALID', message: '"exp" should be a number of seconds' })
    expect(thrown(() => reference.sign(payload, secret)).message).toBe(err.message)
  })

  test('a payload with iat 0 gets the current time, as in jsonwebtoken', () => {
    const token = jwt.sign({ iat: 0 }, secret)
    expect(JSON.parse(part(token, 1))).toStrictEqual({ iat: NOW })
    expect(token).toBe(reference.sign({ iat: 0 }, secret))
  })
})

describe('header', () => {
  test.each([
    ['object payload', { a: 1 }, {}, '{"alg":"HS256","typ":"JWT"}'],
    ['keyid becomes kid after typ', { a: 1 }, { keyid: 'k1' }, '{"alg":"HS256","typ":"JWT","kid":"k1"}'],
    [
      'header members are appended',
      { a: 1 },
      { header: { cty: 'x', jku: 'u' } },
      '{"alg":"HS256","typ":"JWT","cty":"x","jku":"u"}',
    ],
    [
      "header kid wins over keyid in kid's place",
      { a: 1 },
      { keyid: 'k1', header: { x5t: 't', kid: 'k2' } },
      '{"alg":"HS256","typ":"JWT","kid":"k2","x5t":"t"}',
    ],
    ['header typ replaces JWT', { a: 1 }, { header: { typ: 'at+jwt' } }, '{"alg":"HS256","typ":"at+jwt"}'],
    [
      'header alg overrides algorithm',
      { a: 1 },
      { algorithm: 'HS256', header: { alg: 'HS512' } },
      '{"alg":"HS512","typ":"JWT"}',
    ],
    ['algorithm', { a: 1 }, { algorithm: 'HS384' }, '{"alg":"HS384","typ":"JWT"}'],
    ['string payload: no typ', 'hello', {}, '{"alg":"HS256"}'],
    ['Buffer payload: no typ', Buffer.from('hello'), {}, '{"alg":"HS256"}'],
    ['string payload with keyid', 'hello', { keyid: 'k' }, '{"alg":"HS256","kid":"k"}'],
    ['string payload with an explicit typ', 'hello', { header: { typ: 'JWT' } }, '{"alg":"HS256","typ":"JWT"}'],
  ])('%s', (_title, payload, options, header) => {
    const token = jwt.sign(payload, secret, options)
    expect(part(token, 0)).toBe(header)
    expect(token).toBe(reference.sign(payload, secret, options))
  })

  test('string and Buffer payloads are signed as given, with no claims added', () => {
    expect(part(jwt.sign('hello', secret), 1)).toBe('hello')
    expect(part(jwt.sign(Buffer.from('{"a":1}'), secret), 1)).toBe('{"a":1}')
  })
})

describe('algorithm and keys', () => {
  test.each([
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
  ])('%s', (algorithm) => {
    const key = signingKeyFor(algorithm)
    const token = jwt.sign({ sub: 'u1' }, key.sign, { algorithm })
    expect(JSON.parse(part(token, 0))).toStrictEqual({ alg: algorithm, typ: 'JWT' })
    expect(jwt.verify(token, key.verify, { algorithms: [algorithm] })).toStrictEqual({ sub: 'u1', iat: NOW })
  })

  test('RSA signatures are byte-identical to jsonwebtoken', () => {
    const options = { algorithm: 'RS256', keyid: 'r1', expiresIn: '1h' }
    expect(jwt.sign({ sub: 'u1' }, keys.rsa.privatePem, options)).toBe(
      reference.sign({ sub: 'u1' }, keys.rsa.privatePem, options),
    )
  })

  test('algorithm none needs no key and has an empty signature', () => {
    const token = jwt.sign({ a: 1 }, null, { algorithm: 'none' })
    expect(token).toBe(reference.sign({ a: 1 }, null, { algorithm: 'none' }))
    expect(token.endsWith('.')).toBe(true)
  })

  test('algorithm none with an asymmetric key is refused, as jsonwebtoken refuses it; a secret goes unused', () => {
    const lists = {
      rsa: 'RS256, PS256, RS384, PS384, RS512, PS512',
      ec: 'ES256, ES384, ES512',
    }
    const cases = [
      ['rsa', keys.rsa.privatePem, { algorithm: 'none' }],
      ['rsa', keys.rsa.privateKey, { algorithm: 'none' }],
      ['rsa', keys.rsa.publicKey, { algorithm: 'none' }],
      ['rsa', keys.rsa.privateKey, { algorithm: 'RS256', header: { alg: 'none' } }],
      ['rsa', keys.rsa.privateKey, { algorithm: 'none', allowInvalidAsymmetricKeyTypes: true }],
      ['ec', keys.p256.privatePem, { algorithm: 'none' }],
    ]
    for (const [type, key, options] of cases) {
      const message = `"alg" parameter for "${type}" key type must be one of: ${lists[type]}.`
      for (const err of [
        thrown(() => jwt.sign({ a: 1 }, key, options)),
        thrown(() => jwt.createSigner({ key, ...options })),
      ]) {
        expect(err).toBeInstanceOf(JsonWebTokenError)
        expect(err).toMatchObject({ code: 'ERR_KEY_TYPE_MISMATCH', message })
      }
      if (!options.allowInvalidAsymmetricKeyTypes) {
        expect(thrown(() => reference.sign({ a: 1 }, key, options)).message).toBe(message)
      }
    }
    const ed = thrown(() => jwt.sign({ a: 1 }, keys.ed25519.privateKey, { algorithm: 'none' }))
    expect(ed).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: '"alg" parameter for "ed25519" key type must be one of: EdDSA.',
    })
    expect(jwt.sign({ a: 1 }, secret, { algorithm: 'none' })).toBe(
      reference.sign({ a: 1 }, secret, { algorithm: 'none' }),
    )
  })

  test('allowInvalidAsymmetricKeyTypes is accepted; key type and curve are still enforced', () => {
    const token = jwt.sign({}, keys.p256.privatePem, { algorithm: 'ES256', allowInvalidAsymmetricKeyTypes: true })
    expect(jwt.verify(token, keys.p256.publicPem)).toStrictEqual({ iat: NOW })
    const err = thrown(() =>
      jwt.sign({}, keys.p384.privatePem, { algorithm: 'ES256', allowInvalidAsymmetricKeyTypes: true }),
    )
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: '"alg" parameter "ES256" requires curve "prime256v1".',
    })
  })
})

describe('encoding', () => {
  test.each([
    ['an object payload', { name: 'é' }],
    ['a string payload', 'é'],
  ])("latin1 for %s gives jsonwebtoken's bytes", (_title, payload) => {
    const options = typeof payload === 'string' ? { encoding: 'latin1' } : { encoding: 'latin1', noTimestamp: true }
    const token = jwt.sign(payload, secret, options)
    expect(token).toBe(reference.sign(payload, secret, options))
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
    expect(Buffer.from(token.split('.')[1], 'base64url')).toEqual(Buffer.from(text, 'latin1'))
  })

  test('utf8 is the default', () => {
    expect(jwt.sign('é', secret, { encoding: 'utf8' })).toBe(jwt.sign('é', secret))
  })
})

describe('callback form', () => {
  test.each(['HS256', 'RS256', 'ES256', 'EdDSA'])('%s calls back with fake timers installed', async (algorithm) => {
    const key = signingKeyFor(algorithm).sign
    const token = await signWithCallback({ sub: 'u1' }, key, { algorithm })
    expect(jwt.verify(token, signingKeyFor(algorithm).verify)).toStrictEqual({ sub: 'u1', iat: NOW })
    expect(jest.getTimerCount()).toBe(0)
  })

  test('options may be left out', async () => {
    await expect(
      new Promise((resolve) => jwt.sign({ a: 1 }, secret, (err, token) => resolve([err, token]))),
    ).resolves.toEqual([null, jwt.sign({ a: 1 }, secret)])
  })

  test('a claim conflict is reported once', async () => {
    const callback = jest.fn()
    jwt.sign({ aud: 'a' }, secret, { audience: 'b' }, callback)
    await Promise.resolve()
    expect(callback).toHaveBeenCalledTimes(1)
    expect(callback.mock.calls[0][0]).toMatchObject({
      code: 'ERR_JWT_PAYLOAD_INVALID',
      message: 'Bad "options.audience" option. The payload already has an "aud" property.',
    })
  })
})

describe('errors, as jsonwebtoken reports them', () => {
  const payload = { sub: 'u1' }
  const cases = [
    // key
    ['no key', payload, undefined, {}, 'ERR_KEY_REQUIRED'],
    ['empty string key', payload, '', {}, 'ERR_KEY_REQUIRED'],
    ['null key', payload, null, {}, 'ERR_KEY_REQUIRED'],
    ['a number as key', payload, 123, {}, 'ERR_KEY_INVALID'],
    ['an object that is no key', payload, { foo: 1 }, {}, 'ERR_KEY_INVALID'],
    ['HS256 with an RSA private key', payload, keys.rsa.privatePem, {}, 'ERR_KEY_TYPE_MISMATCH'],
    ['HS256 with an RSA public KeyObject', payload, keys.rsa.publicKey, {}, 'ERR_KEY_TYPE_MISMATCH'],
    ['RS256 with a secret', payload, secret, { algorithm: 'RS256' }, 'ERR_KEY_TYPE_MISMATCH'],
    ['RS256 with a public key', payload, keys.rsa.publicKey, { algorithm: 'RS256' }, 'ERR_KEY_TYPE_MISMATCH'],
    ['ES256 with an RSA key', payload, keys.rsa.privatePem, { algorithm: 'ES256' }, 'ERR_KEY_TYPE_MISMATCH'],
    ['RS256 with an EC key', payload, keys.p256.privatePem, { algorithm: 'RS256' }, 'ERR_KEY_TYPE_MISMATCH'],
    ['ES256 with a P-384 key', payload, keys.p384.privatePem, { algorithm: 'ES256' }, 'ERR_KEY_TYPE_MISMATCH'],
    [
      'ES512 with a P-256 JWK',
      payload,
      { key: keys.p256.privateJwk, format: 'jwk' },
      { algorithm: 'ES512' },
      'ERR_KEY_TYPE_MISMATCH',
    ],
    ['RS256 with a 1024-bit key', payload, keys.rsa1024.privatePem, { algorithm: 'RS256' }, 'ERR_KEY_TOO_SMALL'],
    ['PS256 with a 1024-bit key', payload, keys.rsa1024.privateKey, { algorithm: 'PS256' }, 'ERR_KEY_TOO_SMALL'],
    // options
    ['an unknown option', payload, secret, { expiresin: 60 }, 'ERR_JWT_INVALID_OPTION'],
    ['options that are an array', payload, secret, [], 'ERR_JWT_INVALID_OPTION'],
    ['options that are a string', payload, secret, 'HS256', 'ERR_JWT_INVALID_OPTION'],
    ['an unknown algorithm', payload, secret, { algorithm: 'HS1' }, 'ERR_JWT_INVALID_OPTION'],
    ['expiresIn with a fraction', payload, secret, { expiresIn: 1.5 }, 'ERR_JWT_INVALID_OPTION'],
    ['expiresIn empty', payload, secret, { expiresIn: '' }, 'ERR_JWT_INVALID_OPTION'],
    ['expiresIn NaN', payload, secret, { expiresIn: NaN }, 'ERR_JWT_INVALID_OPTION'],
    ['expiresIn an object', payload, secret, { expiresIn: {} }, 'ERR_JWT_INVALID_OPTION'],
    ['expiresIn not a timespan', payload, secret, { expiresIn: 'soon' }, 'ERR_JWT_INVALID_OPTION'],
    ['notBefore not a timespan', payload, secret, { notBefore: 'later' }, 'ERR_JWT_INVALID_OPTION'],
    ['notBefore with a fraction', payload, secret, { notBefore: 0.5 }, 'ERR_JWT_INVALID_OPTION'],
    ['audience a number', payload, secret, { audience: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['header an array', payload, secret, { header: [] }, 'ERR_JWT_INVALID_OPTION'],
    ['encoding a number', payload, secret, { encoding: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['issuer a number', payload, secret, { issuer: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['subject a number', payload, secret, { subject: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['jwtid a number', payload, secret, { jwtid: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['noTimestamp a string', payload, secret, { noTimestamp: 'yes' }, 'ERR_JWT_INVALID_OPTION'],
    ['keyid a number', payload, secret, { keyid: 1 }, 'ERR_JWT_INVALID_OPTION'],
    ['mutatePayload a string', payload, secret, { mutatePayload: 'yes' }, 'ERR_JWT_INVALID_OPTION'],
    ['allowInsecureKeySizes a number', payload, secret, { allowInsecureKeySizes: 1 }, 'ERR_JWT_INVALID_OPTION'],
    [
      'allowInvalidAsymmetricKeyTypes a string',
      payload,
      secret,
      { allowInvalidAsymmetricKeyTypes: 'y' },
      'ERR_JWT_INVALID_OPTION',
    ],
    [
      'claim options with a string payload',
      'text',
      secret,
      { expiresIn: 60, audience: 'a', noTimestamp: true },
      'ERR_JWT_INVALID_OPTION',
    ],
    ['claim options with a Buffer payload', Buffer.from('x'), secret, { issuer: 'a' }, 'ERR_JWT_INVALID_OPTION'],
    // payload
    ['no payload', undefined, secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['a null payload', null, secret, { expiresIn: 60 }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['an array payload', [1], secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['a Date payload', new Date(0), secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['a class instance payload', new (class Claims {})(), secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['iat not a number', { iat: '1' }, secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['exp not a number', { exp: '1' }, secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['nbf not a number', { nbf: null }, secret, {}, 'ERR_JWT_PAYLOAD_INVALID'],
    ['exp and expiresIn', { exp: 1 }, secret, { expiresIn: 60 }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['nbf and notBefore', { nbf: 1 }, secret, { notBefore: 60 }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['aud and audience', { aud: 'a' }, secret, { audience: 'b' }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['iss and issuer', { iss: 'a' }, secret, { issuer: 'b' }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['sub and subject', { sub: 'a' }, secret, { subject: 'b' }, 'ERR_JWT_PAYLOAD_INVALID'],
    ['jti and jwtid', { jti: 'a' }, secret, { jwtid: 'b' }, 'ERR_JWT_PAYLOAD_INVALID'],
    // several faults: the first one jsonwebtoken finds
    [
      'a bad payload before an unknown algorithm',
      { exp: 'x' },
      secret,
      { algorithm: 'nope' },
      'ERR_JWT_PAYLOAD_INVALID',
    ],
    [
      'an unknown option before an unknown algorithm',
      payload,
      secret,
      { foo: 1, algorithm: 'nope' },
      'ERR_JWT_INVALID_OPTION',
    ],
    [
      'a string payload before an unknown algorithm',
      'x',
      secret,
      { algorithm: 'nope', expiresIn: 5 },
      'ERR_JWT_INVALID_OPTION',
    ],
    [
      'the key size before a claim conflict',
      { exp: 1 },
      keys.rsa1024.privatePem,
      { algorithm: 'RS256', expiresIn: 5 },
      'ERR_KEY_TOO_SMALL',
    ],
    [
      'a claim conflict before the curve',
      { exp: 1 },
      keys.p384.privatePem,
      { algorithm: 'ES256', expiresIn: 5 },
      'ERR_JWT_PAYLOAD_INVALID',
    ],
  ]

  test.each(cases)('%s', async (_title, payloadArg, key, options, code) => {
    const expected = thrown(() => reference.sign(payloadArg, key, options))
    const err = thrown(() => jwt.sign(payloadArg, key, options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ name: 'JsonWebTokenError', code, message: expected.message })
    // The callback form reports the same error.
    await expect(signWithCallback(payloadArg, key, options)).rejects.toMatchObject({ code, message: expected.message })
  })

  // Where ringjwt is deliberately stricter (README, "Differences from jsonwebtoken").
  test.each([
    [
      'public key PEM text as an HMAC secret',
      keys.rsa.publicPem,
      {},
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be a symmetric key when using HS256',
    ],
    [
      'an Ed25519 key for RS256',
      keys.ed25519.privatePem,
      { algorithm: 'RS256' },
      'ERR_KEY_TYPE_MISMATCH',
      '"alg" parameter for "ed25519" key type must be one of: EdDSA.',
    ],
    [
      'EdDSA with an EC key',
      keys.p256.privatePem,
      { algorithm: 'EdDSA' },
      'ERR_KEY_TYPE_MISMATCH',
      '"alg" parameter for "ec" key type must be one of: ES256, ES384, ES512.',
    ],
    [
      'a curve the backend does not serve',
      keys.secp256k1.privatePem,
      { algorithm: 'ES256' },
      'ERR_KEY_UNSUPPORTED',
      'Unsupported elliptic curve "secp256k1".',
    ],
    [
      'a secp256k1 KeyObject',
      keys.secp256k1.privateKey,
      { algorithm: 'ES256' },
      'ERR_KEY_UNSUPPORTED',
      'Unsupported elliptic curve "secp256k1".',
    ],
  ])('%s', (_title, key, options, code, message) => {
    const err = thrown(() => jwt.sign(payload, key, options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code, message })
  })

  test("an unknown encoding is jsonwebtoken's TypeError and message, with the option code", () => {
    const expected = thrown(() => reference.sign('x', secret, { encoding: 'bogus' }))
    const err = thrown(() => jwt.sign('x', secret, { encoding: 'bogus' }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: expected.message })
  })
})
