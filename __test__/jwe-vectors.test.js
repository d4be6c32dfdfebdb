'use strict'
// The RFC 7516 Appendix A and RFC 7520 section 5 examples decrypt with their published keys. (With the randomness
// the RFCs fix, the Rust core also reproduces the deterministic ones byte for byte: src/jwe/vectors.rs.)

const { createPrivateKey } = require('node:crypto')
const jwt = require('..')
const vectors = require('./vectors/jwe-rfc.json')
const { expectError } = require('./helpers/assert')

function decryptionKey(vector) {
  if (vector.password !== undefined) return vector.password
  if (vector.key.kty === 'oct') return Buffer.from(vector.key.k, 'base64url')
  const { kid: _kid, use: _use, alg: _alg, ...jwk } = vector.key
  return createPrivateKey({ key: jwk, format: 'jwk' })
}

const options = (vector, extra) => ({
  algorithms: [vector.alg],
  encryptions: [vector.enc],
  maxPbes2Count: 10_000,
  maxInflatedSize: 10_000,
  complete: true,
  ...extra,
})

describe.each(Object.entries(vectors))('%s', (name, vector) => {
  test(`${vector.source}: ${vector.alg} with ${vector.enc} decrypts to the published plaintext`, () => {
    const { header, payload } = jwt.decrypt(vector.compact, decryptionKey(vector), options(vector))
    // A plaintext that is a JSON object comes back parsed, as verify() returns claims.
    expect(payload).toEqual(vector.plaintext.startsWith('{') ? JSON.parse(vector.plaintext) : vector.plaintext)
    expect(header).toMatchObject({ alg: vector.alg, enc: vector.enc })
  })

  test('outside the allow-list it is refused before the key is used', () => {
    const other = vector.alg === 'dir' ? 'A128KW' : 'dir'
    expectError(
      () => jwt.decrypt(vector.compact, decryptionKey(vector), options(vector, { algorithms: [other] })),
      jwt.JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
  })
})

test('RSA1_5 (RFC 7520 5.1) is decrypted only when listed by name: it is never a default', () => {
  const vector = vectors['rfc7520-5.1']
  const key = decryptionKey(vector)
  expectError(
    () => jwt.decrypt(vector.compact, key),
    jwt.JsonWebTokenError,
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'invalid algorithm',
  )
  expect(jwt.decrypt(vector.compact, key, { algorithms: ['RSA1_5'], encryptions: ['A128CBC-HS256'] })).toBe(
    vector.plaintext,
  )
})

test('the RFC 7516 A.3 key decrypts nothing once a segment changes', () => {
  const vector = vectors['rfc7516-A.3']
  const parts = vector.compact.split('.')
  parts[3] = parts[3].replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
  expectError(
    () => jwt.decrypt(parts.join('.'), decryptionKey(vector), options(vector)),
    jwt.JsonWebTokenError,
    'ERR_JWE_DECRYPTION_FAILED',
    'decryption failed',
  )
})
