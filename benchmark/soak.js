'use strict'
// Soak: HTTP load for a while (30 s by default) against an Express 5 app that runs ringjwt's middleware on
// 127.0.0.1, with a mix of valid, expired, revoked, forged and malformed tokens. It passes when
//   - no request gets a 5xx, and each gets the status its token calls for (200 or 401), as the server counts;
//   - no connection fails and no request times out (autocannon's errors and timeouts), and the server still
//     answers afterwards;
//   - memory is flat after the warm-up: resident memory (RSS) rises by at most --max-growth MB, the memory outside
//     the V8 heap grows by at most --max-slope MB/min, and the live JS heap after a full GC by at most
//     --max-heap-growth MB (see memoryFigures);
// and exits with 1 otherwise.
//
//   node benchmark/soak.js [--duration 30] [--connections 20] [--warmup 10] [--max-growth 24] [--max-slope 10]
//                          [--max-heap-growth 4] [--json]
//
// The app runs in a child process (with --expose-gc), autocannon in this one, so each has a core. Everything
// is bounded: autocannon stops after --duration, and a watchdog ends the run (and fails it) if it overruns.

const { fork } = require('node:child_process')
const { createHmac, generateKeyPairSync } = require('node:crypto')
const { parseArgs } = require('node:util')
const { median } = require('./measure')

// ---------------------------------------------------------------------------------------------------------------
// The server side (child process).

function serve() {
  const express = require('express')
  const jwt = require('..')
  const { expressjwt } = require('../express')

  const counts = {} // case -> status -> count
  let mismatches = 0
  const unexpected = [] // the first few errors that reached the error handler as something other than a 401

  process.once('message', ({ keys, revoked }) => {
    const store = jwt.createTokenStore({ maxTokenLifetime: '1h' })
    for (const payload of revoked) store.revoke(payload)
    const jwks = jwt.createLocalJwks(
      jwt.exportJwks([
        { key: keys.rsaPublic, kid: 'rsa-1', alg: 'RS256' },
        { key: keys.ecPublic, kid: 'ec-1' },
      ]),
    )

    const app = express()
    app.disable('x-powered-by')
    app.disable('etag')
    // Tally every answer by the case the load generator named, against the status it expects.
    app.use((req, res, next) => {
      const name = req.headers['x-soak-case']
      const expected = Number(req.headers['x-soak-expect'])
      if (name === undefined) return next()
      res.on('finish', () => {
        const byStatus = (counts[name] ??= {})
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1
        if (res.statusCode !== expected) mismatches += 1
      })
      next()
    })
    const answer = (req, res) => res.json({ sub: req.auth.sub })
    // A static RSA key; a JWK Set resolver; an HMAC secret with the verified-token cache and a revocation store;
    // and an async key function under algorithms that mix RS256 and HS256, where an algorithm-confusion token
    // would be dangerous.
    app.get('/rs', expressjwt({ secret: keys.rsaPublic, algorithms: ['RS256'] }), answer)
    app.get('/jwks', expressjwt({ secret: jwks, algorithms: ['RS256', 'ES256'] }), answer)
    app.get(
      '/hs',
      expressjwt({ secret: keys.hmac, algorithms: ['HS256'], cache: 1000, isRevoked: store.isRevoked }),
      answer,
    )
    app.get('/mixed', expressjwt({ secret: async () => keys.rsaPublic, algorithms: ['RS256', 'HS256'] }), answer)
    app.get('/health', (req, res) => res.json({ ok: true }))
    app.use((err, req, res, _next) => {
      const status = err.status ?? 500
      if (status !== 401 && unexpected.length < 5) unexpected.push(`${err.name}: ${err.message}`)
      res.status(status).json({ code: err.code })
    })

    const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
    // Resident memory moves by tens of MB within a second as the young generation fills and empties; its peak
    // over each second (read every 100 ms) is a steady line, and a leak lifts it.
    let peak = 0
    setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss())
    }, 100).unref()
    process.on('message', (message) => {
      if (message.sample) {
        const { rss, heapTotal } = process.memoryUsage()
        process.send({ sample: { rss: Math.max(peak, rss), instant: rss, heapTotal } })
        peak = 0
      } else if (message.heap) {
        // The live JavaScript heap, after a full collection.
        global.gc()
        const { rss, heapUsed } = process.memoryUsage()
        process.send({ heap: { rss, heapUsed } })
      } else if (message.report) {
        process.send({ report: { counts, mismatches, unexpected } })
      }
    })
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens (this process).

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function hs256(header, payload, secret) {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

// A seeded generator, so that every run sends the same mix in the same order.
function prng(seed) {
  let state = seed >>> 0
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
}

const randomBytesFrom = (random, length) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)))

function makeKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = (key, type) => key.export({ type, format: 'pem' })
  return {
    server: {
      rsaPublic: pem(rsa.publicKey, 'spki'),
      ecPublic: pem(ec.publicKey, 'spki'),
      hmac: 'the soak test HMAC secret, 32+ bytes long',
    },
    rsaPrivate: rsa.privateKey,
    ecPrivate: ec.privateKey,
    attackerPrivate: attacker.privateKey,
  }
}

// Each case: a route, how many distinct tokens to make, a weight in the mix, the status it must get, and how to
// make its Authorization header (or none). Valid tokens are many and distinct, so the cache and the store see
// churn; the others repeat.
function makeCases(keys) {
  const jwt = require('..')
  const now = Math.floor(Date.now() / 1000)
  const random = prng(0x5eed)
  const claims = (i, extra = {}) => ({ sub: `user-${i}`, jti: `jti-${i}`, iat: now, exp: now + 3600, ...extra })
  const bearer = (token) => `Bearer ${token}`
  const flip = (token) => token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
  const randomText = (length) => Array.from({ length }, () => String.fromCharCode(0x21 + random() * 94)).join('')
  const deep = (depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)
  const unsigned = (payload) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`

  const rs = (i, extra, key = keys.rsaPrivate) => jwt.sign(claims(i, extra), key, { algorithm: 'RS256' })
  const hs = (i, extra) => jwt.sign(claims(i, extra), keys.server.hmac, { algorithm: 'HS256' })
  const revoked = Array.from({ length: 50 }, (_, i) => claims(100_000 + i))

  const cases = [
    // valid
    { name: 'valid RS256', path: '/rs', count: 200, weight: 8, expect: 200, make: (i) => bearer(rs(i)) },
    {
      name: 'valid ES256 from the JWK Set',
      path: '/jwks',
      count: 200,
      weight: 8,
      expect: 200,
      make: (i) => bearer(jwt.sign(claims(i), keys.ecPrivate, { algorithm: 'ES256', keyid: 'ec-1' })),
    },
    {
      name: 'valid HS256 (5,000 tokens)',
      path: '/hs',
      count: 5000,
      weight: 12,
      expect: 200,
      make: (i) => bearer(hs(i)),
    },
    { name: 'valid RS256, async key', path: '/mixed', count: 100, weight: 4, expect: 200, make: (i) => bearer(rs(i)) },
    {
      name: 'valid HS256, 8 KB header',
      path: '/hs',
      count: 20,
      weight: 2,
      expect: 200,
      make: (i) => bearer(hs256({ alg: 'HS256', typ: 'JWT', kid: 'k'.repeat(6000) }, claims(i), keys.server.hmac)),
    },
    // refused claims
    {
      name: 'expired RS256',
      path: '/rs',
      count: 20,
      weight: 4,
      expect: 401,
      make: (i) => bearer(rs(i, { exp: now - 60 })),
    },
    {
      name: 'expired HS256',
      path: '/hs',
      count: 20,
      weight: 3,
      expect: 401,
      make: (i) => bearer(hs(i, { exp: now - 1 })),
    },
    {
      name: 'not yet valid',
      path: '/hs',
      count: 20,
      weight: 2,
      expect: 401,
      make: (i) => bearer(hs(i, { nbf: now + 600 })),
    },
    {
      name: 'revoked',
      path: '/hs',
      count: revoked.length,
      weight: 3,
      expect: 401,
      make: (i) => bearer(jwt.sign(revoked[i], keys.server.hmac)),
    },
    // forged
    {
      name: 'signed with another RSA key',
      path: '/rs',
      count: 20,
      weight: 3,
      expect: 401,
      make: (i) => bearer(rs(i, {}, keys.attackerPrivate)),
    },
    {
      name: 'another key under a published kid',
      path: '/jwks',
      count: 20,
      weight: 2,
      expect: 401,
      make: (i) => bearer(jwt.sign(claims(i), keys.attackerPrivate, { algorithm: 'RS256', keyid: 'rsa-1' })),
    },
    { name: 'alg none', path: '/rs', count: 5, weight: 2, expect: 401, make: (i) => bearer(unsigned(claims(i))) },
    {
      name: 'alg none, async key',
      path: '/mixed',
      count: 5,
      weight: 2,
      expect: 401,
      make: (i) => bearer(unsigned(claims(i))),
    },
    {
      name: 'HS256 signed with the RSA public key',
      path: '/mixed',
      count: 10,
      weight: 3,
      expect: 401,
      make: (i) => bearer(hs256({ alg: 'HS256', typ: 'JWT' }, claims(i), keys.server.rsaPublic)),
    },
    {
      name: 'HS256 signed with the RSA public key, static key',
      path: '/rs',
      count: 10,
      weight: 2,
      expect: 401,
      make: (i) => bearer(hs256({ alg: 'HS256', typ: 'JWT' }, claims(i), keys.server.rsaPublic)),
    },
    {
      name: 'HS256 signed with the JWK Set key',
      path: '/jwks',
      count: 10,
      weight: 2,
      expect: 401,
      make: (i) => bearer(hs256({ alg: 'HS256', kid: 'rsa-1' }, claims(i), keys.server.rsaPublic)),
    },
    { name: 'tampered signature', path: '/hs', count: 20, weight: 3, expect: 401, make: (i) => bearer(flip(hs(i))) },
    {
      name: 'tampered payload',
      path: '/rs',
      count: 20,
      weight: 2,
      expect: 401,
      make: (i) => {
        const [header, , signature] = rs(i).split('.')
        return bearer(`${header}.${b64(claims(i, { sub: 'admin' }))}.${signature}`)
      },
    },
    // malformed
    {
      name: 'random characters',
      path: '/hs',
      count: 200,
      weight: 3,
      expect: 401,
      make: (i) => bearer(randomText(16 + (i % 400))),
    },
    {
      name: 'three parts of random bytes',
      path: '/jwks',
      count: 200,
      weight: 3,
      expect: 401,
      make: () => bearer([32, 64, 48].map((n) => randomBytesFrom(random, n).toString('base64url')).join('.')),
    },
    {
      name: 'bad base64url',
      path: '/rs',
      count: 4,
      weight: 2,
      expect: 401,
      make: (i) => bearer(['ey+J/hb==.e30.x', 'eyJ*bGci.eyJ%zdWIi.AAAA', 'e.e.e', '..'][i]),
    },
    {
      name: 'deep JSON header, bad signature',
      path: '/hs',
      count: 3,
      weight: 2,
      expect: 401,
      make: (i) => bearer(flip(hs256({ alg: 'HS256', x: deep(3000 + i) }, claims(i), keys.server.hmac))),
    },
    {
      name: 'deep JSON payload, expired',
      path: '/hs',
      count: 3,
      weight: 2,
      expect: 401,
      make: (i) => bearer(hs256({ alg: 'HS256' }, claims(i, { exp: now - 5, x: deep(3000 + i) }), keys.server.hmac)),
    },
    {
      name: 'huge header, bad signature',
      path: '/jwks',
      count: 5,
      weight: 2,
      expect: 401,
      make: (i) => bearer(flip(hs256({ alg: 'ES256', kid: 'x'.repeat(9000 + i) }, claims(i), keys.server.hmac))),
    },
    {
      name: 'not a JWT at all',
      path: '/mixed',
      count: 6,
      weight: 2,
      expect: 401,
      make: (i) => ['Bearer', 'Bearer ', 'Bearer a b', 'Basic dXNlcjpwYXNz', 'bearer', 'Token x.y.z'][i],
    },
    { name: 'no Authorization header', path: '/rs', count: 1, weight: 2, expect: 401, make: () => undefined },
  ]

  return {
    revoked,
    cases: cases.map((c) => ({ ...c, headers: Array.from({ length: c.count }, (_, i) => c.make(i)) })),
    random,
  }
}

// The request sequence: cases drawn by weight, each with its next token, in a fixed pseudo-random order.
function makeSequence(cases, random, length) {
  const total = cases.reduce((sum, c) => sum + c.weight, 0)
  const used = new Map(cases.map((c) => [c, 0]))
  return Array.from({ length }, () => {
    let pick = random() * total
    const c = cases.find((candidate) => (pick -= candidate.weight) < 0) ?? cases[cases.length - 1]
    const index = used.get(c)
    used.set(c, index + 1)
    const authorization = c.headers[index % c.headers.length]
    const headers = { 'x-soak-case': c.name, 'x-soak-expect': String(c.expect) }
    if (authorization !== undefined) headers.authorization = authorization
    return { path: c.path, headers }
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The run (this process).

function startServer(keys, revoked) {
  const child = fork(__filename, ['--serve'], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it listened`)))
    child.once('message', ({ port }) => {
      child.removeAllListeners('exit')
      resolve({ child, port })
    })
    child.send({ keys, revoked })
  })
}

