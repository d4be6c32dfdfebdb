'use strict'
// signAsync / verifyAsync: the same tokens, payloads and errors (class, code, message) as sign / verify, for every
// algorithm family, and AbortSignal handling.

const crypto = require('node:crypto')
const { promisify } = require('node:util')
const jwt = require('..')
const { keys, secret } = require('./helpers/keys')
const { thrown, rejected } = require('./helpers/assert')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const NOW = 1_700_000_000

// Time comes from the claims (`iat`) and from `clockTimestamp`: nothing here reads the real clock.
const claims = { sub: 'u1', iss: 'auth', aud: 'api', iat: NOW - 10, exp: NOW + 60 }
const at = (options = {}) => ({ clockTimestamp: NOW, ...options })

const FAMILIES = [
  ['HS256', secret, secret],
  ['HS384', secret, secret],
  ['HS512', Buffer.from(secret), Buffer.from(secret)],
  ['RS256', keys.rsa.privatePem, keys.rsa.publicPem],
  ['RS512', keys.rsa.privateKey, keys.rsa.publicKey],
  ['PS256', keys.rsa.privatePem, keys.rsa.publicPem],
  ['ES256', keys.p256.privatePem, keys.p256.publicPem],
  ['ES384', keys.p384.privateKey, keys.p384.publicKey],
  ['ES512', keys.p521.privatePem, keys.p521.publicPem],
  ['EdDSA', keys.ed25519.privateKey, keys.ed25519.publicKey],
  ['EdDSA', { key: keys.ed25519.privateJwk, format: 'jwk' }, { key: keys.ed25519.publicJwk, format: 'jwk' }],
]
const DETERMINISTIC = /^(HS|RS)/

// The fields an error is compared on; `expiredAt` and `date` for the time errors.
const shape = (err) => ({
  class: err.constructor,
  name: err.name,
  code: err.code,
  message: err.message,
  expiredAt: err.expiredAt,
  date: err.date,
})

