'use strict'
// Wrong types in every argument position of every exported function: each call returns, or fails with a
// TypeError or a JsonWebTokenError carrying a known code (or rejects with one), and never takes the process
// down. A child process then throws thousands of random inputs at the same functions, so that an abort or a
// segfault in the addon fails a test instead of killing Jest.

const { spawnSync } = require('node:child_process')
const path = require('node:path')
const jwt = require('..')
const { keys, secret } = require('./helpers/keys')

const { BAD_VALUES, CallerError, syncProblems, asyncProblems, cyclic, throwingGetter } = require('./helpers/bad-values')
const { expectError } = require('./helpers/assert')

const { JsonWebTokenError } = jwt

const rsaToken = jwt.sign({ sub: 'u1' }, keys.rsa.privateKey, { algorithm: 'RS256' })
const hsToken = jwt.sign({ sub: 'u1' }, secret)
const hsSigner = jwt.createSigner({ key: secret })
const esSigner = jwt.createSigner({ key: keys.p256.privateKey, algorithm: 'ES256' })
const hsVerifier = jwt.createVerifier({ key: secret })
// An array of length 2^32 - 1 that holds one value.
const hugeList = (value) => Object.assign([], { length: 2 ** 32 - 1, 0: value })
const rsaVerifier = jwt.createVerifier({ key: keys.rsa.publicKey, complete: true })

const SIGN_OPTIONS = [
  'algorithm',
  'expiresIn',
  'notBefore',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'keyid',
  'header',
  'encoding',
  'noTimestamp',
  'mutatePayload',
  'allowInsecureKeySizes',
  'allowInvalidAsymmetricKeyTypes',
]
const VERIFY_OPTIONS = [
  'algorithms',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'nonce',
  'complete',
  'ignoreExpiration',
  'ignoreNotBefore',
  'clockTolerance',
  'maxAge',
  'clockTimestamp',
  'allowInvalidAsymmetricKeyTypes',
  'allowInsecureKeySizes',
]

// A function where sign/verify take `options` or `callback` is the callback, and where verify takes a key it
// is a key function: valid arguments whose contracts other specs cover, so they are left out there.
const CALLBACK_POSITION = true

const SYNC_POSITIONS = [
  ['sign(payload)', (v) => jwt.sign(v, secret)],
  ['sign(payload) with RS256', (v) => jwt.sign(v, keys.rsa.privateKey, { algorithm: 'RS256' })],
  ['sign(_, key)', (v) => jwt.sign({ sub: 'u1' }, v)],
  ['sign(_, key) with ES256', (v) => jwt.sign({ sub: 'u1' }, v, { algorithm: 'ES256' })],
  ['sign(_, _, options)', (v) => jwt.sign({ sub: 'u1' }, secret, v), CALLBACK_POSITION],
  ['sign(_, _, _, callback)', (v) => jwt.sign({ sub: 'u1' }, secret, {}, v), CALLBACK_POSITION],
  ...SIGN_OPTIONS.map((name) => [`sign options.${name}`, (v) => jwt.sign({ sub: 'u1' }, secret, { [name]: v })]),
  ['sign options.header.alg', (v) => jwt.sign({ sub: 'u1' }, secret, { header: { alg: v } })],
  ['sign options.header.kid', (v) => jwt.sign({ sub: 'u1' }, secret, { header: { kid: v } })],
  ['sign payload.exp', (v) => jwt.sign({ exp: v }, secret)],
  ['sign payload.aud', (v) => jwt.sign({ aud: v }, secret)],
  ['verify(token)', (v) => jwt.verify(v, secret)],
  ['verify(_, key)', (v) => jwt.verify(hsToken, v)],
  ['verify(_, key) of an RS256 token', (v) => jwt.verify(rsaToken, v)],
  ['verify(_, _, options)', (v) => jwt.verify(hsToken, secret, v), CALLBACK_POSITION],
  ['verify(_, _, _, callback)', (v) => jwt.verify(hsToken, secret, {}, v), CALLBACK_POSITION],
  ...VERIFY_OPTIONS.map((name) => [`verify options.${name}`, (v) => jwt.verify(hsToken, secret, { [name]: v })]),
  ['decode(token)', (v) => jwt.decode(v)],
  ['decode(_, options)', (v) => jwt.decode(hsToken, v)],
  ['decode(_, options.complete)', (v) => jwt.decode(hsToken, { complete: v })],
  ['createSigner(options)', (v) => jwt.createSigner(v)],
  ['createSigner options.key', (v) => jwt.createSigner({ key: v })],
  ...SIGN_OPTIONS.map((name) => [`createSigner options.${name}`, (v) => jwt.createSigner({ key: secret, [name]: v })]),
  ['createVerifier(options)', (v) => jwt.createVerifier(v)],
  ['createVerifier options.key', (v) => jwt.createVerifier({ key: v })],
  ...[...VERIFY_OPTIONS, 'cache', 'cacheTTL', 'cacheErrors'].map((name) => [
    `createVerifier options.${name}`,
    (v) => jwt.createVerifier({ key: secret, [name]: v }),
  ]),
  ['signer.sign(payload) (HS256)', (v) => hsSigner.sign(v)],
  ['signer.sign(payload) (ES256)', (v) => esSigner.sign(v)],
  ['verifier.verify(token) (HS256)', (v) => hsVerifier.verify(v)],
  ['verifier.verify(token) (RS256, complete)', (v) => rsaVerifier.verify(v)],
]

