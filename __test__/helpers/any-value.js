'use strict'
// fast-check arbitraries for "any JS value a caller can pass", and the judge of what a call may answer. Used by
// __test__/any-value.test.js through the child process in any-value-run.js.
//
// The values: everything fc.anything() makes (null-prototype objects, boxed values, Maps, Sets, typed arrays,
// sparse arrays, BigInts, Dates, any Unicode), and what it does not: symbols, functions, classes, cyclic objects,
// Proxies whose traps throw, objects whose getters throw or answer differently on every read, huge strings,
// detached and shared buffers, objects that pose as Buffers, AbortSignals, promises, keys of every type node:crypto
// makes, and near-valid values (tokens, option values, JWKs) so that calls get past their first check.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { types } = require('node:util')
const fc = require('fast-check')
const jwt = require('../..')
const { UnauthorizedError } = require('../../express')
const { REFUSALS } = require('../../lib/session-store')

// Thrown by the caller's own code (a getter, a Proxy trap, toJSON, a key function): ringjwt lets it through
// unchanged, as JSON.stringify and jsonwebtoken do.
class CallerError extends Error {}

const callerThrows = (what) =>
  function thrower() {
    throw new CallerError(`thrown by ${what}`)
  }

// How fast-check prints a value in a failure report: the value itself cannot be read.
const named = (value, name) => Object.defineProperty(value, fc.toStringMethod, { value: () => name })

function throwingProxy(target) {
  const trap = callerThrows('a Proxy trap')
  // fast-check asks a value for its own symbols (how to print it, how to clone it): those traps answer.
  const printable = (key) => key === fc.toStringMethod || key === fc.asyncToStringMethod
  const own = (key) => typeof key === 'symbol' && String(key.description).startsWith('fast-check/')
  return new Proxy(target, {
    get: (_, key) => (printable(key) ? () => 'a Proxy whose traps throw' : own(key) ? undefined : trap()),
    has: (_, key) => (own(key) ? printable(key) : trap()),
    ownKeys: trap,
    getOwnPropertyDescriptor: trap,
    getPrototypeOf: trap,
    set: trap,
    defineProperty: trap,
    deleteProperty: trap,
    apply: trap,
    construct: trap,
  })
}

// Names that options, claims, headers, JWKs and requests use: what getters and keys are put under.
const NAMES = [
  'alg',
  'typ',
  'kid',
  'crit',
  'enc',
  'exp',
  'nbf',
  'iat',
  'aud',
  'iss',
  'sub',
  'jti',
  'sid',
  'nonce',
  'key',
  'keys',
  'kty',
  'crv',
  'use',
  'format',
  'passphrase',
  'type',
  'algorithm',
  'algorithms',
  'encryption',
  'secret',
  'header',
  'headers',
  'payload',
  'signal',
  'then',
  'toJSON',
  'length',
  'message',
  'code',
  'authorization',
  'cookie',
  'url',
  'body',
  'cookies',
  'method',
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'x',
]

// An object whose `name` answers each read with the next of `values`, round and round: a check reads one value
// and the code after it another.
function shifting(name, values) {
  let reads = 0
  const object = named({}, `an object whose ${name} shifts between ${values.length} values`)
  return Object.defineProperty(object, name, {
    enumerable: true,
    configurable: true,
    get: () => values[reads++ % values.length],
  })
}

function detachedBuffer() {
  const buffer = new ArrayBuffer(16)
  structuredClone(buffer, { transfer: [buffer] })
  return buffer
}

// A rejected promise whose rejection is handled elsewhere: holding it is not an unhandled rejection.
function handledRejection() {
  const promise = Promise.reject(new CallerError('a rejected promise'))
  promise.catch(() => {})
  return promise
}

// A Uint8Array whose buffer was transferred away: it reads as empty.
function detachedView() {
  const view = new Uint8Array(16)
  structuredClone(view.buffer, { transfer: [view.buffer] })
  return view
}

function cyclicObject() {
  const object = { name: 'cycle', alg: 'HS256' }
  object.self = object
  object.keys = [object]
  return object
}

function cyclicArray() {
  const array = ['HS256']
  array.push(array)
  return array
}

