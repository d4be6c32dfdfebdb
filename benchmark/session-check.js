'use strict'
// The session check alone: `store.isRevoked(payload)` for one live session's access token, awaited one after
// another, on the in-process store, the Redis store, and the Redis store on a node-redis client with client-side
// caching (RESP3: the HMGET's answer is kept in the client until Redis says the session's hash changed).
//
//   node benchmark/session-check.js [--checks 20000] [--rounds 7]
//
// Per check: this process's CPU time (process.cpuUsage: other load on the machine does not count) and the wall
// time (which, for the uncached Redis store, is mostly the round trip to Redis on 127.0.0.1). Medians of rounds in
// rotated order. Redis is a throwaway redis-server on a free loopback port.

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

async function main() {
  const { startRedis } = require('../__test__/helpers/redis')
  const redis = await startRedis()
  const plain = createClient({ url: redis.url })
  const cached = createClient({ url: redis.url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 10_000 } })
  await Promise.all([plain.connect(), cached.connect()])
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
    await Promise.all([plain.quit(), cached.quit()])
    await redis.stop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
