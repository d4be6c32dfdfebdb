'use strict'
// The error classes and the code table: instanceof inside Jest, jsonwebtoken's shape, and codes that match
// index.d.ts and the table in docs/errors.md.

const fs = require('node:fs')
const path = require('node:path')
const jwt = require('..')
const reference = require('jsonwebtoken')
const { keys, secret } = require('./helpers/keys')
const { thrown } = require('./helpers/assert')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError, codes } = jwt
const ROOT = path.join(__dirname, '..')

const hsToken = reference.sign({ a: 1, iat: 100, nbf: 100, exp: 200 }, secret)
const rsToken = reference.sign({ a: 1 }, keys.rsa.privatePem, { algorithm: 'RS256' })

describe('instanceof inside Jest', () => {
  test('the package entry and index.js export the same classes', () => {
    expect(require('../index.js').JsonWebTokenError).toBe(JsonWebTokenError)
    expect(Object.getPrototypeOf(TokenExpiredError)).toBe(JsonWebTokenError)
    expect(Object.getPrototypeOf(NotBeforeError)).toBe(JsonWebTokenError)
  })

  // Errors raised in JS, in Rust (sync), on the thread pool and through callbacks.
  test.each([
    ['an option check in sign', () => jwt.sign({}, secret, { foo: 1 }), JsonWebTokenError],
    ['a key check in Rust', () => jwt.sign({}, keys.p384.privatePem, { algorithm: 'ES256' }), JsonWebTokenError],
    ['a malformed token', () => jwt.verify('a.b', secret), JsonWebTokenError],
    ['a signature checked in Rust', () => jwt.verify(hsToken, 'wrong'), JsonWebTokenError],
    ['an expiry checked in Rust', () => jwt.verify(hsToken, secret), TokenExpiredError],
    ['an nbf checked in Rust', () => jwt.verify(hsToken, secret, { clockTimestamp: 50 }), NotBeforeError],
    ['a compiled verifier', () => jwt.createVerifier({ key: secret }).verify(hsToken), TokenExpiredError],
  ])('%s', (_title, fn, ErrorClass) => {
    const err = thrown(fn)
    expect(err).toBeInstanceOf(ErrorClass)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe(ErrorClass.name)
    expect(Object.prototype.toString.call(err)).toBe('[object Error]')
  })

  test('a rejection from the thread pool', async () => {
    const err = await jwt.verifyAsync(rsToken, keys.p256.publicPem, { algorithms: ['RS256'] }).catch((error) => error)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toBeInstanceOf(Error)
    const bad = await jwt.verifyAsync(`${rsToken.slice(0, -4)}AAAA`, keys.rsa.publicPem).catch((error) => error)
    expect(bad).toBeInstanceOf(JsonWebTokenError)
    expect(bad.code).toBe('ERR_JWS_SIGNATURE_INVALID')
  })

  test('an error passed to a callback', async () => {
    const err = await new Promise((resolve) => jwt.verify(hsToken, secret, resolve))
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toBeInstanceOf(Error)
  })

  test('createSigner and createVerifier option errors are TypeErrors of this realm', () => {
    const err = thrown(() => jwt.createVerifier({ key: secret, foo: 1 }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: '"foo" is not allowed in "options"' })
  })
})

