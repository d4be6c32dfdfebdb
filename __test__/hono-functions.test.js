'use strict'
// ringjwt/hono's sign, verify, decode and error classes: hono's token layout, its checks in its order with the
// clock from Date.now(), each failure's class, code and message, and where ringjwt is stricter (RFC 8725).
const {
  sign,
  verify,
  decode,
  decodeHeader,
  isTokenHeader,
  Jwt,
  JwtAlgorithmNotImplemented,
  JwtAlgorithmRequired,
  JwtAlgorithmMismatch,
  JwtTokenInvalid,
  JwtTokenNotBefore,
  JwtTokenExpired,
  JwtTokenIssuedAt,
  JwtTokenIssuer,
  JwtHeaderInvalid,
  JwtTokenSignatureMismatched,
  JwtPayloadRequiresAud,
  JwtTokenAudience,
} = require('../hono')
const { JsonWebTokenError } = require('..')
const { keys } = require('./helpers/keys')
const { hmacToken: signedWith } = require('./helpers/tokens')
const { rejected, expectError } = require('./helpers/assert')

const secret = 'a shared secret that is long enough for HS256'
const NOW = 1_700_000_000
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

// A token signed with `secret` over any header and payload.
const hmacToken = (header, payload, key = secret) => signedWith(header, payload, key)
const token = (payload, header = { alg: 'HS256', typ: 'JWT' }) => hmacToken(header, payload)

async function expectRejection(promise, Class, code, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(Class)
  expect(err).toMatchObject({ name: Class.name, code, message })
  return err
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW * 1000 })
})
afterEach(() => {
  jest.useRealTimers()
})

describe('sign', () => {
  test("hono's layout: header {alg, typ}, the payload as JSON.stringify gives it, no iat added", async () => {
    const payload = { sub: 'u1', n: 1.5, nested: { a: [1, null] }, s: 'é\u{1F600}' }
    const signed = await sign(payload, secret)
    const [header, body] = signed.split('.')
    expect(Buffer.from(header, 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}')
    expect(Buffer.from(body, 'base64url').toString()).toBe(JSON.stringify(payload))
    expect(await verify(signed, secret, 'HS256')).toEqual(payload)
  })

  test('a JWK with alg: its algorithm, and its kid in the header', async () => {
    const signed = await sign({ sub: 'u1' }, { ...keys.p256.privateJwk, alg: 'ES256', kid: 'ec-1' }, 'HS256')
    expect(decode(signed).header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' })
    expect(await verify(signed, keys.p256.publicJwk, 'ES256')).toEqual({ sub: 'u1' })
  })

  test('an algorithm hono does not implement: JwtAlgorithmNotImplemented', async () => {
    for (const alg of ['none', 'HS1', 'RS256 ']) {
      await expectRejection(
        sign({}, secret, alg),
        JwtAlgorithmNotImplemented,
        'ERR_JWT_INVALID_OPTION',
        `${alg} is not an implemented algorithm`,
      )
    }
  })

  test('RFC 8725: an RSA key under 2048 bits is refused (hono signs with it)', async () => {
    const err = await rejected(sign({}, keys.rsa1024.privatePem, 'RS256'))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_TOO_SMALL',
      message: 'secretOrPrivateKey has a minimum key size of 2048 bits for RS256',
    })
  })

  test('RFC 8725: PEM text is no HMAC secret', async () => {
    const err = await rejected(sign({}, keys.rsa.publicPem, 'HS256'))
    expect(err).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'secretOrPrivateKey must be a symmetric key when using HS256',
    })
  })

  test('a CryptoKey: public keys do not sign, and a key made for another algorithm is refused', async () => {
    const hmac = await crypto.subtle.importKey('raw', Buffer.from(secret), { name: 'HMAC', hash: 'SHA-384' }, false, [
      'sign',
      'verify',
    ])
    expect(await verify(await sign({ a: 1 }, hmac, 'HS384'), secret, 'HS384')).toEqual({ a: 1 })
    const mismatch = await rejected(sign({}, hmac, 'HS256'))
    expect(mismatch).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'the CryptoKey is a HMAC key, which cannot be used with HS256',
    })
    const verifyOnly = await crypto.subtle.importKey(
      'raw',
      Buffer.from(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    expect(await rejected(sign({}, verifyOnly, 'HS256'))).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'the CryptoKey\'s usages do not include "sign"',
    })
    const ed = await crypto.subtle.importKey('jwk', keys.ed25519.publicJwk, { name: 'Ed25519' }, false, ['verify'])
    const publicKey = await rejected(sign({}, ed, 'EdDSA'))
    expect(publicKey).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'unexpected key type: CryptoKey.type is public, expected private or secret',
    })
  })

  test('a JWK that is not a private key, or not meant to sign', async () => {
    const notPrivate = await rejected(sign({}, keys.p256.publicJwk, 'ES256'))
    expect(notPrivate).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'the JWK is not a valid private key' })
    const encryption = await rejected(sign({}, { ...keys.p256.privateJwk, use: 'enc' }, 'ES256'))
    expect(encryption).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'the JWK is not meant to sign ("use" or "key_ops")',
    })
  })

  test('a payload JSON cannot hold: the TypeError of JSON.stringify', async () => {
    const cyclic = {}
    cyclic.self = cyclic
    await expect(sign(cyclic, secret)).rejects.toThrow(TypeError)
    await expect(sign(cyclic, secret)).rejects.toThrow(/circular structure/)
    await expect(sign({ n: 1n }, secret)).rejects.toThrow(new TypeError('Do not know how to serialize a BigInt'))
  })
})

