'use strict'
// Interoperability with the npm `jsonwebtoken` package (and, for EdDSA, which it lacks, with node:crypto and
// jose): tokens go both ways for every algorithm and every key form, deterministic algorithms give the same
// bytes, and keys that must not be used are refused with jsonwebtoken's messages.

const { spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const path = require('node:path')
const jsonwebtoken = require('jsonwebtoken')
const jwt = require('..')
const native = require('../lib/native')
const { keys, secret, secretBuffer } = require('./helpers/keys')
const { expectError: expectThrown } = require('./helpers/assert')

const { JsonWebTokenError } = jwt

// A minimal self-signed X.509 v3 certificate (no extensions) for a key pair: node:crypto reads certificates
// but cannot write them, and DER is simple enough to assemble here rather than commit a fixture.
function der(tag, ...parts) {
  const body = Buffer.concat(parts)
  const lengthBytes = []
  for (let n = body.length; n > 0; n >>= 8) lengthBytes.unshift(n & 0xff)
  const length = body.length < 0x80 ? [body.length] : [0x80 | lengthBytes.length, ...lengthBytes]
  return Buffer.concat([Buffer.from([tag, ...length]), body])
}
const sequence = (...parts) => der(0x30, ...parts)
const oid = (hex) => der(0x06, Buffer.from(hex, 'hex'))

function selfSignedCertificate({ privateKey, publicKey }) {
  const signatureAlgorithms = {
    rsa: ['sha256', sequence(oid('2a864886f70d01010b'), Buffer.from([0x05, 0x00]))], // sha256WithRSAEncryption
    ec: ['sha256', sequence(oid('2a8648ce3d040302'))], // ecdsa-with-SHA256
    ed25519: [null, sequence(oid('2b6570'))], // Ed25519
  }
  const [digest, algorithm] = signatureAlgorithms[publicKey.asymmetricKeyType]
  const name = sequence(der(0x31, sequence(oid('550403'), der(0x0c, Buffer.from('ringjwt test')))))
  const validity = sequence(der(0x17, Buffer.from('250101000000Z')), der(0x17, Buffer.from('491231235959Z')))
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    algorithm,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  )
  const signature = crypto.sign(digest, tbs, privateKey)
  const certificate = sequence(tbs, algorithm, der(0x03, Buffer.from([0]), signature))
  const base64 = certificate
    .toString('base64')
    .match(/.{1,64}/g)
    .join('\n')
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`
}

const passphrase = 'interop passphrase'
const encrypted = (keyObject, type) =>
  keyObject.export({ type, format: 'pem', cipher: 'aes-256-cbc', passphrase: Buffer.from(passphrase) })

// [label, key for ringjwt, the same key for jsonwebtoken] — the same value unless jsonwebtoken cannot read it.
function signingForms(pair, kind) {
  const forms = [
    ['PKCS#8 PEM string', pair.privatePem],
    ['PKCS#8 PEM Buffer', Buffer.from(pair.privatePem)],
    ['encrypted PKCS#8 PEM as { key, passphrase }', { key: encrypted(pair.privateKey, 'pkcs8'), passphrase }],
    [
      'PKCS#8 DER as { key, format, type }',
      { key: pair.privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' },
    ],
    ['KeyObject', pair.privateKey],
    ['JWK as { key, format: "jwk" }', { key: pair.privateJwk, format: 'jwk' }],
  ]
  if (kind === 'rsa') {
    forms.push(
      ['PKCS#1 PEM string', pair.privatePkcs1Pem],
      ['PKCS#1 PEM Buffer', Buffer.from(pair.privatePkcs1Pem)],
      ['encrypted PKCS#1 PEM as { key, passphrase }', { key: encrypted(pair.privateKey, 'pkcs1'), passphrase }],
    )
  }
  if (kind === 'ec') {
    forms.push(
      ['SEC1 PEM string', pair.privateSec1Pem],
      ['SEC1 PEM Buffer', Buffer.from(pair.privateSec1Pem)],
      ['encrypted SEC1 PEM as { key, passphrase }', { key: encrypted(pair.privateKey, 'sec1'), passphrase }],
    )
  }
  return forms.map(([label, key]) => [label, key, key])
}

function verifyingForms(pair, kind) {
  const certificate = selfSignedCertificate(pair)
  const forms = [
    ['SPKI PEM string', pair.publicPem],
    ['SPKI PEM Buffer', Buffer.from(pair.publicPem)],
    ['X.509 certificate PEM string', certificate],
    ['X.509 certificate PEM Buffer', Buffer.from(certificate)],
    [
      'SPKI DER as { key, format, type }',
      { key: pair.publicKey.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' },
    ],
    ['KeyObject', pair.publicKey],
    ['JWK as { key, format: "jwk" }', { key: pair.publicJwk, format: 'jwk' }],
    ['private key PEM (its public half)', pair.privatePem],
  ]
  if (kind === 'rsa') {
    forms.push(
      ['PKCS#1 public PEM string', pair.publicPkcs1Pem],
      ['PKCS#1 public PEM Buffer', Buffer.from(pair.publicPkcs1Pem)],
    )
  }
  return forms.map(([label, key]) => [label, key, key])
}

// jsonwebtoken reads no `oct` JWK: it gets the same bytes as a Buffer.
const octJwk = { key: { kty: 'oct', k: secretBuffer.toString('base64url') }, format: 'jwk' }
const secretForms = [
  ['string', secret, secret],
  ['Buffer', secretBuffer, secretBuffer],
  ['secret KeyObject', crypto.createSecretKey(secretBuffer), crypto.createSecretKey(secretBuffer)],
  ['JWK { kty: "oct" } as { key, format: "jwk" }', octJwk, secretBuffer],
]

const IAT = 1700000000
const claims = { sub: 'user-1', name: 'Zoë 漢字 🎉', roles: ['admin', 'user'], iat: IAT }
const signOptions = (algorithm) => ({
  algorithm,
  keyid: 'key-1',
  expiresIn: '1h',
  notBefore: 0,
  audience: 'api',
  issuer: 'auth',
  jwtid: 'id-1',
  header: { cty: 'claims' },
})
const verifyOptions = (algorithm) => ({
  algorithms: [algorithm],
  audience: 'api',
  issuer: 'auth',
  clockTimestamp: IAT + 10,
})
const expectedPayload = { ...claims, nbf: IAT, exp: IAT + 3600, aud: 'api', iss: 'auth', jti: 'id-1' }
const expectedHeader = (alg) => ({ alg, typ: 'JWT', kid: 'key-1', cty: 'claims' })

const DETERMINISTIC = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'])

function describeFamily(algorithms, signing, verifying, privateKey, publicKey) {
  describe.each(algorithms)('%s', (alg) => {
    test.each(signing)('signing with a %s gives tokens jsonwebtoken verifies', (_, ours, theirs) => {
      const token = jwt.sign(claims, ours, signOptions(alg))
      const reference = jsonwebtoken.sign(claims, theirs, signOptions(alg))
      if (DETERMINISTIC.has(alg)) {
        expect(token).toBe(reference)
      } else {
        // Randomised signatures: the same header and payload bytes, a different signature.
        expect(token.slice(0, token.lastIndexOf('.'))).toBe(reference.slice(0, reference.lastIndexOf('.')))
      }
      const result = jsonwebtoken.verify(token, publicKey, { ...verifyOptions(alg), complete: true })
      expect(result.header).toEqual(expectedHeader(alg))
      expect(result.payload).toEqual(expectedPayload)
    })

    test.each(verifying)(
      'a %s verifies jsonwebtoken tokens, and jsonwebtoken verifies ours with it',
      (_, ours, theirs) => {
        const reference = jsonwebtoken.sign(claims, privateKey, signOptions(alg))
        const result = jwt.verify(reference, ours, { ...verifyOptions(alg), complete: true })
        expect(result.header).toEqual(expectedHeader(alg))
        expect(result.payload).toEqual(expectedPayload)
        expect(result.signature).toBe(reference.split('.')[2])

        const token = jwt.sign(claims, privateKey, signOptions(alg))
        expect(jsonwebtoken.verify(token, theirs, verifyOptions(alg))).toEqual(expectedPayload)
      },
    )
  })
}

describe('HMAC with jsonwebtoken', () => {
  describeFamily(['HS256', 'HS384', 'HS512'], secretForms, secretForms, secret, secret)
})

describe('RSA with jsonwebtoken', () => {
  describeFamily(
    ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
    signingForms(keys.rsa, 'rsa'),
    verifyingForms(keys.rsa, 'rsa'),
    keys.rsa.privateKey,
    keys.rsa.publicKey,
  )
})

describe.each([
  ['ES256', keys.p256],
  ['ES384', keys.p384],
  ['ES512', keys.p521],
])('ECDSA with jsonwebtoken: %s', (alg, pair) => {
  describeFamily([alg], signingForms(pair, 'ec'), verifyingForms(pair, 'ec'), pair.privateKey, pair.publicKey)
})

describe('byte-identical tokens for the same input', () => {
  const cases = [
    ['explicit iat', { sub: 'u1', iat: IAT }, {}],
    ['noTimestamp', { sub: 'u1', iat: IAT }, { noTimestamp: true }],
    [
      'unicode, escapes and numbers',
      {
        text: 'Zoë 漢字 🎉 𝄞 e\u0301 \u2028\u2029 "quoted" back\\slash \u0000 \t\n',
        numbers: [0, -0, 1.5, -1e-7, 1e21, 2 ** 53, Number.MAX_VALUE],
        nested: { list: [true, false, null, {}, []], 'key with spaces': 'ü' },
        iat: IAT,
      },
      {},
    ],
    ['string payload', 'hello wörld ✓', {}],
    ['Buffer payload', Buffer.from('bytes \u00e9 \u00ff'), {}],
    ['latin1 encoding', 'caf\u00e9', { encoding: 'latin1' }],
    ['keyid and extra header members', { sub: 'u1', iat: IAT }, { keyid: 'k-2026', header: { cty: 'x', x5t: 'abc' } }],
    ['header replacing typ', { sub: 'u1', iat: IAT }, { header: { typ: 'at+jwt' } }],
    [
      'every claim option as timespan strings',
      { sub: 'u1', iat: IAT },
      { expiresIn: '2h', notBefore: '5m', audience: ['a', 'b'], issuer: 'i', jwtid: 'j' },
    ],
    ['numeric timespans', { iat: IAT }, { expiresIn: 3600, notBefore: -30, subject: 's' }],
    ['timespan with a space and a bare number string', { iat: IAT }, { expiresIn: '10 s', notBefore: '120' }],
  ]

  describe.each(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'])('%s', (alg) => {
    const key = alg.startsWith('HS') ? secret : keys.rsa.privatePem

    test.each(cases)('%s', (_, payload, options) => {
      const token = jwt.sign(payload, key, { ...options, algorithm: alg })
      expect(token).toBe(jsonwebtoken.sign(payload, key, { ...options, algorithm: alg }))
    })
  })

  test('the implicit iat under a fake clock', () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') })
    try {
      const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: '15m' })
      expect(token).toBe(jsonwebtoken.sign({ sub: 'u1' }, secret, { expiresIn: '15m' }))
      expect(jwt.decode(token)).toEqual({ sub: 'u1', iat: 1772366400, exp: 1772367300 })
    } finally {
      jest.useRealTimers()
    }
  })

  test('mutatePayload writes the same claims into the given object', () => {
    const ours = { sub: 'u1', iat: IAT }
    const theirs = { sub: 'u1', iat: IAT }
    const options = { mutatePayload: true, expiresIn: 60, audience: 'api' }
    expect(jwt.sign(ours, secret, options)).toBe(jsonwebtoken.sign(theirs, secret, options))
    expect(ours).toEqual(theirs)
    expect(ours).toEqual({ sub: 'u1', iat: IAT, exp: IAT + 60, aud: 'api' })
  })

  test('unsigned tokens (algorithm none)', () => {
    const token = jwt.sign({ sub: 'u1', iat: IAT }, null, { algorithm: 'none' })
    expect(token).toBe(jsonwebtoken.sign({ sub: 'u1', iat: IAT }, null, { algorithm: 'none' }))
    expect(jsonwebtoken.verify(token, undefined, { algorithms: ['none'] })).toEqual({ sub: 'u1', iat: IAT })
  })

  test('signAsync and the callback form give the same bytes', async () => {
    const reference = jsonwebtoken.sign(claims, keys.rsa.privatePem, signOptions('RS256'))
    await expect(jwt.signAsync(claims, keys.rsa.privatePem, signOptions('RS256'))).resolves.toBe(reference)
    const viaCallback = await new Promise((resolve, reject) => {
      jwt.sign(claims, keys.rsa.privatePem, signOptions('RS256'), (err, token) => (err ? reject(err) : resolve(token)))
    })
    expect(viaCallback).toBe(reference)
    expect(jwt.createSigner({ key: keys.rsa.privatePem, ...signOptions('RS256') }).sign(claims)).toBe(reference)
  })
})

describe('the same failures as jsonwebtoken', () => {
  const token = jsonwebtoken.sign({ sub: 'u1', iat: IAT, nbf: IAT + 100, aud: 'api', iss: 'auth' }, secret, {
    expiresIn: 3600,
  })
  const [header, payload, signature] = token.split('.')
  const tampered = `${header}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${signature}`

  test.each([
    ['tampered payload', tampered, {}, 'ERR_JWS_SIGNATURE_INVALID'],
    ['wrong secret', token, { key: 'another secret' }, 'ERR_JWS_SIGNATURE_INVALID'],
    ['expired', token, { clockTimestamp: IAT + 3600 }, 'ERR_JWT_EXPIRED'],
    ['not active yet', token, { clockTimestamp: IAT + 50 }, 'ERR_JWT_NOT_ACTIVE'],
    ['audience', token, { clockTimestamp: IAT + 200, audience: 'other' }, 'ERR_JWT_AUDIENCE_INVALID'],
    ['issuer', token, { clockTimestamp: IAT + 200, issuer: ['a', 'b'] }, 'ERR_JWT_ISSUER_INVALID'],
    ['algorithm not allowed', token, { clockTimestamp: IAT + 200, algorithms: ['HS512'] }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['two parts', `${header}.${payload}`, {}, 'ERR_JWT_MALFORMED'],
    ['no signature', `${header}.${payload}.`, {}, 'ERR_JWS_SIGNATURE_REQUIRED'],
  ])('%s', (_, input, { key = secret, ...options }, code) => {
    let expected
    try {
      jsonwebtoken.verify(input, key, options)
    } catch (err) {
      expected = err
    }
    let actual
    try {
      jwt.verify(input, key, options)
    } catch (err) {
      actual = err
    }
    expect(expected).toBeInstanceOf(jsonwebtoken.JsonWebTokenError)
    expect(actual).toBeInstanceOf(JsonWebTokenError)
    expect(actual.name).toBe(expected.name)
    expect(actual.message).toBe(expected.message)
    expect(actual.code).toBe(code)
    if (expected.expiredAt) expect(actual.expiredAt).toEqual(expected.expiredAt)
    if (expected.date) expect(actual.date).toEqual(expected.date)
  })
})

describe('EdDSA (jsonwebtoken has none): node:crypto and jose', () => {
  const pair = keys.ed25519
  const b64 = (text) => Buffer.from(text).toString('base64url')

  // What an EdDSA token is by RFC 8037, built with node:crypto: jsonwebtoken's header and payload bytes
  // (taken from an HS256 token of the same input) and an Ed25519 signature, which is deterministic.
  function referenceToken(payload, options) {
    const header = Object.assign({ alg: 'EdDSA', typ: 'JWT', kid: options.keyid }, options.header)
    const payloadPart = jsonwebtoken.sign(payload, secret, { ...options, algorithm: 'HS256' }).split('.')[1]
    const input = `${b64(JSON.stringify(header))}.${payloadPart}`
    return `${input}.${crypto.sign(null, Buffer.from(input), pair.privateKey).toString('base64url')}`
  }

  const options = { ...signOptions('EdDSA') }

  test.each(signingForms(pair, 'ed25519'))('signing with a %s gives the node:crypto token, byte for byte', (_, key) => {
    const token = jwt.sign(claims, key, options)
    expect(token).toBe(referenceToken(claims, options))
    const [header, payload, signature] = token.split('.')
    expect(
      crypto.verify(null, Buffer.from(`${header}.${payload}`), pair.publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true)
  })

  test.each(verifyingForms(pair, 'ed25519'))('a %s verifies node:crypto tokens', (_, key) => {
    const result = jwt.verify(referenceToken(claims, options), key, { ...verifyOptions('EdDSA'), complete: true })
    expect(result.header).toEqual(expectedHeader('EdDSA'))
    expect(result.payload).toEqual(expectedPayload)
  })

  test('EdDSA is the default algorithm for an Ed25519 key, and only it', () => {
    const token = referenceToken(claims, options)
    expect(jwt.verify(token, pair.publicKey, { clockTimestamp: IAT + 10 })).toEqual(expectedPayload)
    const rsaToken = jsonwebtoken.sign(claims, keys.rsa.privateKey, { algorithm: 'RS256' })
    expectError(() => jwt.verify(rsaToken, pair.publicKey), 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
  })

  test('jose verifies ringjwt tokens and ringjwt verifies jose tokens', () => {
    const ours = jwt.sign({ sub: 'u1', aud: 'api' }, pair.privateKey, { algorithm: 'EdDSA', expiresIn: '5m' })
    const script = `
      import * as jose from 'jose'
      const { token, jwk } = JSON.parse(process.argv[1])
      const publicKey = await jose.importJWK(jwk.public, 'EdDSA')
      const { payload, protectedHeader } = await jose.jwtVerify(token, publicKey, { audience: 'api' })
      const privateKey = await jose.importJWK(jwk.private, 'EdDSA')
      const theirs = await new jose.SignJWT({ sub: 'from-jose' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'jose-key' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
      process.stdout.write(JSON.stringify({ payload, protectedHeader, theirs }))
    `
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        script,
        JSON.stringify({ token: ours, jwk: { public: pair.publicJwk, private: pair.privateJwk } }),
      ],
      { cwd: path.join(__dirname, '..'), encoding: 'utf8' },
    )
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    const { payload, protectedHeader, theirs } = JSON.parse(child.stdout)
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'JWT' })
    expect(payload).toEqual(jwt.decode(ours))
    const verified = jwt.verify(theirs, { key: pair.publicJwk, format: 'jwk' }, { complete: true })
    expect(verified.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'jose-key' })
    expect(verified.payload).toMatchObject({ sub: 'from-jose' })
  })
})

function expectError(fn, code, message, Class = JsonWebTokenError) {
  expectThrown(fn, Class, code, message)
}

// jsonwebtoken throws a plain Error from sign(); ringjwt a JsonWebTokenError with the same message.
function expectJsonwebtokenMessage(fn, message) {
  expect(fn).toThrow(new Error(message))
}

describe('key safety', () => {
  describe('no asymmetric key as an HMAC secret', () => {
    const hmacSignMessage = 'secretOrPrivateKey must be a symmetric key when using HS256'

    test.each([
      ['an RSA private KeyObject', keys.rsa.privateKey, true],
      ['an RSA private PEM string', keys.rsa.privatePem, true],
      ['an EC private PEM Buffer', Buffer.from(keys.p256.privatePem), true],
      ['an Ed25519 public KeyObject', keys.ed25519.publicKey, true],
      ['an RSA private JWK', { key: keys.rsa.privateJwk, format: 'jwk' }, true],
      // jsonwebtoken takes public key text as a secret (RFC 8725 §3.1 forbids it); ringjwt refuses it.
      ['an RSA public PEM string', keys.rsa.publicPem, false],
      ['a certificate PEM', selfSignedCertificate(keys.p256), false],
      ['PEM-looking text that is no key', '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n', false],
    ])('sign refuses %s', (_, key, jsonwebtokenRefuses) => {
      expectError(() => jwt.sign({ sub: 'u1' }, key), 'ERR_KEY_TYPE_MISMATCH', hmacSignMessage)
      expectError(() => jwt.createSigner({ key }), 'ERR_KEY_TYPE_MISMATCH', hmacSignMessage)
      if (jsonwebtokenRefuses) expectJsonwebtokenMessage(() => jsonwebtoken.sign({ sub: 'u1' }, key), hmacSignMessage)
    })

    // The classic attack: an HS256 token whose secret is the server's public key text.
    const forged = jsonwebtoken.sign({ sub: 'admin' }, keys.rsa.publicPem, { algorithm: 'HS256' })

    test.each([
      ['public PEM string', keys.rsa.publicPem],
      ['public PEM Buffer', Buffer.from(keys.rsa.publicPem)],
      ['public KeyObject', keys.rsa.publicKey],
    ])('verify refuses an HS256 token checked with the %s', (_, key) => {
      expectError(() => jwt.verify(forged, key), 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
      const message = 'secretOrPublicKey must be a symmetric key when using HS256'
      expectError(() => jwt.verify(forged, key, { algorithms: ['HS256'] }), 'ERR_KEY_TYPE_MISMATCH', message)
      expectError(
        () => jwt.createVerifier({ key, algorithms: ['HS256'] }).verify(forged),
        'ERR_KEY_TYPE_MISMATCH',
        message,
      )
      expect(() => jsonwebtoken.verify(forged, key, { algorithms: ['HS256'] })).toThrow(message)
    })
  })

  describe('key type and curve must fit the algorithm', () => {
    const mustBeOneOf = {
      rsa: '"alg" parameter for "rsa" key type must be one of: RS256, PS256, RS384, PS384, RS512, PS512.',
      ec: '"alg" parameter for "ec" key type must be one of: ES256, ES384, ES512.',
      ed25519: '"alg" parameter for "ed25519" key type must be one of: EdDSA.',
    }
    const cases = [
      ['ES256', 'a P-384 key', keys.p384, '"alg" parameter "ES256" requires curve "prime256v1".', true],
      ['ES384', 'a P-256 key', keys.p256, '"alg" parameter "ES384" requires curve "secp384r1".', true],
      ['ES512', 'a P-384 key', keys.p384, '"alg" parameter "ES512" requires curve "secp521r1".', true],
      ['ES256', 'an RSA key', keys.rsa, mustBeOneOf.rsa, true],
      ['RS256', 'an EC key', keys.p256, mustBeOneOf.ec, true],
      ['PS384', 'an EC key', keys.p384, mustBeOneOf.ec, true],
      ['EdDSA', 'an RSA key', keys.rsa, mustBeOneOf.rsa, false],
      ['ES256', 'an Ed25519 key', keys.ed25519, mustBeOneOf.ed25519, false],
      ['RS256', 'an Ed25519 key', keys.ed25519, mustBeOneOf.ed25519, false],
    ]

    test.each(cases)('%s with %s is refused for signing', (alg, _, pair, message, jsonwebtokenSays) => {
      expectError(() => jwt.sign({}, pair.privateKey, { algorithm: alg }), 'ERR_KEY_TYPE_MISMATCH', message)
      expectError(() => jwt.sign({}, pair.privatePem, { algorithm: alg }), 'ERR_KEY_TYPE_MISMATCH', message)
      expectError(() => jwt.createSigner({ key: pair.privatePem, algorithm: alg }), 'ERR_KEY_TYPE_MISMATCH', message)
      if (jsonwebtokenSays) {
        expectJsonwebtokenMessage(() => jsonwebtoken.sign({}, pair.privatePem, { algorithm: alg }), message)
      }
    })

    test.each(cases)('%s with %s is refused for verifying', (alg, _, pair, message) => {
      const signer = { ES256: keys.p256, ES384: keys.p384, ES512: keys.p521, EdDSA: keys.ed25519 }[alg] ?? keys.rsa
      const token = jwt.sign({ sub: 'u1' }, signer.privateKey, { algorithm: alg })
      // Without `algorithms`, the key's own algorithms apply and the token's is not among them.
      expectError(() => jwt.verify(token, pair.publicKey), 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
      expectError(() => jwt.verify(token, pair.publicPem, { algorithms: [alg] }), 'ERR_KEY_TYPE_MISMATCH', message)
      expectError(
        () => jwt.createVerifier({ key: pair.publicKey, algorithms: [alg] }).verify(token),
        'ERR_KEY_TYPE_MISMATCH',
        message,
      )
    })

    test('a key on a curve the backend does not serve (secp256k1) is refused in every role', () => {
      const message = 'Unsupported elliptic curve "secp256k1".'
      const token = jwt.sign({ sub: 'u1' }, keys.p256.privateKey, { algorithm: 'ES256' })
      const k1 = keys.secp256k1
      expectError(() => jwt.sign({}, k1.privateKey, { algorithm: 'ES256' }), 'ERR_KEY_UNSUPPORTED', message)
      expectError(() => jwt.sign({}, k1.privateSec1Pem, { algorithm: 'ES256' }), 'ERR_KEY_UNSUPPORTED', message)
      expectError(
        () => jwt.sign({}, { key: k1.privateJwk, format: 'jwk' }, { algorithm: 'ES256' }),
        'ERR_KEY_UNSUPPORTED',
        message,
      )
      expectError(() => jwt.verify(token, k1.publicPem), 'ERR_KEY_UNSUPPORTED', message)
      expectError(() => jwt.verify(token, k1.publicKey, { algorithms: ['ES256'] }), 'ERR_KEY_UNSUPPORTED', message)
      expectError(() => jwt.createSigner({ key: k1.privatePem, algorithm: 'ES256' }), 'ERR_KEY_UNSUPPORTED', message)
      expectError(() => jwt.createVerifier({ key: k1.publicKey }), 'ERR_KEY_UNSUPPORTED', message)
      // jsonwebtoken refuses it too, by curve.
      expectJsonwebtokenMessage(
        () => jsonwebtoken.sign({}, k1.privatePem, { algorithm: 'ES256' }),
        '"alg" parameter "ES256" requires curve "prime256v1".',
      )
    })

    test('a private KeyObject is not a verification key, as in jsonwebtoken', () => {
      const token = jwt.sign({ sub: 'u1' }, keys.p256.privateKey, { algorithm: 'ES256' })
      const message = 'secretOrPublicKey must be an asymmetric key when using ES256'
      expectError(() => jwt.verify(token, keys.p256.privateKey), 'ERR_KEY_TYPE_MISMATCH', message)
      expect(() => jsonwebtoken.verify(token, keys.p256.privateKey)).toThrow(message)
    })

    test('a secret or a public key cannot sign with an asymmetric algorithm', () => {
      const message = 'secretOrPrivateKey must be an asymmetric key when using RS256'
      for (const key of [secret, secretBuffer, keys.rsa.publicKey, keys.rsa.publicPem]) {
        expectError(() => jwt.sign({}, key, { algorithm: 'RS256' }), 'ERR_KEY_TYPE_MISMATCH', message)
        expectJsonwebtokenMessage(() => jsonwebtoken.sign({}, key, { algorithm: 'RS256' }), message)
      }
    })
  })

  describe('RSA keys under 2048 bits', () => {
    const small = keys.rsa1024

    test.each(['RS256', 'PS256', 'RS512'])('signing %s is refused unless allowInsecureKeySizes', (alg) => {
      const message = `secretOrPrivateKey has a minimum key size of 2048 bits for ${alg}`
      expectError(() => jwt.sign({}, small.privatePem, { algorithm: alg }), 'ERR_KEY_TOO_SMALL', message)
      expectError(() => jwt.createSigner({ key: small.privateKey, algorithm: alg }), 'ERR_KEY_TOO_SMALL', message)
      expectJsonwebtokenMessage(() => jsonwebtoken.sign({}, small.privatePem, { algorithm: alg }), message)
    })

    // With allowInsecureKeySizes every RS* and PS* algorithm signs and verifies: __test__/keys-legacy.test.js.
    test('verifying is refused unless allowInsecureKeySizes, then RS256 and RS512 work', () => {
      const insecure = { allowInsecureKeySizes: true }
      for (const alg of ['RS256', 'RS512']) {
        const token = jsonwebtoken.sign({ sub: 'u1', iat: IAT }, small.privateKey, { algorithm: alg, ...insecure })
        expectError(
          () => jwt.verify(token, small.publicPem),
          'ERR_KEY_TOO_SMALL',
          `secretOrPublicKey has a minimum key size of 2048 bits for ${alg}`,
        )
        expect(jwt.verify(token, small.publicPem, insecure)).toEqual({ sub: 'u1', iat: IAT })
        expect(jwt.createVerifier({ key: small.publicKey, ...insecure }).verify(token)).toEqual({ sub: 'u1', iat: IAT })
      }
    })
  })
})

describe('a key used again is not parsed again', () => {
  // Every key reaches the native layer through NativeKey's constructors: count their calls.
  const Real = native.NativeKey
  let calls
  beforeEach(() => {
    calls = { secret: 0, privateKey: 0, publicKey: 0 }
    const counting = {
      secret: (...args) => (calls.secret++, Real.secret(...args)),
      privateKey: (...args) => (calls.privateKey++, Real.privateKey(...args)),
      publicKey: (...args) => (calls.publicKey++, Real.publicKey(...args)),
    }
    native.NativeKey = counting
  })
  afterEach(() => {
    native.NativeKey = Real
  })

  // Fresh keys: the suite's shared ones may already sit in the cache.
  const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' })
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' })

  test.each([
    ['PEM string', () => privatePem],
    ['PEM Buffer', () => Buffer.from(privatePem)],
    ['KeyObject', () => crypto.createPrivateKey(privatePem)],
    ['{ key, passphrase }', () => ({ key: encrypted(pair.privateKey, 'pkcs8'), passphrase })],
    ['JWK', () => ({ key: pair.privateKey.export({ format: 'jwk' }), format: 'jwk' })],
  ])('a private key as a %s', (_, make) => {
    const key = make()
    const tokens = [1, 2, 3].map((n) => jwt.sign({ n }, key, { algorithm: 'ES256' }))
    expect(calls.privateKey).toBe(1)
    for (const token of tokens) expect(jwt.verify(token, publicPem)).toMatchObject({ n: expect.any(Number) })
  })

  test('a public key for verify, and a secret', () => {
    const token = jwt.sign({ sub: 'u1' }, pair.privateKey, { algorithm: 'ES256' })
    const publicKey = crypto.createPublicKey(publicPem)
    for (let i = 0; i < 3; i++) jwt.verify(token, publicKey)
    expect(calls.publicKey).toBe(1)

    const freshSecret = crypto.randomBytes(32).toString('hex')
    const tokens = [1, 2, 3].map((i) => jwt.sign({ i }, freshSecret))
    expect(calls.secret).toBe(1)
    // sign() and verify() keep separate caches: one more parse for the verifying side, then none.
    for (const t of tokens) jwt.verify(t, freshSecret)
    expect(calls.secret).toBe(2)
  })

  test('a Buffer changed in place is parsed again', () => {
    const key = Buffer.from(crypto.randomBytes(32))
    const first = jwt.sign({ sub: 'u1' }, key)
    key.fill(7)
    const second = jwt.sign({ sub: 'u1' }, key)
    expect(calls.secret).toBe(2)
    expect(jwt.verify(second, Buffer.alloc(32, 7))).toMatchObject({ sub: 'u1' })
    expectError(() => jwt.verify(first, Buffer.alloc(32, 7)), 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature')
  })
})
