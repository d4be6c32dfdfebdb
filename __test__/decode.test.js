'use strict'
// decode(): the payload (or header, payload and signature) without verification, as jsonwebtoken returns it.

const jwt = require('..')
const reference = require('jsonwebtoken')
const { secret } = require('./helpers/keys')
const { thrown } = require('./helpers/assert')

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const compact = (header, payload, signature = 'c2ln') => `${b64(header)}.${b64(payload)}.${signature}`

const objectToken = reference.sign({ sub: 'u1', iat: 1000 }, secret, { keyid: 'k1' })

describe('tokens that decode', () => {
  test.each([
    ['an object payload', objectToken],
    ['a string payload', reference.sign('hello', secret)],
    ['a Buffer payload holding JSON', reference.sign(Buffer.from('{"a":1}'), secret)],
    ['a JSON number payload without typ', reference.sign('123', secret)],
    ['a JSON null payload without typ', reference.sign('null', secret)],
    ['a JSON array payload', compact({ alg: 'HS256', typ: 'JWT' }, [1, 2])],
    ['an unsigned token', reference.sign({ a: 1 }, null, { algorithm: 'none' })],
    ['a non-JSON payload without typ', compact({ alg: 'none' }, '{bad')],
  ])('%s', (_title, token) => {
    for (const options of [undefined, {}, { complete: true }, { complete: false }]) {
      expect(jwt.decode(token, options)).toStrictEqual(reference.decode(token, options))
    }
  })

  test('payload, then {complete}', () => {
    expect(jwt.decode(objectToken)).toStrictEqual({ sub: 'u1', iat: 1000 })
    expect(jwt.decode(objectToken, { complete: true })).toStrictEqual({
      header: { alg: 'HS256', typ: 'JWT', kid: 'k1' },
      payload: { sub: 'u1', iat: 1000 },
      signature: objectToken.split('.')[2],
    })
  })

  test('string payloads stay strings unless they hold a JSON object', () => {
    expect(jwt.decode(reference.sign('hello', secret))).toBe('hello')
    expect(jwt.decode(reference.sign('123', secret))).toBe('123')
    expect(jwt.decode(reference.sign('{"a":1}', secret))).toStrictEqual({ a: 1 })
  })

  test.each([
    ['a JSON number', '123', 123],
    ['a JSON string', '"text"', 'text'],
    ['true', 'true', true],
    ['null', 'null', null],
    ['an object', '{"a":1}', { a: 1 }],
  ])('{json: true} parses %s', (_title, text, value) => {
    const token = reference.sign(text, secret)
    expect(jwt.decode(token, { json: true })).toStrictEqual(value)
    expect(reference.decode(token, { json: true })).toStrictEqual(value)
  })

  test('{json: true} on a payload that is not JSON is null (jsonwebtoken lets a SyntaxError escape)', () => {
    const token = reference.sign('hello', secret)
    expect(thrown(() => reference.decode(token, { json: true }))).toBeInstanceOf(SyntaxError)
    expect(jwt.decode(token, { json: true })).toBeNull()
  })

  test('a token given as a Buffer', () => {
    expect(jwt.decode(Buffer.from(objectToken))).toStrictEqual({ sub: 'u1', iat: 1000 })
  })

  test('decode does not check the signature, the algorithm or the time', () => {
    const forged = compact({ alg: 'RS256' }, { exp: 1, admin: true }, 'AAAA')
    expect(jwt.decode(forged)).toStrictEqual({ exp: 1, admin: true })
  })
})

describe('garbage is null', () => {
  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { token: objectToken }],
    ['a Symbol', Symbol('jwt')],
    ['an empty string', ''],
    ['one part', 'abc'],
    ['two parts', 'a.b'],
    ['four parts', `${objectToken}.x`],
    ['parts that are not base64url JSON', 'a.b.c'],
    ['an empty header', `.${b64({ a: 1 })}.c2ln`],
    ['an empty payload', `${b64({ alg: 'HS256' })}..c2ln`],
    ['a header that is not JSON', compact('{alg', { a: 1 })],
    ['a header that is JSON null', compact('null', { a: 1 })],
    ['a leading space', ` ${objectToken}`],
    ['a trailing newline', `${objectToken}\n`],
    ['padding', `${objectToken}=`],
    ['a signature with characters outside base64url', `${objectToken.slice(0, -2)}!!`],
    ['standard base64 characters', objectToken.replace(/-|_/g, '+').replace(/\.(?=[^.]*$)/, './')],
    ['a huge string', 'a'.repeat(1_000_000)],
  ])('%s', (_title, token) => {
    expect(jwt.decode(token)).toBeNull()
    expect(jwt.decode(token, { complete: true })).toBeNull()
    expect(jwt.decode(token, { json: true })).toBeNull()
    if (typeof token !== 'symbol') expect(reference.decode(token)).toBeNull()
  })
})

// Where ringjwt differs (README, "Differences from jsonwebtoken").
test('typ JWT with a payload that is not JSON is null, not a thrown SyntaxError', () => {
  expect(jwt.decode(compact({ alg: 'HS256', typ: 'JWT' }, 'hello'))).toBeNull()
})

test('a header that is JSON but not an object is null (jsonwebtoken decodes the payload)', () => {
  for (const header of [[1], ['HS256', 'JWT'], '"x"']) {
    const token = compact(header, { a: 1 })
    expect(jwt.decode(token)).toBeNull()
    expect(jwt.decode(token, { complete: true })).toBeNull()
    expect(reference.decode(token)).toStrictEqual({ a: 1 })
  }
})
