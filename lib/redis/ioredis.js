'use strict'
// ioredis 5 and 6 behind the stores' client interface (client.js): `new Redis(...)` (one node, or a primary found
// through Sentinel with `sentinels` and `name` in its options) and `new Redis.Cluster(...)`.
//
// Readiness: `status === 'ready'` on the client, and on a Cluster also on the connection to the primary that
// holds the key. ioredis queues commands while it reconnects (`enableOfflineQueue`) and retries them
// (`maxRetriesPerRequest`); refusing up front while not ready keeps requests from waiting in that queue, and the
// caller's timer bounds the rest.

const { keySlot } = require('./slot')

const LOST = new Set(['reconnecting', 'close', 'end'])

function accepts(client) {
  return ['hmget', 'sadd', 'evalsha', 'call'].every((name) => typeof client[name] === 'function')
}

function link(client) {
  const cluster = client.isCluster === true

  // On a Cluster, the connection to the primary that holds `key` (the one ioredis sends the key's commands on).
  function primaryOf(key) {
    const address = client.slots?.[keySlot(key)]?.[0]
    if (address === undefined) return undefined
    return client.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === address)
  }

  async function waitOn(node, replicas, ms, aof) {
    if (!aof) return Number(await node.call('WAIT', String(replicas), String(ms)))
    const [, confirmed] = await node.call('WAITAOF', '1', String(replicas), String(ms))
    return Number(confirmed)
  }

  // The replicas that confirmed, the fewest over the primaries of `keys` (one WAIT per primary: a WAIT holds its
  // connection until it returns). A primary that is gone meanwhile confirms nothing.
  async function confirm(keys, replicas, ms, aof) {
    if (!cluster) return waitOn(client, replicas, ms, aof)
    const primaries = new Set(keys.map(primaryOf))
    if (primaries.has(undefined)) return 0
    return Math.min(...(await Promise.all(Array.from(primaries, (node) => waitOn(node, replicas, ms, aof)))))
  }

  return {
    isReady(key) {
      if (client.status !== 'ready') return false
      // A Cluster connects to a node at its first command ('wait'): only a connection that was lost counts.
      return !cluster || key === undefined || !LOST.has(primaryOf(key)?.status)
    },
    get: (key) => client.get(key),
    set: (key, value, seconds) => client.set(key, value, 'EX', seconds),
    hmGet: (key, fields) => client.hmget(key, ...fields),
    sAdd: (key, member) => client.sadd(key, member),
    sRem: (key, members) => client.srem(key, ...members),
    sMembers: (key) => client.smembers(key),
    pExpire: (key, ms) => client.pexpire(key, ms),
    evalSha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (source, keys, args) => client.eval(source, keys.length, ...keys, ...args),
    confirm,
  }
}

module.exports = { accepts, link }
