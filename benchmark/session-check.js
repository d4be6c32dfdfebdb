'use strict'
// The session check alone: `store.isRevoked(payload)` for one live session's access token, awaited one after
// another, on the in-process store, the Redis store, and the Redis store on a node-redis client with client-side
// caching (RESP3: the HMGET's answer is kept in the client until Redis says the session's hash changed). Beside
// them, the floor of an uncached check: the store's HMGET written by hand on a plain socket and its reply read,
// with no client library, which is what a round trip to Redis costs whoever sends it.
//
//   node benchmark/session-check.js [--checks 20000] [--rounds 7]
//
// Per check: this process's CPU time (process.cpuUsage: other load on the machine does not count) and the wall
// time (which, for the uncached Redis store, is mostly the round trip to Redis on 127.0.0.1). Medians of rounds in
// rotated order. Redis is a throwaway redis-server on a free loopback port.

const net = require('node:net')
const os = require('node:os')
const { parseArgs } = require('node:util')
const { createClient } = require('redis')
const ringjwt = require('..')
const { median, now, cpuNow } = require('./measure')

const { values } = parseArgs({
  options: { checks: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } },
})
const CHECKS = Number(values.checks)
const ROUNDS = Number(values.rounds)

async function time(store, payload) {
  const [wall, cpu] = [now(), cpuNow()]
  for (let i = 0; i < CHECKS; i++) {
    if ((await store.isRevoked(payload)) !== false) throw new Error('the token was refused')
  }
  return { cpu: ((cpuNow() - cpu) * 1000) / CHECKS, wall: ((now() - wall) * 1000) / CHECKS }
}

// The end of a RESP2 reply to HMGET (an array of bulk strings, each possibly nil) in `buffer`, or -1.
function replyEnd(buffer) {
  const line = (from) => {
    const end = buffer.indexOf('\r\n', from)
    return end === -1 ? null : { value: Number(buffer.toString('latin1', from + 1, end)), next: end + 2 }
  }
  const header = line(0)
  if (header === null) return -1
  let at = header.next
  for (let i = 0; i < header.value; i++) {
    const bulk = line(at)
    if (bulk === null) return -1
    at = bulk.value < 0 ? bulk.next : bulk.next + bulk.value + 2
    if (at > buffer.length) return -1
  }
  return at
}

// The session store's read (lib/redis-session-store.js: its key, the four fields it asks for) on a plain socket.
async function rawRoundTrip(port) {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true })
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let pending = Buffer.alloc(0)
  let answered = null
  const store = {
    lastReply: null,
    isRevoked({ sid, jti }) {
      const args = ['HMGET', `ringjwt:session:{${sid}}`, 'sub', 'expires', `t:${jti}`, `f:${jti}`]
      const command = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
      return new Promise((resolve) => {
        answered = () => resolve(false)
        socket.write(command)
      })
    },
    close: () => socket.destroy(),
  }
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    const end = replyEnd(pending)
    if (end !== -1) {
      store.lastReply = pending.subarray(0, end)
      pending = pending.subarray(end)
      answered()
    }
  })
  return store
}

async function main() {
  const { startRedis } = require('../__test__/helpers/redis')
  const redis = await startRedis()
  const plain = createClient({ url: redis.url })
  const cached = createClient({ url: redis.url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 10_000 } })
  await Promise.all([plain.connect(), cached.connect()])
  let raw
  try {
    const stores = {
      'in-process store': ringjwt.createSessionStore(),
      'Redis store': ringjwt.createRedisSessionStore(plain),
      'Redis store, client-side cache': ringjwt.createRedisSessionStore(cached),
    }
    const payloads = {}
    for (const [name, store] of Object.entries(stores)) {
      payloads[name] = (await store.create('user-1')).claims
      await time(store, payloads[name]) // warm-up (and the first HMGET, which fills the cache)
    }
    raw = await rawRoundTrip(redis.port)
    stores['Redis round trip alone (floor)'] = raw
    payloads['Redis round trip alone (floor)'] = payloads['Redis store']
    await time(raw, payloads['Redis store'])
    // The floor reads the session's hash itself, not an empty key.
    if (!raw.lastReply.includes('\r\nuser-1\r\n')) throw new Error(`the floor read ${raw.lastReply.toString()}`)
    const names = Object.keys(stores)
    const samples = Object.fromEntries(names.map((name) => [name, []]))
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length]
        samples[name].push(await time(stores[name], payloads[name]))
      }
    }
    console.log(
      `Node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, load average ` +
        `${os.loadavg()[0].toFixed(1)}; median of ${ROUNDS} rounds of ${CHECKS} checks\n`,
    )
    console.log('| store | CPU µs per check | wall µs per check |')
    console.log('| --- | ---: | ---: |')
    for (const name of names) {
      const cpu = median(samples[name].map((s) => s.cpu))
      const wall = median(samples[name].map((s) => s.wall))
      console.log(`| ${name} | ${cpu.toFixed(2)} | ${wall.toFixed(2)} |`)
    }
  } finally {
    raw?.close()
    await Promise.all([plain.quit(), cached.quit()])
    await redis.stop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
