'use strict'
// The server's CPU time per request of a protected route, in each framework, with ringjwt's plugin and with the
// one it replaces: Express + ringjwt/express against express-jwt, Fastify + ringjwt/fastify against @fastify/jwt,
// Hono (on @hono/node-server) + ringjwt/hono against hono/jwt.
// Each is measured without a session check and with one: the in-process session store, the Redis store on a
// node-redis client and on an ioredis one, and on a node-redis client with client-side caching (RESP3). The JWT
// part is the route with authentication minus the same route without it (`bare`).
//
//   node benchmark/frameworks.js [--requests 4000] [--rounds 5] [--connections 10] [--framework express|fastify|hono]
//                                [--isolated] [--session none|memory|redis|'redis (ioredis)'|'redis, client cache'|
//                                                       'one turn' ...]
//
// The apps run in a child process (with --isolated, each app in a child process of its own: apps that share a process
// share V8's type feedback for their common code, a heap and the Redis clients); autocannon sends a fixed number of
// requests from this one, and the child's process.cpuUsage() before and after gives the CPU time per request, which
// other load on a shared machine disturbs far less than throughput. The order of the apps rotates every round; the
// table shows medians, and beside the ratio of the medians, the median and range of each round's own ratio (the two
// apps of a row and the bare route measured in the same round, so that the machine's speed changing from one round to
// the next moves them together), and the ratio of the JWT parts counted in user time alone: the kernel's time for the
// same socket calls differs from app to app (more for a slower app in the runs so far), and this column leaves it out.
// The last column is the server's read and write system calls per request (Linux): every HTTP request costs its own
// read and write, and the Redis rows add the share of a write and a read that each request's command gets, so two apps
// of a row with the same figures did the same I/O. Redis is a throwaway redis-server on a free loopback port. Every app
// is checked to answer the token first.

const fs = require('node:fs')
const os = require('node:os')
const { fork } = require('node:child_process')
const { parseArgs } = require('node:util')
const { median } = require('./measure')

const SECRET = 'a benchmark secret of thirty-two+ characters'
const ROUTE = '/orders'
// The rows, by their session check (--session, once per row; the first five by default). `one turn` is the
// in-process store answering after one turn of the event loop (setImmediate): a check that waits as a round trip
// does, without Redis. `redis` is the Redis store on a node-redis client, `redis (ioredis)` on an ioredis one.
const SESSIONS = ['none', 'memory', 'redis', 'redis (ioredis)', 'redis, client cache']
const MORE_SESSIONS = ['one turn']
const IMPLEMENTATIONS = {
  express: ['express-jwt', 'ringjwt/express'],
  fastify: ['@fastify/jwt', 'ringjwt/fastify'],
  hono: ['hono/jwt', 'ringjwt/hono'],
}

// ---------------------------------------------------------------------------------------------------------------
// The server side (child process).

async function sessionStores(redisUrl) {
  const { createClient } = require('redis')
  const ringjwt = require('..')
  const plain = createClient({ url: redisUrl })
  const cached = createClient({ url: redisUrl, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 10_000 } })
  const ioredis = new (require('ioredis'))(redisUrl, { lazyConnect: true })
  await Promise.all([plain.connect(), cached.connect(), ioredis.connect()])
  const memory = ringjwt.createSessionStore()
  return {
    none: null,
    memory,
    'one turn': {
      create: (subject) => memory.create(subject),
      isRevoked: (...args) => new Promise((resolve) => setImmediate(() => resolve(memory.isRevoked(...args)))),
    },
    redis: ringjwt.createRedisSessionStore(plain),
    'redis, client cache': ringjwt.createRedisSessionStore(cached),
    'redis (ioredis)': ringjwt.createRedisSessionStore(ioredis),
  }
}

