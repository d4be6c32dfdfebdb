'use strict'
const native = require('./native')
const { isBuffer, isPlainObject } = require('./sign')

// jsonwebtoken's decode(): no verification; `null` for anything that is not a decodable token.
function decode(token, options) {
  options = options || {}
  if (isBuffer(token)) token = token.toString()
  // The shape jsonwebtoken (through jws) accepts, base64url parts and an optional signature, is checked in Rust.
  if (typeof token !== 'string') return null
  let parts
  try {
    parts = native.decodeToken(token)
  } catch {
    return null
  }
  const header = JSON.parse(parts[0])
  let payload = parts[1]
  if (header.typ === 'JWT' || options.json) {
    // Not JSON although it must be: not a decodable token (jsonwebtoken lets a SyntaxError escape).
    try {
      payload = JSON.parse(payload)
    } catch {
      return null
    }
  }
  // A string (the text, or the JSON string a `typ: JWT` payload held) is read as JSON once more, and what is an
  // object taken, as jsonwebtoken's decode does.
  if (typeof payload === 'string') {
    try {
      const value = JSON.parse(payload)
      if (value !== null && typeof value === 'object') payload = value
    } catch {
      // not JSON: it stays a string
    }
  }
  if (options.complete === true) return { header, payload, signature: parts[2] }
  return payload
}

// The keys a token in its complete form has: decode() and verify() with `complete: true` give the first three,
// decrypt() gives `signed` for the signed token inside a nested one, and fast-jwt's complete form (ringjwt/fastify
// with `complete`) adds `input`.
const COMPLETE_KEYS = new Set(['header', 'payload', 'signature', 'signed', 'input'])

// Whether `value` is a token in its complete form, `{ header, payload }`, rather than a claims set. Told apart by
// its keys and never by what it merely holds: the claims of a token can hold members named `header` and `payload`
// (an issuer that copies data into its tokens may put them there), and such a claims set always holds others too
// (a token a store can revoke or a session store issued has `jti`, `exp`, `sub`), so it is read as claims.
function isCompleteToken(value) {
  if (!isPlainObject(value) || !isPlainObject(value.header) || !Object.hasOwn(value, 'payload')) return false
  for (const key of Object.keys(value)) {
    if (!COMPLETE_KEYS.has(key)) return false
  }
  return true
}

// Whether a token's payload segment is JSON that opens an object at once: base64url "e" is the first six bits of
// "{" (and of "x", "y" and "z", which no JSON text starts with). A JSON string holding an object's text, which
// jsonwebtoken reads as that object, is not one; neither is an object after white space, which a caller then reads
// the slow way.
function payloadOpensObject(token) {
  const dot = token.indexOf('.')
  return dot !== -1 && token.charCodeAt(dot + 1) === 0x65
}

// The JSON of a token's part `index` (the header by default), read as it comes: no check of the token's shape, of
// UTF-8 or of duplicate members, which the callers leave to the checks that follow. Throws what JSON.parse throws.
function partJson(token, index = 0) {
  const part = token.split('.', index + 1)[index] ?? ''
  return JSON.parse(Buffer.from(part, 'base64url').toString())
}

module.exports = { decode, isCompleteToken, payloadOpensObject, partJson }
