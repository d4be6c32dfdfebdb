'use strict'
// RSA keys under 2048 bits, with `allowInsecureKeySizes: true`: jsonwebtoken signs and verifies with them, the
// native backends do not (RFC 8725 §3.5 and NIST SP 800-131A retired them). For these keys node:crypto makes or
// checks the signature, with jsonwebtoken's padding and salt length (its `jwa` module), so RS* tokens are the
// same bytes. Everything else stays native: the header and payload are encoded by the native unsecured signer,
// and verification runs every native check, taking node:crypto's verdict at the signature step. Keys of 2048
// bits or more never come here.

const crypto = require('node:crypto')
const native = require('./native')
const { boundSigner } = require('./handles')
const { tokenError, tooLarge } = require('./errors')

const HASHES = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
}
const HASH_BYTES = { sha256: 32, sha384: 48, sha512: 64 }

function keyOptions(keyObject, alg) {
  return alg.startsWith('PS')
    ? {
        key: keyObject,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
      }
    : { key: keyObject, padding: crypto.constants.RSA_PKCS1_PADDING }
}

// The native signer's methods, for a private key whose native checks (type, size allowed) passed for `alg`.
// The token: `header.payload.` and the signature. Past the longest string V8 makes, the error is the native
// signers' (ERR_JWT_TOO_LARGE), not V8's RangeError.
function token(prefix, signature) {
  try {
    return prefix + signature.toString('base64url')
  } catch (err) {
    throw err instanceof RangeError ? tooLarge() : err
  }
}

function legacySigner(keyObject, alg, bits) {
  const unsigned = boundSigner(native.unsecuredSigner())
  const key = keyOptions(keyObject, alg)
  const hash = HASHES[alg]
  // PSS with a salt as long as the hash needs an encoded message of 2 × hash + 2 bytes (RFC 8017 §9.1.1): PS512
  // cannot be made with a 1024-bit key at all. jsonwebtoken lets OpenSSL's error through on every call.
  if (alg.startsWith('PS') && Math.ceil((bits - 1) / 8) < 2 * HASH_BYTES[hash] + 2) {
    throw tokenError('ERR_KEY_TOO_SMALL', `a ${bits}-bit RSA key is too small for ${alg}`)
  }
  // `unsigned` writes `header.payload.`: the signing input and the separator before the signature.
  const finish = (prefix) => token(prefix, crypto.sign(hash, Buffer.from(prefix.slice(0, -1)), key))
  const finishAsync = (prefix) =>
    new Promise((resolve, reject) => {
      crypto.sign(hash, Buffer.from(prefix.slice(0, -1)), key, (err, signature) => {
        if (err) return reject(err)
        try {
          resolve(token(prefix, signature))
        } catch (failure) {
          reject(failure)
        }
      })
    })
  return {
    sign: (header, payload) => finish(unsigned.sign(header, payload)),
    signBytes: (header, payload) => finish(unsigned.signBytes(header, payload)),
    signAsync: (header, payload) => finishAsync(unsigned.sign(header, payload)),
    // node:crypto's work cannot be withdrawn once queued; an abort still settles the promise with its reason.
    signAsyncCancellable: (header, payload) => finishAsync(unsigned.sign(header, payload)),
  }
}

// node:crypto's verdict on a token's signature. Anything it cannot read is `false`: the native checks, which
// run first, report a malformed token or a wrong algorithm with their own errors before the verdict is used.
function signatureValid(token, keyObject) {
  const parts = token.split('.')
  if (parts.length !== 3) return false
  let alg
  try {
    alg = JSON.parse(Buffer.from(parts[0], 'base64url').toString()).alg
  } catch {
    return false
  }
  const hash = Object.hasOwn(HASHES, alg) ? HASHES[alg] : undefined
  const signature = Buffer.from(parts[2], 'base64url')
  // Only the canonical encoding, as the native decoder: Node's decoder skips characters it does not know.
  if (hash === undefined || signature.toString('base64url') !== parts[2]) return false
  try {
    return crypto.verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), keyOptions(keyObject, alg), signature)
  } catch {
    return false
  }
}

// The native verifier's methods for a public key under 2048 bits: every native check, node:crypto's signature.
function legacyVerifier(verifier, keyObject) {
  const complete = (token, now) => verifier.verifyLegacyRsa(token, now, signatureValid(token, keyObject))
  const later = (token, now) => new Promise((resolve) => resolve(complete(token, now)))
  return {
    verify: (token, now) => complete(token, now)[1],
    verifyComplete: complete,
    verifyAsync: later,
    verifyAsyncCancellable: later,
    finishAudience: (payload, now, matched) => verifier.finishAudience(payload, now, matched),
  }
}

module.exports = { legacySigner, legacyVerifier }
