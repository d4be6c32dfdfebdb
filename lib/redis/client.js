'use strict'
// The one client interface the Redis stores speak, whatever library and topology the caller's client has.
// `redisCaller(client, options, who)` finds the adapter for the client (node-redis.js or ioredis.js) and returns
//   call(run)             runs `run(link)`, an async function of one or more commands, within `timeout` ms
//   cached(args)          the reply to a read (['HMGET', key, ...fields], ['GET', key]) from the client's own cache,
//                         or undefined: the read then goes out by `call`. Null for a client without such a cache
//                         (only node-redis with client-side caching has one), so that its reads pay nothing for it
//   revoking(keys, run)   the same for a write that takes access away: with `minReplicas`, it counts only once
//                         that many replicas of the nodes holding `keys` have it (WAIT, or WAITAOF)
// A link offers the few commands the stores use: get, set (with EX), hmGet, sAdd, sRem, sMembers, pExpire, evalSha,
// eval, and, for the caller only, isReady(key), refreshMap(), primaryId(key) (which connection takes the key's
// writes), confirm(key, replicas, timeout, aof) (WAIT on that connection), `confirms` (whether a WAIT there counts
// this store's writes), and with a cache, ping(key) (PING on the key's connection).
//
// Any command may run twice: ioredis re-sends a command whose reply was lost with its connection (its
// `autoResendUnfulfilledCommands`, on by default), and a client may retry one. The stores' writes are made so that
// a second run answers as the first and changes nothing more (each store says how); the reads, PING, WAIT and
// CLUSTER NODES change nothing.
//
// Every call fails closed and fast: refused at once while the client (or, on a Cluster, the node that holds the
// key) is not ready, since the library would otherwise queue commands until it reconnects and requests would pile
// up; bounded by `timeout` otherwise, for a server that takes a command and never answers. Either way, and for
// every error reply, it rejects with a StoreUnavailableError (status 503) whose `reason` and message say what
// happened. Once the client has reconnected, or a failover has ended, calls go through again by themselves.

const { AsyncResource } = require('node:async_hooks')
const crypto = require('node:crypto')
const timers = require('node:timers')
const { StoreUnavailableError, optionError } = require('../errors')
const { isBuffer } = require('../sign')
const nodeRedis = require('./node-redis')
const ioredis = require('./ioredis')

// About a second at most, as a person waits for a page; Redis answers in well under a millisecond when well.
const DEFAULT_TIMEOUT = 1000
// How long a revoking write waits for its replicas by default: a healthy replica confirms within a round trip
// (WAIT makes the primary ask at once), and the connection that waits takes no other command meanwhile.
const DEFAULT_REPLICA_TIMEOUT = 250

const REDIS_OPTIONS = ['prefix', 'timeout', 'minReplicas', 'replicaTimeout', 'waitAof']

// The longest a Node timer waits (about 24.8 days).
const MAX_DELAY = 2 ** 31 - 1

function positiveMilliseconds(name, value) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_DELAY) {
    throw optionError(`"${name}" must be a positive whole number of milliseconds, at most ${MAX_DELAY}`)
  }
  return value
}

function timeoutOption(options) {
  return positiveMilliseconds('timeout', options?.timeout ?? DEFAULT_TIMEOUT)
}

function durabilityOptions(options) {
  const minReplicas = options?.minReplicas ?? 0
  if (typeof minReplicas !== 'number' || !Number.isInteger(minReplicas) || minReplicas < 0) {
    throw optionError('"minReplicas" must be a whole number of replicas (0 for none)')
  }
  const replicaTimeout = positiveMilliseconds('replicaTimeout', options?.replicaTimeout ?? DEFAULT_REPLICA_TIMEOUT)
  const waitAof = options?.waitAof ?? false
  if (typeof waitAof !== 'boolean') throw optionError('"waitAof" must be true or false')
  if (waitAof && minReplicas === 0) throw optionError('"waitAof" needs "minReplicas" of 1 or more')
  return { minReplicas, replicaTimeout, waitAof }
}

function prefixOption(options, fallback) {
  const prefix = options?.prefix ?? fallback
  if (typeof prefix !== 'string') throw optionError('"prefix" must be a string')
  return prefix
}

const unavailable = (reason, message, cause) => new StoreUnavailableError(message, cause, reason)

function migrating() {
  return unavailable(
    'ask',
    'Redis Cluster is moving the key between nodes: a write there cannot be confirmed on the replicas of the node that holds it. The request is refused.',
  )
}

function notConnected() {
  return unavailable('not_connected', 'Redis is not connected: the request is refused until it is back.')
}

