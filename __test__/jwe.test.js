'use strict'
// encrypt() and decrypt(): key forms, claims with the JS clock, tampering, wrong keys, allow-lists, the refused
// algorithms and their caps, header checks, nested tokens, Promise and compiled forms.

const crypto = require('node:crypto')
const jwt = require('..')
const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const { expectError, rejected } = require('./helpers/assert')
const { secrets, pairs, password } = require('./helpers/jwe-keys')
const { keys } = require('./helpers/keys')
const { b64, craftDir, craftHeaderOnly, craftEcdhEs, craftPbes2 } = require('./helpers/jwe-craft')

const dirKey = secrets[32]
const claims = { sub: 'user-1', role: 'admin' }
const failed = (fn) => expectError(fn, JsonWebTokenError, 'ERR_JWE_DECRYPTION_FAILED', 'decryption failed')

describe('keys in every form sign() and verify() take', () => {
  const rsa = pairs.rsa
  const forms = {
    'a secret string': ['A256KW', 'k'.repeat(32), 'k'.repeat(32)],
    'a secret Buffer': ['A256KW', secrets[32], secrets[32]],
    'a secret KeyObject': ['A256KW', crypto.createSecretKey(secrets[32]), crypto.createSecretKey(secrets[32])],
    'an oct JWK': [
      'A256KW',
      { format: 'jwk', key: { kty: 'oct', k: secrets[32].toString('base64url') } },
      { format: 'jwk', key: { kty: 'oct', k: secrets[32].toString('base64url') } },
    ],
    'RSA PEM': [
      'RSA-OAEP-256',
      rsa.publicKey.export({ type: 'spki', format: 'pem' }),
      rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ],
    'RSA PKCS#1 PEM': [
      'RSA-OAEP',
      rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }),
      rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
    ],
    'RSA DER': [
      'RSA-OAEP-256',
      { key: rsa.publicKey.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' },
      { key: rsa.privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' },
    ],
    'RSA JWK': [
      'RSA-OAEP',
      { key: rsa.publicKey.export({ format: 'jwk' }), format: 'jwk' },
      { key: rsa.privateKey.export({ format: 'jwk' }), format: 'jwk' },
    ],
    'an encrypted PKCS#8 PEM': [
      'RSA-OAEP-256',
      keys.encryptedRsa.publicPem,
      { key: keys.encryptedRsa.key, passphrase: keys.encryptedRsa.passphrase },
    ],
    'EC SEC1 PEM': ['ECDH-ES', keys.p384.publicPem, keys.p384.privateSec1Pem],
    'X25519 JWK': [
      'ECDH-ES+A128KW',
      { key: pairs.X25519.publicKey.export({ format: 'jwk' }), format: 'jwk' },
      { key: pairs.X25519.privateKey.export({ format: 'jwk' }), format: 'jwk' },
    ],
    'a private key to encrypt (its public half is used)': [
      'ECDH-ES+A256KW',
      pairs['P-521'].privateKey,
      pairs['P-521'].privateKey,
    ],
  }
  test.each(Object.entries(forms))('%s', (_, [algorithm, encryptionKey, decryptionKey]) => {
    const token = jwt.encrypt(claims, encryptionKey, { algorithm, noTimestamp: true })
    expect(jwt.decrypt(token, decryptionKey, { algorithms: [algorithm] })).toEqual(claims)
  })

  test('each token has a fresh content key and IV', () => {
    const a = jwt
      .encrypt(claims, pairs['P-256'].publicKey, { algorithm: 'ECDH-ES+A256KW', noTimestamp: true })
      .split('.')
    const b = jwt
      .encrypt(claims, pairs['P-256'].publicKey, { algorithm: 'ECDH-ES+A256KW', noTimestamp: true })
      .split('.')
    for (const i of [0, 1, 2, 3, 4]) expect(a[i]).not.toBe(b[i])
    const c = jwt.encrypt(claims, dirKey, { algorithm: 'dir', noTimestamp: true }).split('.')
    const d = jwt.encrypt(claims, dirKey, { algorithm: 'dir', noTimestamp: true }).split('.')
    expect(c[2]).not.toBe(d[2])
  })
})