// Keys of every kind node:crypto makes, and the forms they travel in.
function makeKeys() {
  const pair = (type, options) => crypto.generateKeyPairSync(type, options)
  const rsa = pair('rsa', { modulusLength: 2048 })
  const rsa1024 = pair('rsa', { modulusLength: 1024 })
  const p256 = pair('ec', { namedCurve: 'P-256' })
  const ed25519 = pair('ed25519')
  const others = [
    pair('rsa-pss', { modulusLength: 2048 }),
    pair('ec', { namedCurve: 'P-384' }),
    pair('ec', { namedCurve: 'P-521' }),
    pair('ec', { namedCurve: 'secp256k1' }),
    pair('ed448'),
    pair('x25519'),
    pair('x448'),
    pair('dsa', { modulusLength: 1024, divisorLength: 160 }),
  ]
  const fixtures = path.join(__dirname, '..', 'fixtures', 'ec-explicit')
  const pem = (file) => fs.readFileSync(path.join(fixtures, file), 'utf8')
  // Explicit curve parameters: P-256's own, and a curve of its own that node:crypto reads and cannot write as a JWK.
  const explicit = [
    crypto.createPrivateKey(pem('p256-private.pem')),
    crypto.createPublicKey(pem('p256-public.pem')),
    crypto.createPrivateKey(pem('p256-other-generator-private.pem')),
    crypto.createPublicKey(pem('p256-other-generator-public.pem')),
  ]
  const dh = crypto.createDiffieHellmanGroup('modp14')
  dh.generateKeys()
  const keyObjects = [
    ...[rsa, rsa1024, p256, ed25519, ...others].flatMap(({ privateKey, publicKey }) => [privateKey, publicKey]),
    ...explicit,
    crypto.createSecretKey(Buffer.alloc(32, 7)),
    crypto.createSecretKey(Buffer.alloc(16, 7)),
    crypto.createSecretKey(Buffer.alloc(1, 7)),
  ]
  const forms = [
    rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    rsa.privateKey.export({ type: 'pkcs1', format: 'der' }),
    p256.privateKey.export({ type: 'sec1', format: 'pem' }),
    p256.publicKey.export({ type: 'spki', format: 'der' }),
    ed25519.privateKey.export({ format: 'jwk' }),
    { key: p256.publicKey.export({ format: 'jwk' }), format: 'jwk' },
    { key: { kty: 'oct', k: 'c2VjcmV0' }, format: 'jwk' },
    { key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) },
    {
      key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }),
      passphrase: 'pw',
    },
    { key: 'x', passphrase: 5 },
    { key: Buffer.alloc(32, 1), format: 'der', type: 'spki' },
    '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    'a-shared-secret-of-32-characters',
    Buffer.alloc(32, 7),
    Buffer.alloc(64, 7).subarray(3, 35),
  ]
  return { rsa, rsa1024, p256, ed25519, keyObjects, forms }
}

const KEYS = makeKeys()
const SECRET = 'a-very-long-shared-secret-used-only-by-the-property-tests-0123456789'
const DIR_KEY = Buffer.alloc(32, 9)

// Tokens that get past the first checks: valid ones of each kind, and encrypted ones.
function makeTokens() {
  const tokens = [
    jwt.sign({ sub: 'u1', jti: 'j1', sid: '0b8e4e1a-5d7c-4f3e-9a2b-1c6d8e0f2a4b' }, SECRET, { expiresIn: 60 }),
    jwt.sign({ sub: 'u1' }, KEYS.rsa.privateKey, { algorithm: 'RS256', keyid: 'r1' }),
    jwt.sign({ sub: 'u1', exp: 1 }, KEYS.p256.privateKey, { algorithm: 'ES256' }),
    jwt.sign('a string payload', KEYS.ed25519.privateKey, { algorithm: 'EdDSA' }),
    jwt.sign({ sub: 'u1' }, null, { algorithm: 'none' }),
    jwt.encrypt({ sub: 'u1' }, DIR_KEY, { algorithm: 'dir' }),
    jwt.encrypt({ sub: 'u1' }, KEYS.p256.publicKey, { algorithm: 'ECDH-ES' }),
    jwt.encrypt({ sub: 'u1' }, KEYS.rsa.publicKey, { algorithm: 'RSA-OAEP', sign: { key: SECRET } }),
    jwt.encrypt({ sub: 'u1' }, 'a password', { algorithm: 'PBES2-HS256+A128KW', zip: 'DEF' }),
  ]
  return tokens
}
const TOKENS = makeTokens()

