'use strict'
// The published examples: RFC 7515 Appendix A.1 (HS256), A.2 (RS256), A.3 (ES256), A.4 (ES512), A.5 (unsecured)
// and RFC 8037 Appendix A.4 (Ed25519). Published tokens verify with the published keys; where the algorithm is
// deterministic and the signing input is one ringjwt writes, signing reproduces the published token.

const crypto = require('node:crypto')
const jwt = require('..')
const { expectError } = require('./helpers/assert')

const { JsonWebTokenError, TokenExpiredError } = jwt

// The JWS Payload of A.1–A.3 and A.5: JSON with CRLF line breaks, as the octets in the RFC.
const RFC7515_PAYLOAD_TEXT = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
const RFC7515_PAYLOAD_B64 =
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ'
const RFC7515_CLAIMS = { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true }
const EXP = 1300819380
const BEFORE_EXP = { clockTimestamp: EXP - 1 }

describe('RFC 7515 A.1: HS256', () => {
  const token = [
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9',
    RFC7515_PAYLOAD_B64,
    'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  ].join('.')
  const jwk = {
    kty: 'oct',
    k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  }

  test('the published token is the published header and payload', () => {
    expect(Buffer.from(token.split('.')[0], 'base64url').toString()).toBe('{"typ":"JWT",\r\n "alg":"HS256"}')
    expect(Buffer.from(token.split('.')[1], 'base64url').toString()).toBe(RFC7515_PAYLOAD_TEXT)
  })

  test.each([
    ['the JWK as { key, format: "jwk" }', { key: jwk, format: 'jwk' }],
    ['the key bytes as a Buffer', Buffer.from(jwk.k, 'base64url')],
    ['a secret KeyObject', crypto.createSecretKey(Buffer.from(jwk.k, 'base64url'))],
  ])('verifies with %s', (_, key) => {
    expect(jwt.verify(token, key, BEFORE_EXP)).toEqual(RFC7515_CLAIMS)
    expect(jwt.verify(token, key, { ignoreExpiration: true, complete: true })).toEqual({
      header: { typ: 'JWT', alg: 'HS256' },
      payload: RFC7515_CLAIMS,
      signature: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    })
    expect(jwt.createVerifier({ key, ...BEFORE_EXP }).verify(token)).toEqual(RFC7515_CLAIMS)
  })

  test('it has expired since 2011', () => {
    const error = expectError(
      () => jwt.verify(token, { key: jwk, format: 'jwk' }),
      TokenExpiredError,
      'ERR_JWT_EXPIRED',
      'jwt expired',
    )
    expect(error.expiredAt).toEqual(new Date(EXP * 1000))
  })

  test('a changed payload or key fails', () => {
    const [header, , signature] = token.split('.')
    const rootless = Buffer.from(RFC7515_PAYLOAD_TEXT.replace('true', 'false')).toString('base64url')
    expectError(
      () => jwt.verify(`${header}.${rootless}.${signature}`, { key: jwk, format: 'jwk' }, BEFORE_EXP),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
    expectError(
      () => jwt.verify(token, Buffer.from(jwk.k, 'base64url').subarray(1), BEFORE_EXP),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
  })

  // Verify only: this header is `{"typ":"JWT",\r\n "alg":"HS256"}`, with `typ` first and a CRLF inside. sign()
  // writes the header as jsonwebtoken does (JSON.stringify with `alg` first), so no option can produce these
  // bytes; A.2 and RFC 8037 below have headers ringjwt does write, and their signatures are reproduced.
})

describe('RFC 7515 A.2: RS256', () => {
  const token = [
    'eyJhbGciOiJSUzI1NiJ9',
    RFC7515_PAYLOAD_B64,
    'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7' +
      'AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4' +
      'BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K' +
      '0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv' +
      'hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB' +
      'p0igcN_IoypGlUPQGe77Rw',
  ].join('.')
  const publicJwk = {
    kty: 'RSA',
    n:
      'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs' +
      'D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV' +
      'MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
    e: 'AQAB',
  }
  const privateJwk = {
    ...publicJwk,
    d:
      'Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0' +
      'BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYT' +
      'CBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ',
    p:
      '4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPG' +
      'BY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc',
    q:
      'uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA' +
      '-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc',
    dp:
      'BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb' +
      '34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0',
    dq:
      'h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-ky' +
      'NlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU',
    qi:
      'IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLU' +
      'W0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U',
  }

  test.each([
    ['the public JWK', { key: publicJwk, format: 'jwk' }],
    [
      'the public key as SPKI PEM',
      crypto.createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
    ],
    ['the private JWK (its public half)', { key: privateJwk, format: 'jwk' }],
  ])('verifies with %s', (_, key) => {
    expect(jwt.verify(token, key, BEFORE_EXP)).toEqual(RFC7515_CLAIMS)
    expect(jwt.verify(token, key, { ...BEFORE_EXP, algorithms: ['RS256'], complete: true }).header).toEqual({
      alg: 'RS256',
    })
  })

  test('signing the same payload bytes reproduces the published token', () => {
    // A string payload gets the header `{"alg":"RS256"}` (no `typ`), exactly the example's.
    expect(jwt.sign(RFC7515_PAYLOAD_TEXT, { key: privateJwk, format: 'jwk' }, { algorithm: 'RS256' })).toBe(token)
    const pem = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' })
    expect(jwt.sign(RFC7515_PAYLOAD_TEXT, pem, { algorithm: 'RS256' })).toBe(token)
    expect(jwt.createSigner({ key: pem, algorithm: 'RS256' }).sign(RFC7515_PAYLOAD_TEXT)).toBe(token)
  })

  test('not as PS256, and not after exp', () => {
    const key = { key: publicJwk, format: 'jwk' }
    const asPss = `${Buffer.from('{"alg":"PS256"}').toString('base64url')}.${token.split('.').slice(1).join('.')}`
    expectError(
      () => jwt.verify(asPss, key, BEFORE_EXP),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
    expectError(() => jwt.verify(token, key), TokenExpiredError, 'ERR_JWT_EXPIRED', 'jwt expired')
  })
})

describe('RFC 7515 A.3: ES256', () => {
  const token = [
    'eyJhbGciOiJFUzI1NiJ9',
    RFC7515_PAYLOAD_B64,
    'DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q',
  ].join('.')
  const publicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  }
  const privateJwk = { ...publicJwk, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' }

  test.each([
    ['the public JWK', { key: publicJwk, format: 'jwk' }],
    ['the public key as a KeyObject', crypto.createPublicKey({ key: publicJwk, format: 'jwk' })],
    ['the private JWK (its public half)', { key: privateJwk, format: 'jwk' }],
  ])('verifies with %s', (_, key) => {
    expect(jwt.verify(token, key, BEFORE_EXP)).toEqual(RFC7515_CLAIMS)
    expect(jwt.createVerifier({ key, algorithms: ['ES256'], ...BEFORE_EXP }).verify(token)).toEqual(RFC7515_CLAIMS)
  })

  // ECDSA signatures are randomised: signing gives the same signing input and a different signature that
  // verifies with the published public key (64 bytes, R || S, as RFC 7518 §3.4 requires).
  test('signing the same payload gives the same signing input and a valid signature', () => {
    const ours = jwt.sign(RFC7515_PAYLOAD_TEXT, { key: privateJwk, format: 'jwk' }, { algorithm: 'ES256' })
    const [header, payload, signature] = ours.split('.')
    expect(`${header}.${payload}`).toBe(token.slice(0, token.lastIndexOf('.')))
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64)
    expect(jwt.verify(ours, { key: publicJwk, format: 'jwk' }, BEFORE_EXP)).toEqual(RFC7515_CLAIMS)
    const valid = crypto.verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: crypto.createPublicKey({ key: publicJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    )
    expect(valid).toBe(true)
  })

  test('a P-384 key or a flipped signature bit fails', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey
    expectError(
      () => jwt.verify(token, other, { ...BEFORE_EXP, algorithms: ['ES256'] }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"alg" parameter "ES256" requires curve "prime256v1".',
    )
    const signature = Buffer.from(token.split('.')[2], 'base64url')
    signature[10] ^= 1
    const flipped = `${token.slice(0, token.lastIndexOf('.'))}.${signature.toString('base64url')}`
    expectError(
      () => jwt.verify(flipped, { key: publicJwk, format: 'jwk' }, BEFORE_EXP),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
  })
})

describe('RFC 7515 A.4: ES512 over a non-JSON payload', () => {
  const token =
    'eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.' +
    'AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZ' +
    'CPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn'
  const publicJwk = {
    kty: 'EC',
    crv: 'P-521',
    x: 'AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk',
    y: 'ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2',
  }
  const privateJwk = {
    ...publicJwk,
    d: 'AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C',
  }

  test('verifies with the published key; the payload is the string "Payload"', () => {
    expect(jwt.verify(token, { key: publicJwk, format: 'jwk' })).toBe('Payload')
    expect(jwt.verify(token, { key: publicJwk, format: 'jwk' }, { complete: true })).toEqual({
      header: { alg: 'ES512' },
      payload: 'Payload',
      signature: token.split('.')[2],
    })
  })

  test('signing "Payload" gives the same signing input and a signature the public key accepts', () => {
    const ours = jwt.sign('Payload', { key: privateJwk, format: 'jwk' }, { algorithm: 'ES512' })
    expect(ours.slice(0, ours.lastIndexOf('.'))).toBe('eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA')
    expect(Buffer.from(ours.split('.')[2], 'base64url')).toHaveLength(132)
    expect(jwt.verify(ours, { key: publicJwk, format: 'jwk' })).toBe('Payload')
  })
})

describe('RFC 7515 A.5: unsecured JWS', () => {
  const token = `eyJhbGciOiJub25lIn0.${RFC7515_PAYLOAD_B64}.`

  test('verifies only when "none" is listed and no key is given', () => {
    expect(jwt.verify(token, undefined, { ...BEFORE_EXP, algorithms: ['none'] })).toEqual(RFC7515_CLAIMS)
    expectError(
      () => jwt.verify(token, undefined, BEFORE_EXP),
      JsonWebTokenError,
      'ERR_JWS_UNSIGNED_NOT_ALLOWED',
      'please specify "none" in "algorithms" to verify unsigned tokens',
    )
    expectError(
      () => jwt.verify(token, 'a secret', { ...BEFORE_EXP, algorithms: ['none'] }),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_REQUIRED',
      'jwt signature is required',
    )
  })

  test('signing with "none" reproduces it', () => {
    expect(jwt.sign(RFC7515_PAYLOAD_TEXT, null, { algorithm: 'none' })).toBe(token)
  })
})

describe('RFC 8037 A.4: Ed25519', () => {
  const token =
    'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.' +
    'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg'
  const publicJwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }
  const privateJwk = { ...publicJwk, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' }

  test('the private key of A.1 has the public key of A.2', () => {
    const derived = crypto.createPublicKey(crypto.createPrivateKey({ key: privateJwk, format: 'jwk' }))
    expect(derived.export({ format: 'jwk' })).toEqual(publicJwk)
  })

  test.each([
    ['the public JWK', { key: publicJwk, format: 'jwk' }],
    [
      'the public key as SPKI PEM',
      crypto.createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
    ],
    ['the private JWK (its public half)', { key: privateJwk, format: 'jwk' }],
  ])('verifies with %s; the payload is the example sentence', (_, key) => {
    expect(jwt.verify(token, key)).toBe('Example of Ed25519 signing')
    expect(jwt.verify(token, key, { algorithms: ['EdDSA'], complete: true })).toEqual({
      header: { alg: 'EdDSA' },
      payload: 'Example of Ed25519 signing',
      signature: token.split('.')[2],
    })
  })

  test('signing the sentence reproduces the published token (Ed25519 is deterministic)', () => {
    const key = { key: privateJwk, format: 'jwk' }
    expect(jwt.sign('Example of Ed25519 signing', key, { algorithm: 'EdDSA' })).toBe(token)
    expect(jwt.createSigner({ key, algorithm: 'EdDSA' }).sign('Example of Ed25519 signing')).toBe(token)
    const pem = crypto.createPrivateKey(key).export({ type: 'pkcs8', format: 'pem' })
    return expect(jwt.signAsync('Example of Ed25519 signing', pem, { algorithm: 'EdDSA' })).resolves.toBe(token)
  })

  test('a changed payload fails', () => {
    const changed = token.replace(
      'RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc',
      Buffer.from('Example of Ed448 signing').toString('base64url'),
    )
    expectError(
      () => jwt.verify(changed, { key: publicJwk, format: 'jwk' }),
      JsonWebTokenError,
      'ERR_JWS_SIGNATURE_INVALID',
      'invalid signature',
    )
  })
})
