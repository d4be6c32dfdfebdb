'use strict'
// Failed sign-ins are limited per account and per client address with express-rate-limit: after too many
// failures in the window, /login answers 429 with Retry-After, whatever the password. Only failures count (a
// 401 from /login); a request refused with 429 does not add to the count, so the window ends when it says.
//
// Counts live in this process by default, or in Redis (rate-limit-redis) so that every instance shares them.
// Like ringjwt's stores, the Redis counts fail closed and fast: while Redis is unreachable /login answers 503
// rather than letting guesses through unlimited.

const { rateLimit } = require('express-rate-limit')
const { failFast } = require('./redis')

const DEFAULT_LIMITS = Object.freeze({
  // An account takes few wrong passwords from its owner; guessing needs many.
  perAccount: 5,
  // Higher per address: many people can share one (an office, a mobile carrier's NAT).
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
})

const TOO_MANY = 'too_many_attempts'

function accountKey(req) {
  return `account:${req.body.email.toLowerCase()}`
}

function hasEmail(req) {
  return typeof req.body?.email === 'string' && req.body.email !== ''
}

function limiter({ limit, windowMs, store, keyGenerator, skip, log }) {
  const report = (error, message) => log(`${message} ${error?.message ?? error}`)
  return rateLimit({
    logger: { error: report, warn: report },
    windowMs,
    limit,
    store,
    keyGenerator,
    skip,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler(req, res) {
      const seconds = res.getHeader('Retry-After')
      res.status(429).json({
        error: TOO_MANY,
        message: `Too many failed sign-in attempts: try again in ${seconds} seconds.`,
      })
    },
  })
}

/**
 * The two limiters to put before the login handler (after the JSON body parser).
 * @param {object} [options]
 * @param {number} [options.perAccount] failures allowed per account (email) in the window; default 5.
 * @param {number} [options.perAddress] failures allowed per client address in the window; default 20.
 * @param {number} [options.windowMs] default 15 minutes.
 * @param {(name: string) => object} [options.store] a new express-rate-limit store for each limiter; default in
 *   memory. redisAttemptStores(client) gives Redis ones.
 * @param {(line: string) => void} [options.log] where the limiters report store errors; default console.error.
 */
function loginLimits(options = {}) {
  const { perAccount, perAddress, windowMs, log = console.error } = { ...DEFAULT_LIMITS, ...options }
  const store = options.store ?? (() => undefined)
  return [
    limiter({ limit: perAddress, windowMs, store: store('address'), log }),
    limiter({
      limit: perAccount,
      windowMs,
      store: store('account'),
      keyGenerator: accountKey,
      skip: (req) => !hasEmail(req),
      log,
    }),
  ]
}

/**
 * Stores in Redis, shared by every instance, through `connection` (`{ sendCommand, isReady }`, see redis.js: any
 * client the demo supports). A command is refused at once while the client is not connected and after `timeout`
 * ms without an answer (a StoreUnavailableError, which the app answers with 503), so a Redis outage does not leave
 * /login hanging.
 */
function redisAttemptStores(connection, { prefix = 'ringjwt-demo:login:', timeout = 1000 } = {}) {
  const { RedisStore } = require('rate-limit-redis')
  const sendCommandCluster = failFast(connection, timeout)
  return (name) => new RedisStore({ prefix: `${prefix}${name}:`, sendCommandCluster })
}

module.exports = { loginLimits, redisAttemptStores }
