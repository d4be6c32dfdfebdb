'use strict'

/*
 * Shared key fixtures, generated once per Jest worker with node:crypto (no key files in the repo).
 *
 * Exports (stable):
 *   keys.<name> for name in: rsa (2048), rsa1024, p256, p384, p521, secp256k1, ed25519
 *     {
 *       privatePem,      // string, PKCS#8 PEM
 *       publicPem,       // string, SPKI PEM
 *       privateKey,      // KeyObject (private)
 *       publicKey,       // KeyObject (public)
 *       privateJwk,      // object, JWK of the private key
 *       publicJwk,       // object, JWK of the public key
 *     }
 *   keys.rsa / keys.rsa1024 additionally: privatePkcs1Pem, publicPkcs1Pem (PKCS#1 PEM strings)
 *   keys.p256 / p384 / p521 / secp256k1 additionally: privateSec1Pem (SEC1 "EC PRIVATE KEY" PEM string)
 *   keys.encryptedRsa: { key, passphrase, publicPem } — the 2048-bit RSA private key as encrypted PKCS#8
 *   secret: string HMAC secret (64 chars); secretBuffer: the same bytes as a Buffer
 *   ALGORITHMS: { HS: [...], RS: [...], PS: [...], ES256, ES384, ES512, EdDSA }
 *   signingKeyFor(alg) -> { sign, verify } a matching secret/private PEM and secret/public PEM for alg
 *   keys is also the module export's `keys` property; everything is exported at top level too.
 */

const { generateKeyPairSync, createPrivateKey, createPublicKey } = require('node:crypto')

function pair(type, options) {
  const { privateKey, publicKey } = generateKeyPairSync(type, options)
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKey,
    publicKey,
    privateJwk: privateKey.export({ format: 'jwk' }),
    publicJwk: publicKey.export({ format: 'jwk' }),
  }
}

function rsa(modulusLength) {
  const k = pair('rsa', { modulusLength })
  k.privatePkcs1Pem = k.privateKey.export({ type: 'pkcs1', format: 'pem' })
  k.publicPkcs1Pem = k.publicKey.export({ type: 'pkcs1', format: 'pem' })
  return k
}

function ec(namedCurve) {
  const k = pair('ec', { namedCurve })
  k.privateSec1Pem = k.privateKey.export({ type: 'sec1', format: 'pem' })
  return k
}

const keys = {
  rsa: rsa(2048),
  rsa1024: rsa(1024),
  p256: ec('P-256'),
  p384: ec('P-384'),
  p521: ec('P-521'),
  secp256k1: ec('secp256k1'),
  ed25519: pair('ed25519'),
}

const passphrase = 'correct horse battery staple'
keys.encryptedRsa = {
  key: keys.rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }),
  passphrase,
  publicPem: keys.rsa.publicPem,
}

const secret = 'a-very-long-shared-secret-used-only-by-the-test-suite-0123456789'
const secretBuffer = Buffer.from(secret)

const ALGORITHMS = {
  HS: ['HS256', 'HS384', 'HS512'],
  RS: ['RS256', 'RS384', 'RS512'],
  PS: ['PS256', 'PS384', 'PS512'],
  ES256: 'ES256',
  ES384: 'ES384',
  ES512: 'ES512',
  EdDSA: 'EdDSA',
}

function signingKeyFor(alg) {
  if (alg.startsWith('HS')) return { sign: secret, verify: secret }
  if (alg.startsWith('RS') || alg.startsWith('PS')) return { sign: keys.rsa.privatePem, verify: keys.rsa.publicPem }
  const k = { ES256: keys.p256, ES384: keys.p384, ES512: keys.p521, EdDSA: keys.ed25519 }[alg]
  if (!k) throw new Error(`no fixture key for ${alg}`)
  return { sign: k.privatePem, verify: k.publicPem }
}

// Sanity: the PEMs round-trip, so a broken fixture fails here rather than deep inside a test.
createPrivateKey(keys.rsa.privatePkcs1Pem)
createPublicKey(keys.rsa.publicPkcs1Pem)

module.exports = { keys, ...keys, secret, secretBuffer, ALGORITHMS, signingKeyFor }
