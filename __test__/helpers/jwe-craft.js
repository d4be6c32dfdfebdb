'use strict'
// Hand-made tokens for the checks encryption would never produce: a header of any text, encrypted with node:crypto
// under `dir` + A256GCM (or with any key management segment and ciphertext given as is).

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

module.exports = { b64, craftDir, craftHeaderOnly }
