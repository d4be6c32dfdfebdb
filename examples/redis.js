'use strict'
// The demo's Redis connection, from the environment: which Redis (one node, a Cluster, a Sentinel set), through
// which client library, with what options. Every variant ends as one client the stores are given, and one
// `sendCommand` for the failed sign-in counts (rate-limit-redis).
//
//   REDIS_URL=redis://host:port          one node
//   REDIS_CLUSTER=host:port,host:port    a Cluster, from these seed nodes
//   REDIS_SENTINELS=host:port,…          a Sentinel set; REDIS_SENTINEL_NAME names the primary (default mymaster)
//   REDIS_CLIENT=redis|ioredis           the client library (default redis, that is node-redis)
//   REDIS_CACHE=1                        node-redis client-side caching (RESP3) for the per-request check
//   REDIS_MIN_REPLICAS=N                 writes that take access away wait for N replicas (the stores' minReplicas)
//
// Every client fails fast while disconnected (no offline queue) and reconnects by itself.

const { StoreUnavailableError } = require('ringjwt')

const LIBRARIES = ['redis', 'ioredis']
const TOPOLOGIES = ['REDIS_URL', 'REDIS_CLUSTER', 'REDIS_SENTINELS']
// Entries of the client-side cache: one per access token checked, dropped when its session changes.
const CACHE_ENTRIES = 10_000

function settingError(message) {
  return new Error(`${message} (see "The demo app" in docs/sessions.md)`)
}

// `host:port,host:port` → [{ host, port }].
function nodesOf(name, value) {
  return value.split(',').map((entry) => {
    const match = /^\s*(\[[0-9a-fA-F:.]+\]|[^:\s,]+):(\d{1,5})\s*$/.exec(entry)
    const port = match ? Number(match[2]) : 0
    if (!match || port < 1 || port > 65535) throw settingError(`${name} must be host:port,host:port…, not "${entry}"`)
    return { host: match[1].replace(/^\[|\]$/g, ''), port }
  })
}

/**
 * What the environment asks for, checked: null without any Redis variable (the demo then keeps everything in
 * its own process), else `{ topology, library, url | nodes, name, cache, minReplicas }`.
 */
function redisSettings(env = process.env) {
  const given = TOPOLOGIES.filter((name) => env[name])
  if (given.length === 0) return null
  if (given.length > 1) throw settingError(`Set one of ${TOPOLOGIES.join(', ')}, not ${given.join(' and ')}`)
  const library = env.REDIS_CLIENT || 'redis'
  if (!LIBRARIES.includes(library)) throw settingError(`REDIS_CLIENT must be redis or ioredis, not "${library}"`)
  const cache = env.REDIS_CACHE === '1'
  if (env.REDIS_CACHE && !['0', '1'].includes(env.REDIS_CACHE)) throw settingError('REDIS_CACHE must be 1 or 0')
  if (cache && library !== 'redis') {
    throw settingError('REDIS_CACHE=1 needs REDIS_CLIENT=redis: ioredis has no client-side caching')
  }
  let minReplicas
  if (env.REDIS_MIN_REPLICAS) {
    minReplicas = Number(env.REDIS_MIN_REPLICAS)
    if (!Number.isInteger(minReplicas) || minReplicas < 0) {
      throw settingError('REDIS_MIN_REPLICAS must be a whole number of replicas')
    }
  }
  const settings = { library, cache, minReplicas }
  if (given[0] === 'REDIS_URL') return { ...settings, topology: 'node', url: env.REDIS_URL }
  if (given[0] === 'REDIS_CLUSTER')
    return { ...settings, topology: 'cluster', nodes: nodesOf('REDIS_CLUSTER', env.REDIS_CLUSTER) }
  return {
    ...settings,
    topology: 'sentinel',
    nodes: nodesOf('REDIS_SENTINELS', env.REDIS_SENTINELS),
    name: env.REDIS_SENTINEL_NAME || 'mymaster',
  }
}

