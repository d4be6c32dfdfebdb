'use strict'
// The Fastify plugins side by side: @fastify/jwt 10 (on fast-jwt) and ringjwt/fastify, each registered with the
// same key and options on Fastify 5: fastify.jwt.verify() alone, and one route that runs request.jwtVerify() (and
// one that runs reply.jwtSign()), driven with fastify.inject() in this process, so the figures are the plugin and
// Fastify's request handling, without sockets.
//
//   node benchmark/fastify.js [--rounds 5] [--ms 1000] [--in-flight 32]
//
// Before timing, both apps must answer the same for a valid token and for a bad one. Each round measures every
// case once per plugin, the order of the plugins rotated; the table shows the median requests per second.

const { generateKeyPairSync } = require('node:crypto')
const os = require('node:os')
const { parseArgs, isDeepStrictEqual } = require('node:util')
const Fastify = require('fastify')

const PLUGINS = { '@fastify/jwt': require('@fastify/jwt'), 'ringjwt/fastify': require('../fastify') }
const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '32' },
  },
})
const ROUNDS = Number(flags.rounds)
const SAMPLE_MS = Number(flags.ms)
const IN_FLIGHT = Number(flags['in-flight'])

function secretFor(alg) {
  if (alg === 'HS256') return 'a shared secret that is long enough for HS256'
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return {
    private: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    public: pair.publicKey.export({ type: 'spki', format: 'pem' }),
  }
}

async function makeApp(plugin, secret) {
  const app = Fastify()
  await app.register(plugin, { secret, sign: { expiresIn: '1h', iss: 'auth' }, verify: { allowedIss: 'auth' } })
  app.get('/verify', async (request) => ({ sub: (await request.jwtVerify()).sub }))
  app.get('/sign', async (request, reply) => ({ token: await reply.jwtSign({ sub: 'u1' }) }))
  await app.ready()
  return app
}

// Operations per second over `SAMPLE_MS`, with IN_FLIGHT outstanding.
async function measure(operation) {
  let done = 0
  const deadline = performance.now() + SAMPLE_MS
  const worker = async () => {
    while (performance.now() < deadline) {
      await operation()
      done++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return (done * 1000) / (performance.now() - started)
}

// The token with one signature character changed (not the last: its unused bits would leave the bytes as they were).
const tampered = (token) => token.slice(0, -5) + (token.at(-5) === 'A' ? 'B' : 'A') + token.slice(-4)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function main() {
  const names = Object.keys(PLUGINS)
  const rows = []
  for (const alg of ['HS256', 'RS256', 'ES256']) {
    const secret = secretFor(alg)
    const apps = {}
    for (const name of names) apps[name] = await makeApp(PLUGINS[name], secret)
    const token = apps['@fastify/jwt'].jwt.sign({ sub: 'u1' })
    const verifyRequest = { url: '/verify', headers: { authorization: `Bearer ${token}` } }
    const cases = {
      'fastify.jwt.verify': (app) => () => app.jwt.verify(token),
      'request.jwtVerify': (app) => () => app.inject(verifyRequest),
      'reply.jwtSign': (app) => () => app.inject({ url: '/sign' }),
    }
    for (const request of [
      verifyRequest,
      { url: '/verify', headers: { authorization: `Bearer ${tampered(token)}` } },
    ]) {
      const answers = await Promise.all(names.map(async (name) => (await apps[name].inject(request)).json()))
      if (!isDeepStrictEqual(answers[0], answers[1])) throw new Error(`${alg}: the plugins answer differently`)
    }
    for (const [op, operation] of Object.entries(cases)) {
      const samples = Object.fromEntries(names.map((name) => [name, []]))
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? names : [...names].reverse()
        for (const name of order) samples[name].push(await measure(operation(apps[name])))
      }
      const result = Object.fromEntries(names.map((name) => [name, median(samples[name])]))
      rows.push({ alg, op, ...result })
      console.error(`${alg} ${op}: ${names.map((name) => `${name} ${Math.round(result[name])}`).join(', ')}`)
    }
    await Promise.all(names.map((name) => apps[name].close()))
  }
  console.log(
    `\nNode ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores; ${ROUNDS} rounds of ${SAMPLE_MS} ms, ${IN_FLIGHT} in flight\n`,
  )
  console.log(`| alg | operation | ${names.join(' | ')} | ratio |`)
  console.log(`| --- | --- | ${names.map(() => '---:').join(' | ')} | ---: |`)
  for (const row of rows) {
    const cells = names.map((name) => Math.round(row[name]).toLocaleString('en'))
    console.log(
      `| ${row.alg} | ${row.op} | ${cells.join(' | ')} | ${(row['ringjwt/fastify'] / row['@fastify/jwt']).toFixed(2)}× |`,
    )
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
