'use strict'
// Wrong values in every argument position of the JWE functions: each call returns, or fails with a TypeError or a
// JsonWebTokenError carrying a known code (Promise forms reject, never throw), and never takes the process down.

const crypto = require('node:crypto')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const jwt = require('..')
const { BAD_VALUES, syncProblems, asyncProblems } = require('./helpers/bad-values')
const { expectError } = require('./helpers/assert')

const secret = crypto.randomBytes(32)
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
const dirToken = jwt.encrypt({ sub: 'u1' }, secret, { algorithm: 'dir' })
const ecToken = jwt.encrypt({ sub: 'u1' }, ec.publicKey, { algorithm: 'ECDH-ES' })
const encrypter = jwt.createEncrypter({ key: ec.publicKey, algorithm: 'ECDH-ES+A128KW' })
const decrypter = jwt.createDecrypter({ key: ec.privateKey })
const ENCRYPT_OPTIONS = [
  'algorithm',
  'encryption',
  'zip',
  'pbes2Count',
  'expiresIn',
  'notBefore',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'noTimestamp',
  'header',
  'keyid',
  'sign',
]
const DECRYPT_OPTIONS = [
  'algorithms',
  'encryptions',
  'maxPbes2Count',
  'maxInflatedSize',
  'verify',
  'complete',
  'clockTimestamp',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'nonce',
  'ignoreExpiration',
  'ignoreNotBefore',
  'clockTolerance',
  'maxAge',
]
const dir = { algorithm: 'dir' }

const SYNC_POSITIONS = [
  ['encrypt(payload)', (v) => jwt.encrypt(v, secret, dir)],
  ['encrypt(_, key)', (v) => jwt.encrypt({ sub: 'u1' }, v, dir)],
  ['encrypt(_, key) for ECDH-ES', (v) => jwt.encrypt({ sub: 'u1' }, v, { algorithm: 'ECDH-ES' })],
  ['encrypt(_, _, options)', (v) => jwt.encrypt({ sub: 'u1' }, secret, v)],
  ...ENCRYPT_OPTIONS.map((name) => [
    `encrypt options.${name}`,
    (v) => jwt.encrypt({ sub: 'u1' }, secret, { ...dir, [name]: v }),
  ]),
  ['encrypt options.header.kid', (v) => jwt.encrypt({ sub: 'u1' }, secret, { ...dir, header: { kid: v } })],
  [
    'encrypt options.header.apu',
    (v) => jwt.encrypt({ sub: 'u1' }, ec.publicKey, { algorithm: 'ECDH-ES', header: { apu: v } }),
  ],
  [
    'encrypt options.sign.key',
    (v) => jwt.encrypt({ sub: 'u1' }, secret, { ...dir, sign: { key: v, algorithm: 'HS256' } }),
  ],
  [
    'encrypt options.sign.algorithm',
    (v) => jwt.encrypt({ sub: 'u1' }, secret, { ...dir, sign: { key: secret, algorithm: v } }),
  ],
  ['decrypt(token)', (v) => jwt.decrypt(v, secret)],
  ['decrypt(token) for ECDH-ES', (v) => jwt.decrypt(v, ec.privateKey)],
  ['decrypt(_, key)', (v) => jwt.decrypt(dirToken, v)],
  ['decrypt(_, key) of an ECDH-ES token', (v) => jwt.decrypt(ecToken, v)],
  ['decrypt(_, _, options)', (v) => jwt.decrypt(dirToken, secret, v)],
  ...DECRYPT_OPTIONS.map((name) => [`decrypt options.${name}`, (v) => jwt.decrypt(dirToken, secret, { [name]: v })]),
  ['decrypt options.verify.key', (v) => jwt.decrypt(dirToken, secret, { verify: { key: v } })],
  [
    'decrypt options.verify.algorithms',
    (v) => jwt.decrypt(dirToken, secret, { verify: { key: secret, algorithms: v } }),
  ],
  ['createEncrypter(options)', (v) => jwt.createEncrypter(v)],
  ['createEncrypter options.key', (v) => jwt.createEncrypter({ ...dir, key: v })],
  ...ENCRYPT_OPTIONS.map((name) => [
    `createEncrypter options.${name}`,
    (v) => jwt.createEncrypter({ ...dir, key: secret, [name]: v }),
  ]),
  ['createDecrypter(options)', (v) => jwt.createDecrypter(v)],
  ['createDecrypter options.key', (v) => jwt.createDecrypter({ key: v })],
  ...DECRYPT_OPTIONS.map((name) => [
    `createDecrypter options.${name}`,
    (v) => jwt.createDecrypter({ key: secret, [name]: v }),
  ]),
  ['encrypter.encrypt(payload)', (v) => encrypter.encrypt(v)],
  ['decrypter.decrypt(token)', (v) => decrypter.decrypt(v)],
]

