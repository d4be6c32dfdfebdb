'use strict'
// EC keys that spell their curve out (explicit parameters, as `openssl ecparam -param_enc explicit` writes them)
// are accepted when the parameters are exactly P-256, P-384 or P-521, in every key form, and refused otherwise
// with ERR_KEY_CURVE_UNKNOWN: a key that brings its own generator is how CVE-2020-0601 forged signatures. The
// curve is read from the DER by the native key, never taken from node:crypto.

const fs = require('node:fs')
const path = require('node:path')
const { createPrivateKey, createPublicKey } = require('node:crypto')
const jwt = require('..')
const reference = require('jsonwebtoken')
const { asymmetricToken } = require('./helpers/tokens')
const { expectError } = require('./helpers/assert')

const { JsonWebTokenError } = jwt
const fixture = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', 'ec-explicit', `${name}.pem`), 'utf8')

// Every form a key may take: PEM text, PEM Buffer, DER, KeyObject.
function forms(pem, type) {
  const keyObject = type === 'private' ? createPrivateKey(pem) : createPublicKey(pem)
  const der = keyObject.export({ type: type === 'private' ? 'pkcs8' : 'spki', format: 'der' })
  return [
    ['PEM text', pem],
    ['a PEM Buffer', Buffer.from(pem)],
    ['DER', { key: der, format: 'der', type: type === 'private' ? 'pkcs8' : 'spki' }],
    ['a KeyObject', keyObject],
  ]
}

const CURVES = [
  ['P-256', 'p256', 'ES256'],
  ['P-384', 'p384', 'ES384'],
  ['P-521', 'p521', 'ES512'],
]

describe.each(CURVES)('%s with explicit parameters', (_, name, alg) => {
  const privatePem = fixture(`${name}-private`)
  const publicPem = fixture(`${name}-public`)

  test('the fixture really spells its parameters out', () => {
    expect(privatePem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/)
    const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' })
    // The prime-field OID (1.2.840.10045.1.1) is written only inside explicit parameters.
    expect(der.includes(Buffer.from('06072a8648ce3d0101', 'hex'))).toBe(true)
  })

  test.each(forms(privatePem, 'private'))('signs from %s; every public form and jsonwebtoken verify', (__, key) => {
    const token = jwt.sign({ sub: 'u1' }, key, { algorithm: alg })
    for (const [, publicKey] of forms(publicPem, 'public')) {
      expect(jwt.verify(token, publicKey)).toMatchObject({ sub: 'u1' })
      expect(jwt.createVerifier({ key: publicKey, algorithms: [alg] }).verify(token)).toMatchObject({ sub: 'u1' })
    }
    expect(reference.verify(token, publicPem)).toMatchObject({ sub: 'u1' })
    expect(jwt.createSigner({ key, algorithm: alg }).sign({ sub: 'u2' })).toMatch(/^ey/)
  })

  test('verifies what jsonwebtoken signs, also on the thread pool', async () => {
    const token = reference.sign({ sub: 'u1' }, privatePem, { algorithm: alg })
    expect(jwt.verify(token, publicPem, { algorithms: [alg] })).toMatchObject({ sub: 'u1' })
    await expect(jwt.verifyAsync(token, publicPem)).resolves.toMatchObject({ sub: 'u1' })
  })

  test('the default algorithms are those of the curve read from the DER', () => {
    const other = alg === 'ES256' ? 'ES384' : 'ES256'
    const token = asymmetricToken({ alg: other }, { sub: 'u1' }, createPrivateKey(privatePem))
    expectError(() => jwt.verify(token, publicPem), JsonWebTokenError, 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid algorithm')
  })

  test('the key serves only its own curve', () => {
    const other = alg === 'ES256' ? 'ES384' : 'ES256'
    const otherCurve = other === 'ES256' ? 'prime256v1' : 'secp384r1'
    expectError(
      () => jwt.sign({}, privatePem, { algorithm: other }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      `"alg" parameter "${other}" requires curve "${otherCurve}".`,
    )
  })
})

describe('other parameters are refused', () => {
  const message = 'explicit elliptic curve parameters are not those of P-256, P-384 or P-521'
  const otherPublic = fixture('p256-other-generator-public')
  const otherPrivate = fixture('p256-other-generator-private')
  // A token its owner signed on that curve: a valid ECDSA signature for the generator the key chose.
  const forged = asymmetricToken({ alg: 'ES256', typ: 'JWT' }, { sub: 'admin' }, createPrivateKey(otherPrivate))

  // node:crypto loads the key without complaint: the refusal below is ringjwt's own reading of the DER. How
  // node:crypto names such a curve is its own affair ('UNDEF' up to Node 22, no name at all from Node 24).
  test('node:crypto takes it for an EC key on none of the three curves', () => {
    const keyObject = createPublicKey(otherPublic)
    expect(keyObject.asymmetricKeyType).toBe('ec')
    expect(['prime256v1', 'secp384r1', 'secp521r1']).not.toContain(keyObject.asymmetricKeyDetails.namedCurve)
  })

  test.each(forms(otherPublic, 'public'))('a P-256 with another generator as %s, for verify', (_, key) => {
    expectError(() => jwt.verify(forged, key), JsonWebTokenError, 'ERR_KEY_CURVE_UNKNOWN', message)
    expectError(
      () => jwt.verify(forged, key, { algorithms: ['ES256'], allowInvalidAsymmetricKeyTypes: true }),
      JsonWebTokenError,
      'ERR_KEY_CURVE_UNKNOWN',
      message,
    )
    expectError(() => jwt.createVerifier({ key }), JsonWebTokenError, 'ERR_KEY_CURVE_UNKNOWN', message)
  })

  test.each(forms(otherPrivate, 'private'))('a P-256 with another generator as %s, for sign', (_, key) => {
    expectError(() => jwt.sign({}, key, { algorithm: 'ES256' }), JsonWebTokenError, 'ERR_KEY_CURVE_UNKNOWN', message)
    expectError(
      () => jwt.createSigner({ key, algorithm: 'ES256' }),
      JsonWebTokenError,
      'ERR_KEY_CURVE_UNKNOWN',
      message,
    )
  })

  test('jsonwebtoken with allowInvalidAsymmetricKeyTypes accepts the forged token; ringjwt does not', async () => {
    expect(reference.verify(forged, otherPublic, { allowInvalidAsymmetricKeyTypes: true })).toMatchObject({
      sub: 'admin',
    })
    const err = await jwt.verifyAsync(forged, otherPublic, { allowInvalidAsymmetricKeyTypes: true }).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_CURVE_UNKNOWN', message })
  })

  test('secp256k1 spelled out is refused too (OpenSSL recognises and names it)', () => {
    for (const key of [fixture('secp256k1-public'), fixture('secp256k1-private')]) {
      expectError(
        () => jwt.verify(forged, key),
        JsonWebTokenError,
        'ERR_KEY_UNSUPPORTED',
        'Unsupported elliptic curve "secp256k1".',
      )
    }
  })
})
