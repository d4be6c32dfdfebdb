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

  // A raw command: on a Cluster it goes to the primary of `key`'s slot, elsewhere to the primary.
  function send(key, args) {
    if (cluster) return redis.sendCommand(key, false, args)
    if (sentinel) return redis.sendCommand(false, args)
    return redis.sendCommand(args)
  }

  // The replicas that confirmed, the fewest over the primaries of `keys` (one WAIT per primary: a WAIT holds its
  // connection until it returns).
  async function confirm(keys, replicas, ms, aof) {
    const byPrimary = new Map()
    for (const key of keys) {
      const primary = cluster ? (primaryOf(key)?.address ?? key) : ''
      if (!byPrimary.has(primary)) byPrimary.set(primary, key)
    }
    const counts = await Promise.all(
      Array.from(byPrimary.values(), async (key) => {
        if (!aof) return Number(await send(key, ['WAIT', String(replicas), String(ms)]))
        const [, confirmed] = await send(key, ['WAITAOF', '1', String(replicas), String(ms)])
        return Number(confirmed)
      }),
    )
    return Math.min(...counts)
  }

  return {
    isReady(key) {
      if (client.isReady === false) return false
      return !cluster || key === undefined || primaryOf(key)?.client?.isReady !== false
    },
    get: (key) => redis.get(key),
    set: (key, value, seconds) => redis.set(key, value, { EX: seconds }),
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
