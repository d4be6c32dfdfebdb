'use strict'
// hono's key forms as node:crypto keys for ringjwt: a string (an HMAC secret, or PEM text, on one line too), a JWK,
// or a WebCrypto CryptoKey, held to what WebCrypto allows hono (a CryptoKey's algorithm and usages, a JWK's `alg`,
// `use` and `key_ops`).

const { KeyObject, createPrivateKey, createPublicKey } = require('node:crypto')
const { types } = require('node:util')
const { isBuffer } = require('../sign')
const { tokenError } = require('../errors')
const { octSecret } = require('../keys')
const { boundedMap } = require('../bounded-map')

// What WebCrypto binds a CryptoKey to, per algorithm: hono signs and verifies through WebCrypto, which refuses a
// key imported for another algorithm or hash.
const WEBCRYPTO = {
  HS: ['HMAC'],
  RS: ['RSASSA-PKCS1-v1_5'],
  PS: ['RSA-PSS'],
  ES: ['ECDSA'],
  Ed: ['Ed25519', 'EdDSA'],
}
const CURVES = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }

function isCryptoKey(key) {
  return typeof types.isCryptoKey === 'function'
    ? types.isCryptoKey(key)
    : typeof CryptoKey === 'function' && key instanceof CryptoKey
}

function keyMismatch(message) {
  return tokenError('ERR_KEY_TYPE_MISMATCH', message)
}

function fromCryptoKey(key, alg, usage) {
  if (usage === 'sign' && key.type !== 'private' && key.type !== 'secret') {
    throw keyMismatch(`unexpected key type: CryptoKey.type is ${key.type}, expected private or secret`)
  }
  // A private key verifies through its public half, whatever its usages.
  if ((usage === 'sign' || key.type !== 'private') && !key.usages.includes(usage)) {
    throw keyMismatch(`the CryptoKey's usages do not include "${usage}"`)
  }
  const { name, hash, namedCurve } = key.algorithm
  const hashBits = alg.slice(2)
  if (
    !WEBCRYPTO[alg.slice(0, 2)].includes(name) ||
    (hash !== undefined && hash.name !== `SHA-${hashBits}`) ||
    (namedCurve !== undefined && alg in CURVES && namedCurve !== CURVES[alg])
  ) {
    throw keyMismatch(`the CryptoKey is a ${name} key, which cannot be used with ${alg}`)
  }
  const keyObject = KeyObject.from(key)
  // hono verifies with the public half of a private key; a secret or public key serves as it is.
  return usage === 'verify' && keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject
}

// JWK objects are the caller's and may change: a converted key is reused while the JWK's JSON text is the same.
const jwkKeys = new WeakMap()

function fromJwk(jwk, alg, usage) {
  // WebCrypto names an Ed25519 JWK's algorithm `Ed25519` (RFC 9864) or `EdDSA`.
  if (jwk.alg !== undefined && jwk.alg !== alg && !(alg === 'EdDSA' && jwk.alg === 'Ed25519')) {
    throw keyMismatch(`the JWK's "alg" is ${JSON.stringify(jwk.alg)}, the token's is ${JSON.stringify(alg)}`)
  }
  if ((jwk.use !== undefined && jwk.use !== 'sig') || (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes(usage))) {
    throw keyMismatch(`the JWK is not meant to ${usage} ("use" or "key_ops")`)
  }
  const text = JSON.stringify(jwk)
  let held = jwkKeys.get(jwk)
  if (held === undefined || held.text !== text) {
    held = { text }
    jwkKeys.set(jwk, held)
  }
  if (held[usage] === undefined) held[usage] = jwkKeyObject(jwk, usage)
  return held[usage]
}

function jwkKeyObject(jwk, usage) {
  try {
    if (jwk.kty === 'oct') return octSecret(jwk.k)
    return (usage === 'sign' ? createPrivateKey : createPublicKey)({ key: jwk, format: 'jwk' })
  } catch {
    const kind = jwk.kty === 'oct' ? 'secret' : usage === 'sign' ? 'private' : 'public'
    throw tokenError('ERR_KEY_INVALID', `the JWK is not a valid ${kind} key`)
  }
}

// hono reads PEM text by its base64 body alone, so a key written on one line works too: node:crypto needs the
// body in lines.
const ONE_LINE_PEM = /^\s*(-----BEGIN [A-Z0-9 ]+-----)\s*([A-Za-z0-9+/=]+)\s*(-----END [A-Z0-9 ]+-----)\s*$/

const PEM_TEXT_LIMIT = 100
// FIFO: a hit is one lookup on every call with PEM text; one dropped costs a regular expression once.
const pemTexts = boundedMap(PEM_TEXT_LIMIT)

function pemInLines(text) {
  let lines = pemTexts.get(text)
  if (lines === undefined) {
    const match = ONE_LINE_PEM.exec(text)
    lines = match === null ? text : `${match[1]}\n${match[2].match(/.{1,64}/g).join('\n')}\n${match[3]}\n`
    pemTexts.set(text, lines)
  }
  return lines
}

// A string (a secret, or PEM text), a Buffer or a KeyObject goes to ringjwt as it is.
function keyFor(key, alg, usage) {
  if (typeof key === 'string') return key.includes('-----BEGIN') ? pemInLines(key) : key
  // ringjwt would call a function as a key resolver; hono takes no such key.
  if (typeof key === 'function') {
    throw tokenError('ERR_KEY_INVALID', 'the key must be a string, a JWK, a CryptoKey or a KeyObject')
  }
  if (typeof key !== 'object' || key === null || isBuffer(key) || key instanceof KeyObject) return key
  return isCryptoKey(key) ? fromCryptoKey(key, alg, usage) : fromJwk(key, alg, usage)
}

module.exports = { keyFor }
