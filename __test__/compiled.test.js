'use strict'
// createSigner / createVerifier: every option checked at creation (a TypeError with ERR_JWT_INVALID_OPTION), and
// the same tokens, payloads and errors as sign / verify with the same options, sync and async.

const jwt = require('..')
const { keys, secret } = require('./helpers/keys')
const { thrown, rejected } = require('./helpers/assert')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const NOW = 1_700_000_000

beforeEach(() => jest.useFakeTimers({ now: NOW * 1000 }))
afterEach(() => jest.useRealTimers())

const shape = (err) => ({
  class: err.constructor,
  code: err.code,
  message: err.message,
  expiredAt: err.expiredAt,
  date: err.date,
})

const TIMESPAN = 'should be a number of seconds or string representing a timespan'
const SIGNER_SHAPE = `Expected "options" to be a plain object, with the key in it: createSigner({ key, algorithm: 'HS256' })`
const VERIFIER_SHAPE = `Expected "options" to be a plain object, with the key in it: createVerifier({ key, algorithms: ['HS256'] })`

describe('createSigner checks every option at creation', () => {
  const cases = [
    ['options null', null, SIGNER_SHAPE],
    ['options an array', [], SIGNER_SHAPE],
    ['options a string', 'HS256', SIGNER_SHAPE],
    ['a key first, as for sign()', Buffer.from(secret), SIGNER_SHAPE],
    ['an unknown option', { key: secret, foo: 1 }, '"foo" is not allowed in "options"'],
    ['a signal', { key: secret, signal: new AbortController().signal }, '"signal" is not allowed in "options"'],
    ['algorithm', { key: secret, algorithm: 'HS1' }, '"algorithm" must be a valid string enum value'],
    [
      'algorithm in the header',
      { key: secret, header: { alg: 'XX' } },
      '"algorithm" must be a valid string enum value',
    ],
    ['expiresIn: a fraction', { key: secret, expiresIn: 1.5 }, `"expiresIn" ${TIMESPAN}`],
    ['expiresIn: empty', { key: secret, expiresIn: '' }, `"expiresIn" ${TIMESPAN}`],
    ['expiresIn: not a timespan', { key: secret, expiresIn: 'soon' }, `"expiresIn" ${TIMESPAN} eg: "1d", "20h", 60`],
    ['notBefore: a boolean', { key: secret, notBefore: true }, `"notBefore" ${TIMESPAN}`],
    [
      'notBefore: not a timespan',
      { key: secret, notBefore: '1 fortnight' },
      `"notBefore" ${TIMESPAN} eg: "1d", "20h", 60`,
    ],
    ['audience', { key: secret, audience: 5 }, '"audience" must be a string or array'],
    ['header', { key: secret, header: 'x' }, '"header" must be an object'],
    ['encoding', { key: secret, encoding: 5 }, '"encoding" must be a string'],
    ['issuer', { key: secret, issuer: 5 }, '"issuer" must be a string'],
    ['subject', { key: secret, subject: {} }, '"subject" must be a string'],
    ['jwtid', { key: secret, jwtid: 5 }, '"jwtid" must be a string'],
    ['noTimestamp', { key: secret, noTimestamp: 'yes' }, '"noTimestamp" must be a boolean'],
    ['keyid', { key: secret, keyid: 5 }, '"keyid" must be a string'],
    ['mutatePayload', { key: secret, mutatePayload: 1 }, '"mutatePayload" must be a boolean'],
    [
      'allowInsecureKeySizes',
      { key: secret, allowInsecureKeySizes: 'no' },
      '"allowInsecureKeySizes" must be a boolean',
    ],
    [
      'allowInvalidAsymmetricKeyTypes',
      { key: secret, allowInvalidAsymmetricKeyTypes: 0 },
      '"allowInvalidAsymmetricKeyTypes" must be a boolean',
    ],
  ]

  test.each(cases)('%s', (_, options, message) => {
    const err = thrown(() => jwt.createSigner(options))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
  })

  const keyCases = [
    ['no key', {}, 'ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value'],
    ['a number as key', { key: 42 }, 'ERR_KEY_INVALID', 'secretOrPrivateKey is not valid key material'],
    [
      'an RSA key for HS256',
      { key: keys.rsa.privatePem },
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be a symmetric key when using HS256',
    ],
    [
      'a secret for ES256',
      { key: secret, algorithm: 'ES256' },
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be an asymmetric key when using ES256',
    ],
    [
      'a 1024-bit RSA key',
      { key: keys.rsa1024.privateKey, algorithm: 'PS256' },
      'ERR_KEY_TOO_SMALL',
      'secretOrPrivateKey has a minimum key size of 2048 bits for PS256',
    ],
  ]

  test.each(keyCases)('key errors are token errors, also at creation: %s', (_, options, code, message) => {
    const err = thrown(() => jwt.createSigner(options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ name: 'JsonWebTokenError', code, message })
  })
})

