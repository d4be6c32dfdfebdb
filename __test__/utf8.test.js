'use strict'
// The header and the payload are UTF-8 (RFC 7515 §2, RFC 7519 §7.2). Bytes that are not (overlong forms,
// surrogates, truncated or stray sequences) are refused, never replaced: jsonwebtoken turns them into U+FFFD, so
// two different byte strings read as the same claims. decode() returns null for such tokens, as for any other it
// cannot decode.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { expressjwt } = require('../express')
const { hmacToken } = require('./helpers/tokens')
const { expectError } = require('./helpers/assert')
const { withApp, expectInvalidToken } = require('./helpers/express-apps')

const { JsonWebTokenError } = jwt
const secret = 'a shared secret of at least thirty-two bytes'

const INVALID = [
  ['an overlong two-byte "/"', [0xc0, 0xaf]],
  ['an overlong three-byte "/"', [0xe0, 0x80, 0xaf]],
  ['an overlong four-byte "/"', [0xf0, 0x80, 0x80, 0xaf]],
  ['an overlong NUL', [0xc0, 0x80]],
  ['a UTF-16 high surrogate', [0xed, 0xa0, 0x80]],
  ['a UTF-16 low surrogate', [0xed, 0xbf, 0xbf]],
  ['a lone continuation byte', [0x80]],
  ['a truncated three-byte sequence', [0xe2, 0x82]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['the byte FF', [0xff]],
  ['a latin1 é', [0xe9]],
]

// `{"<member>":"<bytes>"}` around the bytes under test.
const jsonWith = (member, bytes, extra = {}) =>
  Buffer.concat([
    Buffer.from(`${JSON.stringify(extra).slice(0, -1)}${Object.keys(extra).length ? ',' : ''}"${member}":"`),
    Buffer.from(bytes),
    Buffer.from('"}'),
  ])

describe.each(INVALID)('%s', (_, bytes) => {
  test('in the payload: refused by verify, null from decode; jsonwebtoken replaces it', async () => {
    const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, jsonWith('name', bytes), secret)
    const message = 'jwt payload is not valid UTF-8'
    expectError(() => jwt.verify(token, secret), JsonWebTokenError, 'ERR_JWT_INVALID_UTF8', message)
    expectError(
      () => jwt.createVerifier({ key: secret }).verify(token),
      JsonWebTokenError,
      'ERR_JWT_INVALID_UTF8',
      message,
    )
    await expect(jwt.verifyAsync(token, secret)).rejects.toMatchObject({ code: 'ERR_JWT_INVALID_UTF8', message })
    expect(jwt.decode(token)).toBeNull()
    expect(jwt.decode(token, { complete: true })).toBeNull()
    expect(reference.verify(token, secret).name).toContain('\ufffd')
  })

  test('in the header: refused by verify, null from decode', () => {
    const token = hmacToken(jsonWith('kid', bytes, { alg: 'HS256' }), { sub: 'u1' }, secret)
    const message = 'jwt header is not valid UTF-8'
    expectError(() => jwt.verify(token, secret), JsonWebTokenError, 'ERR_JWT_INVALID_UTF8', message)
    expect(jwt.decode(token)).toBeNull()
  })

  test('in a payload that is not JSON', () => {
    const token = hmacToken({ alg: 'HS256' }, Buffer.from([0x61, ...bytes, 0x62]), secret)
    expectError(
      () => jwt.verify(token, secret),
      JsonWebTokenError,
      'ERR_JWT_INVALID_UTF8',
      'jwt payload is not valid UTF-8',
    )
  })
})

test('valid UTF-8 of every length is read as written', () => {
  const text = 'a é € 漢 🎉 𝄞 \u2028'
  const token = hmacToken({ alg: 'HS256', kid: text }, { name: text }, secret)
  expect(jwt.verify(token, secret, { complete: true })).toMatchObject({
    header: { kid: text },
    payload: { name: text },
  })
  expect(jwt.decode(token)).toEqual({ name: text })
})

test('ringjwt writes a non-ASCII header as UTF-8; jsonwebtoken writes latin1, which verify refuses', () => {
  const token = jwt.sign({ sub: 'u1' }, secret, { keyid: 'clé' })
  expect(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).toContain('"kid":"clé"')
  expect(jwt.verify(token, secret, { complete: true }).header.kid).toBe('clé')
  // The payload is the same bytes either way.
  const theirs = reference.sign({ sub: 'u1' }, secret, { keyid: 'clé' })
  expect(theirs.split('.')[1]).toBe(token.split('.')[1])
  expectError(
    () => jwt.verify(theirs, secret),
    JsonWebTokenError,
    'ERR_JWT_INVALID_UTF8',
    'jwt header is not valid UTF-8',
  )
})

test('a payload signed in another encoding is not UTF-8 and is refused', () => {
  const token = jwt.sign('café', secret, { encoding: 'latin1' })
  expect(token).toBe(reference.sign('café', secret, { encoding: 'latin1' }))
  expectError(
    () => jwt.verify(token, secret),
    JsonWebTokenError,
    'ERR_JWT_INVALID_UTF8',
    'jwt payload is not valid UTF-8',
  )
})

test('the middleware answers 401 with the verify error as inner', async () => {
  const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, jsonWith('sub', [0xc0, 0xaf]), secret)
  await withApp(expressjwt({ secret, algorithms: ['HS256'] }), (app) =>
    expectInvalidToken(app, token, 'ERR_JWT_INVALID_UTF8', 'jwt payload is not valid UTF-8'),
  )
})
