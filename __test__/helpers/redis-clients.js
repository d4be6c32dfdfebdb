'use strict'
// The Redis client libraries the stores support, each connected the way its documentation shows, with default
// options, to one node, a Cluster or a Sentinel set (helpers/redis.js). `connect(library, topology)` resolves
// with a connected client; `close(client)` lets it go, whatever state its servers are in.

const nodeRedis6 = require('redis')
const nodeRedis5 = require('redis5')
const IORedis6 = require('ioredis')
const IORedis5 = require('ioredis5')

// A topology's `keyPrefix` (one node or a Cluster) goes to the client, which puts it before every key it sends.
const prefixOf = ({ keyPrefix }) => (keyPrefix === undefined ? {} : { keyPrefix })

// `options` go to the client as they are (client-side caching, say).
function nodeRedis(redis) {
  return async (topology, options = {}) => {
    let client
    if (topology.url !== undefined) {
      client = redis.createClient({ url: topology.url, ...prefixOf(topology), ...options })
    } else if (topology.rootNodes !== undefined) {
      client = redis.createCluster({
        rootNodes: topology.rootNodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
        ...prefixOf(topology),
        ...options,
      })
    } else {
      client = redis.createSentinel({ name: topology.name, sentinelRootNodes: topology.sentinelNodes, ...options })
    }
    // A client without an 'error' listener throws on every lost connection; the stores report their own errors.
    client.on('error', () => {})
    await client.connect()
    return client
  }
}

function ioredis(Redis) {
  return async (topology) => {
    let client
    if (topology.url !== undefined) client = new Redis(topology.url, prefixOf(topology))
    else if (topology.rootNodes !== undefined) client = new Redis.Cluster(topology.rootNodes, prefixOf(topology))
    else client = new Redis({ sentinels: topology.sentinelNodes, name: topology.name })
    client.on('error', () => {})
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
    return client
  }
}

const LIBRARIES = {
  'node-redis 6': nodeRedis(nodeRedis6),
  'node-redis 5': nodeRedis(nodeRedis5),
  'ioredis 6': ioredis(IORedis6),
  'ioredis 5': ioredis(IORedis5),
}

const connect = (library, topology) => LIBRARIES[library](topology)

// node-redis with client-side caching (RESP3): replies kept in the client until Redis says their key changed.
const CACHING_LIBRARIES = { 'node-redis 6': nodeRedis(nodeRedis6), 'node-redis 5': nodeRedis(nodeRedis5) }
const connectCaching = (library, topology) =>
  CACHING_LIBRARIES[library](topology, { RESP: 3, clientSideCache: { ttl: 0, maxEntries: 1000 } })

async function close(client) {
  if (typeof client.call === 'function') return client.disconnect()
  await (client.destroy ?? client.close).call(client)
}

// Connected and not reconnecting, in either library's terms.
const isReady = (client) => (typeof client.call === 'function' ? client.status === 'ready' : client.isReady)

module.exports = {
  LIBRARIES: Object.keys(LIBRARIES),
  CACHING_LIBRARIES: Object.keys(CACHING_LIBRARIES),
  connect,
  connectCaching,
  close,
  isReady,
}
