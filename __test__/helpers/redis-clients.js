'use strict'
// The Redis client libraries the stores support, each connected the way its documentation shows, with default
// options, to one node, a Cluster or a Sentinel set (helpers/redis.js). `connect(library, topology)` resolves
// with a connected client; `close(client)` lets it go, whatever state its servers are in.

const nodeRedis6 = require('redis')
const nodeRedis5 = require('redis5')
const IORedis6 = require('ioredis')
const IORedis5 = require('ioredis5')

function nodeRedis(redis) {
  return async (topology) => {
    let client
    if (topology.url !== undefined) client = redis.createClient({ url: topology.url })
    else if (topology.rootNodes !== undefined) {
      client = redis.createCluster({
        rootNodes: topology.rootNodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
      })
    } else client = redis.createSentinel({ name: topology.name, sentinelRootNodes: topology.sentinelNodes })
    // A client without an 'error' listener throws on every lost connection; the stores report their own errors.
    client.on('error', () => {})
    await client.connect()
    return client
  }
}

function ioredis(Redis) {
  return async (topology) => {
    let client
    if (topology.url !== undefined) client = new Redis(topology.url)
    else if (topology.rootNodes !== undefined) client = new Redis.Cluster(topology.rootNodes)
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

async function close(client) {
  if (typeof client.call === 'function') return client.disconnect()
  await (client.destroy ?? client.close).call(client)
}

// Connected and not reconnecting, in either library's terms.
const isReady = (client) => (typeof client.call === 'function' ? client.status === 'ready' : client.isReady)

module.exports = { LIBRARIES: Object.keys(LIBRARIES), connect, close, isReady }
