'use strict'
// HTTP throughput of Express 5 apps on 127.0.0.1, in one run: no authentication (bare), express-jwt 8 on
// jsonwebtoken, ringjwt's expressjwt, and ringjwt's expressjwt with its verified-token cache, each answering one
// JSON route behind the middleware, for HS256 and RS256 tokens. autocannon drives the load from this process;
// the apps run in a child process, so on a 2-core machine the load generator and the server each have a core.
//
//   node benchmark/express-throughput.js [--duration 5] [--rounds 5] [--connections 10] [--warmup 3] [--json]
//
// Before timing, every app is checked to answer the same for a valid token and a bad one. Each round measures
// every app once per algorithm, rotating the order of the apps; the table shows medians over the rounds. Next
// to requests per second it shows the server's CPU time per request (user + system, from process.cpuUsage() in
// the server process), which other load on the machine disturbs less than throughput.

const os = require('node:os')
const { fork } = require('node:child_process')
const { parseArgs, isDeepStrictEqual } = require('node:util')
const { generateKeyPairSync } = require('node:crypto')
const { median } = require('./measure')

const ALGORITHMS = ['HS256', 'RS256']
const APPS = ['bare', 'express-jwt', 'ringjwt', 'ringjwt, cache']
const JWT_APPS = APPS.slice(1)
// The benchmark sends one token over and over: with the cache, every request after the first is a cache hit.
const CACHE_SIZE = 1000
const ROUTE = '/orders'

// ---------------------------------------------------------------------------------------------------------------
// The server side (child process): one app per algorithm and middleware, each on a free port.

function serve() {
  const express = require('express')
  const expressJwt = require('express-jwt')
  const ringjwt = require('..')

  const makeApp = (middleware) => {
    const app = express()
    app.disable('x-powered-by')
    app.disable('etag')
    if (middleware) app.use(middleware)
    app.get(ROUTE, (req, res) => {
      res.json({ sub: req.auth?.sub ?? null })
    })
    app.use((err, req, res, _next) => {
      res.status(err.status || 500).json({ code: err.code, message: err.message })
    })
    return app
  }

  process.on('message', (message) => {
    if (message.cpu) process.send({ cpu: process.cpuUsage() })
  })
  process.once('message', async ({ keys }) => {
    const ports = {}
    for (const alg of ALGORITHMS) {
      const options = { secret: keys[alg].verify, algorithms: [alg] }
      const apps = {
        bare: makeApp(null),
        'express-jwt': makeApp(expressJwt.expressjwt(options)),
        ringjwt: makeApp(ringjwt.expressjwt(options)),
        'ringjwt, cache': makeApp(ringjwt.expressjwt({ ...options, cache: CACHE_SIZE })),
      }
      ports[alg] = {}
      for (const name of APPS) {
        const server = apps[name].listen(0, '127.0.0.1')
        await new Promise((resolve) => server.once('listening', resolve))
        ports[alg][name] = server.address().port
      }
    }
    process.send({ ports })
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The load side (this process).

function startServer(keys) {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.once('message', ({ ports }) => resolve({ child, ports }))
    child.send({ keys })
  })
}

// The server's CPU time so far, in microseconds.
function serverCpu(child) {
  return new Promise((resolve) => {
    child.once('message', ({ cpu }) => resolve(cpu.user + cpu.system))
    child.send({ cpu: true })
  })
}

function makeKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const secret = 'a benchmark secret of thirty-two+ characters'
  return {
    HS256: { sign: secret, verify: secret },
    RS256: {
      sign: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      verify: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    },
  }
}

async function get(port, token) {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  const response = await fetch(`http://127.0.0.1:${port}${ROUTE}`, { headers })
  return { status: response.status, body: await response.json() }
}