describe('verify: the checks before the signature, in hono’s order', () => {
  test('no algorithm: JwtAlgorithmRequired', async () => {
    const message = 'JWT verification requires "alg" option to be specified'
    await expectRejection(verify(token({}), secret), JwtAlgorithmRequired, 'ERR_JWT_INVALID_OPTION', message)
    await expectRejection(verify(token({}), secret, {}), JwtAlgorithmRequired, 'ERR_JWT_INVALID_OPTION', message)
  })

  test('a token that is not a string: a TypeError with a code', async () => {
    for (const value of [undefined, 42, {}, Symbol('t')]) {
      const err = await rejected(verify(value, secret, 'HS256'))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_NOT_STRING', message: 'jwt must be a string' })
    }
  })

  test.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['a header that is not JSON', `${b64('nope')}.${b64({})}.sig`],
    ['a payload that is not JSON', `${b64({ alg: 'HS256' })}.${b64('{')}.sig`],
    [
      'invalid UTF-8 (hono would read U+FFFD)',
      `${b64({ alg: 'HS256' })}.${Buffer.from([0x22, 0xff, 0x22]).toString('base64url')}.sig`,
    ],
    ['base64 padding', `${b64({ alg: 'HS256' })}=.${b64({})}.sig`],
  ])('%s: JwtTokenInvalid', async (_, bad) => {
    await expectRejection(
      verify(bad, secret, 'HS256'),
      JwtTokenInvalid,
      'ERR_JWT_MALFORMED',
      `invalid JWT token: ${bad}`,
    )
  })

  test('a header of another algorithm: JwtAlgorithmMismatch, before the claims', async () => {
    const bad = token({ exp: 1 }, { alg: 'HS512', typ: 'JWT' })
    await expectRejection(
      verify(bad, secret, 'HS256'),
      JwtAlgorithmMismatch,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'JWT algorithm mismatch: expected "HS256", got "HS512"',
    )
  })

  test.each([
    [{ alg: 'HS256', typ: 'JWS' }, undefined],
    [{ alg: 'HS256', crit: ['b64'], b64: false }, undefined],
    [{ alg: 'none' }, undefined],
    [{ typ: 'JWT' }, undefined],
    [{ alg: 'HS256' }, 'at+jwt'],
  ])('header %j with typ %s: JwtHeaderInvalid', async (header, typ) => {
    await expectRejection(
      verify(token({}, header), secret, { alg: 'HS256', typ }),
      JwtHeaderInvalid,
      'ERR_JWT_HEADER_INVALID',
      `jwt header is invalid: ${JSON.stringify(header)}`,
    )
  })

  test('typ: "JWT" or none by default, compared without case and "application/"', async () => {
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', typ: 'jwt' }, { alg: 'HS256', typ: 'application/JWT' }]) {
      expect(await verify(token({ a: 1 }, header), secret, 'HS256')).toEqual({ a: 1 })
    }
    const atJwt = token({ a: 1 }, { alg: 'HS256', typ: 'application/at+jwt' })
    expect(await verify(atJwt, secret, { alg: 'HS256', typ: ['dpop+jwt', 'at+jwt'] })).toEqual({ a: 1 })
  })

  test('nbf: valid from its second on (Date.now()), JwtTokenNotBefore before', async () => {
    expect(await verify(token({ nbf: NOW }), secret, 'HS256')).toEqual({ nbf: NOW })
    const early = token({ nbf: NOW + 1 })
    const message = `token (${early}) is being used before it's valid`
    await expectRejection(verify(early, secret, 'HS256'), JwtTokenNotBefore, 'ERR_JWT_NOT_ACTIVE', message)
    jest.setSystemTime((NOW + 1) * 1000)
    expect(await verify(early, secret, 'HS256')).toEqual({ nbf: NOW + 1 })
    expect(await verify(early, secret, { alg: 'HS256', nbf: false })).toEqual({ nbf: NOW + 1 })
  })

  test('exp: expired at its second (Date.now()), JwtTokenExpired', async () => {
    expect(await verify(token({ exp: NOW + 1 }), secret, 'HS256')).toEqual({ exp: NOW + 1 })
    const expired = token({ exp: NOW })
    await expectRejection(
      verify(expired, secret, 'HS256'),
      JwtTokenExpired,
      'ERR_JWT_EXPIRED',
      `token (${expired}) expired`,
    )
    expect(await verify(expired, secret, { alg: 'HS256', exp: false })).toEqual({ exp: NOW })
  })

  test('iat: not after now, JwtTokenIssuedAt', async () => {
    expect(await verify(token({ iat: NOW }), secret, 'HS256')).toEqual({ iat: NOW })
    await expectRejection(
      verify(token({ iat: NOW + 1 }), secret, 'HS256'),
      JwtTokenIssuedAt,
      'ERR_JWT_ISSUED_IN_FUTURE',
      `Invalid "iat" claim, must be a valid number lower than "${NOW}" (iat: "${NOW + 1}")`,
    )
    expect(await verify(token({ iat: NOW + 1 }), secret, { alg: 'HS256', iat: false })).toEqual({ iat: NOW + 1 })
  })

  test('a time claim that is not a finite number: the claim’s class, with ERR_JWT_CLAIM_INVALID', async () => {
    const cases = [
      [{ nbf: 'soon' }, JwtTokenNotBefore, (t) => `token (${t}) is being used before it's valid`],
      [{ exp: null }, JwtTokenExpired, (t) => `token (${t}) expired`],
      [
        { iat: '1' },
        JwtTokenIssuedAt,
        () => `Invalid "iat" claim, must be a valid number lower than "${NOW}" (iat: "1")`,
      ],
    ]
    for (const [payload, Class, message] of cases) {
      const bad = token(payload)
      await expectRejection(verify(bad, secret, 'HS256'), Class, 'ERR_JWT_CLAIM_INVALID', message(bad))
    }
    // JSON's 1e400 is Infinity: not a finite number.
    const signed = hmacToken({ alg: 'HS256' }, '{"exp":1e400}')
    await expectRejection(
      verify(signed, secret, 'HS256'),
      JwtTokenExpired,
      'ERR_JWT_CLAIM_INVALID',
      `token (${signed}) expired`,
    )
  })

  test('iss: a string or a RegExp, JwtTokenIssuer', async () => {
    const signed = token({ iss: 'https://auth.example' })
    expect(await verify(signed, secret, { alg: 'HS256', iss: 'https://auth.example' })).toEqual({
      iss: 'https://auth.example',
    })
    expect(await verify(signed, secret, { alg: 'HS256', iss: /^https:\/\/auth\./ })).toBeTruthy()
    await expectRejection(
      verify(signed, secret, { alg: 'HS256', iss: 'other' }),
      JwtTokenIssuer,
      'ERR_JWT_ISSUER_INVALID',
      'expected issuer "other", got "https://auth.example" ',
    )
    await expectRejection(
      verify(token({}), secret, { alg: 'HS256', iss: /x/ }),
      JwtTokenIssuer,
      'ERR_JWT_ISSUER_INVALID',
      'expected issuer "/x/", got none ',
    )
  })

  test('aud: a string, a list or a RegExp against a string or a list; JwtPayloadRequiresAud, JwtTokenAudience', async () => {
    expect(await verify(token({ aud: ['a', 'b'] }), secret, { alg: 'HS256', aud: 'b' })).toEqual({ aud: ['a', 'b'] })
    expect(await verify(token({ aud: 'b' }), secret, { alg: 'HS256', aud: ['x', 'b'] })).toEqual({ aud: 'b' })
    expect(await verify(token({ aud: 'api-1' }), secret, { alg: 'HS256', aud: /^api-/ })).toEqual({ aud: 'api-1' })
    await expectRejection(
      verify(token({ sub: 'u' }), secret, { alg: 'HS256', aud: 'api' }),
      JwtPayloadRequiresAud,
      'ERR_JWT_AUDIENCE_INVALID',
      'required "aud" in jwt payload: {"sub":"u"}',
    )
    await expectRejection(
      verify(token({ aud: ['a', 'b'] }), secret, { alg: 'HS256', aud: ['c', 'd'] }),
      JwtTokenAudience,
      'ERR_JWT_AUDIENCE_INVALID',
      'expected audience "c, d", got "a,b"',
    )
  })

  test('the claims are checked before the signature, as hono does', async () => {
    const forged = hmacToken({ alg: 'HS256' }, { exp: NOW - 1 }, 'wrong key')
    await expectRejection(
      verify(forged, secret, 'HS256'),
      JwtTokenExpired,
      'ERR_JWT_EXPIRED',
      `token (${forged}) expired`,
    )
  })
})

