'use strict'
// node-redis 5 and 6 (the "redis" package) behind the stores' client interface (client.js): a client from
// createClient, createCluster or createSentinel. Commands go out through `withCommandOptions({ timeout })`, so one
// still waiting in the library's queue is dropped after `timeout` (that timeout stops counting once the command is
// written: the caller's timer bounds the rest).
//
// Readiness: `isReady` (connected, not reconnecting) on the client, and on a Cluster also on the client of the
// primary that holds the key, so that while one primary is down and its replica not yet elected, the requests for
// its keys are refused at once and the others go through.

const { keySlot } = require('./slot')

function accepts(client) {
  return ['hmGet', 'sAdd', 'evalSha', 'withCommandOptions'].every((name) => typeof client[name] === 'function')
}

function link(client, { timeout }) {
  const redis = client.withCommandOptions({ timeout })
  const cluster = typeof client.getSlotMaster === 'function'
  const sentinel = !cluster && typeof client.getMasterNode === 'function'
  const primaryOf = (key) => client.slots?.[keySlot(key)]?.master

  // A raw command: on a Cluster it goes to the primary of `key`'s slot, elsewhere to the primary. node-redis 6
  // sends a keyless command such as WAIT to every primary (its command policies) unless asked on the node's own
  // client.
  async function send(key, args) {
    if (!cluster) return sentinel ? redis.sendCommand(false, args) : redis.sendCommand(args)
    if (typeof client.getNodeClientForKey !== 'function') return redis.sendCommand(key, false, args)
    return (await client.getNodeClientForKey(key)).sendCommand(args)
  }

  // node-redis 5 reads the Cluster's map again only on a MOVED reply, which a primary that is gone never sends;
  // asked from a reachable primary, the map shows the replica that took over (node-redis 6 does this by itself).
  function refreshMap() {
    const slots = client._self?._slots
    if (typeof client.getNodeClientForKey === 'function' || typeof slots?.rediscover !== 'function') return
    const reachable = client.masters?.find((node) => node.client?.isReady)?.client
    if (reachable !== undefined) slots.rediscover(reachable).catch(() => {})
  }

  // The replicas that have every write sent so far on the connection to `key`'s primary (WAIT, or WAITAOF).
  async function confirm(key, replicas, ms, aof) {
    if (!aof) return Number(await send(key, ['WAIT', String(replicas), String(ms)]))
    const [, confirmed] = await send(key, ['WAITAOF', '1', String(replicas), String(ms)])
    return Number(confirmed)
  }

  return {
    // A client pool (createClientPool) sends each command on any of its connections: a WAIT there may count
    // nothing this store wrote.
    confirms: typeof client.execute !== 'function',
    isReady(key) {
      if (client.isReady === false) return false
      return !cluster || key === undefined || primaryOf(key)?.client?.isReady !== false
    },
    primaryId: (key) => (cluster ? (primaryOf(key)?.address ?? '') : ''),
    refreshMap,
    get: (key) => redis.get(key),
    set: (key, value, seconds) => redis.set(key, value, { EX: seconds }),
    setNx: (key, value, ms) => redis.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ms } }),
    hmGet: (key, fields) => redis.hmGet(key, fields),
    sAdd: (key, member) => redis.sAdd(key, member),
    sRem: (key, members) => redis.sRem(key, members),
    sMembers: (key) => redis.sMembers(key),
    pExpire: (key, ms) => redis.pExpire(key, ms),
    evalSha: (sha, keys, args) => redis.evalSha(sha, { keys, arguments: args }),
    eval: (source, keys, args) => redis.eval(source, { keys, arguments: args }),
    confirm,
  }
}

module.exports = { accepts, link }
