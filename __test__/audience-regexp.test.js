'use strict'
// RegExp audiences give JavaScript's verdict: the RegExps run in JS (flags, Unicode classes, case folding,
// lookaround, backreferences and the `lastIndex` state of g and y included), called exactly as jsonwebtoken calls
// them and only for tokens that reach the audience step. Each case is checked against jsonwebtoken itself.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { expressjwt } = require('../express')
const { keys } = require('./helpers/keys')
const { hmacToken } = require('./helpers/tokens')
const { expectError } = require('./helpers/assert')
const { withApp, bearer, expectInvalidToken } = require('./helpers/express-apps')

const { JsonWebTokenError } = jwt
const secret = 'a shared secret of at least thirty-two bytes'
const NOW = 1_800_000_000

// A token whose payload is `claims` (aud absent when `aud` is undefined).
const tokenWith = (aud, extra = {}) =>
  hmacToken({ alg: 'HS256', typ: 'JWT' }, aud === undefined ? extra : { ...extra, aud }, secret)

function outcome(fn) {
  try {
    return { payload: fn() }
  } catch (err) {
    return { name: err.name, message: err.message }
  }
}

// [title, audience option (a function, so each library gets its own RegExp objects), aud claim, expected verdict]
const CASES = [
  ['\\w is ASCII', () => /^\w+$/, 'café', false],
  ['\\w is ASCII with u', () => /^\w+$/u, 'café', false],
  ['\\d is ASCII', () => /^\d$/, '\u0663', false],
  ['\\s has NBSP', () => /^\s$/, '\u00a0', true],
  ['\\s has BOM', () => /^\s$/, '\ufeff', true],
  ['\\s lacks NEL', () => /^\s$/, '\u0085', false],
  ['\\b around a non-ASCII letter', () => /\bapi\b/, 'éapi', true],
  ['. skips \\n', () => /^.$/, '\n', false],
  ['. skips U+2028', () => /^.$/, '\u2028', false],
  ['. with s takes \\n', () => /^.$/s, '\n', true],
  ['. is one UTF-16 unit', () => /^.$/, '😀', false],
  ['. with u is one code point', () => /^.$/u, '😀', true],
  ['i folds ASCII', () => /^API$/i, 'api', true],
  ['i without u does not fold ſ to s', () => /^s$/i, 'ſ', false],
  ['i with u folds ſ to s', () => /^s$/iu, 'ſ', true],
  ['i without u does not fold the Kelvin sign', () => /^k$/i, '\u212a', false],
  ['i with u folds the Kelvin sign', () => /^k$/iu, '\u212a', true],
  ['lookahead', () => /^(?=api)/, 'api:read', true],
  ['negative lookahead', () => /^(?!api)/, 'api:read', false],
  ['lookbehind', () => /(?<=urn:)api$/, 'urn:api', true],
  ['backreference', () => /^(a+)\1$/, 'aaaa', true],
  ['backreference, odd count', () => /^(a+)\1$/, 'aaa', false],
  ['named backreference', () => /^(?<x>ab)\k<x>$/, 'abab', true],
  ['m: ^ after a newline', () => /^api$/m, 'web\napi', true],
  ['without m', () => /^api$/, 'web\napi', false],
  ['y sticks at lastIndex 0', () => /api/y, 'web:api', false],
  ['y matches at lastIndex 0', () => /api-[0-9]+/y, 'api-12', true],
  ['g from lastIndex 0', () => /api-[0-9]+/g, 'web api-12', true],
  ['v: set difference', () => /^[\p{L}--[a-z]]$/v, 'A', true],
  ['v: set difference excludes', () => /^[\p{L}--[a-z]]$/v, 'a', false],
  ['a number aud is String(aud)', () => /^5$/, 5, true],
  ['null aud is "null"', () => /^null$/, null, true],
  ['a missing aud is "undefined"', () => /^undefined$/, undefined, true],
  ['an object aud', () => /object/, { a: 1 }, true],
  ['a nested array aud', () => /^a,b$/, [['a', 'b']], true],
  ['any aud of many', () => /^b/, ['a', 'bc'], true],
  ['a string among RegExps', () => [/^x$/, 'api'], ['api'], true],
  ['a string is not a pattern', () => ['a.i', /^x$/], 'api', false],
]

