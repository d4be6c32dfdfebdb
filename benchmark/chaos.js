'use strict'
// Load and chaos on a Redis Cluster: three primaries with a replica each (the test helper's Cluster, on free
// loopback ports), three instances of the demo app (examples/server.js's stores with REDIS_CLUSTER and
// REDIS_MIN_REPLICAS=1, each a process of its own) and mixed traffic for `--seconds` (default 30): each worker
// logs in as a user of its own, from a loopback address of its own (127.0.0.x: the failed sign-in limits count
// per account and per address), calls /me, refreshes, calls /me again and logs out, on instances picked in turn.
// A third of the way in, the primary that holds the first user's session index is killed (SIGKILL);
// `--restart-after` seconds later (default 10) it is started again and rejoins as a replica.
//
// Reported: requests per second, p50 and p99 latency, the 503s (how many, by route, and the window from the first
// to the last after the kill), the 500s and other failures (must be 0), and the tokens accepted after an
// acknowledged logout (must be 0): each logout answered 200 is checked at once on another instance, and every
// logged-out token again on all three instances once the run is over.
//
//   node benchmark/chaos.js [--client redis|ioredis] [--seconds 30] [--workers 12] [--restart-after 10]
//
// A client backs off 100 ms after a 503 (the demo sends Retry-After: 1; a browser would wait longer), so that the
// 503 count is not a count of how fast a loop can spin.

const http = require('node:http')
const os = require('node:os')
const { parseArgs } = require('node:util')
const { setTimeout: sleep } = require('node:timers/promises')
const { startCluster } = require('../__test__/helpers/redis')
const { startServer } = require('../__test__/helpers/demo')

const { values: flags } = parseArgs({
  options: {
    client: { type: 'string', default: 'redis' },
    seconds: { type: 'string', default: '30' },
    workers: { type: 'string', default: '12' },
    'restart-after': { type: 'string', default: '10' },
    instance: { type: 'boolean', default: false },
  },
})
const SECONDS = Number(flags.seconds)
const WORKERS = Number(flags.workers)
const RESTART_AFTER = Number(flags['restart-after']) * 1000
const KILL_AT = (SECONDS * 1000) / 3
const INSTANCES = 3
const CHECKS_PER_TOKEN = 5
const BACKOFF = 100
const REQUEST_TIMEOUT = 10_000

const SECRET = 'chaos benchmark secret, long enough for HS256'
const PASSWORD = 'correct horse battery staple'
const emailOf = (worker) => `chaos${worker}@example.com`

// scrypt at 2^10 rather than the demo's 2^17 (128 MB and a few hundred ms a login): the run measures the Redis
// path, and logins would otherwise take most of the two cores.
const PASSWORD_HASHING = Object.freeze({ ln: 10, r: 8, p: 1 })

