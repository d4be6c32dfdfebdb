'use strict'
// Password hashing for the demo, as the OWASP Password Storage Cheat Sheet recommends today for scrypt: N = 2^17,
// r = 8, p = 1 (about 128 MiB and a few hundred milliseconds per hash), a random 16-byte salt per password.
//
// Hashes are PHC strings that record their parameters, `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64 without
// padding), so verifying reads the parameters from the hash: raising the defaults later keeps every stored hash
// working, and needsRehash() tells the login route to store a stronger one at the user's next sign-in.

const crypto = require('node:crypto')
const { promisify } = require('node:util')

const scrypt = promisify(crypto.scrypt)

// `ln` is log2(N). Tests pass cheaper parameters explicitly; nothing else should.
const OWASP_SCRYPT = Object.freeze({ ln: 17, r: 8, p: 1 })
const SALT_BYTES = 16
const HASH_BYTES = 32
// Bounds for parameters read from a stored hash, so that a corrupted one cannot ask for gigabytes.
const LIMITS = { ln: [1, 20], r: [1, 32], p: [1, 16] }

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

const b64 = (bytes) => bytes.toString('base64').replace(/=+$/, '')

// scrypt needs 128 · N · r bytes; Node refuses more than `maxmem` (32 MiB by default), so allow twice that.
function scryptOptions({ ln, r, p }) {
  const N = 2 ** ln
  return { N, r, p, maxmem: 2 * 128 * N * r }
}

async function hashPassword(password, params = OWASP_SCRYPT) {
  const salt = crypto.randomBytes(SALT_BYTES)
  const hash = await scrypt(password.normalize('NFC'), salt, HASH_BYTES, scryptOptions(params))
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`
}

// The parameters of a stored hash, or null when it is not one this module wrote.
function parseHash(stored) {
  const match = typeof stored === 'string' ? PHC.exec(stored) : null
  if (match === null) return null
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) }
  for (const [name, [low, high]] of Object.entries(LIMITS)) {
    if (params[name] < low || params[name] > high) return null
  }
  return { params, salt: Buffer.from(match[4], 'base64'), hash: Buffer.from(match[5], 'base64') }
}

async function verifyPassword(password, stored) {
  const parsed = parseHash(stored)
  if (parsed === null) return false
  const actual = await scrypt(password.normalize('NFC'), parsed.salt, parsed.hash.length, scryptOptions(parsed.params))
  return crypto.timingSafeEqual(actual, parsed.hash)
}

// Whether a stored hash is weaker than `params` in any parameter.
function needsRehash(stored, params = OWASP_SCRYPT) {
  const parsed = parseHash(stored)
  return parsed === null || Object.keys(LIMITS).some((name) => parsed.params[name] < params[name])
}

function hashParams(stored) {
  return parseHash(stored)?.params ?? OWASP_SCRYPT
}

module.exports = { hashPassword, verifyPassword, needsRehash, hashParams, OWASP_SCRYPT }