// Every app answers the valid token with the same body; the two middlewares refuse a bad one alike.
async function checkApps(ports, tokens) {
  for (const alg of ALGORITHMS) {
    const expected = { status: 200, body: { sub: 'user-1' } }
    for (const name of JWT_APPS) {
      const ok = await get(ports[alg][name], tokens[alg])
      if (!isDeepStrictEqual(ok, expected)) throw new Error(`${name} ${alg}: ${JSON.stringify(ok)}`)
    }
    const bare = await get(ports[alg].bare, tokens[alg])
    if (!isDeepStrictEqual(bare, { status: 200, body: { sub: null } })) throw new Error(`bare: ${JSON.stringify(bare)}`)
    const tampered = tokens[alg].slice(0, -4) + (tokens[alg].endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const refusals = await Promise.all(JWT_APPS.map((name) => get(ports[alg][name], tampered)))
    if (refusals.some((refusal) => !isDeepStrictEqual(refusal, refusals[0])) || refusals[0].status !== 401) {
      throw new Error(`${alg} refusals differ: ${JSON.stringify(refusals)}`)
    }
  }
}

function run(autocannon, { port, token, connections, duration }) {
  return autocannon({
    url: `http://127.0.0.1:${port}${ROUTE}`,
    connections,
    duration,
    headers: { authorization: `Bearer ${token}` },
  })
}

async function main() {
  const { values: flags } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      serve: { type: 'boolean', default: false },
    },
  })
  const settings = {
    duration: Number(flags.duration),
    rounds: Number(flags.rounds),
    connections: Number(flags.connections),
    warmup: Number(flags.warmup),
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`--${name} must be a positive integer`)
  }
  const autocannon = require('autocannon')
  const jsonwebtoken = require('jsonwebtoken')

  const keys = makeKeys()
  const payload = { sub: 'user-1', scope: ['orders:read', 'orders:write'], tenant: 't-42' }
  const tokens = Object.fromEntries(
    ALGORITHMS.map((alg) => [alg, jsonwebtoken.sign(payload, keys[alg].sign, { algorithm: alg, expiresIn: '1d' })]),
  )
  const { child, ports } = await startServer(keys)
  child.removeAllListeners('exit')
  const log = flags.json ? () => {} : (line) => process.stderr.write(`${line}\n`)

  try {
    await checkApps(ports, tokens)
    const samples = Object.fromEntries(ALGORITHMS.map((alg) => [alg, Object.fromEntries(APPS.map((a) => [a, []]))]))
    for (const alg of ALGORITHMS) {
      for (const name of APPS) {
        await run(autocannon, { port: ports[alg][name], token: tokens[alg], ...settings, duration: settings.warmup })
      }
    }
    for (let round = 0; round < settings.rounds; round++) {
      const order = APPS.map((_, i) => APPS[(i + round) % APPS.length])
      for (const alg of ALGORITHMS) {
        for (const name of order) {
          const cpuBefore = await serverCpu(child)
          const result = await run(autocannon, { port: ports[alg][name], token: tokens[alg], ...settings })
          const cpu = (await serverCpu(child)) - cpuBefore
          if (result.errors || result.non2xx || result.timeouts) {
            throw new Error(`${alg} ${name}: ${result.errors} errors, ${result.non2xx} non-2xx responses`)
          }
          samples[alg][name].push({
            rps: result.requests.average,
            cpuPerRequest: cpu / result.requests.total,
            p50: result.latency.p50,
            p99: result.latency.p99,
          })
          log(
            `round ${round + 1}/${settings.rounds} ${alg} ${name}: ${Math.round(result.requests.average)} req/s, ` +
              `${(cpu / result.requests.total).toFixed(1)} µs CPU/req`,
          )
        }
      }
    }

    const rows = []
    for (const alg of ALGORITHMS) {
      const bare = median(samples[alg].bare.map((s) => s.rps))
      const bareCpu = median(samples[alg].bare.map((s) => s.cpuPerRequest))
      for (const name of APPS) {
        const list = samples[alg][name]
        const rps = median(list.map((s) => s.rps))
        rows.push({
          alg,
          app: name,
          rps: Math.round(rps),
          vsBare: rps / bare,
          cpuPerRequest: Number(median(list.map((s) => s.cpuPerRequest)).toFixed(1)),
          cpuOverBare: Number((median(list.map((s) => s.cpuPerRequest)) - bareCpu).toFixed(1)),
          p50: median(list.map((s) => s.p50)),
          p99: median(list.map((s) => s.p99)),
          rounds: list.map((s) => Math.round(s.rps)),
        })
      }
    }
    const machine = {
      node: process.version,
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      loadavg: os.loadavg().map((n) => Number(n.toFixed(2))),
      express: require('express/package.json').version,
      expressJwt: require('express-jwt/package.json').version,
      autocannon: require('autocannon/package.json').version,
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ settings, machine, rows }, null, 2)}\n`)
    } else {
      console.log(
        `\nNode ${machine.node}, ${machine.cores} × ${machine.cpu}; Express ${machine.express}, express-jwt ` +
          `${machine.expressJwt}; autocannon ${machine.autocannon}, ${settings.connections} connections, ` +
          `${settings.rounds} rounds × ${settings.duration} s per app (medians); load average ${machine.loadavg.join(' ')}\n`,
      )
      console.log('| alg | app | req/s | vs bare | server CPU µs/req | over bare | p50 ms | p99 ms |')
      console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
      for (const row of rows) {
        const bare = row.app === 'bare'
        const vsBare = bare ? '—' : `${row.vsBare >= 1 ? '+' : ''}${((row.vsBare - 1) * 100).toFixed(1)}%`
        const over = bare ? '—' : `${row.cpuOverBare >= 0 ? '+' : ''}${row.cpuOverBare}`
        console.log(
          `| ${row.alg} | ${row.app} | ${row.rps} | ${vsBare} | ${row.cpuPerRequest} | ${over} | ${row.p50} | ${row.p99} |`,
        )
      }
    }
  } finally {
    child.kill()
  }
}

if (process.argv.includes('--serve')) {
  serve()
} else {
  main().catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
}
