'use strict'
// Hand-made tokens for the checks encryption would never produce: a header of any text, encrypted with node:crypto
// under `dir` + A256GCM, ECDH-ES or PBES2 (or with any key management segment and ciphertext given as is).

const crypto = require('node:crypto')

const b64 = (value) => Buffer.from(value).toString('base64url')

function craftDir(headerText, plaintext, key) {
  const header = b64(headerText)
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(header))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return [header, '', b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.')
}

// A token whose header is `headerText` and whose other segments are random bytes of plausible sizes.
function craftHeaderOnly(headerText, { encryptedKey = 40 } = {}) {
  const random = (n) => b64(crypto.randomBytes(n))
  return [b64(headerText), encryptedKey ? random(encryptedKey) : '', random(12), random(32), random(16)].join('.')
}

const CONTENT_KEY_BITS = { A128GCM: 128, A192GCM: 192, A256GCM: 256 }

// An ECDH-ES token (direct key agreement, AES-GCM content) made with node:crypto from the ephemeral private key
// given, whose protected header is `header` as it stands: its `epk` may hold what encryption never writes.
function craftEcdhEs(header, ephemeralPrivateKey, recipientPublicKey, plaintext) {
  const headerB64 = b64(JSON.stringify(header))
  const z = crypto.diffieHellman({ privateKey: ephemeralPrivateKey, publicKey: recipientPublicKey })
  const bits = CONTENT_KEY_BITS[header.enc]
  const u32 = (n) => {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(n)
    return out
  }
  // The Concat KDF of RFC 7518 §4.6.2, one SHA-256 round (keys of up to 256 bits), empty apu and apv.
  const otherInfo = Buffer.concat([u32(header.enc.length), Buffer.from(header.enc), u32(0), u32(0), u32(bits)])
  const cek = crypto
    .createHash('sha256')
    .update(Buffer.concat([u32(1), z, otherInfo]))
    .digest()
    .subarray(0, bits / 8)
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv(`aes-${bits}-gcm`, cek, iv)
  cipher.setAAD(Buffer.from(headerB64))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return [headerB64, '', b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.')
}

// A PBES2-HS256+A128KW token with A128GCM content, made with node:crypto, whose protected header is `headerText` as
// written (its `p2s` the salt input; `p2c` in any spelling), the key derived with `iterations` PBKDF2 rounds.
function craftPbes2(headerText, password, plaintext, iterations) {
  const { alg, p2s } = JSON.parse(headerText)
  const salt = Buffer.concat([Buffer.from(alg), Buffer.alloc(1), Buffer.from(p2s, 'base64url')])
  const kek = crypto.pbkdf2Sync(password, salt, iterations, 16, 'sha256')
  const cek = crypto.randomBytes(16)
  const wrap = crypto.createCipheriv('id-aes128-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'))
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()])
  const header = b64(headerText)
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-128-gcm', cek, iv)
  cipher.setAAD(Buffer.from(header))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return [header, b64(encryptedKey), b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.')
}

module.exports = { b64, craftDir, craftHeaderOnly, craftEcdhEs, craftPbes2 }