describe('verify: the signature', () => {
  test('a wrong or missing signature: JwtTokenSignatureMismatched', async () => {
    for (const bad of [hmacToken({ alg: 'HS256' }, {}, 'wrong'), `${b64({ alg: 'HS256' })}.${b64({})}.`]) {
      await expectRejection(
        verify(bad, secret, 'HS256'),
        JwtTokenSignatureMismatched,
        'ERR_JWS_SIGNATURE_INVALID',
        `token(${bad}) signature mismatched`,
      )
    }
  })

  test('a signature that is not canonical base64url: JwtTokenInvalid', async () => {
    const good = token({})
    // The last character of a 32-byte signature carries 4 unused bits: another character that decodes the same.
    const last = good.at(-1)
    const twin = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last
    const bad = twin === last ? `${good}!` : good.slice(0, -1) + twin
    await expectRejection(
      verify(bad, secret, 'HS256'),
      JwtTokenInvalid,
      'ERR_JWT_MALFORMED',
      `invalid JWT token: ${bad}`,
    )
  })

  test('every algorithm with hono’s key forms: a secret, PEM text, a JWK, a CryptoKey', async () => {
    const forms = [
      ['HS384', secret, { kty: 'oct', k: Buffer.from(secret).toString('base64url') }],
      ['RS512', keys.rsa.privatePem, keys.rsa.publicJwk],
      ['PS256', keys.rsa.privateJwk, keys.rsa.publicPem],
      ['ES384', keys.p384.privatePem, keys.p384.publicJwk],
      ['ES512', keys.p521.privateJwk, keys.p521.privatePem],
      ['EdDSA', keys.ed25519.privatePem, { ...keys.ed25519.publicJwk, alg: 'Ed25519' }],
    ]
    for (const [alg, signingKey, verifyingKey] of forms) {
      const signed = await Jwt.sign({ alg }, signingKey, alg)
      expect(await Jwt.verify(signed, verifyingKey, alg)).toEqual({ alg })
    }
    const rsaKey = await crypto.subtle.importKey(
      'jwk',
      keys.rsa.publicJwk,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    expect(await verify(await sign({ a: 1 }, keys.rsa.privatePem, 'RS256'), rsaKey, 'RS256')).toEqual({ a: 1 })
    const err = await rejected(verify(await sign({ a: 1 }, keys.rsa.privatePem, 'RS384'), rsaKey, 'RS384'))
    expect(err).toMatchObject({
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: 'the CryptoKey is a RSASSA-PKCS1-v1_5 key, which cannot be used with RS384',
    })
  })

  test('a key of another type than the algorithm: ringjwt’s key error', async () => {
    const signed = await sign({}, keys.p256.privatePem, 'ES256')
    const err = await rejected(verify(signed, keys.p384.publicPem, 'ES256'))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_KEY_TYPE_MISMATCH',
      message: '"alg" parameter "ES256" requires curve "prime256v1".',
    })
  })
})