// One request to the server process and its answer; a server that has gone away rejects the promise.
function ask(child, message, key) {
  return new Promise((resolve, reject) => {
    const gone = () => {
      child.off('message', onMessage)
      reject(new Error(`the server exited before it answered ${JSON.stringify(message)}`))
    }
    const onMessage = (reply) => {
      if (reply[key] === undefined) return
      child.off('message', onMessage)
      child.off('exit', gone)
      resolve(reply[key])
    }
    if (child.exitCode !== null || child.signalCode !== null) return gone()
    child.on('message', onMessage)
    child.once('exit', gone)
    child.send(message)
  })
}

const MB = 1024 * 1024

// The slope of y over x by Theil-Sen: the median of the slopes between every two points, which one stray sample
// (a GC between reading RSS and the heap size) does not move the way it moves a least-squares fit.
function slope(points) {
  const slopes = []
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (points[j].x !== points[i].x) slopes.push((points[j].y - points[i].y) / (points[j].x - points[i].x))
    }
  }
  slopes.sort((a, b) => a - b)
  return slopes.length === 0 ? 0 : slopes[slopes.length >> 1]
}

function options() {
  const { values: flags } = parseArgs({
    options: {
      duration: { type: 'string', default: '30' },
      connections: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '10' },
      'max-growth': { type: 'string', default: '24' },
      'max-slope': { type: 'string', default: '10' },
      'max-heap-growth': { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
    },
  })
  const numbers = {
    duration: Number(flags.duration),
    connections: Number(flags.connections),
    warmup: Number(flags.warmup),
    maxGrowth: Number(flags['max-growth']),
    maxSlope: Number(flags['max-slope']),
    maxHeapGrowth: Number(flags['max-heap-growth']),
  }
  for (const [name, value] of Object.entries(numbers)) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`--${name} must be a number`)
  }
  if (numbers.duration < numbers.warmup + 10) throw new TypeError('--duration must be at least --warmup + 10 s')
  return { ...numbers, json: flags.json }
}