describe('createVerifier checks every option at creation', () => {
  const cases = [
    ['options null', null, VERIFIER_SHAPE],
    ['a key first, as for verify()', secret, VERIFIER_SHAPE],
    ['an unknown option', { key: secret, foo: 1 }, '"foo" is not allowed in "options"'],
    ['a signal', { key: secret, signal: new AbortController().signal }, '"signal" is not allowed in "options"'],
    ['a key function', { key: () => secret }, '"key" must be key material; key functions are for verify()'],
    ['algorithms: a string', { key: secret, algorithms: 'HS256' }, '"algorithms" must be an array of strings'],
    ['algorithms: numbers', { key: secret, algorithms: [256] }, '"algorithms" must be an array of strings'],
    ['audience', { key: secret, audience: 5 }, '"audience" must be a string, a RegExp or an array of them'],
    [
      'audience in an array',
      { key: secret, audience: ['api', 5] },
      '"audience" must be a string, a RegExp or an array of them',
    ],
    ['issuer', { key: secret, issuer: [5] }, '"issuer" must be a string or an array of strings'],
    ...['algorithms', 'audience', 'issuer'].map((name) => [
      `${name}: an array of length 2^32 - 1`,
      { key: secret, [name]: Object.assign([], { length: 2 ** 32 - 1, 0: name === 'algorithms' ? 'HS256' : 'api' }) },
      `"${name}" must list at most 10000 values`,
    ]),
    ['subject', { key: secret, subject: 5 }, '"subject" must be a string'],
    ['jwtid', { key: secret, jwtid: true }, '"jwtid" must be a string'],
    ['nonce', { key: secret, nonce: ' ' }, 'nonce must be a non-empty string'],
    ['clockTolerance', { key: secret, clockTolerance: '5' }, '"clockTolerance" must be a number of seconds'],
    ['clockTimestamp', { key: secret, clockTimestamp: 'now' }, 'clockTimestamp must be a number'],
    ['maxAge: not a timespan', { key: secret, maxAge: 'a while' }, `"maxAge" ${TIMESPAN} eg: "1d", "20h", 60`],
    ['maxAge: an object', { key: secret, maxAge: {} }, `"maxAge" ${TIMESPAN} eg: "1d", "20h", 60`],
    ['complete', { key: secret, complete: 'yes' }, '"complete" must be a boolean'],
    ['ignoreExpiration', { key: secret, ignoreExpiration: 1 }, '"ignoreExpiration" must be a boolean'],
    ['ignoreNotBefore', { key: secret, ignoreNotBefore: 'no' }, '"ignoreNotBefore" must be a boolean'],
    ['allowInsecureKeySizes', { key: secret, allowInsecureKeySizes: 1 }, '"allowInsecureKeySizes" must be a boolean'],
    [
      'allowInvalidAsymmetricKeyTypes',
      { key: secret, allowInvalidAsymmetricKeyTypes: 1 },
      '"allowInvalidAsymmetricKeyTypes" must be a boolean',
    ],
    ['cache: zero', { key: secret, cache: 0 }, '"cache" must be a positive integer (the number of tokens to keep)'],
    ['cache: true', { key: secret, cache: true }, '"cache" must be a positive integer (the number of tokens to keep)'],
    [
      'cache: a fraction',
      { key: secret, cache: 2.5 },
      '"cache" must be a positive integer (the number of tokens to keep)',
    ],
    ['cacheTTL', { key: secret, cache: 10, cacheTTL: -1 }, '"cacheTTL" must be a positive number of milliseconds'],
    ['cacheErrors', { key: secret, cache: 10, cacheErrors: 'yes' }, '"cacheErrors" must be a boolean'],
  ]

  test.each(cases)('%s', (_, options, message) => {
    const err = thrown(() => jwt.createVerifier(options))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
  })

  test('PEM text that is not a key is not taken as a secret', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n'
    const err = thrown(() => jwt.createVerifier({ key: pem }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'secretOrPublicKey is not valid key material' })
  })
})

const FAMILIES = [
  ['HS256', secret, secret],
  ['HS512', Buffer.from(secret), Buffer.from(secret)],
  ['RS256', keys.rsa.privatePem, keys.rsa.publicPem],
  ['PS384', keys.rsa.privateKey, keys.rsa.publicKey],
  ['ES256', keys.p256.privatePem, keys.p256.publicPem],
  ['ES384', keys.p384.privateKey, keys.p384.publicKey],
  ['ES512', keys.p521.privatePem, keys.p521.publicPem],
  ['EdDSA', keys.ed25519.privateKey, keys.ed25519.publicKey],
]
const DETERMINISTIC = /^(HS|RS)/

