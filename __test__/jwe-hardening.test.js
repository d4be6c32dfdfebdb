'use strict'
// decrypt() keeps the checks verify() makes: RegExp audiences with JavaScript's verdict, the strict profile, EC
// keys given by explicit curve parameters (and custom curves refused), and a clear refusal for what the single
// native call of a nested token cannot do.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const jwt = require('..')
const { JsonWebTokenError } = jwt
const { expectError, rejected } = require('./helpers/assert')
const { secrets, pairs } = require('./helpers/jwe-keys')
const { keys } = require('./helpers/keys')

const dirKey = secrets[32]
const fixture = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', 'ec-explicit', name), 'utf8')
const NOW = 1_700_000_000

describe('RegExp audiences run in JavaScript, after the checks before them', () => {
  const token = jwt.encrypt({ aud: ['urn:x:api', 'other'], iss: 'auth' }, dirKey, { algorithm: 'dir' })

  test('a match passes and a miss fails with the audience error', () => {
    expect(jwt.decrypt(token, dirKey, { audience: /^urn:x:/ })).toMatchObject({ aud: ['urn:x:api', 'other'] })
    expect(jwt.decrypt(token, dirKey, { audience: ['nope', /^OTHER$/i] }).iss).toBe('auth')
    expectError(
      () => jwt.decrypt(token, dirKey, { audience: /^urn:y:/ }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: /^urn:y:/',
    )
  })

  test('JavaScript semantics: \\w and case folding differ from other engines', () => {
    const unicode = jwt.encrypt({ aud: 'é' }, dirKey, { algorithm: 'dir' })
    expectError(
      () => jwt.decrypt(unicode, dirKey, { audience: /^\w$/ }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: /^\\w$/',
    )
    expect(jwt.decrypt(unicode, dirKey, { audience: /^(?<=)é$/u }).aud).toBe('é')
  })

  test('the checks after the audience still run, and the ones before it come first', () => {
    expectError(
      () => jwt.decrypt(token, dirKey, { audience: /^urn:x:/, issuer: 'other' }),
      JsonWebTokenError,
      'ERR_JWT_ISSUER_INVALID',
      'jwt issuer invalid. expected: other',
    )
    const expired = jwt.encrypt({ aud: 'urn:x:api', exp: NOW - 1 }, dirKey, { algorithm: 'dir' })
    const audience = /^urn:x:/g
    expectError(
      () => jwt.decrypt(expired, dirKey, { audience, clockTimestamp: NOW }),
      jwt.TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'jwt expired',
    )
    // A token refused before the audience step never runs the RegExp, so its state is untouched.
    expect(audience.lastIndex).toBe(0)
  })

  test('in nested tokens, Promise forms and compiled decrypters', async () => {
    const sign = { key: keys.p256.privateKey, algorithm: 'ES256' }
    const verify = { key: keys.p256.publicKey, algorithms: ['ES256'] }
    const nested = jwt.encrypt({ sub: 'u1' }, pairs.rsa.publicKey, {
      algorithm: 'RSA-OAEP-256',
      sign,
      audience: 'urn:x:api',
    })
    expect(jwt.decrypt(nested, pairs.rsa.privateKey, { verify, audience: /api$/ }).sub).toBe('u1')
    expectError(
      () => jwt.decrypt(nested, pairs.rsa.privateKey, { verify, audience: /web$/, complete: true }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: /web$/',
    )
    expect((await jwt.decryptAsync(nested, pairs.rsa.privateKey, { verify, audience: /api$/ })).sub).toBe('u1')
    const err = await rejected(jwt.decryptAsync(nested, pairs.rsa.privateKey, { verify, audience: /web$/ }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID', message: 'jwt audience invalid. expected: /web$/' })

    const decrypter = jwt.createDecrypter({ key: dirKey, audience: [/^urn:x:/] })
    expect(decrypter.decrypt(token).aud).toEqual(['urn:x:api', 'other'])
    const miss = jwt.createDecrypter({ key: dirKey, audience: /^none$/ })
    expectError(
      () => miss.decrypt(token),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: /^none$/',
    )
  })
})

describe('strict: true applies to decrypted claims', () => {
  test('the payload must be an object and registered claims have their types', () => {
    const text = jwt.encrypt('just text', dirKey, { algorithm: 'dir' })
    expect(jwt.decrypt(text, dirKey)).toBe('just text')
    expectError(
      () => jwt.decrypt(text, dirKey, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_NOT_OBJECT',
      'jwt payload must be a JSON object',
    )
    const numericSubject = jwt.encrypt({ sub: 42 }, dirKey, { algorithm: 'dir' })
    expect(jwt.decrypt(numericSubject, dirKey).sub).toBe(42)
    expectError(
      () => jwt.decrypt(numericSubject, dirKey, { strict: true }),
      JsonWebTokenError,
      'ERR_JWT_CLAIM_INVALID',
      'invalid sub value',
    )
  })
})

describe('EC keys with explicit curve parameters', () => {
  test('P-256, P-384 and P-521 written out in full work for ECDH-ES', () => {
    for (const [curve, alg] of [
      ['p256', 'ECDH-ES'],
      ['p384', 'ECDH-ES+A192KW'],
      ['p521', 'ECDH-ES+A256KW'],
    ]) {
      const token = jwt.encrypt({ curve }, fixture(`${curve}-public.pem`), { algorithm: alg })
      expect(jwt.decrypt(token, fixture(`${curve}-private.pem`))).toMatchObject({ curve })
    }
  })

  test('other parameters are refused, whichever side holds them', () => {
    const message = 'explicit elliptic curve parameters are not those of P-256, P-384 or P-521'
    expectError(
      () => jwt.encrypt({}, fixture('p256-other-generator-public.pem'), { algorithm: 'ECDH-ES' }),
      JsonWebTokenError,
      'ERR_KEY_CURVE_UNKNOWN',
      message,
    )
    const token = jwt.encrypt({}, keys.p256.publicKey, { algorithm: 'ECDH-ES' })
    expectError(
      () => jwt.decrypt(token, fixture('p256-other-generator-private.pem')),
      JsonWebTokenError,
      'ERR_KEY_CURVE_UNKNOWN',
      message,
    )
  })
})

describe('nested tokens and RSA keys under 2048 bits', () => {
  test('the inner signature cannot be checked in the native call: a clear refusal', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 })
    const token = jwt.encrypt({ sub: 'u1' }, dirKey, {
      algorithm: 'dir',
      sign: { key: privateKey, algorithm: 'RS256', allowInsecureKeySizes: true },
    })
    expectError(
      () =>
        jwt.decrypt(token, dirKey, {
          verify: { key: publicKey, algorithms: ['RS256'], allowInsecureKeySizes: true },
        }),
      JsonWebTokenError,
      'ERR_KEY_UNSUPPORTED',
      'nested tokens cannot be verified with an RSA key under 2048 bits',
    )
  })
})

describe('the protected header is a JSON object, as in verify()', () => {
  const encode = (text) => Buffer.from(text).toString('base64url')

  test('a header that is a JSON array is not a header, whatever its spacing', () => {
    for (const header of ['["dir","A256GCM"]', ' \n["dir","A256GCM"]']) {
      expectError(
        () => jwt.decrypt(`${encode(header)}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`, dirKey),
        JsonWebTokenError,
        'ERR_JWT_MALFORMED',
        'invalid token',
      )
    }
  })
})