describe('a key never reaches a message', () => {
  const pem = keys.rsa.privatePem

  test("the key and the algorithm in each other's place", async () => {
    const token = await sign({ sub: 'u1' }, secret, 'HS256')
    for (const [call, promise] of [
      ['sign(payload, key, alg)', sign({ sub: 'u1' }, 'HS256', secret)],
      ['verify(token, key, alg)', verify(token, 'HS256', secret)],
    ]) {
      const err = await rejected(promise)
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({
        code: 'ERR_JWT_INVALID_OPTION',
        message: `${call}: "HS256" is given as the key; the algorithm comes after the key`,
      })
      expect(err.message).not.toContain(secret)
    }
  })

  test("a secret or a PEM in the token's place is described, not repeated", async () => {
    const token = await sign({ sub: 'u1' }, secret, 'HS256')
    const err = await rejected(verify(secret, token, 'HS256'))
    expect(err).toBeInstanceOf(JwtTokenInvalid)
    expect(err).toMatchObject({
      code: 'ERR_JWT_MALFORMED',
      message: `invalid JWT token: (${secret.length} characters that are not a JWT)`,
    })
    for (const value of [secret, pem]) {
      for (const read of [decode, decodeHeader]) {
        expectError(
          () => read(value),
          JwtTokenInvalid,
          'ERR_JWT_MALFORMED',
          `invalid JWT token: (${value.length} characters that are not a JWT)`,
        )
      }
    }
  })
})