describe.each(FAMILIES)('%s: the same results as sign and verify', (alg, signKey, verifyKey) => {
  const signOptions = {
    algorithm: alg,
    expiresIn: '1h',
    notBefore: -5,
    audience: ['api', 'web'],
    issuer: 'auth',
    subject: 'u1',
    jwtid: 'id-1',
    keyid: 'k1',
    header: { cty: 'claims' },
  }
  const verifyOptions = { algorithms: [alg], audience: /^ap/, issuer: ['auth', 'other'], subject: 'u1', maxAge: '2h' }
  const payload = { scope: 'read', n: 1, nested: { ok: true } }

  test('sign, and signAsync, give the token sign gives', async () => {
    const signer = jwt.createSigner({ key: signKey, ...signOptions })
    expect(signer.algorithm).toBe(alg)
    const expected = jwt.sign(payload, signKey, signOptions)
    for (const token of [signer.sign(payload), await signer.signAsync(payload)]) {
      if (DETERMINISTIC.test(alg)) expect(token).toBe(expected)
      expect(jwt.decode(token, { complete: true }).header).toEqual(jwt.decode(expected, { complete: true }).header)
      expect(jwt.verify(token, verifyKey)).toEqual(jwt.verify(expected, verifyKey))
    }
    // The caller's object is left as it was.
    expect(payload).toEqual({ scope: 'read', n: 1, nested: { ok: true } })
  })

  test('verify, and verifyAsync, give the payload verify gives', async () => {
    const token = jwt.sign(payload, signKey, signOptions)
    const expected = jwt.verify(token, verifyKey, verifyOptions)
    expect(expected).toMatchObject({ ...payload, iat: NOW, nbf: NOW - 5, exp: NOW + 3600 })
    const verifier = jwt.createVerifier({ key: verifyKey, ...verifyOptions })
    expect(verifier.verify(token)).toEqual(expected)
    expect(await verifier.verifyAsync(token)).toEqual(expected)

    const complete = jwt.createVerifier({ key: verifyKey, ...verifyOptions, complete: true })
    const completeExpected = jwt.verify(token, verifyKey, { ...verifyOptions, complete: true })
    expect(complete.verify(token)).toEqual(completeExpected)
    expect(await complete.verifyAsync(token)).toEqual(completeExpected)
  })

  const errorCases = [
    ['expired', { expiresIn: 10 }, {}, 20, TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired'],
    ['not active', { notBefore: 60 }, {}, 0, NotBeforeError, 'ERR_JWT_NOT_ACTIVE', 'jwt not active'],
    ['maxAge exceeded', {}, { maxAge: '10s' }, 10, TokenExpiredError, 'ERR_JWT_EXPIRED', 'maxAge exceeded'],
    [
      'wrong audience',
      { audience: 'web' },
      { audience: 'api' },
      0,
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: api',
    ],
    [
      'wrong issuer',
      { issuer: 'x' },
      { issuer: 'auth' },
      0,
      JsonWebTokenError,
      'ERR_JWT_ISSUER_INVALID',
      'jwt issuer invalid. expected: auth',
    ],
    [
      'algorithm not allowed',
      {},
      { algorithms: ['HS384'] },
      0,
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
  ]

  test.each(errorCases)('errors equal: %s', async (_, signExtra, verifyExtra, wait, Class, code, message) => {
    const token = jwt.sign(payload, signKey, { algorithm: alg, ...signExtra })
    jest.setSystemTime((NOW + wait) * 1000)
    const options = { algorithms: [alg], ...verifyExtra }
    const expected = thrown(() => jwt.verify(token, verifyKey, options))
    const verifier = jwt.createVerifier({ key: verifyKey, ...options })
    const errors = [thrown(() => verifier.verify(token)), await rejected(verifier.verifyAsync(token))]
    for (const err of errors) {
      expect(err).toBeInstanceOf(Class)
      expect(err).toMatchObject({ code, message })
      expect(shape(err)).toEqual(shape(expected))
    }
  })

  test('a changed signature fails as in verify', async () => {
    const token = jwt.sign(payload, signKey, { algorithm: alg })
    const [head, body, signature] = token.split('.')
    const i = signature.length >> 1
    const tampered = `${head}.${body}.${signature.slice(0, i)}${signature[i] === 'A' ? 'B' : 'A'}${signature.slice(i + 1)}`
    const verifier = jwt.createVerifier({ key: verifyKey })
    for (const err of [thrown(() => verifier.verify(tampered)), await rejected(verifier.verifyAsync(tampered))]) {
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
      expect(shape(err)).toEqual(shape(thrown(() => jwt.verify(tampered, verifyKey))))
    }
  })
})

describe('compiled signer payload handling', () => {
  test('string and Buffer payloads, noTimestamp, mutatePayload and encoding as in sign', () => {
    const cases = [
      ['text', {}],
      [Buffer.from('bytes'), {}],
      [{ a: 1 }, { noTimestamp: true }],
      [{ a: 'é' }, { encoding: 'latin1' }],
    ]
    for (const [payload, options] of cases) {
      expect(jwt.createSigner({ key: secret, ...options }).sign(payload)).toBe(jwt.sign(payload, secret, options))
    }
    const mine = { a: 1 }
    jwt.createSigner({ key: secret, mutatePayload: true, expiresIn: 60 }).sign(mine)
    expect(mine).toEqual({ a: 1, iat: NOW, exp: NOW + 60 })
  })

  const payloadErrors = [
    ['no payload', {}, undefined, 'ERR_JWT_PAYLOAD_INVALID', 'payload is required'],
    [
      'exp and expiresIn',
      { expiresIn: 60 },
      { exp: NOW + 5 },
      'ERR_JWT_PAYLOAD_INVALID',
      'Bad "options.expiresIn" option the payload already has an "exp" property.',
    ],
    [
      'a claim an option also sets',
      { issuer: 'auth' },
      { iss: 'me' },
      'ERR_JWT_PAYLOAD_INVALID',
      'Bad "options.issuer" option. The payload already has an "iss" property.',
    ],
    ['a non-numeric iat', {}, { iat: 'now' }, 'ERR_JWT_PAYLOAD_INVALID', '"iat" should be a number of seconds'],
    [
      'expiresIn on a string payload',
      { expiresIn: 60 },
      'text',
      'ERR_JWT_INVALID_OPTION',
      'invalid expiresIn option for string payload',
    ],
  ]

  test.each(payloadErrors)('payload errors equal those of sign: %s', async (_, options, payload, code, message) => {
    const expected = thrown(() => jwt.sign(payload, secret, options))
    const signer = jwt.createSigner({ key: secret, ...options })
    for (const err of [thrown(() => signer.sign(payload)), await rejected(signer.signAsync(payload))]) {
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code, message })
      expect(shape(err)).toEqual(shape(expected))
    }
  })
})