const ASYNC_POSITIONS = [
  ['signAsync(payload)', (v) => jwt.signAsync(v, secret)],
  ['signAsync(payload) with ES256', (v) => jwt.signAsync(v, keys.p256.privateKey, { algorithm: 'ES256' })],
  ['signAsync(_, key)', (v) => jwt.signAsync({ sub: 'u1' }, v)],
  ['signAsync(_, key) with RS256', (v) => jwt.signAsync({ sub: 'u1' }, v, { algorithm: 'RS256' })],
  ['signAsync(_, _, options)', (v) => jwt.signAsync({ sub: 'u1' }, secret, v)],
  [
    'signAsync options.signal',
    (v) => jwt.signAsync({ sub: 'u1' }, keys.rsa.privateKey, { algorithm: 'RS256', signal: v }),
  ],
  ...SIGN_OPTIONS.map((name) => [
    `signAsync options.${name}`,
    (v) => jwt.signAsync({ sub: 'u1' }, secret, { [name]: v }),
  ]),
  ['verifyAsync(token)', (v) => jwt.verifyAsync(v, secret)],
  ['verifyAsync(token) of RS256', (v) => jwt.verifyAsync(v, keys.rsa.publicKey)],
  ['verifyAsync(_, key)', (v) => jwt.verifyAsync(hsToken, v), CALLBACK_POSITION],
  ['verifyAsync(_, key) of an RS256 token', (v) => jwt.verifyAsync(rsaToken, v), CALLBACK_POSITION],
  ['verifyAsync(_, _, options)', (v) => jwt.verifyAsync(hsToken, secret, v)],
  ['verifyAsync options.signal', (v) => jwt.verifyAsync(rsaToken, keys.rsa.publicKey, { signal: v })],
  ...VERIFY_OPTIONS.map((name) => [
    `verifyAsync options.${name}`,
    (v) => jwt.verifyAsync(rsaToken, keys.rsa.publicKey, { [name]: v }),
  ]),
  ['signer.signAsync(payload) (HS256)', (v) => hsSigner.signAsync(v)],
  ['signer.signAsync(payload) (ES256)', (v) => esSigner.signAsync(v)],
  ['signer.signAsync(_, options)', (v) => esSigner.signAsync({ sub: 'u1' }, v)],
  ['signer.signAsync(_, options.signal)', (v) => esSigner.signAsync({ sub: 'u1' }, { signal: v })],
  ['verifier.verifyAsync(token) (HS256)', (v) => hsVerifier.verifyAsync(v)],
  ['verifier.verifyAsync(token) (RS256)', (v) => rsaVerifier.verifyAsync(v)],
  ['verifier.verifyAsync(_, options)', (v) => rsaVerifier.verifyAsync(rsaToken, v)],
  ['verifier.verifyAsync(_, options.signal)', (v) => rsaVerifier.verifyAsync(rsaToken, { signal: v })],
]

// JSON.stringify cannot write a 1000-deep array into sign()'s header or payload and throws its RangeError, as
// in jsonwebtoken: positions whose value is written as it is are checked without it.
const SERIALISED_AS_IS =
  /^(?:sign|createSigner|signAsync|signer)\b.*(?:payload|header|audience|issuer|subject|jwtid|keyid)/

