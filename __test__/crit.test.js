'use strict'
// `crit` (RFC 7515 §4.1.11): a non-empty list of distinct extension header parameters the header holds, all of
// which the recipient must understand. ringjwt understands no extension, so verify refuses every token with a
// `crit`; decode verifies nothing and returns such tokens as jsonwebtoken does.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { expressjwt } = require('../express')
const { hmacToken } = require('./helpers/tokens')
const { expectError } = require('./helpers/assert')
const { withApp, expectInvalidToken } = require('./helpers/express-apps')

const { JsonWebTokenError } = jwt
const secret = 'a shared secret of at least thirty-two bytes'
const token = (header, payload = { sub: 'u1' }) => hmacToken({ alg: 'HS256', ...header }, payload, secret)

function expectRefusal(tokenText, code, message, options = {}) {
  expectError(() => jwt.verify(tokenText, secret, options), JsonWebTokenError, code, message)
  expectError(() => jwt.createVerifier({ key: secret, ...options }).verify(tokenText), JsonWebTokenError, code, message)
}

describe('a crit that is not a non-empty array of strings', () => {
  test.each([
    ['null', null],
    ['a string', 'b64'],
    ['an empty array', []],
    ['an array with a number', ['x', 1]],
    ['an array with null', [null]],
    ['an object', { b64: true }],
    ['true', true],
  ])('%s is refused', (_, crit) => {
    expectRefusal(token({ crit, x: 1 }), 'ERR_JWS_CRIT_INVALID', '"crit" must be a non-empty array of strings')
  })
})

describe('a crit that lists what it must not', () => {
  test.each(['alg', 'typ', 'kid', 'jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'cty', 'crit', 'enc', 'zip'])(
    'the registered header parameter %s',
    (name) => {
      expectRefusal(
        token({ [name]: 'v', crit: [name] }),
        'ERR_JWS_CRIT_INVALID',
        `"crit" must not list the registered header parameter "${name}"`,
      )
    },
  )

  test('a name twice', () => {
    expectRefusal(token({ ext: 1, crit: ['ext', 'ext'] }), 'ERR_JWS_CRIT_INVALID', '"crit" lists "ext" more than once')
  })

  // Each name is compared with those before it through a hash set: a list of tens of thousands is read in linear
  // time, with the same verdicts as a short one.
  test.each([
    ['the last name repeats the first', (names) => [...names, names[0]], '"crit" lists "e0" more than once'],
    [
      'the last name is not in the header',
      (names) => [...names, 'absent'],
      '"crit" lists "absent", which is not in the header',
    ],
  ])('a list of 60,000 names where %s', (_, list, message) => {
    const names = Array.from({ length: 60_000 }, (_, i) => `e${i}`)
    const header = Object.fromEntries(names.map((name) => [name, 0]))
    expectRefusal(token({ ...header, crit: list(names) }), 'ERR_JWS_CRIT_INVALID', message)
  })

  test('a name the header does not hold', () => {
    expectRefusal(token({ crit: ['exp'] }), 'ERR_JWS_CRIT_INVALID', '"crit" lists "exp", which is not in the header')
  })
})

describe('a well-formed crit naming an extension', () => {
  test.each([
    ['b64 (RFC 7797)', { b64: false, crit: ['b64'] }, 'b64'],
    ['a private extension', { exp: 1, crit: ['exp'] }, 'exp'],
    ['two extensions', { 'urn:x': 1, 'urn:y': 2, crit: ['urn:x', 'urn:y'] }, 'urn:x'],
  ])('%s is not understood, so the token is refused', (_, header, name) => {
    const tokenText = token(header)
    expectRefusal(tokenText, 'ERR_JWS_CRIT_UNSUPPORTED', `unsupported critical header parameter "${name}"`)
    // jsonwebtoken ignores crit.
    expect(reference.verify(tokenText, secret)).toMatchObject({ sub: 'u1' })
  })

  test('also through verifyAsync and a key function', async () => {
    const tokenText = token({ b64: false, crit: ['b64'] })
    const message = 'unsupported critical header parameter "b64"'
    const async = await jwt.verifyAsync(tokenText, secret).catch((err) => err)
    expect(async).toBeInstanceOf(JsonWebTokenError)
    expect(async).toMatchObject({ code: 'ERR_JWS_CRIT_UNSUPPORTED', message })
    const viaKeyFunction = await jwt
      .verifyAsync(tokenText, (header, callback) => callback(null, secret))
      .catch((e) => e)
    expect(viaKeyFunction).toMatchObject({ code: 'ERR_JWS_CRIT_UNSUPPORTED', message })
  })
})

describe('where crit is checked', () => {
  const critToken = token({ b64: false, crit: ['b64'] })

  test('before the algorithm and the signature', () => {
    const forged = `${critToken.slice(0, critToken.lastIndexOf('.'))}.AAAA`
    expectRefusal(forged, 'ERR_JWS_CRIT_UNSUPPORTED', 'unsupported critical header parameter "b64"')
    expectRefusal(critToken, 'ERR_JWS_CRIT_UNSUPPORTED', 'unsupported critical header parameter "b64"', {
      algorithms: ['HS512'],
    })
  })

  test("after jsonwebtoken's checks of the token against the key given", () => {
    const unsigned = `${critToken.slice(0, critToken.lastIndexOf('.'))}.`
    expectError(
      () => jwt.verify(unsigned, secret),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_REQUIRED',
      'jwt signature is required',
    )
    expectError(
      () => jwt.verify(critToken, null),
      JsonWebTokenError,
      'ERR_KEY_REQUIRED',
      'secret or public key must be provided',
    )
  })

  test('not by decode, which verifies nothing (as in jsonwebtoken)', () => {
    expect(jwt.decode(critToken)).toEqual({ sub: 'u1' })
    expect(jwt.decode(critToken, { complete: true }).header).toEqual({ alg: 'HS256', b64: false, crit: ['b64'] })
    expect(jwt.decode(critToken, { complete: true })).toEqual(reference.decode(critToken, { complete: true }))
  })

  test('by the middleware: a 401 with the verify error as inner', async () => {
    await withApp(expressjwt({ secret, algorithms: ['HS256'] }), (app) =>
      expectInvalidToken(app, critToken, 'ERR_JWS_CRIT_UNSUPPORTED', 'unsupported critical header parameter "b64"'),
    )
  })
})