describe('compiled verifier without a key', () => {
  test('takes unsigned tokens only when "none" is listed, as verify does', () => {
    const unsigned = jwt.sign({ a: 1 }, null, { algorithm: 'none' })
    expect(jwt.createVerifier({ algorithms: ['none'] }).verify(unsigned)).toEqual({ a: 1, iat: NOW })
    const err = thrown(() => jwt.createVerifier({}).verify(unsigned))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(shape(err)).toEqual(shape(thrown(() => jwt.verify(unsigned, undefined))))
    expect(err.code).toBe('ERR_JWS_UNSIGNED_NOT_ALLOWED')
  })

  test('refuses a signed token as verify does without a key', () => {
    const err = thrown(() => jwt.createVerifier({}).verify(jwt.sign({ a: 1 }, secret)))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_REQUIRED', message: 'secret or public key must be provided' })
  })
})

describe('token argument errors', () => {
  const verifier = jwt.createVerifier({ key: secret })
  test.each([
    ['no token', undefined, 'ERR_JWT_REQUIRED', 'jwt must be provided'],
    ['a number', 42, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    ['two parts', 'a.b', 'ERR_JWT_MALFORMED', 'jwt malformed'],
  ])('%s', async (_, token, code, message) => {
    for (const err of [thrown(() => verifier.verify(token)), await rejected(verifier.verifyAsync(token))]) {
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code, message })
      expect(shape(err)).toEqual(shape(thrown(() => jwt.verify(token, secret))))
    }
  })
})

describe('AbortSignal on the compiled methods', () => {
  test('an aborted signal rejects before any work', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    const signer = jwt.createSigner({ key: keys.rsa.privateKey, algorithm: 'RS256' })
    const verifier = jwt.createVerifier({ key: keys.rsa.publicKey })
    const token = signer.sign({ a: 1 })
    expect(await rejected(signer.signAsync({ a: 1 }, { signal: controller.signal }))).toBe(reason)
    expect(await rejected(verifier.verifyAsync(token, { signal: controller.signal }))).toBe(reason)
  })

  test('a signal that is not an AbortSignal is an option error', async () => {
    const signer = jwt.createSigner({ key: secret })
    const err = await rejected(signer.signAsync({ a: 1 }, { signal: true }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: '"signal" must be an AbortSignal' })
  })
})
