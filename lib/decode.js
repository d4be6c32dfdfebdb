'use strict'
const native = require('./native')
const { isBuffer } = require('./sign')

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

module.exports = { decode }