// Memory after the warm-up. RSS: the per-second peaks, as the start (median of the first five samples), end
// (median of the last five), max and slope. RSS moves with the size V8 gives its heap (young
// generation included) by ±10 MB in a few seconds, so its slope over half a minute says little; the memory
// outside the V8 heap (RSS minus V8's heap size, read at the same moment: native allocations, buffers, stacks)
// holds within a couple of MB under steady load, and there a leak on the native side shows as a slope. A leak
// of JavaScript objects shows in the live heap after a full GC.
function memoryFigures(samples, warmup, heapAfterWarmup, heapAtEnd) {
  const steady = samples.filter((sample) => sample.t >= warmup)
  const series = (values) => ({
    startMB: median(values.slice(0, 5)),
    endMB: median(values.slice(-5)),
    maxMB: Math.max(...values),
    riseMB: median(values.slice(-5)) - median(values.slice(0, 5)),
    slopeMBPerMin: slope(steady.map((sample, i) => ({ x: sample.t / 60, y: values[i] }))),
  })
  return {
    samples: steady.length,
    rss: series(steady.map((sample) => sample.rss / MB)),
    outsideHeap: series(steady.map((sample) => (sample.instant - sample.heapTotal) / MB)),
    liveHeapMB: { afterWarmup: heapAfterWarmup.heapUsed / MB, atEnd: heapAtEnd.heapUsed / MB },
    idleRssMB: heapAtEnd.rss / MB,
  }
}

