'use strict'
// Sessions: what one costs in memory (in this process, and in Redis), and what the session check adds to a
// request in the middleware (in-process store, Redis store), next to the middleware without any check.
//
//   node benchmark/sessions.js [--count 100000] [--rotations 4] [--rounds 7] [--requests 20000]
//
// Memory: `count` logins (user agent and address as metadata), then `rotations` refreshes of each, 14 minutes
// apart on a fake clock, as an hour of use with 15-minute access tokens gives: each refresh adds an access token
// `jti` and a retired refresh token digest, and drops the access tokens that have expired. The in-process figure
// is RSS growth after a full garbage collection, with the test's own references dropped (the script re-runs itself
// with --expose-gc); the Redis figure is INFO memory's used_memory growth. Redis is REDIS_URL, or a throwaway
// redis-server started for the run.
//
// Check cost: the ringjwt middleware is called directly (no HTTP) with one HS256 token, `requests` times per
// round, for each store in turn, the order rotated every round; medians over the rounds. The Redis check is one
// HMGET round trip on 127.0.0.1, so its figure is mostly the round trip's; with node-redis's client-side caching
// (RESP3, `clientSideCache`) it is answered from this process's memory after the first call. Then the check alone
// (`isRevoked` with the decoded token, as the middleware calls it), the same way. Every token is signed through
// the store (`sign`), so every check also compares the signature's fingerprint.
//
// Last, how soon a cached check sees an end() made through another client: from end() resolving to the first
// refused check, polling once per turn of the event loop (as requests arrive: a loop of cached checks alone would
// never let the invalidation message be read), over 200 sessions (median and maximum).
//
// `--only check` skips the memory part.

const { spawnSync } = require('node:child_process')
const os = require('node:os')
const { parseArgs } = require('node:util')

if (typeof global.gc !== 'function') {
  const result = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}

const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    rotations: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '7' },
    requests: { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
})
const COUNT = Number(flags.count)
const ROTATIONS = Number(flags.rotations)
const ROUNDS = Number(flags.rounds)
const REQUESTS = Number(flags.requests)
const CONCURRENCY = 200
const REFRESH_EVERY = 14 * 60 * 1000
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36'
const SECRET = 'a benchmark secret that is long enough for HS256'

// The stores read Date.now(): the fake clock moves only between rounds of refreshes.
const realNow = Date.now
let clock = realNow()
Date.now = () => clock

const { createClient } = require('redis')
const ringjwt = require('..')
const { expressjwt } = require('../express')
const { median } = require('./measure')

const signer = ringjwt.createSigner({ key: SECRET, algorithm: 'HS256' })
const sign = (claims) => signer.sign(claims)