describe('shape, as jsonwebtoken', () => {
  test.each([
    ['JsonWebTokenError', (lib) => lib.verify(hsToken, 'wrong'), 'ERR_JWS_SIGNATURE_INVALID'],
    ['TokenExpiredError', (lib) => lib.verify(hsToken, secret), 'ERR_JWT_EXPIRED'],
    ['NotBeforeError', (lib) => lib.verify(hsToken, secret, { clockTimestamp: 50 }), 'ERR_JWT_NOT_ACTIVE'],
  ])('%s', (name, fn, code) => {
    const expected = thrown(() => fn(reference))
    const err = thrown(() => fn(jwt))
    expect(err.name).toBe(name)
    expect(err.code).toBe(code)
    // name and message are enumerable own properties, in jsonwebtoken's order, then code.
    expect(Object.keys(err)).toStrictEqual([
      ...Object.keys(expected).slice(0, 2),
      'code',
      ...Object.keys(expected).slice(2),
    ])
    const json = JSON.parse(JSON.stringify(expected))
    expect(JSON.stringify(err)).toBe(JSON.stringify({ name: json.name, message: json.message, code, ...json }))
    expect(String(err)).toBe(`${name}: ${err.message}`)
    expect(err.stack.startsWith(`${name}: ${err.message}\n`)).toBe(true)
  })

  test('expiredAt and date are Dates', () => {
    const expired = thrown(() => jwt.verify(hsToken, secret))
    expect(expired.expiredAt).toStrictEqual(new Date(200_000))
    const early = thrown(() => jwt.verify(hsToken, secret, { clockTimestamp: 50 }))
    expect(early.date).toStrictEqual(new Date(100_000))
  })

  test("constructors take jsonwebtoken's arguments", () => {
    const inner = new Error('cause')
    expect(new JsonWebTokenError('m', inner)).toMatchObject({ name: 'JsonWebTokenError', message: 'm', inner })
    expect(new JsonWebTokenError('m', undefined, 'ERR_KEY_INVALID').code).toBe('ERR_KEY_INVALID')
    expect(new JsonWebTokenError('m')).not.toHaveProperty('inner')
    const at = new Date(1000)
    expect(new TokenExpiredError('jwt expired', at)).toMatchObject({
      name: 'TokenExpiredError',
      code: 'ERR_JWT_EXPIRED',
      expiredAt: at,
    })
    expect(new NotBeforeError('jwt not active', at)).toMatchObject({
      name: 'NotBeforeError',
      code: 'ERR_JWT_NOT_ACTIVE',
      date: at,
    })
  })

  test('messages never carry the key', () => {
    const errors = [
      thrown(() => jwt.verify(hsToken, 'a-secret-that-must-not-leak')),
      thrown(() => jwt.sign({}, 'a-secret-that-must-not-leak', { algorithm: 'RS256' })),
      thrown(() => jwt.verify(hsToken, keys.rsa.publicPem, { algorithms: ['HS256'] })),
    ]
    for (const err of errors) {
      expect(JSON.stringify(err)).not.toContain('must-not-leak')
      expect(JSON.stringify(err)).not.toContain('BEGIN')
    }
  })
})

describe('the code table', () => {
  const declared = (() => {
    const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
    const union = /export type ErrorCode =([^;]*?)(?:\n\s*\n|;)/.exec(dts)
    return [...union[1].matchAll(/'([A-Z0-9_]+)'/g)].map((match) => match[1])
  })()

  const documented = (() => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8')
    return [...guide.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1])
  })()

  test('codes is frozen, one non-empty line per code', () => {
    expect(Object.isFrozen(codes)).toBe(true)
    for (const [code, line] of Object.entries(codes)) {
      expect(code).toMatch(/^ERR_[A-Z0-9_]+$/)
      expect(typeof line).toBe('string')
      expect(line.length).toBeGreaterThan(0)
    }
  })

  test('its keys are the ErrorCode union of index.d.ts', () => {
    expect(declared.length).toBeGreaterThan(0)
    expect([...declared].sort()).toStrictEqual(Object.keys(codes).sort())
  })

  test('the reasons of StoreUnavailableError in index.d.ts are those of docs/errors.md', () => {
    const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
    const union = /export type StoreUnavailableReason =([^;]*?)(?:\n\s*\n|;)/.exec(dts)
    const typed = [...union[1].matchAll(/'([a-z_]+)'/g)].map((match) => match[1])
    const guide = fs.readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8')
    const listed = [...guide.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1])
    expect(typed.length).toBeGreaterThan(0)
    expect([...listed].sort()).toStrictEqual([...typed].sort())
  })

  test('every code is in the error table of docs/errors.md, and the table has no other', () => {
    expect(documented.length).toBeGreaterThan(0)
    expect([...documented].sort()).toStrictEqual(Object.keys(codes).sort())
  })
})

// A string longer than V8 can make (about 2^29 characters) fails in Node-API itself. Reaching it takes gigabytes of
// memory, so the native error is made here with Node-API's own message, as napi-rs reports it.
describe('a token longer than JavaScript can hold', () => {
  const { fromNative } = require('../lib/errors')
  test.each([['Failed to create a JS string'], ['Failed to convert rust `String` into napi `string`']])(
    '"%s" is ERR_JWT_TOO_LARGE',
    (message) => {
      const native = Object.assign(new Error(message), { code: 'GenericFailure' })
      const err = fromNative(native)
      expect(err).toBeInstanceOf(jwt.JsonWebTokenError)
      expect(err).toMatchObject({
        code: 'ERR_JWT_TOO_LARGE',
        message: 'the token would be longer than the longest string JavaScript holds',
      })
    },
  )
})