// node-redis: createClient, createCluster or createSentinel.
function nodeRedisClient({ topology, url, nodes, name, cache }) {
  const redis = require('redis')
  const caching = cache ? { RESP: 3, clientSideCache: { maxEntries: CACHE_ENTRIES } } : {}
  if (topology === 'node') return redis.createClient({ url, disableOfflineQueue: true, ...caching })
  if (topology === 'cluster') {
    return redis.createCluster({
      rootNodes: nodes.map(({ host, port }) => ({ socket: { host, port } })),
      defaults: { disableOfflineQueue: true },
      ...caching,
    })
  }
  return redis.createSentinel({
    name,
    sentinelRootNodes: nodes,
    nodeClientOptions: { disableOfflineQueue: true },
    ...caching,
  })
}

// ioredis: Redis (one node, or sentinels in its options) or Cluster. It connects when created.
function ioredisClient({ topology, url, nodes, name }) {
  const { Redis, Cluster } = require('ioredis')
  const options = { enableOfflineQueue: false, lazyConnect: true }
  if (topology === 'node') return new Redis(url, options)
  if (topology === 'cluster')
    return new Cluster(nodes, { enableOfflineQueue: false, lazyConnect: true, redisOptions: options })
  return new Redis({ sentinels: nodes, name, ...options })
}

/**
 * What the failed sign-in counts need of a client, for either library: rate-limit-redis's
 * `sendCommandCluster({ key, isReadOnly, command })` (the key routes the command on a Cluster; node-redis's
 * Sentinel client takes whether it only reads), and whether the client can take commands now.
 */
function connectionOf(client, library = 'redis', topology = 'node') {
  if (library === 'ioredis') {
    return {
      sendCommand: ({ command: [name, ...args] }) => client.call(name, ...args),
      isReady: () => client.status === 'ready',
    }
  }
  const isReady = () => client.isReady !== false
  if (topology === 'cluster') {
    return { sendCommand: ({ key, isReadOnly, command }) => client.sendCommand(key, isReadOnly, command), isReady }
  }
  if (topology === 'sentinel') {
    return { sendCommand: ({ isReadOnly, command }) => client.sendCommand(isReadOnly, command), isReady }
  }
  return { sendCommand: ({ command }) => client.sendCommand(command), isReady }
}

/**
 * Connects as `settings` (from redisSettings()) say. Returns `{ client, sendCommand, isReady, storeOptions, kind,
 * close }`: the client for the stores, `sendCommand` for rate-limit-redis, whether the client can take commands
 * now, the options every store gets (`minReplicas`), a description for the start-up line, and `close()`.
 * `onError(message)` hears connection errors (a client without an 'error' listener would crash the process).
 */
async function connectRedis(settings, onError = () => {}) {
  const { library, topology, cache, minReplicas } = settings
  const client = library === 'ioredis' ? ioredisClient(settings) : nodeRedisClient(settings)
  client.on('error', (err) => onError(err.message))
  await client.connect()
  const where = { node: 'Redis', cluster: 'a Redis Cluster', sentinel: 'Redis under Sentinel' }[topology]
  return {
    client,
    ...connectionOf(client, library, topology),
    storeOptions: minReplicas === undefined ? {} : { minReplicas },
    kind: `in ${where}${cache ? ', checks cached' : ''}${library === 'ioredis' ? ', through ioredis' : ''}`,
    close: () => client.quit(),
  }
}

/**
 * `sendCommandCluster` for rate-limit-redis that fails fast like the stores: refused at once while the client
 * is not connected, and after `timeout` ms without an answer, with a StoreUnavailableError (which the app answers
 * with 503). NOSCRIPT replies pass through: rate-limit-redis then loads its script again.
 */
function failFast({ sendCommand, isReady }, timeout = 1000) {
  return (request) => {
    if (!isReady()) return Promise.reject(new StoreUnavailableError('Redis is not connected.'))
    let timer
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`Redis did not answer within ${timeout} ms.`)), timeout)
    })
    const reply = Promise.resolve()
      .then(() => sendCommand(request))
      .catch((err) => {
        throw /^NOSCRIPT/.test(err?.message) ? err : new StoreUnavailableError('Redis failed to answer.', err)
      })
    return Promise.race([reply, late]).finally(() => clearTimeout(timer))
  }
}

module.exports = { redisSettings, connectRedis, connectionOf, failFast }