describe('the verdict is jsonwebtoken’s', () => {
  test.each(CASES)('%s', (_, audience, aud, matches) => {
    const token = tokenWith(aud)
    const ours = outcome(() => jwt.verify(token, secret, { audience: audience() }))
    const theirs = outcome(() => reference.verify(token, secret, { audience: audience() }))
    expect(ours).toEqual(theirs)
    if (matches) {
      expect(ours.payload).toEqual(aud === undefined ? {} : { aud })
    } else {
      expect(ours).toEqual({
        name: 'JsonWebTokenError',
        message: `jwt audience invalid. expected: ${[audience()].flat().join(' or ')}`,
      })
    }
  })

  test.each(CASES)('%s, compiled and async', async (_, audience, aud, matches) => {
    const token = tokenWith(aud)
    const verifier = jwt.createVerifier({ key: secret, audience: audience(), complete: true })
    const compiled = outcome(() => verifier.verify(token).payload)
    const asynchronous = await jwt.verifyAsync(token, secret, { audience: audience() }).then(
      (payload) => ({ payload }),
      (err) => ({ name: err.name, message: err.message }),
    )
    expect(compiled).toEqual(asynchronous)
    expect('payload' in compiled).toBe(matches)
  })
})

describe('g and y make RegExp.test stateful, as in jsonwebtoken', () => {
  // The verdicts of five calls in a row (+ accepted, - refused): a match leaves lastIndex after it, so the next
  // call starts there, fails, and resets it; a later aud in the list then matches from 0.
  test.each([
    ['g', 'api', ['api'], '+-+-+'],
    ['g', 'api', 'xapi', '+-+-+'],
    ['g', 'api', ['api', 'api'], '+++++'],
    ['y', 'api', ['api', 'api'], '+++++'],
    ['y', 'api', ['xapi'], '-----'],
    ['gy', 'a', ['a', 'a', 'a'], '+++++'],
  ])('flags %s, /%s/, aud %j: %s, as jsonwebtoken', (flags, source, aud, expected) => {
    const token = tokenWith(aud)
    const ours = new RegExp(source, flags)
    const theirs = new RegExp(source, flags)
    const verdicts = { ours: [], theirs: [] }
    for (let i = 0; i < 5; i++) {
      verdicts.ours.push(outcome(() => jwt.verify(token, secret, { audience: ours })))
      verdicts.theirs.push(outcome(() => reference.verify(token, secret, { audience: theirs })))
      expect(ours.lastIndex).toBe(theirs.lastIndex)
    }
    expect(verdicts.ours).toEqual(verdicts.theirs)
    expect(verdicts.ours.map((v) => ('payload' in v ? '+' : '-')).join('')).toBe(expected)
  })

  test('a compiled verifier keeps using its RegExp, as express-jwt does with jsonwebtoken', () => {
    const token = tokenWith('api')
    const ours = /api/g
    const theirs = /api/g
    const verifier = jwt.createVerifier({ key: secret, audience: ours })
    for (let i = 0; i < 4; i++) {
      expect(outcome(() => verifier.verify(token))).toEqual(
        outcome(() => reference.verify(token, secret, { audience: theirs })),
      )
    }
  })

  test('a RegExp runs only for tokens that reach the audience step', () => {
    let calls = 0
    class Counting extends RegExp {
      exec(text) {
        calls++
        return super.exec(text)
      }
    }
    const audience = new Counting('api', 'g')
    const expired = tokenWith('api', { exp: NOW - 1 })
    expectError(
      () => jwt.verify(expired, secret, { audience, clockTimestamp: NOW }),
      jwt.TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'jwt expired',
    )
    const forged = `${tokenWith('api').split('.').slice(0, 2).join('.')}.AAAA`
    expectError(
      () => jwt.verify(forged, secret, { audience }),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
    expect(calls).toBe(0)
    expect(audience.lastIndex).toBe(0)
    expect(jwt.verify(tokenWith('api'), secret, { audience })).toEqual({ aud: 'api' })
    expect(calls).toBe(1)
    expect(audience.lastIndex).toBe(3)
  })
})

describe('the checks around the audience keep jsonwebtoken’s order', () => {
  const token = tokenWith('api', { iss: 'other', sub: 'u1', iat: NOW - 100 })

  test.each([
    ['audience first', { audience: /^web$/, issuer: 'auth' }, 'jwt audience invalid. expected: /^web$/'],
    ['then issuer', { audience: /^api$/, issuer: 'auth' }, 'jwt issuer invalid. expected: auth'],
    ['then subject', { audience: [/^api$/], subject: 'u2' }, 'jwt subject invalid. expected: u2'],
  ])('%s', (_, options, message) => {
    const ours = outcome(() => jwt.verify(token, secret, { ...options, clockTimestamp: NOW }))
    expect(ours).toEqual({ name: 'JsonWebTokenError', message })
    expect(ours).toEqual(outcome(() => reference.verify(token, secret, { ...options, clockTimestamp: NOW })))
  })

  test('maxAge after the audience, with its TokenExpiredError', () => {
    expectError(
      () => jwt.verify(token, secret, { audience: /api/, issuer: 'other', maxAge: 10, clockTimestamp: NOW }),
      jwt.TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'maxAge exceeded',
    )
  })

  test('complete returns header, payload and signature', () => {
    const result = jwt.verify(token, secret, { audience: /api/, complete: true })
    expect(result).toEqual(reference.verify(token, secret, { audience: /api/, complete: true }))
  })

  test('an asymmetric key through the thread pool', async () => {
    const signed = jwt.sign({ aud: 'urn:api' }, keys.rsa.privateKey, { algorithm: 'RS256' })
    await expect(jwt.verifyAsync(signed, keys.rsa.publicKey, { audience: /(?<=urn:)api/ })).resolves.toMatchObject({
      aud: 'urn:api',
    })
    const verifier = jwt.createVerifier({ key: keys.rsa.publicKey, audience: /(?<=urn:)web/ })
    await expect(verifier.verifyAsync(signed)).rejects.toMatchObject({
      code: 'ERR_JWT_AUDIENCE_INVALID',
      message: 'jwt audience invalid. expected: /(?<=urn:)web/',
    })
  })
})

test('the middleware runs the RegExp in JS too', async () => {
  await withApp(expressjwt({ secret, algorithms: ['HS256'], audience: /^(?!admin)\w+$/ }), async (app) => {
    expect(await app.request('/', bearer(tokenWith('api')))).toEqual({ status: 200, body: { auth: { aud: 'api' } } })
    const message = 'jwt audience invalid. expected: /^(?!admin)\\w+$/'
    await expectInvalidToken(app, tokenWith('admin'), 'ERR_JWT_AUDIENCE_INVALID', message)
  })
})

describe('the payload is parsed once', () => {
  const key = Buffer.alloc(32, 7)
  const encrypted = jwt.encrypt({ aud: 'api' }, key, { algorithm: 'dir', encryption: 'A256GCM' })
  test.each([
    ['verify', () => jwt.verify(tokenWith('api'), secret, { audience: /^api$/ })],
    ['verify, complete', () => jwt.verify(tokenWith('api'), secret, { audience: /^api$/, complete: true }).payload],
    ['createVerifier', () => jwt.createVerifier({ key: secret, audience: /^api$/ }).verify(tokenWith('api'))],
    ['decrypt', () => jwt.decrypt(encrypted, key, { audience: /^api$/ })],
  ])('%s: the RegExps run on the object returned, read by one JSON.parse', (_, run) => {
    const parse = jest.spyOn(JSON, 'parse')
    let payload
    try {
      payload = run()
      expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('"aud"'))).toHaveLength(1)
    } finally {
      parse.mockRestore()
    }
    expect(payload).toMatchObject({ aud: 'api' })
  })
})