// Each app answers ROUTE with the token's subject; `auth` is null (bare) or [implementation, session store].
const builders = {
  express(auth) {
    const express = require('express')
    const app = express()
    app.disable('x-powered-by')
    app.disable('etag')
    if (auth) {
      const [name, store] = auth
      const options = { secret: SECRET, algorithms: ['HS256'] }
      if (store) options.isRevoked = store.isRevoked
      const { expressjwt } = name === 'express-jwt' ? require('express-jwt') : require('../express')
      app.use(expressjwt(options))
    }
    app.get(ROUTE, (req, res) => res.json({ sub: req.auth?.sub ?? null }))
    app.use((err, req, res, _next) => res.status(err.status || 500).json({ code: err.code }))
    return {
      listen: () =>
        new Promise((resolve) => {
          const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port))
        }),
    }
  },
  fastify(auth) {
    const app = require('fastify')()
    if (auth) {
      const [name, store] = auth
      if (name === '@fastify/jwt') {
        // Its hook for such a check is `trusted`, given the payload.
        const trusted = store ? async (request, payload) => !(await store.isRevoked(payload)) : undefined
        app.register(require('@fastify/jwt'), { secret: SECRET, verify: { algorithms: ['HS256'] }, trusted })
      } else {
        const options = { secret: SECRET, verify: { algorithms: ['HS256'] } }
        if (store) options.isRevoked = store.isRevoked
        app.register(require('../fastify'), options)
      }
      app.addHook('onRequest', (request) => request.jwtVerify())
    }
    app.get(ROUTE, async (request) => ({ sub: request.user?.sub ?? null }))
    return { listen: () => app.listen({ port: 0, host: '127.0.0.1' }).then(() => app.server.address().port) }
  },
  hono(auth) {
    const { Hono } = require('hono')
    const { serve } = require('@hono/node-server')
    const app = new Hono()
    if (auth) {
      const [name, store] = auth
      const { jwt } = name === 'hono/jwt' ? require('hono/jwt') : require('../hono')
      app.use(ROUTE, jwt({ secret: SECRET, alg: 'HS256' }))
      // Neither middleware has a hook for the check: it is the next middleware, the same for both.
      if (store) {
        app.use(ROUTE, async (c, next) => {
          await store.isRevoked(c.get('jwtPayload'))
          await next()
        })
      }
    }
    app.get(ROUTE, (c) => c.json({ sub: c.get('jwtPayload')?.sub ?? null }))
    return {
      listen: () =>
        new Promise((resolve) => {
          serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
        }),
    }
  },
}

// The apps of a framework, in order: the bare route, then each implementation with each session check.
function appsOf(framework, sessions) {
  const apps = [{ name: 'bare' }]
  for (const session of sessions) for (const name of IMPLEMENTATIONS[framework]) apps.push({ name, session })
  return apps
}

// Serves the apps of `framework` numbered in `only` (all of them when it is empty).
async function serve(framework, redisUrl, sessions, only) {
  const ringjwt = require('..')
  const stores = await sessionStores(redisUrl)
  const signer = ringjwt.createSigner({ key: SECRET, algorithm: 'HS256' })
  const apps = []
  for (const [index, app] of appsOf(framework, sessions).entries()) {
    if (only.length > 0 && !only.includes(index)) continue
    if (app.name === 'bare') {
      apps.push({ ...app, port: await builders[framework](null).listen() })
      continue
    }
    const store = stores[app.session]
    const claims = store
      ? (await store.create('user-1')).claims
      : { sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 3600 }
    const port = await builders[framework]([app.name, store]).listen()
    apps.push({ ...app, token: signer.sign(claims), port })
  }
  process.on('message', (message) => {
    if (message === 'usage') process.send({ cpu: process.cpuUsage(), syscalls: syscalls() })
  })
  process.send({ apps })
}

// ---------------------------------------------------------------------------------------------------------------
// The load side (this process).

// A server process for the apps numbered in `only` (all when empty); resolves to the apps, each with its process.
function startServer(framework, redisUrl, sessions, only) {
  const args = ['--serve', framework, '--redis', redisUrl, '--sessions', sessions.join(';'), ...only.map(String)]
  const child = fork(__filename, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.once('message', ({ apps }) => resolve(apps.map((app) => ({ ...app, child }))))
  })
}

// The read and write system calls this process has made (Linux's /proc/self/io; null elsewhere): each socket read
// and write, HTTP's and Redis's.
function syscalls() {
  try {
    const io = fs.readFileSync('/proc/self/io', 'latin1')
    return Number(/^syscr: (\d+)$/m.exec(io)[1]) + Number(/^syscw: (\d+)$/m.exec(io)[1])
  } catch {
    return null
  }
}

// The server's CPU time so far (µs), the part of it in user space, and its read and write system calls.
function serverUsage(child) {
  return new Promise((resolve) => {
    child.once('message', ({ cpu, syscalls }) => resolve({ cpu: cpu.user + cpu.system, user: cpu.user, syscalls }))
    child.send('usage')
  })
}

function load({ port, token }, amount, connections) {
  const autocannon = require('autocannon')
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${ROUTE}`, headers, amount, connections }, (err, result) => {
      if (err) return reject(err)
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`port ${port}: refused requests`))
      resolve(result)
    })
  })
}

async function check(app) {
  const headers = app.token ? { authorization: `Bearer ${app.token}` } : {}
  const response = await fetch(`http://127.0.0.1:${app.port}${ROUTE}`, { headers })
  const body = await response.json()
  const expected = app.name === 'bare' ? null : 'user-1'
  if (response.status !== 200 || body.sub !== expected) {
    throw new Error(`${app.name} (${app.session}): ${response.status} ${JSON.stringify(body)}`)
  }
}

