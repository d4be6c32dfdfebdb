'use strict'
// The demo app: password login that issues short-lived tokens, a route protected by the ringjwt middleware,
// and logout (this token) and logout-all (every token of the user) through a token store.
//
// createApp() only builds the Express app; server.js picks the key, the store and the demo user and listens.

const crypto = require('node:crypto')
const { promisify } = require('node:util')
const express = require('express')
const { createSigner } = require('ringjwt')
const { expressjwt } = require('ringjwt/express')

const scrypt = promisify(crypto.scrypt)

// scrypt's cost parameters (Node's defaults: N = 2^14, r = 8, p = 1, about 16 MB and tens of ms per hash).
const SCRYPT = { N: 16384, r: 8, p: 1 }
const HASH_BYTES = 64
const SALT_BYTES = 16

const DEFAULT_TOKEN_LIFETIME = 15 * 60
const ISSUER = 'ringjwt-demo'

const INVALID_CREDENTIALS = { error: 'invalid_credentials', message: 'Invalid email or password.' }
const MISSING_FIELDS = {
  error: 'invalid_request',
  message: 'Send a JSON object with "email" and "password" strings.',
}

// `scrypt$N$r$p$salt$hash`, base64url: the parameters travel with the hash so they can be raised later.
async function hashPassword(password) {
  const salt = crypto.randomBytes(SALT_BYTES)
  const hash = await scrypt(password, salt, HASH_BYTES, SCRYPT)
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

async function verifyPassword(password, stored) {
  const [scheme, N, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt') return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  })
  return crypto.timingSafeEqual(actual, expected)
}

async function createUser(email, password) {
  return { id: crypto.randomUUID(), email, passwordHash: await hashPassword(password) }
}

// An unknown email still costs one hash, so response times do not tell which emails have accounts.
let decoyHash
async function decoy() {
  decoyHash ??= await hashPassword(crypto.randomBytes(16).toString('hex'))
  return decoyHash
}

function isNonEmptyString(value) {
  return typeof value === 'string' && value !== ''
}

// Every error becomes a short JSON answer; nothing from the error object but its code reaches the client.
function errorHandler(log) {
  return (err, req, res, _next) => {
    if (err.name === 'UnauthorizedError') {
      res.set('WWW-Authenticate', 'Bearer')
      return res.status(401).json({ error: err.code, message: err.message })
    }
    if (err.type === 'entity.parse.failed') {
      return res.status(400).json({ error: 'invalid_json', message: 'The request body is not valid JSON.' })
    }
    if (Number.isInteger(err.status) && err.status >= 400 && err.status < 500) {
      return res.status(err.status).json({ error: 'bad_request', message: 'The request could not be read.' })
    }
    log(`${req.method} ${req.path} failed: ${err.message}`)
    res.status(500).json({ error: 'internal_error', message: 'Something went wrong.' })
  }
}

/**
 * @param {object} options
 * @param {string | Buffer} options.secret HS256 signing key.
 * @param {object} options.store a token store (createTokenStore() or createRedisTokenStore(client)).
 * @param {Array<{id: string, email: string, passwordHash: string}>} options.users from createUser().
 * @param {number} [options.tokenLifetime] seconds; default 900.
 * @param {(line: string) => void} [options.log] where server errors are reported; default console.error.
 */
function createApp({ secret, store, users, tokenLifetime = DEFAULT_TOKEN_LIFETIME, log = console.error }) {
  const byEmail = new Map(users.map((user) => [user.email.toLowerCase(), user]))
  const signer = createSigner({ key: secret, algorithm: 'HS256', expiresIn: tokenLifetime, issuer: ISSUER })
  const authenticate = expressjwt({
    secret,
    algorithms: ['HS256'],
    issuer: ISSUER,
    isRevoked: store.isRevoked,
  })

  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: '10kb' }))

  app.get('/health', (req, res) => {
    res.json({ status: 'ok' })
  })

  app.post('/login', async (req, res) => {
    const { email, password } = req.body ?? {}
    if (!isNonEmptyString(email) || !isNonEmptyString(password)) return res.status(400).json(MISSING_FIELDS)
    const user = byEmail.get(email.toLowerCase())
    const valid = await verifyPassword(password, user ? user.passwordHash : await decoy())
    if (!user || !valid) return res.status(401).json(INVALID_CREDENTIALS)
    const token = signer.sign({ sub: user.id, email: user.email, jti: crypto.randomUUID() })
    res.json({ token, expiresIn: tokenLifetime })
  })

  app.get('/me', authenticate, (req, res) => {
    res.json(req.auth)
  })

  app.post('/logout', authenticate, async (req, res) => {
    await store.revoke(req.auth)
    res.json({ message: 'This token is revoked.' })
  })

  app.post('/logout-all', authenticate, async (req, res) => {
    await store.revokeAllFor(req.auth.sub)
    res.json({ message: 'Every token of this user issued until now is revoked.' })
  })

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such route.' })
  })
  app.use(errorHandler(log))
  return app
}

module.exports = { createApp, createUser, hashPassword, verifyPassword, DEFAULT_TOKEN_LIFETIME }