const ASYNC_POSITIONS = [
  ['encryptAsync(payload)', (v) => jwt.encryptAsync(v, ec.publicKey, { algorithm: 'ECDH-ES' })],
  ['encryptAsync(_, key)', (v) => jwt.encryptAsync({ sub: 'u1' }, v, { algorithm: 'ECDH-ES' })],
  ['encryptAsync(_, _, options)', (v) => jwt.encryptAsync({ sub: 'u1' }, secret, v)],
  ['encryptAsync options.signal', (v) => jwt.encryptAsync({ sub: 'u1' }, secret, { ...dir, signal: v })],
  ['decryptAsync(token)', (v) => jwt.decryptAsync(v, ec.privateKey)],
  ['decryptAsync(_, key)', (v) => jwt.decryptAsync(ecToken, v)],
  ['decryptAsync(_, _, options)', (v) => jwt.decryptAsync(ecToken, ec.privateKey, v)],
  ['decryptAsync options.signal', (v) => jwt.decryptAsync(ecToken, ec.privateKey, { signal: v })],
  ['encrypter.encryptAsync(payload)', (v) => encrypter.encryptAsync(v)],
  ['encrypter.encryptAsync(_, options)', (v) => encrypter.encryptAsync({ sub: 'u1' }, v)],
  ['decrypter.decryptAsync(token)', (v) => decrypter.decryptAsync(v)],
  ['decrypter.decryptAsync(_, options.signal)', (v) => decrypter.decryptAsync(ecToken, { signal: v })],
]

// JSON.stringify throws its own RangeError on a 1000-deep array written as it is (the payload, a header member).
const SERIALISED_AS_IS = /(?:payload|header|audience|issuer|subject|jwtid|keyid|sign\.key)/
// Functions are valid keys (key functions): their contract is specified in jwe.test.js.
const KEY_POSITION = /\bkey\b|, key\)/
const valuesFor = (position) =>
  BAD_VALUES.filter(
    ([label, value]) =>
      !(label === 'a 1000-deep array' && SERIALISED_AS_IS.test(position)) &&
      !(typeof value === 'function' && KEY_POSITION.test(position) && !position.startsWith('create')),
  )

describe('every argument position', () => {
  test.each(SYNC_POSITIONS)('%s', (position, call) => {
    expect(syncProblems(call, valuesFor(position))).toEqual([])
  })

  test.each(ASYNC_POSITIONS)('%s: a promise, never a synchronous throw', async (position, call) => {
    expect(await asyncProblems(call, valuesFor(position))).toEqual([])
  })
})