async function measureFramework(framework, redisUrl, flags) {
  const { sessions } = flags
  const start = (only) => startServer(framework, redisUrl, sessions, only)
  const apps = flags.isolated
    ? (await Promise.all(appsOf(framework, sessions).map((_, index) => start([index])))).flat()
    : await start([])
  try {
    for (const app of apps) await check(app)
    const label = (app) => (app.session ? `${app.name} | ${app.session}` : app.name)
    // Per app, one sample a round, per request: CPU µs, the part in user space, socket calls (NaN off Linux).
    const samples = new Map(apps.map((app) => [label(app), []]))
    for (const app of apps) await load(app, flags.requests, flags.connections) // warm-up
    for (let round = 0; round < flags.rounds; round++) {
      for (let i = 0; i < apps.length; i++) {
        const app = apps[(i + round) % apps.length]
        const before = await serverUsage(app.child)
        await load(app, flags.requests, flags.connections)
        const after = await serverUsage(app.child)
        samples.get(label(app)).push({
          cpu: (after.cpu - before.cpu) / flags.requests,
          user: (after.user - before.user) / flags.requests,
          syscalls: after.syscalls === null ? NaN : (after.syscalls - before.syscalls) / flags.requests,
        })
      }
      process.stderr.write(`${framework}: round ${round + 1} of ${flags.rounds}\n`)
    }
    const medianOf = (name, field) => median(samples.get(name).map((sample) => sample[field]))
    const rows = []
    for (const session of sessions) {
      const names = ['bare', ...IMPLEMENTATIONS[framework].map((name) => `${name} | ${session}`)]
      const [bare, original, ours] = names.map((name) => medianOf(name, 'cpu'))
      const [userBare, userOriginal, userOurs] = names.map((name) => medianOf(name, 'user'))
      const [bares, originals, ourss] = names.map((name) => samples.get(name).map((sample) => sample.cpu))
      rows.push({
        framework,
        session,
        bare,
        original,
        ours,
        ratio: (ours - bare) / (original - bare),
        rounds: bares.map((b, r) => (ourss[r] - b) / (originals[r] - b)),
        userRatio: (userOurs - userBare) / (userOriginal - userBare),
        syscalls: names.map((name) => medianOf(name, 'syscalls')),
      })
    }
    return rows
  } finally {
    for (const child of new Set(apps.map((app) => app.child))) {
      child.removeAllListeners('exit')
      child.kill()
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '4000' },
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      framework: { type: 'string', multiple: true },
      isolated: { type: 'boolean', default: false },
      session: { type: 'string', multiple: true },
    },
  })
  const sessions = values.session ?? SESSIONS
  for (const session of sessions) {
    if (!SESSIONS.includes(session) && !MORE_SESSIONS.includes(session)) {
      const known = [...SESSIONS, ...MORE_SESSIONS].map((name) => `"${name}"`).join(', ')
      throw new Error(`--session "${session}" is not one of ${known}`)
    }
  }
  const flags = {
    requests: Number(values.requests),
    rounds: Number(values.rounds),
    connections: Number(values.connections),
    isolated: values.isolated,
    sessions,
  }
  const frameworks = values.framework ?? Object.keys(IMPLEMENTATIONS)
  const { startRedis } = require('../__test__/helpers/redis')
  const redis = await startRedis()
  const rows = []
  try {
    for (const framework of frameworks) rows.push(...(await measureFramework(framework, redis.url, flags)))
  } finally {
    await redis.stop()
  }
  const load = os.loadavg()[0].toFixed(1)
  console.log(
    `\nNode ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, load average ${load}; ` +
      `server CPU µs per request, median of ${flags.rounds} rounds of ${flags.requests} requests, ` +
      `${flags.connections} connections\n`,
  )
  console.log(
    '| framework | session check | bare route | original | ringjwt | JWT part: original | ringjwt | ratio | ' +
      'per round: median (range) | ratio in user time | system calls per request: bare, original, ringjwt |',
  )
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of rows) {
    const [a, b] = IMPLEMENTATIONS[r.framework]
    const cells = [r.bare, r.original, r.ours, r.original - r.bare, r.ours - r.bare].map((v) => v.toFixed(1))
    const times = (v) => `${v.toFixed(2)}×`
    const rounds = `${times(median(r.rounds))} (${times(Math.min(...r.rounds))}–${times(Math.max(...r.rounds))})`
    const syscalls = r.syscalls.map((v) => (Number.isNaN(v) ? '-' : v.toFixed(2))).join(', ')
    console.log(
      `| ${r.framework} (${b} vs ${a}) | ${r.session} | ${cells.join(' | ')} | ${times(r.ratio)} | ${rounds} | ` +
        `${times(r.userRatio)} | ${syscalls} |`,
    )
  }
}

if (process.argv[2] === '--serve') {
  const [framework, , redisUrl, , sessions, ...only] = process.argv.slice(3)
  serve(framework, redisUrl, sessions.split(';'), only.map(Number)).catch((err) => {
    console.error(err)
    process.exit(1)
  })
} else {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