const SPECIAL = [
  undefined,
  null,
  0,
  -0,
  1,
  -1,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  1e21,
  -1e21,
  true,
  false,
  '',
  ' ',
  'x',
  '\u0000',
  '\ud800',
  'a\udfffb',
  'null',
  '{}',
  '[]',
  'none',
  'HS256',
  'RS256',
  'ES256',
  'EdDSA',
  'dir',
  'A256GCM',
  'RSA-OAEP',
  'ECDH-ES',
  'DEF',
  '1h',
  '-1s',
  '10 years',
  '1e400',
  'Bearer x',
  'http://127.0.0.1:9/jwks.json',
  'file:///etc/passwd',
  '__proto__',
  'constructor',
  Symbol('a symbol'),
  Symbol.iterator,
  10n,
  -(2n ** 64n),
  new Date(0),
  new Date(NaN),
  /x/g,
  new Map([['alg', 'HS256']]),
  new Set(['HS256']),
  new WeakMap(),
  new Error('an Error'),
  new TypeError('a TypeError'),
  Object.create(null),
  Object.assign(Object.create(null), { alg: 'HS256', key: SECRET }),
  [],
  [undefined],
  new Array(5),
  Buffer.alloc(0),
  Buffer.from('{"alg":"HS256"}'),
  new Uint8Array([1, 2, 3]),
  new Uint16Array(4),
  new Float64Array([NaN]),
  new BigInt64Array(2),
  new DataView(new ArrayBuffer(8)),
  new ArrayBuffer(8),
  new SharedArrayBuffer(8),
  detachedBuffer(),
  detachedView(),
  // Passes Buffer.isBuffer (an instanceof check), yet is no typed array.
  named(Object.create(Buffer.prototype), 'an object that poses as a Buffer'),
  named(Object.setPrototypeOf({ length: 3, 0: 1 }, Uint8Array.prototype), 'an object that poses as a Uint8Array'),
  function plain() {},
  () => undefined,
  async () => undefined,
  function* generator() {},
  class Klass {},
  callerThrows('a function'),
  Promise.resolve('HS256'),
  handledRejection(),
  named({ then: callerThrows('a thenable') }, 'a thenable that throws'),
  { then: (resolve) => resolve(undefined) },
  AbortSignal.abort(new CallerError('aborted')),
  new AbortController().signal,
  named({ aborted: true, reason: 'x', addEventListener: callerThrows('a fake signal') }, 'a fake signal'),
  throwingProxy({}),
  throwingProxy(function target() {}),
  new Proxy({ alg: 'HS256' }, {}),
  cyclicObject(),
  cyclicArray(),
  JSON.parse('['.repeat(2000) + ']'.repeat(2000)),
  named({ toJSON: callerThrows('toJSON') }, 'an object whose toJSON throws'),
  named({ toString: callerThrows('toString'), valueOf: callerThrows('valueOf') }, 'an object whose toString throws'),
  named({ [Symbol.toPrimitive]: callerThrows('Symbol.toPrimitive') }, 'an object whose toPrimitive throws'),
  { [Symbol('k')]: 1 },
  new (class Sub extends Object {})(),
  new Headers({ authorization: 'Bearer x' }),
  new URL('http://127.0.0.1/'),
  new Response('{"keys":[]}'),
  globalThis,
  process,
  ...KEYS.keyObjects,
  ...KEYS.forms,
  ...TOKENS,
]

// Huge strings, made once: 8 MiB of one character, a token whose parts are huge, and huge base64url.
const HUGE = [
  'a'.repeat(8 * 1024 * 1024),
  `${'e30'.repeat(1 << 20)}.${'e30'.repeat(1 << 20)}.${'A'.repeat(1 << 20)}`,
  '.'.repeat(1 << 20),
  `${Buffer.from('{"alg":"HS256","x":"').toString('base64url')}${'A'.repeat(4 << 20)}.e30.`,
]