const MB = 1024 * 1024
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`
function rss() {
  global.gc()
  global.gc()
  return process.memoryUsage().rss
}

// Runs `task(i)` for i < count, `CONCURRENCY` at a time.
async function inParallel(count, task) {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker))
}

// Logins, then rotations of each session's refresh token. Nothing of it is kept by the caller.
async function fill(store) {
  clock = realNow()
  const tokens = new Array(COUNT)
  await inParallel(COUNT, async (i) => {
    const metadata = { userAgent: USER_AGENT, ip: '203.0.113.7' }
    const { refreshToken } = await store.create(`user-${i % (COUNT / 2)}`, metadata, { sign })
    tokens[i] = refreshToken
  })
  for (let round = 0; round < ROTATIONS; round++) {
    clock += REFRESH_EVERY
    await inParallel(COUNT, async (i) => {
      tokens[i] = (await store.refresh(tokens[i], { sign })).refreshToken
    })
  }
}

async function memoryInProcess() {
  const store = ringjwt.createSessionStore()
  const before = rss()
  await fill(store)
  const after = rss()
  return { bytes: (after - before) / COUNT, total: after - before, size: store.size }
}

async function usedMemory(client) {
  const info = await client.info('memory')
  return Number(/used_memory:(\d+)/.exec(info)[1])
}

// Redis keeps a small hash as a compact listpack only while every value is at most `hash-max-listpack-value`
// bytes (64 by default); a user agent in the metadata is longer, and the hash becomes a hashtable.
async function memoryInRedis(client, listpackValue) {
  await client.configSet('hash-max-listpack-value', String(listpackValue))
  await client.flushDb()
  const store = ringjwt.createRedisSessionStore(client, { timeout: 10_000 })
  const before = await usedMemory(client)
  await fill(store)
  const after = await usedMemory(client)
  return { bytes: (after - before) / COUNT, total: after - before, keys: await client.dbSize() }
}

// One call of the middleware, resolved when it calls next().
function runMiddleware(middleware, req) {
  return new Promise((resolve, reject) => {
    middleware(req, {}, (err) => (err ? reject(err) : resolve()))
  })
}

// Medians of `ROUNDS` timed rounds (after one to warm up) of `REQUESTS` calls of each task, in µs per call; the
// order of the tasks rotates every round.
async function timeTasks(tasks) {
  const names = Object.keys(tasks)
  const samples = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < ROUNDS + 1; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) {
      const started = process.hrtime.bigint()
      for (let i = 0; i < REQUESTS; i++) await tasks[name]()
      const perCall = Number(process.hrtime.bigint() - started) / REQUESTS / 1000
      if (round > 0) samples[name].push(perCall)
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]))
}

async function checkCost(client, cachingClient) {
  Date.now = realNow
  const stores = {
    'in-process store': ringjwt.createSessionStore(),
    'Redis store': ringjwt.createRedisSessionStore(client),
    'Redis store, client-side cache': ringjwt.createRedisSessionStore(cachingClient),
  }
  const plain = signer.sign({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 900 })
  // The hook alone (`() => false`) costs something too: the middleware then builds the whole decoded token.
  const middlewares = [
    ['no check', plain, undefined],
    ['isRevoked: () => false', plain, () => false],
  ]
  const checks = {}
  for (const [name, store] of Object.entries(stores)) {
    const { token } = await store.create('user-1', undefined, { sign })
    middlewares.push([name, token, store.isRevoked])
    const decoded = ringjwt.verify(token, SECRET, { algorithms: ['HS256'], complete: true })
    checks[name] = () => store.isRevoked({}, decoded)
  }
  const tasks = {}
  for (const [name, token, isRevoked] of middlewares) {
    const middleware = expressjwt({ secret: SECRET, algorithms: ['HS256'], isRevoked })
    const headers = { authorization: `Bearer ${token}` }
    tasks[name] = () => runMiddleware(middleware, { headers })
  }
  return { middleware: await timeTasks(tasks), check: await timeTasks(checks) }
}

// Milliseconds from end() through `client` resolving to the first check through `cachingClient` that refuses.
async function invalidationLag(client, cachingClient, sessions = 200) {
  const writer = ringjwt.createRedisSessionStore(client)
  const reader = ringjwt.createRedisSessionStore(cachingClient)
  const lags = []
  for (let i = 0; i < sessions; i++) {
    const { session, token } = await writer.create(`lag-${i}`, undefined, { sign })
    await reader.isRevoked(token)
    await reader.isRevoked(token)
    await writer.end(session.id)
    const ended = process.hrtime.bigint()
    for (;;) {
      try {
        await reader.isRevoked(token)
      } catch {
        break
      }
      await new Promise(setImmediate)
    }
    lags.push(Number(process.hrtime.bigint() - ended) / 1e6)
  }
  return { median: median(lags), max: Math.max(...lags) }
}

async function main() {
  console.log(`node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores`)
  let server
  let url = process.env.REDIS_URL
  if (!url) {
    const { startRedis } = require('../__test__/helpers/redis')
    server = await startRedis()
    url = server.url
  }
  const client = createClient({ url })
  const cachingClient = createClient({ url, RESP: 3, clientSideCache: { maxEntries: 10_000 } })
  await client.connect()
  await cachingClient.connect()
  try {
    if (flags.only !== 'check') await memory(client)
    const costs = await checkCost(client, cachingClient)
    console.log(`\nmiddleware per request (HS256, median of ${ROUNDS} rounds of ${REQUESTS.toLocaleString('en')})`)
    for (const [name, micros] of Object.entries(costs.middleware)) {
      const added = name === 'no check' ? '' : ` (+${(micros - costs.middleware['no check']).toFixed(2)} µs)`
      console.log(`  ${name.padEnd(32)} ${micros.toFixed(2)} µs${added}`)
    }
    console.log(`\nthe check alone, isRevoked(req, decoded) (median of ${ROUNDS} rounds)`)
    for (const [name, micros] of Object.entries(costs.check)) {
      console.log(`  ${name.padEnd(32)} ${micros.toFixed(2)} µs`)
    }
    const lag = await invalidationLag(client, cachingClient)
    console.log(
      `\nan end() through another client, refused by the cached check after ${lag.median.toFixed(2)} ms ` +
        `(median of 200; at most ${lag.max.toFixed(2)} ms)`,
    )
  } finally {
    await client.quit()
    await cachingClient.quit()
    await server?.stop()
  }
}

async function memory(client) {
  const inProcess = await memoryInProcess()
  console.log(`\n${COUNT.toLocaleString('en')} sessions, each refreshed ${ROTATIONS} times`)
  console.log(
    `  in process  ${inProcess.bytes.toFixed(0)} bytes per session (RSS +${mb(inProcess.total)}, ${inProcess.size} records)`,
  )
  for (const listpackValue of [64, 512]) {
    const inRedis = await memoryInRedis(client, listpackValue)
    console.log(
      `  in Redis    ${inRedis.bytes.toFixed(0)} bytes per session (used_memory +${mb(inRedis.total)}, ` +
        `${inRedis.keys} keys, hash-max-listpack-value ${listpackValue})`,
    )
  }
  await client.configSet('hash-max-listpack-value', '64')
  await client.flushDb()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
