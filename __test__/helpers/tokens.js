'use strict'
// Tokens built byte for byte, for the specs that need a header or payload no signer would write (an array header,
// invalid UTF-8, a `crit` list), with a valid signature so that only the property under test can refuse them.

const { createHmac, sign } = require('node:crypto')

// A JSON value is serialised; a string is taken as the text itself; a Buffer as the exact bytes.
function bytes(part) {
  if (Buffer.isBuffer(part)) return part
  return Buffer.from(typeof part === 'string' ? part : JSON.stringify(part))
}

const signingInput = (header, payload) =>
  `${bytes(header).toString('base64url')}.${bytes(payload).toString('base64url')}`

// An HS256 (or HS384/HS512, by `hash`) token over exactly these bytes.
function hmacToken(header, payload, secret, hash = 'sha256') {
  const input = signingInput(header, payload)
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}

// An ES256/RS256-style token: `algorithm` is node:crypto's digest name, `key` a private KeyObject (ECDSA signatures
// in the JOSE form, r || s).
function asymmetricToken(header, payload, key, algorithm = 'sha256') {
  const input = signingInput(header, payload)
  const signature = sign(algorithm, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

module.exports = { hmacToken, asymmetricToken }