// Replies that say what happened, by their first word. They are refused like any other failure (the request is
// retried later, by which time the client has followed the cluster's new map or the failover has ended).
const REPLIES = {
  CROSSSLOT: 'Redis Cluster refused a command whose keys are in different hash slots',
  MOVED: 'Redis Cluster moved the key to another node and the client did not follow',
  ASK: 'the key is migrating between Redis Cluster nodes',
  TRYAGAIN: 'the keys are being moved between Redis Cluster nodes',
  CLUSTERDOWN: 'the Redis Cluster is down (a hash slot has no reachable primary)',
  READONLY: 'the Redis node is a read-only replica (a failover is under way)',
  MASTERDOWN: 'the Redis replica has lost its primary (a failover is under way)',
  LOADING: 'Redis is loading its data set (it has just started)',
  NOREPLICAS: 'Redis has too few replicas to accept a write (min-replicas-to-write)',
  BUSY: 'Redis is busy running a script',
  OOM: 'Redis is out of memory (maxmemory)',
}

function unavailableFrom(err) {
  if (err instanceof StoreUnavailableError) return err
  const word = /^([A-Z]+)\b/.exec(typeof err?.message === 'string' ? err.message : '')?.[1]
  if (word !== undefined && Object.hasOwn(REPLIES, word)) {
    return unavailable(
      word.toLowerCase(),
      `Redis refused the command (${word}): ${REPLIES[word]}. The request is refused.`,
      err,
    )
  }
  return unavailable('error', 'Redis failed to answer: the request is refused.', err)
}

function notConfirmed(acks, wanted, timeout) {
  return unavailable(
    'replicas',
    `Redis confirmed the write on ${acks} of ${wanted} replicas within ${timeout} ms: the request is refused.`,
  )
}

function noWaitAof(cause) {
  const message =
    'Redis could not run WAITAOF (it needs Redis 7.2 or later, with appendonly yes): the request is refused.'
  return unavailable('error', message, cause)
}

// A timer that calls `onTimeout` after `ms` milliseconds unless the returned function clears it first. Made with
// the `setTimeout` in place when the call starts and cleared with the `clearTimeout` beside it, so fake timers
// (Jest's, sinon's, legacy or modern, whole or in part) drive each call's timeout exactly as they drive any timer,
// and a test that fakes the timers and restores them leaves nothing behind. A Node timer waits at most 2^31 - 1 ms
// (it fires a longer one after 1 ms): a longer wait (a timeout and a replica timeout together) is taken in steps.
function timeoutAfter(ms, onTimeout) {
  const set = setTimeout
  const clear = clearTimeout
  let timer
  const wait = (left) => {
    timer = left > MAX_DELAY ? set(() => wait(left - MAX_DELAY), MAX_DELAY) : set(onTimeout, left)
  }
  wait(ms)
  return () => clear(timer)
}

// Node keeps one list of timers per duration: made, and put in its queue of lists, when a timer of that duration is
// set and none is; dropped when the last is cleared. A store whose calls are answered one at a time would make and
// drop its list on every call, which costs more than the timer itself. An unref'd interval of the store's duration
// keeps the list for good: it never holds up the process's exit, and calls only join and leave the list. Made in
// the context of this module's load, so it keeps no caller's AsyncLocalStorage stores alive; a few durations at most.
const KEPT_LISTS = new Set()
const keepTimerList = AsyncResource.bind((ms) => {
  if (KEPT_LISTS.has(ms) || KEPT_LISTS.size >= 8 || ms > MAX_DELAY) return
  KEPT_LISTS.add(ms)
  timers.setInterval(() => {}, ms).unref()
})

// Rejects after `ms` milliseconds unless `pending` settles first; every failure becomes a StoreUnavailableError.
// One promise and one timer.
function within(ms, start) {
  let pending
  try {
    pending = Promise.resolve(start())
  } catch (err) {
    pending = Promise.reject(err)
  }
  return new Promise((resolve, reject) => {
    const cancel = timeoutAfter(ms, () => {
      reject(unavailable('timeout', `Redis did not answer within ${ms} ms: the request is refused.`))
    })
    pending.then(
      (value) => {
        cancel()
        resolve(value)
      },
      (err) => {
        cancel()
        reject(unavailableFrom(err))
      },
    )
  })
}

// The adapter for a client of either library, or a TypeError naming both.
function redisLink(client, timeout, who) {
  if (client !== null && typeof client === 'object') {
    if (nodeRedis.accepts(client)) return nodeRedis.link(client, { timeout })
    if (ioredis.accepts(client)) return ioredis.link(client)
  }
  throw optionError(`${who}() expects a Redis client: node-redis 5 or 6 (the "redis" package) or ioredis 5 or 6`)
}