const special = fc.constantFrom(...SPECIAL)
const huge = fc.constantFrom(...HUGE)

const keyName = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 }))

// fc.anything with every kind of structure it knows.
const structure = fc.anything({
  key: keyName,
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
})

// Objects whose properties throw or shift when read, under the names the library reads.
const trap = fc.oneof(
  fc.constantFrom(...NAMES).map((name) =>
    Object.defineProperty(named({}, `an object whose ${name} getter throws`), name, {
      enumerable: true,
      get: callerThrows(`the getter of ${name}`),
    }),
  ),
  fc
    .tuple(fc.constantFrom(...NAMES), fc.array(fc.oneof(special, structure), { minLength: 2, maxLength: 4 }))
    .map(([name, values]) => shifting(name, values)),
  structure.filter((v) => v !== null && typeof v === 'object').map((target) => throwingProxy(target)),
)

// Any value: mostly plain and odd values, some structures, traps and the rare huge string.
const anyValue = fc.oneof(
  { arbitrary: special, weight: 6 },
  { arbitrary: structure, weight: 4 },
  { arbitrary: trap, weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()), weight: 1 },
  { arbitrary: fc.func(special), weight: 1 },
  { arbitrary: huge, weight: 1 },
)

// An option object: some of `names`, each with a valid value (from `valid`) or any value.
function optionsOf(names, valid = {}) {
  const value = (name) => (valid[name] ? fc.oneof(fc.constantFrom(...valid[name]), anyValue) : anyValue)
  return fc
    .uniqueArray(fc.constantFrom(...names), { maxLength: 5 })
    .chain((chosen) => fc.tuple(...chosen.map((name) => value(name).map((v) => [name, v]))))
    .map((entries) => Object.fromEntries(entries))
}

// UnauthorizedError codes: express-jwt's, and the session store's refusals.
const UNAUTHORIZED_CODES = [
  'credentials_bad_scheme',
  'credentials_bad_format',
  'credentials_required',
  'invalid_token',
  'revoked_token',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  ...Object.keys(REFUSALS),
]

// What is wrong with an error a call threw or rejected with, or null when it is one the API may give: a
// JsonWebTokenError (or subclass) with a code from `codes`, an UnauthorizedError with one of its codes, a
// StoreUnavailableError, a TypeError or RangeError carrying a ringjwt code (bad options and arguments), the
// middleware's ERR_HOOK_FAILED for a hook that failed with a falsy value, or the caller's own error let through
// unchanged.
function problemWith(err) {
  if (err instanceof CallerError) return null
  const message = (() => {
    try {
      return String(err?.message).slice(0, 300)
    } catch {
      return '(unreadable message)'
    }
  })()
  if (message.includes('\x1f')) return `the native encoding leaked: ${JSON.stringify(message)}`
  if (err instanceof jwt.JsonWebTokenError) {
    return err.code in jwt.codes ? null : `${err.name} with an unknown code ${String(err.code)}`
  }
  if (err instanceof UnauthorizedError) {
    return UNAUTHORIZED_CODES.includes(err.code) ? null : `UnauthorizedError with an unknown code ${String(err.code)}`
  }
  if (err instanceof jwt.StoreUnavailableError) return null
  // A hook of the middleware that failed without a reason (threw or rejected with a falsy value).
  if (types.isNativeError(err) && err.name === 'Error' && err.code === 'ERR_HOOK_FAILED') return null
  if (types.isNativeError(err) && (err.name === 'TypeError' || err.name === 'RangeError')) {
    return err.code in jwt.codes ? null : `${err.name} without a ringjwt code (code ${String(err.code)}): ${message}`
  }
  let name
  try {
    name = err?.constructor?.name ?? typeof err
  } catch {
    name = typeof err
  }
  return `${name} (code ${String(err?.code)}): ${message}`
}

module.exports = {
  fc,
  anyValue,
  optionsOf,
  problemWith,
  CallerError,
  callerThrows,
  KEYS,
  SECRET,
  DIR_KEY,
  TOKENS,
}
