'use strict'
// ringjwt/hono against hono/jwt (WebCrypto) in one run: sign and verify, and the jwt middleware answering a
// request through Hono's app.request (the whole middleware and routing, no sockets), for HS256, RS256, ES256 and
// EdDSA with the same keys and claims.
//
//   node benchmark/hono.js [--quick]
//
// Before anything is timed, the two must agree: the same tokens for the deterministic algorithms, each verifying
// the other's, the same middleware answer. The functions are async, so each sample keeps 32 calls in flight. Each
// case runs in rounds, the order of the two rotated every round; the table shows the median ops/s and the median
// CPU time per operation (user + system of the whole process, thread pool included), which other load on the
// machine disturbs less than throughput. The ratio is hono/jwt's CPU time over ringjwt/hono's.

const crypto = require('node:crypto')
const os = require('node:os')
const { parseArgs, isDeepStrictEqual } = require('node:util')
const { Hono } = require('hono')
const hono = require('hono/jwt')
const ringjwt = require('../hono')
const { median } = require('./measure')

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const settings = flags.quick ? { rounds: 3, sampleMs: 150 } : { rounds: 7, sampleMs: 400 }
const IN_FLIGHT = 32
const ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA']
const LIBRARIES = { 'hono/jwt': hono, 'ringjwt/hono': ringjwt }
const payload = { sub: 'user-1', role: 'admin', scope: ['orders:read', 'orders:write'], iat: 1_700_000_000 }

function keysFor(alg) {
  if (alg === 'HS256') {
    const secret = crypto.randomBytes(32).toString('base64url')
    return { signing: secret, verifying: secret }
  }
  const [type, options] = {
    RS256: ['rsa', { modulusLength: 2048 }],
    ES256: ['ec', { namedCurve: 'P-256' }],
    EdDSA: ['ed25519', {}],
  }[alg]
  const pair = crypto.generateKeyPairSync(type, options)
  return {
    signing: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    verifying: pair.publicKey.export({ type: 'spki', format: 'pem' }),
  }
}

function appFor(lib, alg, key) {
  const app = new Hono()
  app.use('/orders', lib.jwt({ secret: key, alg }))
  app.get('/orders', (c) => c.json({ sub: c.get('jwtPayload').sub }))
  return app
}

async function check(alg, keys, apps) {
  const tokens = {}
  for (const [name, lib] of Object.entries(LIBRARIES)) tokens[name] = await lib.sign(payload, keys.signing, alg)
  if (alg !== 'ES256' && tokens['hono/jwt'] !== tokens['ringjwt/hono']) throw new Error(`${alg}: different tokens`)
  for (const lib of Object.values(LIBRARIES)) {
    for (const token of Object.values(tokens)) {
      if (!isDeepStrictEqual(await lib.verify(token, keys.verifying, alg), payload)) throw new Error(`${alg}: verify`)
    }
  }
  const answers = []
  for (const app of Object.values(apps)) {
    const res = await app.request('/orders', { headers: { authorization: `Bearer ${tokens['hono/jwt']}` } })
    answers.push([res.status, await res.text()])
  }
  if (!isDeepStrictEqual(answers[0], answers[1])) throw new Error(`${alg}: different middleware answers`)
  return tokens['hono/jwt']
}

// Completed calls per second and CPU microseconds per call, with IN_FLIGHT calls running at any time.
async function sample(call) {
  let done = 0
  const end = performance.now() + settings.sampleMs
  const worker = async () => {
    while (performance.now() < end) {
      await call()
      done++
    }
  }
  const start = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const { user, system } = process.cpuUsage(cpu)
  return { ops: done / ((performance.now() - start) / 1000), cpu: (user + system) / done }
}

async function main() {
  console.log(`${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`)
  console.log(
    '| algorithm | operation | hono/jwt ops/s | ringjwt/hono ops/s | hono/jwt CPU µs/op | ringjwt/hono CPU µs/op | ratio |',
  )
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
  for (const alg of ALGORITHMS) {
    const keys = keysFor(alg)
    const apps = Object.fromEntries(
      Object.entries(LIBRARIES).map(([name, lib]) => [name, appFor(lib, alg, keys.verifying)]),
    )
    const token = await check(alg, keys, apps)
    const request = { headers: { authorization: `Bearer ${token}` } }
    const operations = {
      sign: (lib) => () => lib.sign(payload, keys.signing, alg),
      verify: (lib) => () => lib.verify(token, keys.verifying, alg),
      middleware: (lib, name) => () => apps[name].request('/orders', request),
    }
    for (const [operation, make] of Object.entries(operations)) {
      const samples = { 'hono/jwt': [], 'ringjwt/hono': [] }
      const names = Object.keys(LIBRARIES)
      for (let round = 0; round < settings.rounds; round++) {
        const order = round % 2 === 0 ? names : [...names].reverse()
        for (const name of order) samples[name].push(await sample(make(LIBRARIES[name], name)))
      }
      const [theirs, ours] = names.map((name) => ({
        ops: median(samples[name].map((sample) => sample.ops)),
        cpu: median(samples[name].map((sample) => sample.cpu)),
      }))
      const fmt = (value) => Math.round(value).toLocaleString('en-US')
      const cpu = (value) => value.toFixed(value < 10 ? 1 : 0)
      console.log(
        `| ${alg} | ${operation} | ${fmt(theirs.ops)} | ${fmt(ours.ops)} | ${cpu(theirs.cpu)} | ${cpu(ours.cpu)} | ` +
          `${(theirs.cpu / ours.cpu).toFixed(1)}× |`,
      )
    }
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