describe('the errors for the common mistakes', () => {
  const T = TypeError
  const J = jwt.JsonWebTokenError
  test.each([
    [
      'encrypt(undefined)',
      () => jwt.encrypt(undefined, secret, dir),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      'payload is required',
    ],
    [
      'encrypt(1n)',
      () => jwt.encrypt({ n: 1n }, secret, dir),
      J,
      'ERR_JWT_PAYLOAD_INVALID',
      'payload cannot be written as JSON: Do not know how to serialize a BigInt',
    ],
    [
      'encrypt without a key',
      () => jwt.encrypt({}, undefined, dir),
      J,
      'ERR_KEY_REQUIRED',
      'encryption key must have a value',
    ],
    [
      'encrypt with a number key',
      () => jwt.encrypt({}, 5, dir),
      J,
      'ERR_KEY_INVALID',
      'encryption key is not valid key material',
    ],
    [
      'encrypt without options',
      () => jwt.encrypt({}, secret),
      T,
      'ERR_JWT_INVALID_OPTION',
      'Expected "options" to be a plain object.',
    ],
    [
      'createEncrypter with the key first',
      () => jwt.createEncrypter(secret, dir),
      T,
      'ERR_JWT_INVALID_OPTION',
      `Expected "options" to be a plain object, with the key in it: createEncrypter({ key, algorithm: 'dir', encryption: 'A256GCM' })`,
    ],
    [
      'createDecrypter with the key first',
      () => jwt.createDecrypter(secret, { algorithms: ['dir'] }),
      T,
      'ERR_JWT_INVALID_OPTION',
      `Expected "options" to be a plain object, with the key in it: createDecrypter({ key, algorithms: ['dir'] })`,
    ],
    [
      'encrypt with an unknown option',
      () => jwt.encrypt({}, secret, { ...dir, algorithms: ['dir'] }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"algorithms" is not allowed in "options"',
    ],
    [
      'encrypt with zip: true',
      () => jwt.encrypt({}, secret, { ...dir, zip: true }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"zip" must be "DEF"',
    ],
    [
      'encrypt with pbes2Count: 10',
      () => jwt.encrypt({}, secret, { ...dir, pbes2Count: 10 }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"pbes2Count" must be an integer of at least 1000',
    ],
    [
      'encrypt with expiresIn: "soon"',
      () => jwt.encrypt({}, secret, { ...dir, expiresIn: 'soon' }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
    ],
    [
      'encrypt with sign.extra',
      () => jwt.encrypt({}, secret, { ...dir, sign: { key: secret, algorithm: 'HS256', extra: 1 } }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"extra" is not allowed in "sign"',
    ],
    [
      'encrypt with a bad apu',
      () => jwt.encrypt({}, ec.publicKey, { algorithm: 'ECDH-ES', header: { apu: '!!' } }),
      J,
      'ERR_JWT_INVALID_OPTION',
      '"apu" must be a base64url string',
    ],
    ['decrypt(undefined)', () => jwt.decrypt(undefined, secret), J, 'ERR_JWT_REQUIRED', 'jwt must be provided'],
    ['decrypt(5)', () => jwt.decrypt(5, secret), J, 'ERR_JWT_NOT_STRING', 'jwt must be a string'],
    ['decrypt of a JWS', () => jwt.decrypt(jwt.sign({}, secret), secret), J, 'ERR_JWT_MALFORMED', 'jwt malformed'],
    [
      'decrypt without a key',
      () => jwt.decrypt(dirToken, null),
      J,
      'ERR_KEY_REQUIRED',
      'decryption key must have a value',
    ],
    [
      'decrypt with an empty list',
      () => jwt.decrypt(dirToken, secret, { algorithms: [] }),
      T,
      'ERR_JWT_INVALID_OPTION',
      expect.stringContaining('"algorithms" must be a non-empty array of: dir, '),
    ],
    [
      'decrypt with maxInflatedSize: -1',
      () => jwt.decrypt(dirToken, secret, { maxInflatedSize: -1 }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"maxInflatedSize" must be a positive integer number of bytes',
    ],
    [
      'decrypt with verify: {}',
      () => jwt.decrypt(dirToken, secret, { verify: {} }),
      T,
      'ERR_JWT_INVALID_OPTION',
      '"verify.key" is required: the key that checks the inner signature',
    ],
    [
      'decrypt with clockTimestamp: "now"',
      () => jwt.decrypt(dirToken, secret, { clockTimestamp: 'now' }),
      T,
      'ERR_JWT_INVALID_OPTION',
      'clockTimestamp must be a number',
    ],
    [
      'decrypt with a promised key',
      () => jwt.decrypt(dirToken, () => Promise.resolve(secret)),
      J,
      'ERR_KEY_FUNCTION_SYNC',
      'a key function that returns a Promise needs decryptAsync()',
    ],
  ])('%s', (_, fn, Class, code, message) => {
    expectError(fn, Class, code, message)
  })
})

describe('random inputs in a child process', () => {
  test('thousands of decryptions of changed and hostile tokens end with exit code 0 and no signal', () => {
    const seed = Number(process.env.RINGJWT_FUZZ_SEED ?? 20261129)
    const iterations = 3000
    const child = spawnSync(
      process.execPath,
      [path.join(__dirname, 'helpers', 'jwe-fuzz.js'), path.join(__dirname, '..'), String(seed), String(iterations)],
      { encoding: 'utf8', timeout: 120_000 },
    )
    expect(child.stderr).toBe('')
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    const counts = JSON.parse(child.stdout)
    expect(counts.calls).toBe(iterations)
    // Not vacuous: the inputs reach both successful decryptions and refusals of each kind.
    expect(counts.ok).toBeGreaterThan(20)
    expect(counts.JsonWebTokenError).toBeGreaterThan(500)
    expect(counts.TypeError).toBeGreaterThan(50)
  }, 150_000)
})