const KEYED = ['get', 'set', 'hmGet', 'sAdd', 'sRem', 'sMembers', 'pExpire']

// How often, at most, a client is asked to read the Cluster's map again while a key's primary is unreachable.
const REFRESH_EVERY = 1000

// The link the stores' steps see: each command refused at once while the node for its key is not ready. Meanwhile
// the client reads the Cluster's map again now and then, since a command refused here cannot show it the
// replica that took over: so it follows a failover by itself.
function guarded(link) {
  let refreshed = 0
  const refuse = () => {
    if (Date.now() - refreshed >= REFRESH_EVERY) {
      refreshed = Date.now()
      link.refreshMap()
    }
    return Promise.reject(notConnected())
  }
  const commands = {}
  // Two arguments after the key at most (set); no rest parameters, which cost an array on every call.
  for (const name of KEYED) commands[name] = (key, a, b) => (link.isReady(key) ? link[name](key, a, b) : refuse())
  for (const name of ['evalSha', 'eval']) {
    commands[name] = (body, keys, args) => (link.isReady(keys[0]) ? link[name](body, keys, args) : refuse())
  }
  return commands
}

// With client-side caching, a cached reply is only as recent as the invalidations the connection has delivered;
// a connection cut off without being closed (a partition, a host gone silent) delivers none, and the client still
// says it is ready. Redis writes its invalidations and its replies on the one connection, in order, so a reply
// there shows that every invalidation Redis sent before the command was delivered first. The cache is read only
// within `window` ms of sending a PING or a write that has been answered on the key's connection; after that, a
// read sends a PING there first (one at a time per connection), and is refused like any other command if none
// comes.
function freshened(link, commands, window) {
  const sentAt = new Map() // a primary's id → when the last command it answered was sent
  const pings = new Map() // a primary's id → the PING under way there
  const answered = (id, started) => {
    if (!(sentAt.get(id) >= started)) sentAt.set(id, started)
  }
  const isFresh = (key) => performance.now() - (sentAt.get(link.primaryId(key)) ?? -Infinity) <= window
  function pinged(key) {
    const id = link.primaryId(key)
    let ping = pings.get(id)
    if (ping === undefined) {
      const started = performance.now()
      ping = link
        .ping(key)
        .then(() => answered(id, started))
        .finally(() => pings.delete(id))
      pings.set(id, ping)
    }
    return ping
  }
  // `keyOf(first, second)`: the key among a command's arguments (the first; a script's first key).
  const heard =
    (command, keyOf = (key) => key) =>
    (x, y, z) => {
      const id = link.primaryId(keyOf(x, y))
      const started = performance.now()
      return command(x, y, z).then((reply) => {
        answered(id, started)
        return reply
      })
    }
  // Writes (and scripts) always go to Redis; a read may be answered from node-redis's cache, or share a read sent
  // earlier, and shows nothing.
  for (const name of ['set', 'sAdd', 'sRem', 'pExpire']) commands[name] = heard(commands[name])
  for (const name of ['evalSha', 'eval']) commands[name] = heard(commands[name], (_body, keys) => keys[0])
  for (const name of ['hmGet', 'get', 'sMembers']) {
    const read = commands[name]
    commands[name] = (key, a, b) => (isFresh(key) ? read(key, a, b) : pinged(key).then(() => read(key, a, b)))
  }
  return isFresh
}

// One WAIT at a time per connection: a WAIT holds its connection until it returns, so writes that finish while one
// is under way share the next one (sent after them, it counts them too) rather than queueing one each.
function coalesced(start) {
  let running = null
  let next = null
  const run = (key) => {
    running = start(key).finally(() => {
      running = null
    })
    return running
  }
  return (key) => {
    if (running === null) return run(key)
    next ??= running
      .catch(() => {})
      .then(() => {
        next = null
        return run(key)
      })
    return next
  }
}

