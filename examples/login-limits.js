'use strict'
// Failed sign-ins are limited with express-rate-limit: after too many failures in the window, /login answers 429
// with Retry-After, whatever the password. Only failures count (a 401 from /login); a request refused with 429
// does not add to the count, so the window ends when it says. /refresh is limited per address on every request.
//
// Three counts for sign-ins (OWASP's Authentication and Credential Stuffing cheat sheets):
// - per account AND address (5): the strict one. A guesser at one address gets 5 tries at an account, and the
//   account's owner, signing in from elsewhere, is not locked out by it.
// - per account from any address (50): the loose one. It caps guessing spread over many addresses; to lock an
//   owner out through it takes 50 failures from at least 10 addresses, not a handful of requests from one.
// - per address across accounts (20): one address trying many accounts (credential stuffing), set higher than 5
//   because many people can share one address (an office, a mobile carrier's NAT).
// An address is the client's IPv4 address or its IPv6 /56 (express-rate-limit's ipKeyGenerator): one host holds
// a whole IPv6 prefix, so single IPv6 addresses would be free to change.
//
// Counts live in this process by default, or in Redis (rate-limit-redis) so that every instance shares them.
// Like ringjwt's stores, the Redis counts fail closed and fast: while Redis is unreachable /login and /refresh
// answer 503 rather than letting requests through unlimited.

const { rateLimit, ipKeyGenerator } = require('express-rate-limit')
const { failFast } = require('./redis')

const DEFAULT_LIMITS = Object.freeze({
  // An account at one address takes few wrong passwords from its owner; guessing needs many.
  perAccountAndAddress: 5,
  // From every address together: loose enough that a stranger cannot lock the owner out with a few requests.
  perAccount: 50,
  // Higher per address than per account there: many people can share one.
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
})

// Every /refresh counts: a browser renews once per access token (15 minutes) and once per page load, so 60 a
// minute leaves room for many people behind one address, and keeps one client from making the server verify
// proofs and read the session store as fast as it can send.
const DEFAULT_REFRESH_LIMITS = Object.freeze({ perAddress: 60, windowMs: 60 * 1000 })

const TOO_MANY = 'too_many_attempts'
const TOO_MANY_REQUESTS = 'too_many_requests'

const addressOf = (req) => ipKeyGenerator(req.ip)

function accountKey(req) {
  return `account:${req.body.email.toLowerCase()}`
}

function accountAndAddressKey(req) {
  return `account:${req.body.email.toLowerCase()}:address:${addressOf(req)}`
}

function hasEmail(req) {
  return typeof req.body?.email === 'string' && req.body.email !== ''
}

// `failures`: only a 401 counts; else every request does.
function limiter({ limit, windowMs, store, keyGenerator = addressOf, skip, log, failures = true, refusal }) {
  const report = (error, message) => log(`${message} ${error?.message ?? error}`)
  return rateLimit({
    logger: { error: report, warn: report },
    windowMs,
    limit,
    store,
    keyGenerator,
    skip,
    skipSuccessfulRequests: failures,
    requestWasSuccessful: (req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler(req, res) {
      res.status(429).json(refusal(res.getHeader('Retry-After')))
    },
  })
}

const signInRefusal = (seconds) => ({
  error: TOO_MANY,
  message: `Too many failed sign-in attempts: try again in ${seconds} seconds.`,
})

/**
 * The limiters to put before the login handler (after the JSON body parser).
 * @param {object} [options]
 * @param {number} [options.perAccountAndAddress] failures allowed per account (email) from one address in the
 *   window; default 5.
 * @param {number} [options.perAccount] failures allowed per account from all addresses together; default 50.
 * @param {number} [options.perAddress] failures allowed per client address, across accounts; default 20.
 * @param {number} [options.windowMs] default 15 minutes.
 * @param {(name: string) => object} [options.store] a new express-rate-limit store for each limiter; default in
 *   memory. redisAttemptStores(client) gives Redis ones.
 * @param {(line: string) => void} [options.log] where the limiters report store errors; default console.error.
 */
function loginLimits(options = {}) {
  const {
    perAccountAndAddress,
    perAccount,
    perAddress,
    windowMs,
    log = console.error,
  } = {
    ...DEFAULT_LIMITS,
    ...options,
  }
  const store = options.store ?? (() => undefined)
  const common = { windowMs, log, refusal: signInRefusal }
  const skip = (req) => !hasEmail(req)
  return [
    limiter({ ...common, limit: perAddress, store: store('address') }),
    limiter({
      ...common,
      limit: perAccountAndAddress,
      store: store('account-address'),
      keyGenerator: accountAndAddressKey,
      skip,
    }),
    limiter({ ...common, limit: perAccount, store: store('account'), keyGenerator: accountKey, skip }),
  ]
}

/**
 * The limiter to put before the refresh handler: every request counts, per client address.
 * @param {object} [options]
 * @param {number} [options.perAddress] requests allowed per client address in the window; default 60.
 * @param {number} [options.windowMs] default 1 minute.
 * @param {(name: string) => object} [options.store] as loginLimits'.
 * @param {(line: string) => void} [options.log] as loginLimits'.
 */
function refreshLimits(options = {}) {
  const { perAddress, windowMs, log = console.error } = { ...DEFAULT_REFRESH_LIMITS, ...options }
  const store = options.store ?? (() => undefined)
  return limiter({
    limit: perAddress,
    windowMs,
    store: store('refresh'),
    log,
    failures: false,
    refusal: (seconds) => ({
      error: TOO_MANY_REQUESTS,
      message: `Too many requests: try again in ${seconds} seconds.`,
    }),
  })
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

module.exports = { loginLimits, refreshLimits, redisAttemptStores }
