'use strict'
// node-redis 5 and 6 (the "redis" package) behind the stores' client interface (client.js): a client from
// createClient, createCluster or createSentinel. Commands go out with the command option `{ timeout }`, so one
// still waiting in the library's queue is dropped after `timeout` (that timeout stops counting once the command is
// written: the caller's timer bounds the rest): command methods through `withCommandOptions`, raw commands with
// the option given to `sendCommand` itself, since node-redis 5's `sendCommand` does not read the options of a
// `withCommandOptions` client.
//
// Readiness: `isReady` (connected, not reconnecting) on the client, and on a Cluster also on the client of the
// primary that holds the key, so that while one primary is down and its replica not yet elected, the requests for
// its keys are refused at once and the others go through.
//
// With client-side caching (RESP3, `clientSideCache`), a reply node-redis holds in its cache is read there
// directly (`cached`): node-redis's own lookup, the same entry, validity and statistics as its `hmGet` or `get`
// would use, without the command's promise, the timer that bounds it and the copy node-redis makes of the reply
// for each caller (the stores only read replies). A check answered from the cache then costs a fraction of what it
// did; anything not in the cache goes out as a command, which fills it.

const { keySlot, withPrefix, holdsSettled } = require('./slot')

function accepts(client) {
  return ['hmGet', 'sAdd', 'evalSha', 'withCommandOptions'].every((name) => typeof client[name] === 'function')
}

// node-redis's own cache on the client (also on a Cluster or Sentinel client), or undefined. A provider of the
// application's own that answers cached commands its own way (its own `handleCache`) is left to do so.
function ownCache(client) {
  const cache = client.clientSideCache
  if (cache === null || typeof cache !== 'object') return undefined
  if (typeof cache.get !== 'function' || typeof cache.recordHits !== 'function') return undefined
  let proto = cache
  while (proto !== null && !Object.hasOwn(proto, 'handleCache')) proto = Object.getPrototypeOf(proto)
  return proto?.constructor?.name === 'BasicClientSideCache' ? cache : undefined
}

// The key node-redis files a command's reply under in its cache (its generateCacheKey, for arguments that are
// strings): each argument's length, then the arguments, all joined by '_'.
function cacheKey(args) {
  let lengths = ''
  let text = ''
  for (let i = 0; i < args.length; i++) {
    lengths += `${args[i].length}_`
    text += i === 0 ? args[i] : `_${args[i]}`
  }
  return lengths + text
}

function link(client, { timeout }) {
  const options = { timeout }
  const redis = client.withCommandOptions(options)
  const cluster = typeof client.getSlotMaster === 'function'
  const sentinel = !cluster && typeof client.getMasterNode === 'function'

  // node-redis 6's `keyPrefix`, which its commands put before every key they send: '' without one (node-redis 5
  // has none); not a string where it is not known here (a pool's, Sentinel's) or is a Buffer.
  const keyPrefix = sentinel || typeof client.execute === 'function' ? null : (client._keyPrefix ?? '')
  const knownPrefix = typeof keyPrefix === 'string'

  // On a Cluster, the primary that holds `key` as node-redis sends it (after the prefix).
  const primaryOf = (key) => client.slots?.[keySlot(withPrefix(keyPrefix, key))]?.master

  // A raw command: on a Cluster it goes to the primary of `key`'s slot, elsewhere to the primary. node-redis 6
  // sends a keyless command such as WAIT to every primary (its command policies) unless asked on the node's own
  // client. Raw commands and the node lookup take keys as they are: the prefix is added here.
  async function send(key, args) {
    if (!cluster) return sentinel ? redis.sendCommand(false, args, options) : redis.sendCommand(args, options)
    const sent = withPrefix(keyPrefix, key)
    if (typeof client.getNodeClientForKey !== 'function') return redis.sendCommand(sent, false, args, options)
    return (await client.getNodeClientForKey(sent)).sendCommand(args, options)
  }

  // A read of `key` as a raw command, routed as node-redis routes its own read commands (on a Cluster set up to
  // read from replicas, it may go to one). For a reply the stores take as it comes, this skips the command parser
  // and the extra async step of node-redis's command methods. With client-side caching the read goes through
  // node-redis's command instead, which fills the cache; and so it does on a client-shaped object without
  // `sendCommand`.
  const rawReads =
    knownPrefix &&
    typeof client.sendCommand === 'function' &&
    (client.clientSideCache === undefined || client.clientSideCache === null)
  function hmGetRaw(key, fields) {
    const target = withPrefix(keyPrefix, key)
    const args = ['HMGET', target, ...fields]
    return cluster ? redis.sendCommand(target, true, args, options) : redis.sendCommand(args, options)
  }

  // node-redis 5 reads the Cluster's map again only on a MOVED reply, which a primary that is gone never sends;
  // asked from a reachable primary, the map shows the replica that took over (node-redis 6 does this by itself).
  function refreshMap() {
    if (typeof client.getNodeClientForKey !== 'function') rediscover()
  }

  // Reads the Cluster's map again from a reachable primary (both versions): after a slot has moved for good, which
  // no refused write can show the client.
  function rediscover() {
    const slots = client._self?._slots
    if (typeof slots?.rediscover !== 'function') return
    const reachable = client.masters?.find((node) => node.client?.isReady)?.client
    if (reachable !== undefined) slots.rediscover(reachable).catch(() => {})
  }

  // The replicas that have every write sent so far on the connection to `key`'s primary (WAIT, or WAITAOF).
  async function confirm(key, replicas, ms, aof) {
    if (!aof) return send(key, ['WAIT', String(replicas), String(ms)])
    const [, confirmed] = await send(key, ['WAITAOF', '1', String(replicas), String(ms)])
    return confirmed
  }

  // On a Cluster, whether the primary that holds the first of `keys` in the client's map still holds every key's
  // slot and is moving none of them to another node (a write there may have been redirected by ASK to a node whose
  // replicas no WAIT here asks). One CLUSTER NODES for all of them.
  async function settled(keys) {
    const nodes = await send(keys[0], ['CLUSTER', 'NODES'])
    return keys.every((key) => holdsSettled(nodes, keySlot(withPrefix(keyPrefix, key))))
  }

  const cache = ownCache(client)

  // The reply to `args` (a command of string arguments) from node-redis's cache, filed under its key with the
  // client's `keyPrefix`, or undefined when it holds none: a load still under way is a promise entry, without a
  // value, and is left to the command.
  function cached(args) {
    const filed = knownPrefix && keyPrefix !== '' ? [args[0], withPrefix(keyPrefix, args[1]), ...args.slice(2)] : args
    const reply = cache.get(cacheKey(filed))?.value
    if (reply === undefined) return undefined
    cache.recordHits(1)
    return reply
  }

  return {
    cached: cache === undefined ? undefined : cached,
    ping: (key) => send(key, ['PING']),
    // A client pool (createClientPool) sends each command on any of its connections: a WAIT there may count
    // nothing this store wrote.
    confirms: typeof client.execute !== 'function',
    isReady(key) {
      if (client.isReady === false) return false
      return !cluster || key === undefined || primaryOf(key)?.client?.isReady !== false
    },
    primaryId: (key) => (cluster ? (primaryOf(key)?.address ?? '') : ''),
    refreshMap,
    rediscover: cluster ? rediscover : undefined,
    settled: cluster ? settled : undefined,
    get: (key) => redis.get(key),
    set: (key, value, seconds) => redis.set(key, value, { EX: seconds }),
    hmGet: rawReads ? hmGetRaw : (key, fields) => redis.hmGet(key, fields),
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