function valuesFor(position, callbackPosition) {
  return BAD_VALUES.filter(
    ([label, value]) =>
      !(callbackPosition && typeof value === 'function') &&
      !(label === 'a 1000-deep array' && SERIALISED_AS_IS.test(position)),
  )
}

// Every row gets its third column: Jest reads a test function with more parameters than the row has values as
// one that waits for a `done` callback.
const withFlag = (rows) => rows.map(([position, call, callbackPosition = false]) => [position, call, callbackPosition])

describe('every argument position', () => {
  test.each(withFlag(SYNC_POSITIONS))('%s', (position, call, callbackPosition) => {
    expect(syncProblems(call, valuesFor(position, callbackPosition))).toEqual([])
  })

  test.each(withFlag(ASYNC_POSITIONS))(
    '%s: a promise, never a synchronous throw',
    async (position, call, callbackPosition) => {
      expect(await asyncProblems(call, valuesFor(position, callbackPosition))).toEqual([])
    },
  )
})

function failure(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('the errors for the common mistakes', () => {
  const T = TypeError
  const J = JsonWebTokenError
  const INVALID_OPTION = 'ERR_JWT_INVALID_OPTION'
  test.each([
    ['sign(undefined)', () => jwt.sign(undefined, secret), J, 'ERR_JWT_PAYLOAD_INVALID', 'payload is required'],
    [
      'sign(null)',
      () => jwt.sign(null, secret),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      'Expected "payload" to be a plain object.',
    ],
    ['sign([])', () => jwt.sign([], secret), J, 'ERR_JWT_PAYLOAD_INVALID', 'Expected "payload" to be a plain object.'],
    [
      'sign(new Date())',
      () => jwt.sign(new Date(), secret),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      'Expected "payload" to be a plain object.',
    ],
    [
      'sign(Symbol())',
      () => jwt.sign(Symbol('s'), secret),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      'payload must be an object, string, Buffer or number',
    ],
    [
      'sign({ exp: "x" })',
      () => jwt.sign({ exp: 'x' }, secret),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      '"exp" should be a number of seconds',
    ],
    [
      'sign(_, undefined)',
      () => jwt.sign({}, undefined),
      J,
      'ERR_KEY_REQUIRED',
      'secretOrPrivateKey must have a value',
    ],
    ['sign(_, 5)', () => jwt.sign({}, 5), J, 'ERR_KEY_INVALID', 'secretOrPrivateKey is not valid key material'],
    ['sign(_, {})', () => jwt.sign({}, {}), J, 'ERR_KEY_INVALID', 'secretOrPrivateKey is not valid key material'],
    [
      'sign(_, Symbol())',
      () => jwt.sign({}, Symbol('k')),
      J,
      'ERR_KEY_INVALID',
      'secretOrPrivateKey is not valid key material',
    ],
    ['sign(_, _, 5)', () => jwt.sign({}, secret, 5), J, INVALID_OPTION, 'Expected "options" to be a plain object.'],
    ['sign(_, _, [])', () => jwt.sign({}, secret, []), J, INVALID_OPTION, 'Expected "options" to be a plain object.'],
    [
      'sign unknown option',
      () => jwt.sign({}, secret, { foo: 1 }),
      J,
      INVALID_OPTION,
      '"foo" is not allowed in "options"',
    ],
    [
      'sign algorithm: 5',
      () => jwt.sign({}, secret, { algorithm: 5 }),
      J,
      INVALID_OPTION,
      '"algorithm" must be a valid string enum value',
    ],
    [
      'sign expiresIn: {}',
      () => jwt.sign({}, secret, { expiresIn: {} }),
      J,
      INVALID_OPTION,
      '"expiresIn" should be a number of seconds or string representing a timespan',
    ],
    ['sign header: 5', () => jwt.sign({}, secret, { header: 5 }), J, INVALID_OPTION, '"header" must be an object'],
    [
      'sign option named like an Object.prototype member',
      () => jwt.sign({}, secret, { toString: 1 }),
      J,
      INVALID_OPTION,
      '"toString" is not allowed in "options"',
    ],
    [
      'sign audience: 5',
      () => jwt.sign({}, secret, { audience: 5 }),
      J,
      INVALID_OPTION,
      '"audience" must be a string or array',
    ],
    ['verify(undefined)', () => jwt.verify(undefined, secret), J, 'ERR_JWT_REQUIRED', 'jwt must be provided'],
    ['verify(5)', () => jwt.verify(5, secret), J, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    ['verify(Symbol())', () => jwt.verify(Symbol('t'), secret), J, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    ['verify("a.b")', () => jwt.verify('a.b', secret), J, 'ERR_JWT_MALFORMED', 'jwt malformed'],
    ['verify("a.b.c")', () => jwt.verify('a.b.c', secret), J, 'ERR_JWT_MALFORMED', 'invalid token'],
    [
      'verify(_, undefined)',
      () => jwt.verify(hsToken, undefined),
      J,
      'ERR_KEY_REQUIRED',
      'secret or public key must be provided',
    ],
    ['verify(_, 5)', () => jwt.verify(hsToken, 5), J, 'ERR_KEY_INVALID', 'secretOrPublicKey is not valid key material'],
    [
      'verify(_, key function) without a callback',
      () => jwt.verify(hsToken, () => {}),
      J,
      'ERR_KEY_FUNCTION_SYNC',
      'verify must be called asynchronous if secret or public key is provided as a callback',
    ],
    [
      'verify algorithms: "HS256"',
      () => jwt.verify(hsToken, secret, { algorithms: 'HS256' }),
      J,
      INVALID_OPTION,
      '"algorithms" must be an array of strings',
    ],
    // An array made with a huge length is walked whole, holes and all: refused by its length at once.
    ...['algorithms', 'audience', 'issuer'].map((name) => [
      `verify ${name}: an array of length 2^32 - 1 with one value`,
      () => jwt.verify(hsToken, secret, { [name]: hugeList(name === 'algorithms' ? 'HS256' : 'api') }),
      J,
      INVALID_OPTION,
      `"${name}" must list at most 10000 values`,
    ]),
    [
      'verify clockTimestamp: "x"',
      () => jwt.verify(hsToken, secret, { clockTimestamp: 'x' }),
      J,
      INVALID_OPTION,
      'clockTimestamp must be a number',
    ],
    [
      'verify nonce: 5',
      () => jwt.verify(hsToken, secret, { nonce: 5 }),
      J,
      INVALID_OPTION,
      'nonce must be a non-empty string',
    ],
    [
      'verify audience: 5',
      () => jwt.verify(hsToken, secret, { audience: 5 }),
      J,
      INVALID_OPTION,
      '"audience" must be a string, a RegExp or an array of them',
    ],
    [
      'verify audience: a 1000-deep array',
      () => jwt.verify(hsToken, secret, { audience: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) }),
      J,
      INVALID_OPTION,
      '"audience" must be a string, a RegExp or an array of them',
    ],
    [
      'verify issuer: 5',
      () => jwt.verify(hsToken, secret, { issuer: 5 }),
      J,
      INVALID_OPTION,
      '"issuer" must be a string or an array of strings',
    ],
    [
      'verify maxAge: {}',
      () => jwt.verify(hsToken, secret, { maxAge: {} }),
      J,
      INVALID_OPTION,
      '"maxAge" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
    ],
    [
      'createSigner(5)',
      () => jwt.createSigner(5),
      T,
      INVALID_OPTION,
      `Expected "options" to be a plain object, with the key in it: createSigner({ key, algorithm: 'HS256' })`,
    ],
    [
      'createSigner unknown option',
      () => jwt.createSigner({ key: secret, foo: 1 }),
      T,
      INVALID_OPTION,
      '"foo" is not allowed in "options"',
    ],
    ['createSigner({})', () => jwt.createSigner({}), J, 'ERR_KEY_REQUIRED', 'secretOrPrivateKey must have a value'],
    [
      'createVerifier(null)',
      () => jwt.createVerifier(null),
      T,
      INVALID_OPTION,
      `Expected "options" to be a plain object, with the key in it: createVerifier({ key, algorithms: ['HS256'] })`,
    ],
    [
      'createVerifier key function',
      () => jwt.createVerifier({ key: () => {} }),
      T,
      INVALID_OPTION,
      '"key" must be key material; key functions are for verify()',
    ],
    [
      'createVerifier cache: -1',
      () => jwt.createVerifier({ key: secret, cache: -1 }),
      T,
      INVALID_OPTION,
      '"cache" must be a positive integer (the number of tokens to keep)',
    ],
    ['signer.sign(undefined)', () => hsSigner.sign(undefined), J, 'ERR_JWT_PAYLOAD_INVALID', 'payload is required'],
    ['verifier.verify(5)', () => hsVerifier.verify(5), J, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
  ])('%s', (_, fn, Class, code, message) => {
    const error = failure(fn)
    expect(error).toBeInstanceOf(Class)
    expect(error).toMatchObject({ code, message })
  })

  test.each([
    ['signAsync(undefined)', () => jwt.signAsync(undefined, secret), 'ERR_JWT_PAYLOAD_INVALID', 'payload is required'],
    ['verifyAsync(5)', () => jwt.verifyAsync(5, secret), 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    [
      'signAsync signal: "x"',
      () => jwt.signAsync({}, keys.rsa.privateKey, { algorithm: 'RS256', signal: 'x' }),
      'ERR_JWT_INVALID_OPTION',
      '"signal" must be an AbortSignal',
    ],
    [
      'verifyAsync signal: {}',
      () => jwt.verifyAsync(rsaToken, keys.rsa.publicKey, { signal: {} }),
      'ERR_JWT_INVALID_OPTION',
      '"signal" must be an AbortSignal',
    ],
    [
      'signer.signAsync(_, { signal: 1 })',
      () => esSigner.signAsync({}, { signal: 1 }),
      'ERR_JWT_INVALID_OPTION',
      '"signal" must be an AbortSignal',
    ],
    ['verifier.verifyAsync(null)', () => rsaVerifier.verifyAsync(null), 'ERR_JWT_REQUIRED', 'jwt must be provided'],
  ])('%s rejects', async (_, fn, code, message) => {
    const error = await fn().then(
      () => new Error('expected a rejection'),
      (err) => err,
    )
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({ code, message })
  })

  test('null options mean no options, in every form', async () => {
    expect(jwt.verify(hsToken, secret, null)).toMatchObject({ sub: 'u1' })
    expect(jwt.decode(hsToken, null)).toMatchObject({ sub: 'u1' })
    expect(jwt.decode(jwt.sign({ sub: 'u1' }, secret, null))).toMatchObject({ sub: 'u1' })
    await expect(jwt.signAsync({ sub: 'u1' }, secret, null).then(jwt.decode)).resolves.toMatchObject({ sub: 'u1' })
    await expect(jwt.verifyAsync(hsToken, secret, null)).resolves.toMatchObject({ sub: 'u1' })
    await expect(esSigner.signAsync({ sub: 'u1' }, null).then(jwt.decode)).resolves.toMatchObject({ sub: 'u1' })
    await expect(rsaVerifier.verifyAsync(rsaToken, null)).resolves.toMatchObject({ payload: { sub: 'u1' } })
  })

  test('claims named like Object.prototype members are plain claims', () => {
    const claims = { constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 1 }
    expect(jwt.verify(jwt.sign(claims, secret, { noTimestamp: true }), secret)).toEqual(claims)
  })

  test('decode: a payload that must be JSON and is not gives null', () => {
    const token = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('not json').toString('base64url')}.c2ln`
    expect(jwt.decode(token)).toBe('not json')
    expect(jwt.decode(token, { json: true })).toBeNull()
    expect(jwt.decode(token, { json: true, complete: true })).toBeNull()
  })

  test('what JSON.stringify cannot write fails as JSON.stringify does', () => {
    let error = failure(() => jwt.sign(cyclic, secret))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^Converting circular structure to JSON/)
    error = failure(() => jwt.sign({ n: 1n }, secret))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('Do not know how to serialize a BigInt')
    error = failure(() => jwt.sign({ sub: { toJSON: throwingGetter } }, secret))
    expect(error).toBeInstanceOf(CallerError)
    expect(error.message).toBe('thrown by a getter')
  })

  test('errors go to the callback, not up the stack', () => {
    const results = []
    jwt.verify(5, secret, {}, (err, payload) => results.push([err, payload]))
    jwt.sign(undefined, secret, {}, (err, token) => results.push([err, token]))
    expect(results).toHaveLength(2)
    expect(results[0][0]).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_JWT_NOT_STRING',
      message: 'jwt must be a string',
    })
    expect(results[1][0]).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_JWT_PAYLOAD_INVALID',
      message: 'payload is required',
    })
    expect(results[0][1]).toBeUndefined()
  })
})

describe('a 50 MB string', () => {
  const HUGE = 'a'.repeat(50 * 1024 * 1024)
  // 'aaaa' in base64url is the bytes 69 a6 9a: not UTF-8, which is refused before anything reads it as JSON.
  const NOT_UTF8 = ['ERR_JWT_INVALID_UTF8', 'jwt header is not valid UTF-8']

  test.each([
    ['as a token for verify', () => jwt.verify(HUGE, secret), 'ERR_JWT_MALFORMED', 'jwt malformed'],
    ['as a three-part token', () => jwt.verify(`${HUGE}.${HUGE}.${HUGE}`, secret), ...NOT_UTF8],
    ['as a token for a compiled verifier', () => hsVerifier.verify(`${HUGE}.e30.x`), ...NOT_UTF8],
    ['as the key for verify', () => jwt.verify(hsToken, HUGE), 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature'],
  ])('%s', (_, fn, code, message) => {
    const error = failure(fn)
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({ code, message })
  })

  test('as a payload and as a secret, sign and verify work', () => {
    const token = jwt.sign(HUGE, secret)
    expect(jwt.verify(token, secret)).toBe(HUGE)
    const other = jwt.sign({ sub: 'u1' }, HUGE)
    expect(jwt.verify(other, HUGE)).toMatchObject({ sub: 'u1' })
    expect(jwt.decode(`${HUGE}.${HUGE}`)).toBeNull()
  })

  test('as a token for verifyAsync, rejected', async () => {
    const error = await jwt.verifyAsync(`${HUGE}.e30.${HUGE}`, keys.rsa.publicKey).catch((err) => err)
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({ code: NOT_UTF8[0], message: NOT_UTF8[1] })
  })
})

// The fuzz script runs in its own process: its exit status is the verdict. It prints one JSON line of counts.
const FUZZ_SCRIPT = String.raw`
'use strict'
const crypto = require('node:crypto')
const jwt = require(process.argv[1])
const seed = Number(process.argv[2])
const iterations = Number(process.argv[3])

const { random, pick, int, counts, fail, judge } = require(process.argv[4]).fuzzRun(jwt, seed)

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ed = crypto.generateKeyPairSync('ed25519')
const SECRET = 'fuzz-secret-fuzz-secret-fuzz-secret'
const KEYS = [
  SECRET, Buffer.from(SECRET), rsa.privateKey, rsa.publicKey, ec.privateKey, ec.publicKey, ed.privateKey, ed.publicKey,
  rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), ec.publicKey.export({ type: 'spki', format: 'pem' }),
  { key: ed.privateKey.export({ format: 'jwk' }), format: 'jwk' }, { key: rsa.publicKey.export({ format: 'jwk' }), format: 'jwk' },
  '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', { key: 'x', passphrase: 5 }, { key: {}, format: 'jwk' },
]
const ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'none', 'hs256', '', 'ES256K']
const NAMES = ['alg', 'typ', 'kid', 'exp', 'nbf', 'iat', 'aud', 'iss', 'sub', 'jti', 'nonce', 'crit', 'b64', '__proto__', 'constructor', 'toString', 'x']
const OPTION_NAMES = ['algorithm', 'algorithms', 'expiresIn', 'notBefore', 'audience', 'issuer', 'subject', 'jwtid', 'keyid', 'header',
  'encoding', 'noTimestamp', 'mutatePayload', 'complete', 'ignoreExpiration', 'ignoreNotBefore', 'clockTolerance', 'maxAge',
  'clockTimestamp', 'nonce', 'allowInsecureKeySizes', 'allowInvalidAsymmetricKeyTypes', 'key', 'cache', 'cacheTTL', 'json', 'signal']
const CHARS = 'abcXYZ019-_.=+/ \u0000\u00e9\u2028\ud83d\ude00\ud800"\\{}[]:,'

function string() {
  let s = ''
  const n = int(4) === 0 ? int(200) : int(12)
  for (let i = 0; i < n; i++) s += CHARS[int(CHARS.length)]
  return s
}
const b64 = (x) => Buffer.from(typeof x === 'string' ? x : (safe(() => JSON.stringify(x)) ?? 'null')).toString('base64url')

function value(depth = 0) {
  switch (int(depth > 2 ? 12 : 16)) {
    case 0: return undefined
    case 1: return null
    case 2: return pick([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e21, -0, 1700000000, 4102444800])
    case 3: return random() < 0.5
    case 4: return string()
    case 5: return pick(ALGS)
    case 6: return pick([Symbol('s'), 10n, () => {}, new Date(int(2e12)), /a/i, Buffer.from(string())])
    case 7: return pick(['1h', '-3s', '10 s', '120', '7d', 'abc', ''])
    case 8: return pick(KEYS)
    case 9: return token()
    case 10: return pick([new AbortController().signal, AbortSignal.abort(), { aborted: true }])
    case 11: return string().repeat(int(3) === 0 ? 1000 : 1)
    case 12: case 13: return Array.from({ length: int(4) }, () => value(depth + 1))
    default: {
      const o = {}
      for (let i = int(5); i > 0; i--) o[pick(random() < 0.5 ? NAMES : OPTION_NAMES)] = value(depth + 1)
      return o
    }
  }
}

function token() {
  const signed = () => {
    const alg = pick(['HS256', 'RS256', 'ES256', 'EdDSA', 'PS256'])
    const key = { HS256: SECRET, RS256: rsa.privateKey, PS256: rsa.privateKey, ES256: ec.privateKey, EdDSA: ed.privateKey }[alg]
    return jwt.sign(value(1) ?? {}, key, { algorithm: alg })
  }
  switch (int(6)) {
    case 0: {
      // a valid token with a byte changed, dropped or appended
      const t = safe(signed) ?? 'a.b.c'
      const i = int(t.length)
      return pick([t.slice(0, i) + CHARS[int(CHARS.length)] + t.slice(i + 1), t.slice(0, i), t + '.' + string(), t.replace(/\./, '..')])
    }
    case 1: return [b64(value(1)), b64(value(1)), b64(string())].join('.')
    case 2: {
      const header = { alg: pick(ALGS) }
      for (let i = int(3); i > 0; i--) header[pick(NAMES)] = value(2)
      const payload = {}
      for (let i = int(4); i > 0; i--) payload[pick(NAMES)] = value(2)
      return [b64(header), b64(random() < 0.8 ? payload : string()), pick(['', b64(string()), 'AAAA'])].join('.')
    }
    case 3: return Array.from({ length: int(6) }, () => pick(['', string(), b64(string())])).join('.')
    default: return safe(signed) ?? ''
  }
}

function safe(fn) {
  try { return fn() } catch { return undefined }
}

const signer = jwt.createSigner({ key: ec.privateKey, algorithm: 'ES256' })
const verifier = jwt.createVerifier({ key: SECRET, cache: 50 })
const SYNC = {
  sign: () => [value(), pick([value(), ...KEYS]), value()],
  verify: () => [token(), pick([value(), ...KEYS]), value()],
  decode: () => [pick([token(), value()]), value()],
  createSigner: () => [value()],
  createVerifier: () => [value()],
  'signer.sign': () => [value()],
  'verifier.verify': () => [pick([token(), value()])],
}
const ASYNC = {
  signAsync: () => [value(), pick([value(), ...KEYS]), value()],
  verifyAsync: () => [token(), pick([value(), ...KEYS]), value()],
  'signer.signAsync': () => [value(), value()],
}
const call = (name, args) => {
  const [object, method] = name.includes('.') ? [{ signer, verifier }[name.split('.')[0]], name.split('.')[1]] : [jwt, name]
  // A function where a callback or key function goes is called by ringjwt: these stay plain values here.
  const safeArgs = args.map((a, i) => (typeof a === 'function' && i > 0 ? 'not a function' : a))
  return [object[method](...safeArgs), safeArgs]
}


;(async () => {
  for (let i = 0; i < iterations; i++) {
    const asyncCall = int(5) === 0
    const name = pick(Object.keys(asyncCall ? ASYNC : SYNC))
    const args = (asyncCall ? ASYNC : SYNC)[name]()
    counts.calls++
    let used = args
    if (!asyncCall) {
      let error
      try { used = call(name, args)[1] } catch (err) { error = err }
      judge(name, used, error)
      continue
    }
    let promise
    try {
      ;[promise, used] = call(name, args)
    } catch (err) {
      fail(name + ' threw synchronously', args, err)
    }
    if (!(promise instanceof Promise)) fail(name + ' returned no promise', args, new Error(String(promise)))
    judge(name, used, await promise.then(() => undefined, (err) => err ?? new Error('rejected with nothing')))
  }
  process.stdout.write(JSON.stringify(counts) + '\n')
})()
`

describe('random inputs in a child process', () => {
  test('thousands of calls end with exit code 0 and no signal', () => {
    const seed = Number(process.env.RINGJWT_FUZZ_SEED ?? 20261129)
    const iterations = 5000
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        FUZZ_SCRIPT,
        path.join(__dirname, '..'),
        String(seed),
        String(iterations),
        path.join(__dirname, 'helpers', 'fuzz-run.js'),
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    expect(child.stderr).toBe('')
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    const counts = JSON.parse(child.stdout)
    expect(counts.calls).toBe(iterations)
    // Not vacuous: the inputs reach both successful calls and each kind of refusal.
    expect(counts.ok).toBeGreaterThan(100)
    expect(counts.JsonWebTokenError).toBeGreaterThan(100)
    expect(counts.TypeError).toBeGreaterThan(10)
  }, 150_000)
})

describe('values an outside review sent', () => {
  const crypto = require('node:crypto')
  const { createTestTokens } = require('../testing')
  const HEADER_MESSAGE = '"header" must be an object of header parameters, without a toJSON method'

  // A toJSON of the header's own would replace what is signed: its alg with another, or the header with a non-object.
  test.each([
    ['nothing', () => undefined],
    ['an array', () => [1]],
    ['a string', () => 'x'],
    ['another alg', () => ({ alg: 'none' })],
  ])('a header whose toJSON gives %s is refused by every signing form', async (_, toJSON) => {
    const header = { toJSON }
    expectError(() => jwt.sign({}, secret, { header }), JsonWebTokenError, 'ERR_JWT_INVALID_OPTION', HEADER_MESSAGE)
    expectError(() => jwt.createSigner({ key: secret, header }), TypeError, 'ERR_JWT_INVALID_OPTION', HEADER_MESSAGE)
    const err = await jwt.signAsync({}, secret, { header }).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: HEADER_MESSAGE })
    const key = crypto.randomBytes(32)
    expectError(
      () => jwt.encrypt({}, key, { algorithm: 'dir', header }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      HEADER_MESSAGE,
    )
  })

  test('a JWK whose toJSON gives no object has no thumbprint', () => {
    for (const toJSON of [() => undefined, () => 'x', () => [1]]) {
      expectError(
        () => jwt.calculateJwkThumbprint({ toJSON }),
        TypeError,
        'ERR_JWT_INVALID_OPTION',
        '"jwk" must be a JWK object or a KeyObject',
      )
    }
  })

  test('a key type without a JWK form is a TypeError for DPoP', () => {
    const pss = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    expectError(
      () => jwt.createDpopProof(pss.privateKey, { htm: 'GET', htu: 'https://api.example/' }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"key" must be an RSA, EC or Ed25519 private key',
    )
    expectError(
      () => jwt.calculateJwkThumbprint(pss.publicKey),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"jwk" must be a JWK object or a KeyObject of a type with a JWK form (RSA, EC, OKP, secret)',
    )
  })

  test('a claim read through a getter is read once by the token store', () => {
    const store = jwt.createTokenStore()
    let reads = 0
    const payload = {
      get jti() {
        reads += 1
        return reads % 2 ? 'a' : { x: 1 }
      },
    }
    expect(store.isRevoked(payload)).toBe(false)
    expect(reads).toBe(1)
  })

  test('a clock that answers no finite number is a TypeError from the stores', () => {
    const sessions = jwt.createSessionStore()
    const tokens = jwt.createTokenStore()
    const spy = jest.spyOn(Date, 'now')
    try {
      for (const value of [Infinity, NaN, undefined]) {
        spy.mockReturnValue(value)
        for (const run of [
          () => sessions.create('u1'),
          () => sessions.list('u1'),
          () => tokens.isRevoked({ jti: 'a' }),
        ]) {
          expectError(
            run,
            TypeError,
            'ERR_JWT_INVALID_OPTION',
            'Date.now() must return a finite number of milliseconds: the store reads the time there',
          )
        }
      }
    } finally {
      spy.mockRestore()
    }
  })

  test("the testing kit's claims are a plain object", () => {
    const tokens = createTestTokens()
    for (const make of ['valid', 'expired', 'notYetValid', 'otherAudience', 'badSignature', 'unsigned']) {
      expectError(
        () => tokens[make](Buffer.alloc(64)),
        TypeError,
        'ERR_JWT_INVALID_OPTION',
        'the claims of a test token must be a plain object',
      )
      expect(typeof tokens[make]({ sub: 'u1' })).toBe('string')
    }
  })
})
