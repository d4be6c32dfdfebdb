'use strict'
// How the Redis stores talk to Redis: every call fails closed and fast. A store call is refused at once while the
// client is not connected (node-redis would otherwise queue the commands until it reconnects, and requests would
// pile up), and gives up after `timeout` ms; either way it rejects with a StoreUnavailableError (status 503).
// Once the client has reconnected, calls go through again: nothing here needs a restart.
//
// node-redis v5 offers the pieces: `client.isReady` (connected and not reconnecting), `disableOfflineQueue`
// (a client option: reject instead of queueing while offline), and a per-command `timeout` option
// (`withCommandOptions({ timeout })`) that drops a command still waiting in the client's queue. That timeout
// stops counting once the command is written, so a server that accepts a command and never answers (stopped,
// or a network that drops packets) is bounded by the timer here.

const crypto = require('node:crypto')
const { StoreUnavailableError, optionError } = require('./errors')
const { isBuffer } = require('./sign')

// About a second at most, as a person waits for a page; Redis answers in well under a millisecond when well.
const DEFAULT_TIMEOUT = 1000

function timeoutOption(options) {
  const timeout = options?.timeout ?? DEFAULT_TIMEOUT
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) {
    throw optionError('"timeout" must be a positive whole number of milliseconds')
  }
  return timeout
}

function notConnected() {
  return new StoreUnavailableError('Redis is not connected: the request is refused until it is back.')
}

function unavailableFrom(err) {
  if (err instanceof StoreUnavailableError) return err
  return new StoreUnavailableError('Redis failed to answer: the request is refused.', err)
}

// `call(run)` runs `run(redis)`, an async function of one or more commands, within the time allowed.
function redisCaller(client, timeout) {
  const redis = typeof client.withCommandOptions === 'function' ? client.withCommandOptions({ timeout }) : client
  return function call(run) {
    // A client-like object without `isReady` (a wrapper, a test double) is taken as connected.
    if (client.isReady === false) return Promise.reject(notConnected())
    let pending
    try {
      pending = Promise.resolve(run(redis))
    } catch (err) {
      pending = Promise.reject(err)
    }
    // One promise and one timer: a check answered from the client's cache costs little more than the lookup.
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new StoreUnavailableError(`Redis did not answer within ${timeout} ms: the request is refused.`))
      }, timeout)
      pending.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (err) => {
          clearTimeout(timer)
          reject(unavailableFrom(err))
        },
      )
    })
  }
}

// Replies are read through these. A reply node-redis never gives for the command (another program's keys under the
// prefix, a client set up to answer otherwise, a wrapper that answers wrongly) means the store is not working: the
// request is refused like any other store failure, rather than read as something it is not.
function unreadable() {
  return new StoreUnavailableError('Redis sent a reply the store cannot read: the request is refused.')
}

// A reply of fields (HMGET, MGET, a script's list): strings or nulls, `count` of them when given.
function replyFields(reply, count) {
  if (!Array.isArray(reply) || (count !== undefined && reply.length !== count)) throw unreadable()
  return Array.from(reply, (value) => {
    if (value === null || typeof value === 'string') return value
    if (isBuffer(value)) return value.toString()
    throw unreadable()
  })
}

// A list of strings (SMEMBERS).
function replyStrings(reply) {
  const fields = replyFields(reply)
  if (fields.includes(null)) throw unreadable()
  return fields
}

// A reply that must be one of `allowed` (a script's status).
function replyOneOf(reply, allowed) {
  if (!allowed.includes(reply)) throw unreadable()
  return reply
}

// A Lua script run by EVALSHA, falling back to EVAL when Redis does not have it cached (after a restart, say).
function redisScript(source) {
  return { source, sha: crypto.createHash('sha1').update(source).digest('hex') }
}

async function runScript(redis, script, keys, args) {
  const options = { keys, arguments: args }
  try {
    return await redis.evalSha(script.sha, options)
  } catch (err) {
    if (!/^NOSCRIPT\b/.test(err?.message)) throw err
    return redis.eval(script.source, options)
  }
}

module.exports = {
  redisCaller,
  redisScript,
  runScript,
  timeoutOption,
  replyFields,
  replyStrings,
  replyOneOf,
  unreadable,
}