describe.each(FAMILIES)('%s', (alg, signKey, verifyKey) => {
  test('signAsync gives what sign gives', async () => {
    const { exp: _exp, ...payload } = claims
    const options = { algorithm: alg, expiresIn: '1h', keyid: 'k1', header: { cty: 'x' } }
    const token = await jwt.signAsync(payload, signKey, options)
    const expected = jwt.sign(payload, signKey, options)
    if (DETERMINISTIC.test(alg)) expect(token).toBe(expected)
    expect(jwt.decode(token, { complete: true }).header).toEqual(jwt.decode(expected, { complete: true }).header)
    expect(jwt.verify(token, verifyKey, at())).toEqual(jwt.verify(expected, verifyKey, at()))
  })

  test('signAsync signs string and Buffer payloads as sign does', async () => {
    const options = { algorithm: alg }
    for (const payload of ['plain text', Buffer.from('bytes')]) {
      const token = await jwt.signAsync(payload, signKey, options)
      expect(jwt.verify(token, verifyKey, at())).toBe(payload.toString())
      if (DETERMINISTIC.test(alg)) expect(token).toBe(jwt.sign(payload, signKey, options))
    }
  })

  test('verifyAsync gives what verify gives, also with complete', async () => {
    const token = jwt.sign(claims, signKey, { algorithm: alg })
    const options = at({ algorithms: [alg], audience: 'api', issuer: 'auth' })
    expect(await jwt.verifyAsync(token, verifyKey, options)).toEqual(jwt.verify(token, verifyKey, options))
    const complete = { ...options, complete: true }
    expect(await jwt.verifyAsync(token, verifyKey, complete)).toEqual(jwt.verify(token, verifyKey, complete))
  })

  const base = { ...claims }
  const verifyErrors = [
    ['expired', { ...base, exp: NOW - 5 }, {}, TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired'],
    ['not active', { ...base, nbf: NOW + 30 }, {}, NotBeforeError, 'ERR_JWT_NOT_ACTIVE', 'jwt not active'],
    [
      'maxAge exceeded',
      { ...base, iat: NOW - 100 },
      { maxAge: 50 },
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'maxAge exceeded',
    ],
    [
      'wrong audience',
      base,
      { audience: 'web' },
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: web',
    ],
    [
      'wrong issuer',
      base,
      { issuer: 'other' },
      JsonWebTokenError,
      'ERR_JWT_ISSUER_INVALID',
      'jwt issuer invalid. expected: other',
    ],
    [
      'wrong subject',
      base,
      { subject: 'u2' },
      JsonWebTokenError,
      'ERR_JWT_SUBJECT_INVALID',
      'jwt subject invalid. expected: u2',
    ],
    [
      'algorithm not allowed',
      base,
      { algorithms: ['none'] },
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
  ]

  test.each(verifyErrors)(
    'verifyAsync rejects as verify throws: %s',
    async (_, payload, options, Class, code, message) => {
      const token = jwt.sign(payload, signKey, { algorithm: alg })
      const expected = thrown(() => jwt.verify(token, verifyKey, at(options)))
      const err = await rejected(jwt.verifyAsync(token, verifyKey, at(options)))
      expect(err).toBeInstanceOf(Class)
      expect(err).toMatchObject({ code, message })
      expect(shape(err)).toEqual(shape(expected))
    },
  )

  test('verifyAsync rejects a changed signature as verify does', async () => {
    const token = jwt.sign(claims, signKey, { algorithm: alg })
    const parts = token.split('.')
    // Flip a character in the middle of the signature: the bytes change whatever the encoding's padding bits.
    const i = parts[2].length >> 1
    parts[2] = parts[2].slice(0, i) + (parts[2][i] === 'A' ? 'B' : 'A') + parts[2].slice(i + 1)
    const tampered = parts.join('.')
    const expected = thrown(() => jwt.verify(tampered, verifyKey, at()))
    const err = await rejected(jwt.verifyAsync(tampered, verifyKey, at()))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID', message: 'invalid signature' })
    expect(shape(err)).toEqual(shape(expected))
  })
})

describe('errors that do not depend on the algorithm', () => {
  const token = jwt.sign(claims, secret)
  const cases = [
    ['no token', undefined, secret, {}, 'ERR_JWT_REQUIRED', 'jwt must be provided'],
    ['a number as token', 42, secret, {}, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    ['not three parts', 'a.b', secret, {}, 'ERR_JWT_MALFORMED', 'jwt malformed'],
    ['no key', token, undefined, {}, 'ERR_KEY_REQUIRED', 'secret or public key must be provided'],
    [
      'an RSA public key for an HS256 token',
      token,
      keys.rsa.publicPem,
      {},
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    ],
    [
      'a bad clockTimestamp',
      token,
      secret,
      { clockTimestamp: 'now' },
      'ERR_JWT_INVALID_OPTION',
      'clockTimestamp must be a number',
    ],
    ['an empty nonce', token, secret, { nonce: ' ' }, 'ERR_JWT_INVALID_OPTION', 'nonce must be a non-empty string'],
  ]

  test.each(cases)('verifyAsync: %s', async (_, input, key, options, code, message) => {
    const expected = thrown(() => jwt.verify(input, key, at(options)))
    const err = await rejected(jwt.verifyAsync(input, key, at(options)))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ name: 'JsonWebTokenError', code, message })
    expect(shape(err)).toEqual(shape(expected))
  })

  test('verifyAsync with a key function resolves as the callback form does', async () => {
    const getKey = (header, callback) => callback(null, header.alg === 'HS256' ? secret : null)
    expect(await jwt.verifyAsync(token, getKey, at())).toEqual(jwt.verify(token, secret, at()))
    const failing = (_header, callback) => callback(new Error('no such kid'))
    const err = await rejected(jwt.verifyAsync(token, failing, at()))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_FUNCTION_FAILED',
      message: 'error in secret or public key callback: no such kid',
    })
  })

  // jsonwebtoken reads only the callback: an async key function's key would never arrive, and its rejection would
  // be left unhandled (Node ends the process on it). Its promise is heard too.
  test('an async key function: its key is used, its rejection is the key function error, in both forms', async () => {
    expect(await jwt.verifyAsync(token, async () => secret, at())).toEqual(jwt.verify(token, secret, at()))
    const viaCallback = await new Promise((resolve) => {
      jwt.verify(
        token,
        async () => secret,
        at(),
        (err, payload) => resolve({ err, payload }),
      )
    })
    expect(viaCallback).toEqual({ err: null, payload: jwt.verify(token, secret, at()) })
    for (const [reason, message] of [
      [new Error('no such kid'), 'error in secret or public key callback: no such kid'],
      [
        undefined,
        'error in secret or public key callback: the key function failed without a reason: its promise rejected ' +
          'with a falsy value',
      ],
    ]) {
      const err = await rejected(jwt.verifyAsync(token, () => Promise.reject(reason), at()))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_KEY_FUNCTION_FAILED', message })
    }
    // One that resolves with nothing and calls back later is waited for.
    const later = async (_header, callback) => {
      setTimeout(() => callback(null, secret), 5)
    }
    expect(await jwt.verifyAsync(token, later, at())).toEqual(jwt.verify(token, secret, at()))
  })

  test('verifyAsync with a key function: aborted before the key arrives, it rejects with the reason at once', async () => {
    const controller = new AbortController()
    let answer
    const slow = (_header, callback) => {
      answer = () => callback(null, secret)
    }
    const pending = jwt.verifyAsync(token, slow, at({ signal: controller.signal }))
    controller.abort()
    const err = await rejected(pending)
    expect(err).toBe(controller.signal.reason)
    expect(err.name).toBe('AbortError')
    answer()
  })

  const signCases = [
    ['no payload', undefined, secret, {}, 'ERR_JWT_PAYLOAD_INVALID', 'payload is required'],
    ['no key', claims, undefined, {}, 'ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value'],
    ['an unknown option', claims, secret, { foo: 1 }, 'ERR_JWT_INVALID_OPTION', '"foo" is not allowed in "options"'],
    [
      'a bad algorithm',
      claims,
      secret,
      { algorithm: 'HS1' },
      'ERR_JWT_INVALID_OPTION',
      '"algorithm" must be a valid string enum value',
    ],
    [
      'a bad expiresIn',
      { sub: 'u1' },
      secret,
      { expiresIn: 'soon' },
      'ERR_JWT_INVALID_OPTION',
      '"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
    ],
    [
      'exp and expiresIn',
      claims,
      secret,
      { expiresIn: 60 },
      'ERR_JWT_PAYLOAD_INVALID',
      'Bad "options.expiresIn" option the payload already has an "exp" property.',
    ],
    [
      'a non-numeric exp',
      { exp: 'tomorrow' },
      secret,
      {},
      'ERR_JWT_PAYLOAD_INVALID',
      '"exp" should be a number of seconds',
    ],
    [
      'a secret for RS256',
      claims,
      secret,
      { algorithm: 'RS256' },
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be an asymmetric key when using RS256',
    ],
    [
      'an RSA key for HS256',
      claims,
      keys.rsa.privatePem,
      { algorithm: 'HS256' },
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPrivateKey must be a symmetric key when using HS256',
    ],
    [
      'a 1024-bit RSA key',
      claims,
      keys.rsa1024.privatePem,
      { algorithm: 'RS256' },
      'ERR_KEY_TOO_SMALL',
      'secretOrPrivateKey has a minimum key size of 2048 bits for RS256',
    ],
    [
      'audience on a string payload',
      'text',
      secret,
      { audience: 'api' },
      'ERR_JWT_INVALID_OPTION',
      'invalid audience option for string payload',
    ],
  ]

  test.each(signCases)('signAsync: %s', async (_, payload, key, options, code, message) => {
    const expected = thrown(() => jwt.sign(payload, key, options))
    const err = await rejected(jwt.signAsync(payload, key, options))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ name: 'JsonWebTokenError', code, message })
    expect(shape(err)).toEqual(shape(expected))
  })

  test('errors are rejections, never synchronous throws', async () => {
    const calls = [jwt.signAsync(undefined, secret), jwt.verifyAsync(undefined, secret)]
    for (const call of calls) expect(call).toBeInstanceOf(Promise)
    const [signError, verifyError] = await Promise.all(calls.map(rejected))
    expect(signError).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_JWT_PAYLOAD_INVALID',
      message: 'payload is required',
    })
    expect(verifyError).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_JWT_REQUIRED',
      message: 'jwt must be provided',
    })
  })
})