async function main() {
  const { duration, connections, warmup, maxGrowth, maxSlope, maxHeapGrowth, json } = options()
  const autocannon = require('autocannon')
  const keys = makeKeys()
  const { cases, revoked, random } = makeCases(keys)
  const sequence = makeSequence(cases, random, 100_000)
  const { child, port } = await startServer(keys.server, revoked)
  let crashed = null
  child.once('exit', (code, signal) => (crashed = `the server exited (${signal ?? code}) during the run`))

  // Bounded: autocannon stops itself after `duration`; this ends anything that would not.
  const limit = duration + 60
  const watchdog = setTimeout(() => {
    console.error(`soak: no end ${limit} s after the start; stopping`)
    child.kill('SIGKILL')
    process.exit(1)
  }, limit * 1000)
  watchdog.unref()

  const samples = []
  const started = Date.now()
  const sampler = setInterval(() => {
    const t = (Date.now() - started) / 1000
    ask(child, { sample: true }, 'sample').then(
      (sample) => samples.push({ t, ...sample }),
      () => {},
    )
  }, 1000)
  const heapAfterWarmup = new Promise((resolve, reject) => {
    setTimeout(() => ask(child, { heap: true }, 'heap').then(resolve, reject), warmup * 1000)
  })
  heapAfterWarmup.catch(() => {}) // awaited after the load; a server that died is reported there

  let next = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        setupRequest(request) {
          const { path, headers } = sequence[next++ % sequence.length]
          return { ...request, path, headers }
        },
      },
    ],
  })
  clearInterval(sampler)
  if (crashed !== null) throw new Error(crashed)

  // After the load: the server still answers; its live heap after a full GC.
  const health = await fetch(`http://127.0.0.1:${port}/health`).then(
    (response) => response.status,
    (err) => err.message,
  )
  const memory = memoryFigures(samples, warmup, await heapAfterWarmup, await ask(child, { heap: true }, 'heap'))
  const report = await ask(child, { report: true }, 'report')
  child.kill()
  clearTimeout(watchdog)

  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]))
  const serverErrors = Object.entries(statuses)
    .filter(([code]) => Number(code) >= 500)
    .reduce((sum, [, count]) => sum + Number(count), 0)
  const served = Object.values(report.counts)
    .flatMap((byStatus) => Object.values(byStatus))
    .reduce((a, b) => a + b, 0)

  const checks = [
    ['no 5xx answers', serverErrors === 0, `${serverErrors} 5xx`],
    ['every answer as its token calls for', report.mismatches === 0, `${report.mismatches} mismatches`],
    ['no connection errors', result.errors === 0, `${result.errors} errors`],
    ['no timeouts', result.timeouts === 0, `${result.timeouts} timeouts`],
    ['the server served what autocannon sent', served >= result.requests.total, `${served} / ${result.requests.total}`],
    ['the server is still up', crashed === null && health === 200, crashed ?? `health: ${health}`],
    [
      `RSS rise at most ${maxGrowth} MB after the warm-up`,
      memory.samples >= 10 && memory.rss.riseMB <= maxGrowth,
      `${memory.rss.startMB.toFixed(1)} -> ${memory.rss.endMB.toFixed(1)} MB over ${memory.samples} samples`,
    ],
    [
      `memory outside the V8 heap: slope at most ${maxSlope} MB/min`,
      memory.outsideHeap.slopeMBPerMin <= maxSlope,
      `${memory.outsideHeap.slopeMBPerMin.toFixed(2)} MB/min, ` +
        `${memory.outsideHeap.startMB.toFixed(1)} -> ${memory.outsideHeap.endMB.toFixed(1)} MB`,
    ],
    [
      `live JS heap rise at most ${maxHeapGrowth} MB`,
      memory.liveHeapMB.atEnd - memory.liveHeapMB.afterWarmup <= maxHeapGrowth,
      `${memory.liveHeapMB.afterWarmup.toFixed(1)} -> ${memory.liveHeapMB.atEnd.toFixed(1)} MB`,
    ],
  ]
  const passed = checks.every(([, ok]) => ok)

  const summary = {
    node: process.version,
    duration: result.duration,
    connections,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    statuses,
    byCase: report.counts,
    unexpectedErrors: report.unexpected,
    memory,
    samplesMB: samples.map(({ t, rss, instant, heapTotal }) => ({
      t,
      rssPeak: Math.round((rss / MB) * 10) / 10,
      outsideHeap: Math.round(((instant - heapTotal) / MB) * 10) / 10,
    })),
    checks: checks.map(([name, ok, detail]) => ({ name, ok, detail })),
    passed,
  }

  if (json) {
    console.log(JSON.stringify(summary, null, 2))
  } else {
    const mb = (value) => `${value.toFixed(1)} MB`
    console.log(`soak: ${summary.requests} requests in ${summary.duration} s over ${connections} connections`)
    console.log(
      `  ${summary.requestsPerSecond} req/s, latency p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms`,
    )
    console.log(`  statuses: ${JSON.stringify(statuses)}`)
    for (const [name, byStatus] of Object.entries(report.counts))
      console.log(`    ${name}: ${JSON.stringify(byStatus)}`)
    const { rss, outsideHeap, liveHeapMB } = memory
    console.log(
      `  RSS (per-second peaks) after the ${warmup} s warm-up: start ${mb(rss.startMB)}, end ${mb(rss.endMB)},` +
        ` max ${mb(rss.maxMB)}, slope ${rss.slopeMBPerMin.toFixed(2)} MB/min`,
    )
    console.log(
      `  outside the V8 heap: start ${mb(outsideHeap.startMB)}, end ${mb(outsideHeap.endMB)},` +
        ` max ${mb(outsideHeap.maxMB)}, slope ${outsideHeap.slopeMBPerMin.toFixed(2)} MB/min`,
    )
    console.log(
      `  live JS heap after a full GC: ${mb(liveHeapMB.afterWarmup)} -> ${mb(liveHeapMB.atEnd)};` +
        ` RSS idle after the run: ${mb(memory.idleRssMB)}`,
    )
    for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name} (${detail})`)
    for (const line of report.unexpected) console.log(`  unexpected error: ${line}`)
    console.log(passed ? 'soak: passed' : 'soak: FAILED')
  }
  process.exitCode = passed ? 0 : 1
}

if (process.argv.includes('--serve')) {
  serve()
} else {
  main().catch((err) => {
    console.error(`soak: FAILED: ${err.message}`)
    process.exit(1)
  })
}
