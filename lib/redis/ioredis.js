'use strict'
// ioredis 5 and 6 behind the stores' client interface (client.js): `new Redis(...)` (one node, or a primary found
// through Sentinel with `sentinels` and `name` in its options) and `new Redis.Cluster(...)`.
//
// Readiness: `status === 'ready'` on the client, and on a Cluster also on the connection to the primary that
// holds the key. ioredis queues commands while it reconnects (`enableOfflineQueue`) and retries them
// (`maxRetriesPerRequest`); refusing up front while not ready keeps requests from waiting in that queue, and the
// caller's timer bounds the rest.

const { keySlot, withPrefix, holdsSettled } = require('./slot')

const LOST = new Set(['reconnecting', 'close', 'end'])

function accepts(client) {
  return ['hmget', 'sadd', 'evalsha', 'call'].every((name) => typeof client[name] === 'function')
}

const addressOf = (node) => `${node.options.host}:${node.options.port}`

// Per Cluster client, shared by every store on it: the addresses of nodes whose connection was lost ('-node':
// ioredis drops them from its pool), until a connection to them is ready again.
const LOST_NODES = new WeakMap()

function lostNodes(client) {
  let lost = LOST_NODES.get(client)
  if (lost === undefined) {
    lost = new Set()
    LOST_NODES.set(client, lost)
    if (client.isCluster === true) client.on('-node', (node) => lost.add(addressOf(node)))
  }
  return lost
}

function link(client) {
  const cluster = client.isCluster === true
  const lost = lostNodes(client)
  // On a Cluster, the slot of `key` as ioredis sends it: after the Cluster's `keyPrefix`, when it has one.
  const keyPrefix = cluster ? client.options?.keyPrefix : undefined
  const slotOf = (key) => keySlot(withPrefix(keyPrefix, key))

  // On a Cluster, the connection to the primary that holds `key` (the one ioredis sends the key's commands on).
  function primaryOf(key) {
    const address = client.slots?.[slotOf(key)]?.[0]
    if (address === undefined) return undefined
    return client.nodes('all').find((node) => addressOf(node) === address)
  }

  // The replicas that have every write sent so far on the connection to `key`'s primary (WAIT, or WAITAOF). A
  // primary that is gone meanwhile confirms nothing.
  async function confirm(key, replicas, ms, aof) {
    const node = cluster ? primaryOf(key) : client
    if (node === undefined) return 0
    if (!aof) return node.call('WAIT', String(replicas), String(ms))
    const [, confirmed] = await node.call('WAITAOF', '1', String(replicas), String(ms))
    return confirmed
  }

  // Whether the primary that holds the first of `keys` in the client's map still holds every key's slot and is
  // moving none of them (see node-redis.js).
  async function settled(keys) {
    const node = primaryOf(keys[0])
    if (node === undefined) return false
    const nodes = await node.call('CLUSTER', 'NODES')
    return keys.every((key) => holdsSettled(nodes, slotOf(key)))
  }

  return {
    confirms: true,
    settled: cluster ? settled : undefined,
    isReady(key) {
      if (client.status !== 'ready') return false
      const address = cluster && key !== undefined ? client.slots?.[slotOf(key)]?.[0] : undefined
      if (address === undefined) return true
      // A Cluster connects to a node at its first command ('wait'), drops a node it has lost from its pool, and
      // takes it back, not yet connected, when it reads a map that still names it (before the election ends).
      const primary = primaryOf(key)
      if (primary?.status === 'ready') {
        lost.delete(address)
        return true
      }
      if (primary === undefined || LOST.has(primary.status)) lost.add(address)
      if (!lost.has(address)) return true
      // A node back in the map after it was lost connects only when asked (a command would wait for it).
      if (primary?.status === 'wait') primary.connect().catch(() => {})
      return false
    },
    primaryId: (key) => (cluster ? (client.slots?.[slotOf(key)]?.[0] ?? '') : ''),
    // ioredis reads the Cluster's map again on a failed command, which is never sent while it is refused here.
    refreshMap() {
      if (cluster) client.refreshSlotsCache()
    },
    rediscover: cluster ? () => client.refreshSlotsCache() : undefined,
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
