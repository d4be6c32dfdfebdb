'use strict'
// Keys for the JWE specs, generated once per Jest worker, and the key each algorithm and encryption needs.

const crypto = require('node:crypto')

const CONTENT_KEY_BYTES = {
  A128GCM: 16,
  A192GCM: 24,
  A256GCM: 32,
  'A128CBC-HS256': 32,
  'A192CBC-HS384': 48,
  'A256CBC-HS512': 64,
}
const ENCRYPTIONS = Object.keys(CONTENT_KEY_BYTES)
const secrets = Object.fromEntries([16, 24, 32, 48, 64].map((n) => [n, crypto.randomBytes(n)]))
const password = 'correct horse battery staple'
const pairs = {
  rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  'P-256': crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  X25519: crypto.generateKeyPairSync('x25519'),
}
const CURVES = ['P-256', 'P-384', 'P-521', 'X25519']

// [alg, enc, label, encryption key, decryption key] for every algorithm x encryption (x curve for ECDH-ES).
function combinations() {
  const rows = []
  for (const enc of ENCRYPTIONS) {
    const dir = secrets[CONTENT_KEY_BYTES[enc]]
    rows.push(['dir', enc, 'secret', dir, dir])
    for (const size of [128, 192, 256]) {
      const kek = secrets[size / 8]
      rows.push([`A${size}KW`, enc, 'secret', kek, kek])
      rows.push([`A${size}GCMKW`, enc, 'secret', kek, kek])
    }
    for (const pbes2 of ['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW']) {
      rows.push([pbes2, enc, 'password', password, password])
    }
    for (const alg of ['RSA-OAEP', 'RSA-OAEP-256']) {
      rows.push([alg, enc, 'rsa', pairs.rsa.publicKey, pairs.rsa.privateKey])
    }
    for (const curve of CURVES) {
      for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']) {
        rows.push([alg, enc, curve, pairs[curve].publicKey, pairs[curve].privateKey])
      }
    }
  }
  return rows
}

// A key as the jose child process takes it: a JWK, or `{ secret }` in base64url.
function forJose(key) {
  if (typeof key === 'string') return { secret: Buffer.from(key).toString('base64url') }
  if (Buffer.isBuffer(key)) return { secret: key.toString('base64url') }
  return key.export({ format: 'jwk' })
}

module.exports = { ENCRYPTIONS, CONTENT_KEY_BYTES, CURVES, secrets, password, pairs, combinations, forJose }