describe('claims, on the JS clock', () => {
  afterEach(() => jest.useRealTimers())

  test("sign()'s claim options are written and verify()'s are checked", () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 })
    const token = jwt.encrypt({ role: 'admin' }, dirKey, {
      algorithm: 'dir',
      expiresIn: '1h',
      notBefore: 10,
      audience: 'api',
      issuer: 'auth',
      subject: 'user-1',
      jwtid: 'id-1',
      keyid: 'k1',
      header: { typ: 'JWT' },
    })
    jest.setSystemTime(1_700_000_020_000)
    const result = jwt.decrypt(token, dirKey, {
      audience: 'api',
      issuer: 'auth',
      subject: 'user-1',
      jwtid: 'id-1',
      complete: true,
    })
    expect(result.header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'JWT' })
    expect(result.payload).toEqual({
      role: 'admin',
      sub: 'user-1',
      iat: 1_700_000_000,
      nbf: 1_700_000_010,
      exp: 1_700_003_600,
      aud: 'api',
      iss: 'auth',
      jti: 'id-1',
    })
    expectError(
      () => jwt.decrypt(token, dirKey, { audience: 'web' }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: web',
    )
    expectError(
      () => jwt.decrypt(token, dirKey, { issuer: 'x' }),
      JsonWebTokenError,
      'ERR_JWT_ISSUER_INVALID',
      'jwt issuer invalid. expected: x',
    )
    expectError(
      () => jwt.decrypt(token, dirKey, { subject: 'x' }),
      JsonWebTokenError,
      'ERR_JWT_SUBJECT_INVALID',
      'jwt subject invalid. expected: x',
    )
    expectError(
      () => jwt.decrypt(token, dirKey, { maxAge: 5 }),
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'maxAge exceeded',
    )

    jest.setSystemTime(1_700_003_600_000)
    const err = expectError(() => jwt.decrypt(token, dirKey), TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired')
    expect(err.expiredAt).toEqual(new Date(1_700_003_600_000))
    expect(jwt.decrypt(token, dirKey, { clockTolerance: 5 })).toMatchObject(claims)
    expect(jwt.decrypt(token, dirKey, { clockTimestamp: 1_700_000_100 })).toMatchObject(claims)

    jest.setSystemTime(1_700_000_005_000)
    expectError(() => jwt.decrypt(token, dirKey), NotBeforeError, 'ERR_JWT_NOT_ACTIVE', 'jwt not active')
  })

  test('payloads that are not objects come back as text and take no claim options', () => {
    const token = jwt.encrypt('hello', dirKey, { algorithm: 'dir' })
    expect(jwt.decrypt(token, dirKey)).toBe('hello')
    expectError(
      () => jwt.encrypt('hello', dirKey, { algorithm: 'dir', expiresIn: 5 }),
      JsonWebTokenError,
      'ERR_JWT_INVALID_OPTION',
      'invalid expiresIn option for string payload',
    )
  })
})

describe('tampering with each of the five segments is refused', () => {
  const cases = [
    ['dir', 'A256GCM', dirKey, dirKey],
    ['A256KW', 'A256CBC-HS512', secrets[32], secrets[32]],
    ['A192GCMKW', 'A192GCM', secrets[24], secrets[24]],
    ['RSA-OAEP-256', 'A128CBC-HS256', pairs.rsa.publicKey, pairs.rsa.privateKey],
    ['ECDH-ES+A256KW', 'A256GCM', pairs['P-256'].publicKey, pairs['P-256'].privateKey],
    ['ECDH-ES', 'A128GCM', pairs.X25519.publicKey, pairs.X25519.privateKey],
  ]
  const flip = (part) => {
    const bytes = Buffer.from(part, 'base64url')
    bytes[bytes.length >> 1] ^= 1
    return bytes.toString('base64url')
  }
  test.each(cases)('%s with %s', (algorithm, encryption, encryptionKey, decryptionKey) => {
    const token = jwt.encrypt(claims, encryptionKey, { algorithm, encryption })
    const options = { algorithms: [algorithm], encryptions: [encryption] }
    const parts = token.split('.')
    // The header: still valid JSON naming the same algorithms, but not the header the tag covers.
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'))
    failed(() =>
      jwt.decrypt([b64(JSON.stringify({ ...header, kid: 'x' })), ...parts.slice(1)].join('.'), decryptionKey, options),
    )
    for (const i of [1, 2, 3, 4]) {
      if (parts[i] === '') {
        failed(() => jwt.decrypt(parts.map((p, j) => (j === i ? 'AAAA' : p)).join('.'), decryptionKey, options))
        continue
      }
      failed(() => jwt.decrypt(parts.map((p, j) => (j === i ? flip(p) : p)).join('.'), decryptionKey, options))
      failed(() =>
        jwt.decrypt(
          parts.map((p, j) => (j === i ? b64(Buffer.from(p, 'base64url').subarray(0, -1)) : p)).join('.'),
          decryptionKey,
          options,
        ),
      )
    }
    expect(jwt.decrypt(token, decryptionKey, options)).toMatchObject(claims)
  })
})