// A demo instance (this file with --instance): the stores examples/server.js makes from the environment, and one
// user per worker.
async function instance() {
  const { createApp, createUser } = require('../examples/app')
  const { stores } = require('../examples/server')
  const { sessions, loginLimits, dpopReplayCache } = await stores()
  const users = await Promise.all(
    Array.from({ length: WORKERS }, (_, i) => createUser(emailOf(i), PASSWORD, PASSWORD_HASHING)),
  )
  const passwordHashing = PASSWORD_HASHING
  const app = createApp({ secret: SECRET, sessions, loginLimits, dpopReplayCache, users, passwordHashing })
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`)
  })
  process.once('SIGTERM', () => process.exit())
}

// A demo instance on a free port, until it says where it listens; its stderr kept.
const startDemo = (env) => startServer(env, [__filename, '--instance', '--workers', String(WORKERS)])

const started = performance.now()
const elapsed = () => performance.now() - started
const records = [] // { at, route, status, ms }
let killedAt = null
let restartedAt = null
let trafficFrom = null

// One request over `agent` (a worker's own source address), recorded unless told otherwise.
function call(agent, base, route, { method = 'GET', token, json, record = true } = {}) {
  const headers = {}
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const body = json === undefined ? undefined : JSON.stringify(json)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const begin = performance.now()
  return new Promise((resolve) => {
    const req = http.request(base + route, { method, headers, agent, timeout: REQUEST_TIMEOUT }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode, body: text === '' ? null : JSON.parse(text) }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (err) => resolve({ status: err.message === 'timeout' ? 'timeout' : 'network', body: null }))
    req.end(body)
  }).then(async (answer) => {
    if (record) records.push({ at: begin - started, route, status: answer.status, ms: performance.now() - begin })
    if (answer.status === 503) await sleep(BACKOFF)
    return answer
  })
}

const loggedOut = [] // tokens of sessions whose logout was answered 200
let acceptedAfterLogout = 0

const agentFor = (worker) => new http.Agent({ keepAlive: true, localAddress: `127.0.0.${10 + worker}` })

async function worker(index, apps, deadline) {
  const agent = agentFor(index)
  const credentials = { email: emailOf(index), password: PASSWORD }
  let turn = index
  const next = () => apps[turn++ % apps.length].base
  while (elapsed() < deadline) {
    const login = await call(agent, next(), '/login', { method: 'POST', json: credentials })
    if (login.status !== 200) continue
    const tokens = [login.body.token]
    for (let i = 0; i < CHECKS_PER_TOKEN; i++) await call(agent, next(), '/me', { token: tokens.at(-1) })
    const refreshed = await call(agent, next(), '/refresh', {
      method: 'POST',
      json: { refreshToken: login.body.refreshToken },
    })
    if (refreshed.status === 200) tokens.push(refreshed.body.token)
    for (let i = 0; i < CHECKS_PER_TOKEN; i++) await call(agent, next(), '/me', { token: tokens.at(-1) })
    const logout = await call(agent, next(), '/logout', { method: 'POST', token: tokens.at(-1) })
    if (logout.status !== 200) continue
    loggedOut.push(...tokens)
    for (const token of tokens) {
      const me = await call(agent, next(), '/me', { token })
      if (me.status === 200) acceptedAfterLogout++
    }
  }
  agent.destroy()
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

function report(durationMs, finalCheck, stderr) {
  const latencies = records.map((r) => r.ms).sort((a, b) => a - b)
  const byStatus = {}
  const unavailableByRoute = {}
  for (const { route, status } of records) {
    byStatus[status] = (byStatus[status] ?? 0) + 1
    if (status === 503) unavailableByRoute[route] = (unavailableByRoute[route] ?? 0) + 1
  }
  const unavailable = records.filter((r) => r.status === 503).sort((a, b) => a.at - b.at)
  const afterKill = unavailable.filter((r) => r.at >= killedAt)
  const failures = records.filter((r) => typeof r.status !== 'number' || (r.status >= 500 && r.status !== 503))
  const windowOf = (refused) =>
    refused.length === 0 ? 'none' : `${seconds(refused[0].at - killedAt)} to ${seconds(refused.at(-1).at - killedAt)}`
  const windows = Object.keys(unavailableByRoute)
    .map((route) => `${route} ${windowOf(afterKill.filter((r) => r.route === route))}`)
    .join(', ')
  const window = `${windowOf(afterKill)} after the kill (${windows})`
  const lines = [
    `client ${flags.client}, ${INSTANCES} demo instances, ${WORKERS} workers, ${seconds(durationMs)} of traffic ` +
      `(load average ${os.loadavg()[0].toFixed(1)}, ${os.cpus().length} cores)`,
    `primary killed ${seconds(killedAt - trafficFrom)} into the traffic, started again (a replica) ` +
      `${seconds(restartedAt - killedAt)} after the kill`,
    `requests: ${records.length}, ${(records.length / (durationMs / 1000)).toFixed(0)} req/s`,
    `latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    `statuses: ${JSON.stringify(byStatus)}`,
    `503: ${unavailable.length} (${JSON.stringify(unavailableByRoute)}), ${afterKill.length} after the kill, ${window}`,
    `500s and other failures: ${failures.length}`,
    `logged-out tokens: ${loggedOut.length}; accepted after an acknowledged logout: ${acceptedAfterLogout} at once, ` +
      `${finalCheck.accepted} of ${finalCheck.checks} checks on all instances afterwards (other answers: ` +
      `${JSON.stringify(finalCheck.other)})`,
    `instances' stderr lines: ${stderr.split('\n').filter(Boolean).length}`,
  ]
  return lines.join('\n')
}

async function main() {
  process.stderr.write('starting a Cluster (3 primaries, 3 replicas)...\n')
  const cluster = await startCluster()
  const apps = []
  try {
    const env = {
      REDIS_CLUSTER: cluster.rootNodes.map(({ host, port }) => `${host}:${port}`).join(','),
      REDIS_CLIENT: flags.client,
      REDIS_MIN_REPLICAS: '1',
    }
    apps.push(...(await Promise.all(Array.from({ length: INSTANCES }, () => startDemo(env)))))
    // The first user's session index: each of its logins writes it, so its primary is the one killed.
    const agent = agentFor(WORKERS)
    const first = await call(agent, apps[0].base, '/login', {
      method: 'POST',
      json: { email: emailOf(0), password: PASSWORD },
      record: false,
    })
    await call(agent, apps[0].base, '/logout', { method: 'POST', token: first.body.token, record: false })
    const { sub } = JSON.parse(Buffer.from(first.body.token.split('.')[1], 'base64url'))
    const target = await cluster.primaryFor(`ringjwt:session:subject:{${sub}}`)

    process.stderr.write(`traffic for ${SECONDS} s...\n`)
    const begin = elapsed()
    trafficFrom = begin
    const chaos = (async () => {
      await sleep(KILL_AT)
      killedAt = elapsed()
      await target.kill()
      await sleep(RESTART_AFTER)
      restartedAt = elapsed()
      await target.up()
    })()
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i, apps, begin + SECONDS * 1000)))
    const durationMs = elapsed() - begin
    await chaos
    await cluster.healthy()

    process.stderr.write(`checking ${loggedOut.length} logged-out tokens on every instance...\n`)
    const finalCheck = { checks: 0, accepted: 0, other: {} }
    const queue = loggedOut.flatMap((token) => apps.map((app) => [app, token]))
    queue.push(...apps.map((app) => [app, first.body.token]))
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
          const [app, token] = item
          const { status } = await call(agent, app.base, '/me', { token, record: false })
          finalCheck.checks++
          if (status === 200) finalCheck.accepted++
          else if (status !== 401) finalCheck.other[status] = (finalCheck.other[status] ?? 0) + 1
        }
      }),
    )
    agent.destroy()
    const stderr = apps.map((app) => app.stderr).join('')
    console.log(report(durationMs, finalCheck, stderr))
    if (stderr) console.log(`\ninstances' stderr:\n${stderr.split('\n').slice(0, 20).join('\n')}`)
  } finally {
    await Promise.all(apps.map((app) => app.stop()))
    await cluster.stop()
  }
}

;(flags.instance ? instance() : main()).catch((err) => {
  console.error(err)
  process.exit(1)
})