function redisCaller(client, options, who) {
  const timeout = timeoutOption(options)
  const { minReplicas, replicaTimeout, waitAof } = durabilityOptions(options)
  keepTimerList(timeout)
  const link = redisLink(client, timeout, who)
  if (minReplicas > 0 && !link.confirms) {
    throw optionError('"minReplicas" needs a client that sends a write and its WAIT on one connection, not a pool')
  }
  const commands = guarded(link)
  const isFresh = link.cached === undefined ? null : freshened(link, commands, timeout)

  function call(run) {
    if (!link.isReady()) return Promise.reject(notConnected())
    return within(timeout, () => run(commands))
  }

  // Per primary, its WAITs one at a time (coalesced).
  const confirmations = new Map()
  function confirmed(primary, key) {
    if (link.primaryId(key) !== primary) return 0 // the key moved (a failover): where the write went, none can say
    if (!confirmations.has(primary)) {
      const confirm = (on) =>
        link.confirm(on, minReplicas, replicaTimeout, waitAof).catch((err) => {
          throw waitAof && /^ERR\b/.test(err?.message) ? noWaitAof(err) : err
        })
      confirmations.set(primary, coalesced(confirm))
    }
    return confirmations.get(primary)(key)
  }

  // WAIT (or WAITAOF) on the connection to each primary that took the write, after it: a reply counts the
  // replicas that have everything this connection wrote so far.
  // On a Cluster, each primary must also hold the keys' slots, and not be moving them (resharding), before the write
  // and after it: a write to a migrating slot may be redirected (ASK) to the node importing it, whose replicas the
  // WAIT does not ask.
  async function revoking(keys, run) {
    if (minReplicas === 0 || keys.length === 0) return call(run)
    const primaries = new Map()
    for (const key of keys) {
      const id = link.primaryId(key)
      primaries.set(id, [...(primaries.get(id) ?? []), key])
    }
    const settled = () =>
      link.settled === undefined ? [] : Promise.all(Array.from(primaries.values(), (held) => link.settled(held)))
    // A slot that has moved for good is read in the Cluster's map again, which a refused write cannot prompt.
    const unsettled = () => {
      link.rediscover?.()
      return migrating()
    }
    if ((await call(settled)).includes(false)) throw unsettled()
    const value = await call(run)
    const [counts, after] = await within(timeout + replicaTimeout, () =>
      Promise.all([Promise.all(Array.from(primaries, ([primary, held]) => confirmed(primary, held[0]))), settled()]),
    )
    if (after.includes(false)) throw unsettled()
    // A count that is not a whole number (a server or proxy answering WAIT otherwise) confirms nothing.
    if (!counts.every((count) => Number.isInteger(count) && count >= 0)) throw unreadable()
    const acks = Math.min(...counts)
    if (acks < minReplicas) throw notConfirmed(acks, minReplicas, replicaTimeout)
    return value
  }

  // Only while the client (on a Cluster, the key's node) is ready, and the key's connection has answered lately
  // (freshened): otherwise the read goes out by `call`. A cache that fails to answer leaves the read to `call`,
  // which reports what is wrong.
  function cached(args) {
    if (!link.isReady(args[1]) || !isFresh(args[1])) return undefined
    try {
      return link.cached(args)
    } catch {
      return undefined
    }
  }

  return { call, cached: link.cached === undefined ? null : cached, revoking, timeout }
}

// Replies are read through these. A reply the library never gives for the command (another program's keys under
// the prefix, a client set up to answer otherwise, a wrapper that answers wrongly) means the store is not working:
// the request is refused like any other store failure, rather than read as something it is not.
function unreadable() {
  return unavailable('unreadable', 'Redis sent a reply the store cannot read: the request is refused.')
}

// A reply of fields (HMGET, a script's list): strings or nulls, `count` of them when given. The reply itself when
// it is such a list already (the client's own array, a copy for each call); a copy with Buffers read as UTF-8
// otherwise.
function replyFields(reply, count) {
  if (!Array.isArray(reply) || (count !== undefined && reply.length !== count)) throw unreadable()
  let fields = reply
  for (let i = 0; i < reply.length; i++) {
    const value = reply[i]
    if (value === null || typeof value === 'string') continue
    if (!isBuffer(value)) throw unreadable()
    if (fields === reply) fields = reply.slice()
    fields[i] = value.toString()
  }
  return fields
}

// A list of strings (SMEMBERS).
function replyStrings(reply) {
  const fields = replyFields(reply)
  if (fields.includes(null)) throw unreadable()
  return fields
}

// A number the store wrote as text (a time in epoch milliseconds): anything else is unreadable, never a NaN that
// every comparison would let through.
function replyNumber(text) {
  const value = typeof text === 'string' && text !== '' ? Number(text) : NaN
  if (!Number.isFinite(value)) throw unreadable()
  return value
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
  try {
    return await redis.evalSha(script.sha, keys, args)
  } catch (err) {
    if (!/^NOSCRIPT\b/.test(err?.message)) throw err
    return redis.eval(script.source, keys, args)
  }
}

module.exports = {
  REDIS_OPTIONS,
  redisCaller,
  redisScript,
  runScript,
  prefixOption,
  replyFields,
  replyStrings,
  replyNumber,
  replyOneOf,
  unreadable,
}