describe('wrong keys', () => {
  test('another key of the right kind fails like any other tampering', () => {
    failed(() => jwt.decrypt(jwt.encrypt(claims, secrets[16], { algorithm: 'A128KW' }), crypto.randomBytes(16)))
    failed(() => jwt.decrypt(jwt.encrypt(claims, dirKey, { algorithm: 'dir' }), crypto.randomBytes(32)))
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    failed(() => jwt.decrypt(jwt.encrypt(claims, pairs['P-256'].publicKey, { algorithm: 'ECDH-ES' }), other.privateKey))
    failed(() => jwt.decrypt(jwt.encrypt(claims, pairs.rsa.publicKey, { algorithm: 'RSA-OAEP' }), keys.rsa.privateKey))
    failed(() =>
      jwt.decrypt(jwt.encrypt(claims, password, { algorithm: 'PBES2-HS256+A128KW', pbes2Count: 1000 }), 'wrong', {
        algorithms: ['PBES2-HS256+A128KW'],
        maxPbes2Count: 1000,
      }),
    )
  })

  test('a key of the wrong kind, curve or size is refused by name', () => {
    expectError(
      () => jwt.encrypt(claims, secrets[16], { algorithm: 'dir' }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"dir" needs a 256-bit secret key (the size of A256GCM\'s content key), not a 128-bit secret key',
    )
    expectError(
      () => jwt.encrypt(claims, secrets[32], { algorithm: 'A128KW' }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"A128KW" needs a 128-bit secret key, not a 256-bit secret key',
    )
    expectError(
      () => jwt.encrypt(claims, pairs.rsa.publicKey, { algorithm: 'ECDH-ES' }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"ECDH-ES" needs an EC (P-256, P-384, P-521) or X25519 public key, not an RSA public key',
    )
    const token = jwt.encrypt(claims, pairs.rsa.publicKey, { algorithm: 'RSA-OAEP' })
    expectError(
      () => jwt.decrypt(token, pairs['P-256'].privateKey, { algorithms: ['RSA-OAEP'] }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"RSA-OAEP" needs an RSA private key, not a P-256 private key',
    )
    expectError(
      () => jwt.decrypt(token, secrets[32], { algorithms: ['RSA-OAEP'] }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"RSA-OAEP" needs an RSA private key, not a 256-bit secret key',
    )
    expectError(
      () => jwt.encrypt(claims, keys.rsa1024.publicKey, { algorithm: 'RSA-OAEP' }),
      JsonWebTokenError,
      'ERR_KEY_TOO_SMALL',
      'RSA keys for encryption need at least 2048 bits (RFC 7518 §4.2), got 1024',
    )
    expectError(
      () => jwt.encrypt(claims, keys.ed25519.publicKey, { algorithm: 'ECDH-ES' }),
      JsonWebTokenError,
      'ERR_KEY_UNSUPPORTED',
      'a "ed25519" key cannot be used for encryption: use RSA, EC (P-256, P-384, P-521) or X25519',
    )
    expectError(
      () => jwt.encrypt(claims, keys.secp256k1.publicKey, { algorithm: 'ECDH-ES' }),
      JsonWebTokenError,
      'ERR_KEY_UNSUPPORTED',
      'Unsupported elliptic curve "secp256k1" for ECDH-ES: use P-256, P-384, P-521 or X25519',
    )
    expectError(
      () => jwt.decrypt(token, keys.rsa.publicPem),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'decryption key is not valid key material',
    )
  })

  test('an ECDH-ES token for another curve names the mismatch', () => {
    const token = jwt.encrypt(claims, pairs['P-384'].publicKey, { algorithm: 'ECDH-ES' })
    expectError(
      () => jwt.decrypt(token, pairs['P-256'].privateKey),
      JsonWebTokenError,
      'ERR_JWE_HEADER_INVALID',
      '"epk" must be the sender\'s ephemeral public key as a JWK on the recipient key\'s curve',
    )
  })
})

describe('allow-lists', () => {
  const token = jwt.encrypt(claims, secrets[32], { algorithm: 'A256GCMKW', encryption: 'A192CBC-HS384' })
  test('an algorithm or encryption outside the lists is refused before the key is used', () => {
    expectError(
      () => jwt.decrypt(token, secrets[32], { algorithms: ['A256KW'] }),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
    expectError(
      () => jwt.decrypt(token, secrets[32], { encryptions: ['A256GCM'] }),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid encryption',
    )
    expect(
      jwt.decrypt(token, secrets[32], { algorithms: ['A256GCMKW'], encryptions: ['A192CBC-HS384'] }),
    ).toMatchObject(claims)
  })

  test('the default algorithms are those the key can serve, never RSA1_5 or PBES2', () => {
    const rsa1_5 = jwt.encrypt(claims, pairs.rsa.publicKey, { algorithm: 'RSA1_5' })
    expectError(
      () => jwt.decrypt(rsa1_5, pairs.rsa.privateKey),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
    expect(jwt.decrypt(rsa1_5, pairs.rsa.privateKey, { algorithms: ['RSA1_5'] })).toMatchObject(claims)
    const pbes2 = jwt.encrypt(claims, secrets[32], { algorithm: 'PBES2-HS256+A128KW', pbes2Count: 1000 })
    expectError(
      () => jwt.decrypt(pbes2, secrets[32]),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
  })
})

describe('PBES2 and compression are refused without their caps', () => {
  test('PBES2 needs maxPbes2Count, and p2c must not exceed it', () => {
    const token = jwt.encrypt(claims, password, { algorithm: 'PBES2-HS512+A256KW' })
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url'))).toMatchObject({ p2c: 100_000 })
    expectError(
      () => jwt.decrypt(token, password, { algorithms: ['PBES2-HS512+A256KW'] }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"maxPbes2Count" is required to allow PBES2: each token names its own PBKDF2 iteration count',
    )
    expectError(
      () => jwt.decrypt(token, password, { algorithms: ['PBES2-HS512+A256KW'], maxPbes2Count: 10_000 }),
      JsonWebTokenError,
      'ERR_JWE_PBES2_COUNT',
      '"p2c" must be between 1000 and maxPbes2Count (10000), got 100000',
    )
    expect(jwt.decrypt(token, password, { algorithms: ['PBES2-HS512+A256KW'], maxPbes2Count: 100_000 })).toMatchObject(
      claims,
    )
  })

  test('p2c is any JSON number of integral value: 1000.0 and 1e3 are 1000', () => {
    const alg = 'PBES2-HS256+A128KW'
    const options = { algorithms: [alg], maxPbes2Count: 10_000 }
    const token = (p2c, iterations = 1000) =>
      craftPbes2(
        `{"alg":"${alg}","enc":"A128GCM","p2s":"${b64(crypto.randomBytes(16))}","p2c":${p2c}}`,
        password,
        '{"a":1}',
        iterations,
      )
    for (const [p2c, iterations] of [
      ['1000', 1000],
      ['1000.0', 1000],
      ['1e3', 1000],
      ['1E+3', 1000],
      ['0.1e4', 1000],
      ['100000e-2', 1000],
      ['2500.000', 2500],
      ['1e4', 10_000],
    ]) {
      expect(jwt.decrypt(token(p2c, iterations), password, options)).toEqual({ a: 1 })
    }
    for (const p2c of ['1000.5', '1000.0001', '1.0005e3', '-1000', '-1e3', '"1000"', 'null', 'true', '[1000]']) {
      expectError(
        () => jwt.decrypt(token(p2c), password, options),
        JsonWebTokenError,
        'ERR_JWE_HEADER_INVALID',
        '"p2c" must be a positive integer',
      )
    }
    for (const [p2c, got] of [
      ['999.0', '999'],
      ['0', '0'],
      ['1.5e4', '15000'],
      ['10001.0', '10001'],
      ['4294967296', '4294967296'],
      ['1e20', '100000000000000000000'],
    ]) {
      expectError(
        () => jwt.decrypt(token(p2c), password, options),
        JsonWebTokenError,
        'ERR_JWE_PBES2_COUNT',
        `"p2c" must be between 1000 and maxPbes2Count (10000), got ${got}`,
      )
    }
  })

  test('zip: "DEF" needs maxInflatedSize, and inflating stops there', () => {
    const big = { data: 'x'.repeat(100_000) }
    const token = jwt.encrypt(big, dirKey, { algorithm: 'dir', zip: 'DEF', noTimestamp: true })
    expect(token.length).toBeLessThan(2_000)
    expectError(
      () => jwt.decrypt(token, dirKey),
      JsonWebTokenError,
      'ERR_JWE_ZIP_NOT_ALLOWED',
      'compressed tokens (zip) are refused unless maxInflatedSize is set',
    )
    expectError(
      () => jwt.decrypt(token, dirKey, { maxInflatedSize: 10_000 }),
      JsonWebTokenError,
      'ERR_JWE_INFLATE_LIMIT',
      'the compressed payload inflates past maxInflatedSize (10000 bytes)',
    )
    expect(jwt.decrypt(token, dirKey, { maxInflatedSize: 200_000 })).toEqual(big)
  })
})

describe('the protected header', () => {
  test('must be a JSON object with no crit extension and no repeated member', () => {
    const malformed = (token, message = 'invalid token') =>
      expectError(() => jwt.decrypt(token, dirKey), JsonWebTokenError, 'ERR_JWT_MALFORMED', message)
    malformed(craftDir('["dir","A256GCM"]', '{}', dirKey))
    malformed(craftDir('{"alg":"dir","alg":"dir","enc":"A256GCM"}', '{}', dirKey))
    malformed(craftDir('{"alg":"dir","enc":"A256GCM"', '{}', dirKey))
    malformed(['/w', '', 'AAAA', 'AAAA', 'AAAA'].join('.'))
    // Invalid UTF-8 is refused, never replaced (as verify() does).
    expectError(
      () =>
        jwt.decrypt(
          craftDir(Buffer.from('{"alg":"dir","enc":"A256GCM","kid":"\xff"}', 'latin1'), '{}', dirKey),
          dirKey,
        ),
      JsonWebTokenError,
      'ERR_JWT_INVALID_UTF8',
      'jwt header is not valid UTF-8',
    )
    expectError(
      () => jwt.decrypt(craftDir('{"alg":"dir","enc":"A256GCM"}', Buffer.from([0x7b, 0xff, 0x7d]), dirKey), dirKey),
      JsonWebTokenError,
      'ERR_JWT_INVALID_UTF8',
      'jwt payload is not valid UTF-8',
    )
    malformed('a.b.c.d', 'jwt malformed')
    malformed('a.b.c.d.e.f', 'jwt malformed')
    malformed('eyJhbGciOiJkaXIifQ..a+b.c.d')
    expectError(
      () => jwt.decrypt(craftDir('{"alg":"dir","enc":"A256GCM","crit":["exp"],"exp":1}', '{}', dirKey), dirKey),
      JsonWebTokenError,
      'ERR_JWE_HEADER_INVALID',
      '"crit" names extensions this library does not process, so the token is refused',
    )
    expectError(
      () => jwt.decrypt(craftDir('{"alg":"dir","enc":"A256GCM","zip":"GZ"}', '{}', dirKey), dirKey),
      JsonWebTokenError,
      'ERR_JWE_HEADER_INVALID',
      '"zip" must be "DEF"',
    )
    expect(jwt.decrypt(craftDir('{"alg":"dir","enc":"A256GCM"}', '{"a":1}', dirKey), dirKey)).toEqual({ a: 1 })
  })

  test('names each member once, whichever member and however its name is spelled', async () => {
    const malformed = (fn) => expectError(fn, JsonWebTokenError, 'ERR_JWT_MALFORMED', 'invalid token')
    const base = '"alg":"dir","enc":"A256GCM"'
    const once = craftDir(`{${base},"kid":"a","jku":"https://a.example","x-custom":1}`, '{"a":1}', dirKey)
    expect(jwt.decrypt(once, dirKey)).toEqual({ a: 1 })
    const repeated = [
      '"kid":"a","kid":"b"',
      '"kid":"a","kid":"a"',
      '"kid":"a","\\u006bid":"b"',
      '"k\\u0069d":"a","kid":"b"',
      '"jku":"https://a.example","jku":"https://b.example"',
      '"jwk":{"kty":"oct"},"jwk":{"kty":"EC"}',
      '"x5u":"https://a.example","x5u":"https://b.example"',
      '"x5c":["MA"],"x5c":["MQ"]',
      '"nonce":"n1","nonce":"n2"',
      '"x-custom":1,"x-custom":2',
      '"\\u0065nc":"A256GCM"',
    ]
    for (const members of repeated) {
      const token = craftDir(`{${base},${members}}`, '{"a":1}', dirKey)
      malformed(() => jwt.decrypt(token, dirKey))
      malformed(() => jwt.createDecrypter({ key: dirKey }).decrypt(token))
      const err = await rejected(jwt.decryptAsync(token, dirKey))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_MALFORMED', message: 'invalid token' })
    }
    // A key function is not asked for a key for such a token: it is refused first, in every form.
    const kids = []
    const byKid = (header) => {
      kids.push(header.kid)
      return dirKey
    }
    const twoKids = craftDir(`{${base},"kid":"a","kid":"b"}`, '{"a":1}', dirKey)
    malformed(() => jwt.decrypt(twoKids, byKid))
    const viaPromise = await rejected(jwt.decryptAsync(twoKids, byKid))
    expect(viaPromise).toMatchObject({ code: 'ERR_JWT_MALFORMED', message: 'invalid token' })
    expect(kids).toEqual([])
    expect(jwt.decrypt(craftDir(`{${base},"kid":"b"}`, '{"a":1}', dirKey), byKid)).toEqual({ a: 1 })
    expect(kids).toEqual(['b'])
    // The JSON serialization, where a member could also repeat across the protected, shared and per-recipient
    // headers (RFC 7516 §7.2.1), is not read at all: decrypt() takes the compact serialization alone.
    const [protectedHeader, , iv, ciphertext, tag] = once.split('.')
    const flattened = JSON.stringify({ protected: protectedHeader, unprotected: { kid: 'b' }, iv, ciphertext, tag })
    expectError(() => jwt.decrypt(flattened, dirKey), JsonWebTokenError, 'ERR_JWT_MALFORMED', 'jwt malformed')
  })

  test('ECDH-ES ephemeral keys must lie on the curve; X25519 low-order points are refused', () => {
    const offCurve = { kty: 'EC', crv: 'P-256', x: b64(Buffer.alloc(32, 1)), y: b64(Buffer.alloc(32, 2)) }
    failed(() =>
      jwt.decrypt(
        craftHeaderOnly(JSON.stringify({ alg: 'ECDH-ES', enc: 'A128GCM', epk: offCurve }), { encryptedKey: 0 }),
        pairs['P-256'].privateKey,
      ),
    )
    const zero = { kty: 'OKP', crv: 'X25519', x: b64(Buffer.alloc(32)) }
    failed(() =>
      jwt.decrypt(
        craftHeaderOnly(JSON.stringify({ alg: 'ECDH-ES+A128KW', enc: 'A128GCM', epk: zero })),
        pairs.X25519.privateKey,
      ),
    )
    expectError(
      () =>
        jwt.decrypt(
          craftHeaderOnly(JSON.stringify({ alg: 'ECDH-ES', enc: 'A128GCM' }), { encryptedKey: 0 }),
          pairs['P-256'].privateKey,
        ),
      JsonWebTokenError,
      'ERR_JWE_HEADER_INVALID',
      '"epk" is required with ECDH-ES',
    )
  })

  test('an ECDH-ES ephemeral key holds public key parameters only (RFC 7518 §4.6.1.1)', () => {
    const headerInvalid = (fn, message) => expectError(fn, JsonWebTokenError, 'ERR_JWE_HEADER_INVALID', message)
    for (const [curve, kty, ephemeral] of [
      ['P-256', 'EC', crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })],
      ['X25519', 'OKP', crypto.generateKeyPairSync('x25519')],
    ]) {
      const recipient = pairs[curve]
      const decrypt = (epk) =>
        jwt.decrypt(
          craftEcdhEs({ alg: 'ECDH-ES', enc: 'A128GCM', epk }, ephemeral.privateKey, recipient.publicKey, '{"a":1}'),
          recipient.privateKey,
        )
      const publicJwk = ephemeral.publicKey.export({ format: 'jwk' })
      expect(decrypt(publicJwk)).toEqual({ a: 1 })
      // Members that are no key parameter are ignored, as in any JWK.
      expect(decrypt({ ...publicJwk, kid: 'e1', use: 'enc', alg: 'ECDH-ES', ext: true })).toEqual({ a: 1 })
      // The ephemeral private key itself, as a sender that exported the whole key pair would write it.
      const privateJwk = ephemeral.privateKey.export({ format: 'jwk' })
      expect(privateJwk.d).toEqual(expect.any(String))
      headerInvalid(() => decrypt(privateJwk), '"epk" must be a public key: it holds private key members')
      for (const name of ['p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
        headerInvalid(
          () => decrypt({ ...publicJwk, [name]: 'AQAB' }),
          '"epk" must be a public key: it holds private key members',
        )
      }
      for (const name of kty === 'OKP' ? ['y', 'n', 'e'] : ['n', 'e']) {
        headerInvalid(
          () => decrypt({ ...publicJwk, [name]: 'AQAB' }),
          `"epk" must hold only the public key parameters of an "${kty}" key, not "${name}"`,
        )
      }
    }
  })

  test("typ and accessToken check the protected header's typ (RFC 8725 §3.11, RFC 9068 §4)", async () => {
    const accessClaims = { sub: 'user-1', aud: 'api', iss: 'issuer', client_id: 'c', jti: 'j1' }
    const asJwt = jwt.encrypt(accessClaims, dirKey, { algorithm: 'dir', expiresIn: 60, header: { typ: 'JWT' } })
    const asAccessToken = jwt.encrypt(accessClaims, dirKey, {
      algorithm: 'dir',
      expiresIn: 60,
      header: { typ: 'at+jwt' },
    })
    const untyped = jwt.encrypt(accessClaims, dirKey, { algorithm: 'dir', expiresIn: 60 })
    const accessToken = { accessToken: true, audience: 'api', issuer: 'issuer' }
    const decrypter = jwt.createDecrypter({ key: dirKey, typ: 'at+jwt' })
    for (const token of [asJwt, untyped]) {
      for (const run of [
        () => jwt.decrypt(token, dirKey, { typ: 'at+jwt' }),
        () => jwt.decrypt(token, dirKey, accessToken),
        () => decrypter.decrypt(token),
      ]) {
        expectError(run, JsonWebTokenError, 'ERR_JWT_TYPE_INVALID', 'jwt type invalid. expected: at+jwt')
      }
      const err = await rejected(jwt.decryptAsync(token, dirKey, accessToken))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({ code: 'ERR_JWT_TYPE_INVALID', message: 'jwt type invalid. expected: at+jwt' })
    }
    expect(jwt.decrypt(asAccessToken, dirKey, accessToken)).toMatchObject(accessClaims)
    expect(jwt.decrypt(asAccessToken, dirKey, { typ: 'application/AT+JWT' })).toMatchObject(accessClaims)
    expect(decrypter.decrypt(asAccessToken)).toMatchObject(accessClaims)
    expect(jwt.decrypt(asJwt, dirKey, { typ: 'jwt' })).toMatchObject(accessClaims)
  })

  test('a caller header may not set what encryption writes', () => {
    for (const name of ['alg', 'enc', 'zip', 'epk', 'iv', 'tag', 'p2s', 'p2c', 'crit']) {
      expectError(
        () => jwt.encrypt(claims, dirKey, { algorithm: 'dir', header: { [name]: 'x' } }),
        TypeError,
        'ERR_JWT_INVALID_OPTION',
        `"header" must not set "${name}": encryption writes it`,
      )
    }
  })
})

describe('nested tokens: sign, then encrypt; decrypt and verify in one call', () => {
  const sign = { key: keys.p256.privateKey, algorithm: 'ES256' }
  const verify = { key: keys.p256.publicKey, algorithms: ['ES256'] }
  const token = jwt.encrypt(claims, pairs.rsa.publicKey, {
    algorithm: 'RSA-OAEP-256',
    sign,
    expiresIn: 60,
    audience: 'api',
  })

  test('both keys and both allow-lists apply', () => {
    expect(jwt.decrypt(token, pairs.rsa.privateKey, { verify, audience: 'api' })).toMatchObject({
      ...claims,
      aud: 'api',
    })
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey, { verify: { ...verify, algorithms: ['RS256'] } }),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
    const badPem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey, { verify: { key: badPem, algorithms: ['ES256'] } }),
      JsonWebTokenError,
      'ERR_KEY_INVALID',
      'secretOrPublicKey is not valid key material',
    )
    const otherKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey, { verify: { key: otherKey, algorithms: ['ES256'] } }),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey, { verify, audience: 'web' }),
      JsonWebTokenError,
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: web',
    )
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey, { verify, clockTimestamp: Math.floor(Date.now() / 1000) + 120 }),
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'jwt expired',
    )
  })

  test('a nested token needs a verify key, and a verify key needs a nested token', () => {
    expectError(
      () => jwt.decrypt(token, pairs.rsa.privateKey),
      JsonWebTokenError,
      'ERR_JWE_NESTED_KEY_REQUIRED',
      'the token is a nested JWT (cty: "JWT"): give verify: { key, algorithms } to check its signature',
    )
    const plain = jwt.encrypt(claims, pairs.rsa.publicKey, { algorithm: 'RSA-OAEP-256' })
    expectError(
      () => jwt.decrypt(plain, pairs.rsa.privateKey, { verify }),
      JsonWebTokenError,
      'ERR_JWE_NESTED_REQUIRED',
      'a nested JWT (cty: "JWT") was required, but the token\'s payload is not one',
    )
  })
})

describe('Promise and compiled forms', () => {
  test('encryptAsync and decryptAsync give the same results, on the thread pool for public-key work', async () => {
    const token = await jwt.encryptAsync(claims, pairs['P-384'].publicKey, {
      algorithm: 'ECDH-ES+A192KW',
      noTimestamp: true,
    })
    expect(await jwt.decryptAsync(token, pairs['P-384'].privateKey)).toEqual(claims)
    const dir = await jwt.encryptAsync(claims, dirKey, { algorithm: 'dir', noTimestamp: true })
    expect(await jwt.decryptAsync(dir, dirKey, { complete: true })).toEqual({
      header: { alg: 'dir', enc: 'A256GCM' },
      payload: claims,
    })
    const err = await rejected(jwt.decryptAsync(dir, crypto.randomBytes(32)))
    expect(err).toMatchObject({
      name: 'JsonWebTokenError',
      code: 'ERR_JWE_DECRYPTION_FAILED',
      message: 'decryption failed',
    })
  })

  test('an aborted signal rejects with its reason', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    const err = await rejected(jwt.decryptAsync('a.b.c.d.e', dirKey, { signal: controller.signal }))
    expect(err.message).toBe('stop')
    const encrypter = jwt.createEncrypter({ key: pairs.rsa.publicKey, algorithm: 'RSA-OAEP' })
    expect((await rejected(encrypter.encryptAsync(claims, { signal: controller.signal }))).message).toBe('stop')
  })

  test('createEncrypter and createDecrypter validate once and reuse the parsed keys', async () => {
    const encrypter = jwt.createEncrypter({
      key: pairs.X25519.publicKey,
      algorithm: 'ECDH-ES+A256KW',
      encryption: 'A128GCM',
      issuer: 'auth',
    })
    const decrypter = jwt.createDecrypter({
      key: pairs.X25519.privateKey,
      algorithms: ['ECDH-ES+A256KW'],
      encryptions: ['A128GCM'],
      issuer: 'auth',
    })
    expect(encrypter).toMatchObject({ algorithm: 'ECDH-ES+A256KW', encryption: 'A128GCM' })
    expect(decrypter.decrypt(encrypter.encrypt(claims))).toMatchObject({ ...claims, iss: 'auth' })
    expect(await decrypter.decryptAsync(await encrypter.encryptAsync(claims))).toMatchObject(claims)
    expectError(
      () => jwt.createDecrypter({ key: dirKey, algorithms: ['XYZ'] }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"algorithms" must be a non-empty array of: dir, A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW, A256GCMKW, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A192KW, ECDH-ES+A256KW, RSA-OAEP, RSA-OAEP-256, RSA1_5, PBES2-HS256+A128KW, PBES2-HS384+A192KW, PBES2-HS512+A256KW',
    )
    expectError(
      () => jwt.createEncrypter({ key: dirKey }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"algorithm" must be one of: dir, A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW, A256GCMKW, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A192KW, ECDH-ES+A256KW, RSA-OAEP, RSA-OAEP-256, RSA1_5, PBES2-HS256+A128KW, PBES2-HS384+A192KW, PBES2-HS512+A256KW',
    )
    expectError(
      () => jwt.createDecrypter({ key: () => dirKey }),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      '"key" must be key material; key functions are for decrypt()',
    )
  })
})

describe('JWK Set resolvers work as key functions', () => {
  const privateJwk = {
    ...pairs['P-256'].privateKey.export({ format: 'jwk' }),
    kid: 'enc-1',
    use: 'enc',
    alg: 'ECDH-ES+A256KW',
  }
  const publicJwk = {
    ...pairs['P-256'].publicKey.export({ format: 'jwk' }),
    kid: 'enc-1',
    use: 'enc',
    alg: 'ECDH-ES+A256KW',
  }

  test('encrypt picks the recipient key by keyid, decrypt picks the private key by kid', async () => {
    const publicSet = jwt.createLocalJwks({ keys: [publicJwk] })
    const privateSet = jwt.createLocalJwks({ keys: [privateJwk] })
    const token = jwt.encrypt(claims, publicSet, { algorithm: 'ECDH-ES+A256KW', keyid: 'enc-1', noTimestamp: true })
    expect(jwt.decrypt(token, privateSet)).toEqual(claims)
    expect(await jwt.decryptAsync(token, privateSet)).toEqual(claims)
    const other = jwt.encrypt(claims, pairs['P-256'].publicKey, { algorithm: 'ECDH-ES+A256KW', keyid: 'enc-2' })
    expectError(
      () => jwt.decrypt(other, privateSet),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'error in decryption key function: no applicable key found in the JSON Web Key Set',
    )
  })

  test('signing keys in a set are not used for encryption', () => {
    const signingSet = jwt.createLocalJwks({ keys: [{ ...publicJwk, use: 'sig', alg: 'ES256' }] })
    expectError(
      () => jwt.encrypt(claims, signingSet, { algorithm: 'ECDH-ES', keyid: 'enc-1' }),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'error in encryption key function: no applicable key found in the JSON Web Key Set',
    )
  })
})