describe('AbortSignal', () => {
  const rsaToken = jwt.sign(claims, keys.rsa.privateKey, { algorithm: 'RS256' })

  test('an already aborted signal rejects with an AbortError, before any work', async () => {
    const controller = new AbortController()
    controller.abort()
    const { signal } = controller
    const calls = [
      jwt.signAsync(claims, keys.rsa.privateKey, { algorithm: 'RS256', signal }),
      jwt.signAsync(claims, secret, { signal }),
      jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at({ signal })),
      jwt.verifyAsync(jwt.sign(claims, secret), secret, at({ signal })),
      // Even input that would fail: the abort is checked first.
      jwt.signAsync(undefined, undefined, { signal }),
      jwt.verifyAsync(undefined, undefined, { signal }),
    ]
    for (const call of calls) {
      const err = await rejected(call)
      expect(err).toBe(signal.reason)
      expect(err).toMatchObject({ name: 'AbortError', code: 20, message: 'This operation was aborted' })
    }
  })

  test('an Error given as the abort reason is the rejection', async () => {
    const controller = new AbortController()
    const reason = new Error('shutting down')
    controller.abort(reason)
    const err = await rejected(jwt.signAsync(claims, secret, { signal: controller.signal }))
    expect(err).toBe(reason)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('shutting down')
    expect(await rejected(jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at({ signal: controller.signal })))).toBe(
      reason,
    )
  })

  test('a reason that is not an Error is the rejection too, as with fetch()', async () => {
    const controller = new AbortController()
    controller.abort('shutting down')
    for (const call of [
      jwt.signAsync(claims, secret, { signal: controller.signal }),
      jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at({ signal: controller.signal })),
    ]) {
      expect(await rejected(call)).toBe('shutting down')
    }
  })

  test('signal: undefined is no signal', async () => {
    await expect(jwt.signAsync(claims, secret, { signal: undefined })).resolves.toBe(jwt.sign(claims, secret))
    await expect(jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at({ signal: undefined }))).resolves.toEqual(claims)
  })

  test('the Promise forms return promises of the caller realm', () => {
    for (const promise of [
      jwt.signAsync(claims, keys.rsa.privateKey, { algorithm: 'RS256' }),
      jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at()),
      jwt.createSigner({ key: keys.rsa.privateKey, algorithm: 'RS256' }).signAsync(claims),
      jwt.createVerifier({ key: keys.rsa.publicKey, clockTimestamp: NOW }).verifyAsync(rsaToken),
    ]) {
      expect(promise).toBeInstanceOf(Promise)
    }
  })

  test('a signal that is not an AbortSignal is an option error', async () => {
    for (const call of [
      jwt.signAsync(claims, secret, { signal: { aborted: true } }),
      jwt.verifyAsync(rsaToken, keys.rsa.publicKey, at({ signal: 'stop' })),
    ]) {
      const err = await rejected(call)
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: '"signal" must be an AbortSignal' })
    }
  })

  test('a signal that is never aborted changes nothing', async () => {
    const { signal } = new AbortController()
    const token = await jwt.signAsync(claims, keys.rsa.privateKey, { algorithm: 'RS256', signal })
    expect(token).toBe(rsaToken)
    expect(await jwt.verifyAsync(token, keys.rsa.publicKey, at({ signal }))).toEqual(claims)
  })

  test('aborting while work is queued cancels what has not started; other work completes', async () => {
    const controller = new AbortController()
    const { signal } = controller
    // Every thread of the pool is held by a long key derivation first, so the signatures queued behind them
    // cannot have started when abort() runs, however the machine schedules this process.
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4
    const pbkdf2 = promisify(crypto.pbkdf2)
    const busy = Array.from({ length: poolSize }, () => pbkdf2('password', 'salt', 300_000, 32, 'sha256'))
    const calls = Array.from({ length: 16 }, () =>
      jwt.signAsync(claims, keys.rsa.privateKey, { algorithm: 'RS256', signal }),
    )
    const unrelated = jwt.signAsync(claims, keys.rsa.privateKey, { algorithm: 'RS256' })
    controller.abort()
    const results = await Promise.allSettled(calls)
    for (const result of results) expect(result).toEqual({ status: 'rejected', reason: signal.reason })
    expect(await unrelated).toBe(rsaToken)
    await Promise.all(busy)
  })
})