describe('decode', () => {
  test('header and payload, no verification', () => {
    const signed = token({ sub: 'u1' }, { alg: 'HS256', typ: 'JWT', kid: 'k' })
    expect(decode(signed)).toEqual({ header: { alg: 'HS256', typ: 'JWT', kid: 'k' }, payload: { sub: 'u1' } })
    expect(decodeHeader(signed)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k' })
  })

  test('what does not decode: JwtTokenInvalid; not a string: a TypeError', () => {
    for (const bad of ['a.b', 'a.b.c', `${b64({ alg: 'HS256' })}.${b64('{')}.x`]) {
      expectError(() => decode(bad), JwtTokenInvalid, 'ERR_JWT_MALFORMED', `invalid JWT token: ${bad}`)
    }
    expectError(() => decode(null), TypeError, 'ERR_JWT_NOT_STRING', 'jwt must be a string')
  })

  test('isTokenHeader: hono’s header rule', () => {
    expect(isTokenHeader({ alg: 'ES256' })).toBe(true)
    expect(isTokenHeader({ alg: 'ES256', typ: 'at+jwt' }, 'at+jwt')).toBe(true)
    expect(isTokenHeader({ alg: 'ES256', crit: [] })).toBe(false)
    expect(isTokenHeader(null)).toBe(false)
  })
})

describe('error classes', () => {
  test('hono’s names, constructors and messages; JsonWebTokenError and Error; code not enumerable', () => {
    const err = new JwtTokenExpired('t')
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ name: 'JwtTokenExpired', message: 'token (t) expired', code: 'ERR_JWT_EXPIRED' })
    expect(Object.keys(err)).not.toContain('code')
    expect(JwtTokenExpired.name).toBe('JwtTokenExpired')
    expect(new JwtTokenIssuer(/a/, null).message).toBe('expected issuer "/a/", got none ')
    expect(new JwtTokenAudience(['a', 'b'], 'c').message).toBe('expected audience "a, b", got "c"')
  })
})

describe('any JS value in any argument: a TypeError or a coded error, never a crash', () => {
  const { BAD_VALUES, asyncProblems, syncProblems } = require('./helpers/bad-values')
  const good = () => token({ sub: 'u1' })

  test.each([
    ['sign: payload', (value) => sign(value, secret)],
    ['sign: key', (value) => sign({ sub: 'u1' }, value)],
    ['sign: alg', (value) => sign({ sub: 'u1' }, secret, value)],
    ['verify: token', (value) => verify(value, secret, 'HS256')],
    ['verify: key', (value) => verify(good(), value, 'HS256')],
    ['verify: alg or options', (value) => verify(good(), secret, value)],
    ['verify: options.iss', (value) => verify(token({ iss: 'a' }), secret, { alg: 'HS256', iss: value })],
    ['verify: options.aud', (value) => verify(token({ aud: 'a' }), secret, { alg: 'HS256', aud: value })],
    ['verify: options.typ', (value) => verify(good(), secret, { alg: 'HS256', typ: value })],
    ['verifyWithJwks: token', (value) => Jwt.verifyWithJwks(value, { keys: [], allowedAlgorithms: ['RS256'] })],
    ['verifyWithJwks: keys', (value) => Jwt.verifyWithJwks(good(), { keys: value, allowedAlgorithms: ['HS256'] })],
  ])('%s', async (_, call) => {
    expect(await asyncProblems(call, BAD_VALUES)).toEqual([])
  })

  test('decode: token', () => {
    expect(syncProblems((value) => decode(value), BAD_VALUES)).toEqual([])
  })
})

test('a function is no key (ringjwt would call it as a key resolver)', async () => {
  for (const call of [(key) => verify(token({}), key, 'HS256'), (key) => sign({}, key)]) {
    const err = await rejected(call(() => secret))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_INVALID',
      message: 'the key must be a string, a JWK, a CryptoKey or a KeyObject',
    })
  }
})

test('each function takes as many declared arguments as hono’s (Function.length)', () => {
  const hono = require('hono/utils/jwt').Jwt
  for (const name of ['sign', 'verify', 'decode', 'verifyWithJwks']) {
    expect([name, Jwt[name].length]).toEqual([name, hono[name].length])
  }
  expect([sign, verify, decode].map((f) => f.length)).toEqual(
    [hono.sign, hono.verify, hono.decode].map((f) => f.length),
  )
})
