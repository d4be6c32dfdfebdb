'use strict'
// `npm run bench`: ringjwt against jsonwebtoken, fast-jwt, @node-rs/jsonwebtoken and jose in one run, with the
// same keys and claims, plus node:crypto doing only the cryptography (the floor no library can go below).
//
//   node benchmark/bench.js [--quick] [--filter <regex>] [--json <file>]
//
// Before anything is timed, every implementation's tokens are verified by every other implementation. Each case
// then runs in rounds; the order of the implementations is rotated every round and the median ops/s is reported.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const { parseArgs } = require('node:util')
const { isDeepStrictEqual } = require('node:util')
const { monitorEventLoopDelay } = require('node:perf_hooks')
const { setImmediate: nextTurn, setTimeout: sleep } = require('node:timers/promises')

const ringjwt = require('..')
const jsonwebtoken = require('jsonwebtoken')
const fastJwt = require('fast-jwt')
const nodeRs = require('@node-rs/jsonwebtoken')
const { payloads } = require('./payloads')
const { measure, median, now } = require('./measure')

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    json: { type: 'string' },
  },
})
const filter = flags.filter ? new RegExp(flags.filter, 'i') : null
const settings = flags.quick
  ? { rounds: 3, sampleMs: 40, warmupMs: 40, eventLoopMs: 600, eventLoopRounds: 1 }
  : { rounds: 7, sampleMs: 120, warmupMs: 150, eventLoopMs: 2000, eventLoopRounds: 3 }
const ASYNC_IN_FLIGHT = 32
const EVENT_LOOP_IN_FLIGHT = 64

const ALGORITHMS = ['HS256', 'RS256', 'PS256', 'ES256', 'ES512', 'EdDSA']
const FLOOR = 'node:crypto (floor)'

// ---------------------------------------------------------------------------------------------------------------
// Keys: one set per algorithm, handed to each library in the form it is fastest with.

async function makeKeys(alg) {
  const { subtle } = crypto.webcrypto
  if (alg === 'HS256') {
    const raw = crypto.randomBytes(32).toString('base64url')
    const keyObject = crypto.createSecretKey(Buffer.from(raw))
    const cryptoKey = await subtle.importKey('raw', Buffer.from(raw), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    return { raw, privateKey: keyObject, publicKey: keyObject, privatePem: raw, publicPem: raw, joseSign: cryptoKey }
  }
  const { privateKey, publicKey } = {
    RS256: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    PS256: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    ES512: () => crypto.generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
    EdDSA: () => crypto.generateKeyPairSync('ed25519'),
  }[alg]()
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' })
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' })
  const jose = await import('jose')
  return {
    privateKey,
    publicKey,
    privatePem,
    publicPem,
    joseSign: await jose.importPKCS8(privatePem, alg),
    joseVerify: await jose.importSPKI(publicPem, alg),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Implementations. Each `make(alg, keys)` returns the bound functions it offers: sign/verify (sync) and
// signAsync/verifyAsync (returning promises), or null where it does not support the algorithm.

function floorParams(alg) {
  return {
    RS256: ['sha256', {}],
    PS256: ['sha256', { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ES256: ['sha256', { dsaEncoding: 'ieee-p1363' }],
    ES512: ['sha512', { dsaEncoding: 'ieee-p1363' }],
    EdDSA: [null, {}],
  }[alg]
}

function makeImplementations(jose) {
  return [
    {
      name: 'ringjwt',
      make(alg, keys) {
        const signOptions = { algorithm: alg }
        const verifyOptions = { algorithms: [alg] }
        return {
          sign: (payload) => ringjwt.sign(payload, keys.privateKey, signOptions),
          verify: (token) => ringjwt.verify(token, keys.publicKey, verifyOptions),
          signAsync: (payload) => ringjwt.signAsync(payload, keys.privateKey, signOptions),
          verifyAsync: (token) => ringjwt.verifyAsync(token, keys.publicKey, verifyOptions),
        }
      },
    },
    {
      name: 'ringjwt compiled',
      make(alg, keys) {
        const signer = ringjwt.createSigner({ key: keys.privateKey, algorithm: alg })
        const verifier = ringjwt.createVerifier({ key: keys.publicKey, algorithms: [alg] })
        return {
          sign: (payload) => signer.sign(payload),
          verify: (token) => verifier.verify(token),
          signAsync: (payload) => signer.signAsync(payload),
          verifyAsync: (token) => verifier.verifyAsync(token),
        }
      },
    },
    {
      name: 'jsonwebtoken',
      make(alg, keys) {
        if (alg === 'EdDSA') return null
        const signOptions = { algorithm: alg }
        const verifyOptions = { algorithms: [alg] }
        // Its callback forms: the same work on the main thread, handed back through a callback.
        const callback = (run) =>
          new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
        return {
          sign: (payload) => jsonwebtoken.sign(payload, keys.privateKey, signOptions),
          verify: (token) => jsonwebtoken.verify(token, keys.publicKey, verifyOptions),
          signAsync: (payload) => callback((cb) => jsonwebtoken.sign(payload, keys.privateKey, signOptions, cb)),
          verifyAsync: (token) => callback((cb) => jsonwebtoken.verify(token, keys.publicKey, verifyOptions, cb)),
        }
      },
    },
    {
      name: 'fast-jwt',
      make(alg, keys) {
        const signKey = keys.privatePem
        const verifyKey = keys.publicPem
        const sign = fastJwt.createSigner({ key: signKey, algorithm: alg })
        const verify = fastJwt.createVerifier({ key: verifyKey, algorithms: [alg], cache: false })
        const signAsync = fastJwt.createSigner({ key: async () => signKey, algorithm: alg })
        const verifyAsync = fastJwt.createVerifier({ key: async () => verifyKey, algorithms: [alg], cache: false })
        return { sign, verify, signAsync, verifyAsync }
      },
    },
    {
      name: '@node-rs/jsonwebtoken',
      make(alg, keys) {
        if (alg === 'ES512') return null
        const header = { algorithm: alg }
        const validation = { algorithms: [alg] }
        return {
          sign: (payload) => nodeRs.signSync(payload, keys.privatePem, header),
          verify: (token) => nodeRs.verifySync(token, keys.publicPem, validation),
          signAsync: (payload) => nodeRs.sign(payload, keys.privatePem, header),
          verifyAsync: (token) => nodeRs.verify(token, keys.publicPem, validation),
        }
      },
    },
    {
      name: 'jose',
      make(alg, keys) {
        const header = { alg, typ: 'JWT' }
        const verifyKey = keys.joseVerify ?? keys.joseSign
        const options = { algorithms: [alg] }
        return {
          signAsync: (payload) => new jose.SignJWT(payload).setProtectedHeader(header).sign(keys.joseSign),
          verifyAsync: (token) => jose.jwtVerify(token, verifyKey, options).then((result) => result.payload),
        }
      },
    },
  ]
}

// The floor: only the cryptography, on a signing input and signature made once.
function makeFloor(alg, keys, signingInput, signature) {
  const input = Buffer.from(signingInput)
  if (alg === 'HS256') {
    const expected = Buffer.from(signature, 'base64url')
    return {
      sign: () => crypto.createHmac('sha256', keys.privateKey).update(input).digest('base64url'),
      verify: () =>
        crypto.timingSafeEqual(crypto.createHmac('sha256', keys.publicKey).update(input).digest(), expected),
    }
  }
  const [digest, params] = floorParams(alg)
  const privateKey = { key: keys.privateKey, ...params }
  const publicKey = { key: keys.publicKey, ...params }
  const sig = Buffer.from(signature, 'base64url')
  const promised = (run) => new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
  return {
    sign: () => crypto.sign(digest, input, privateKey),
    verify: () => crypto.verify(digest, input, publicKey, sig),
    // node:crypto's callback forms run on the libuv thread pool.
    signAsync: () => promised((cb) => crypto.sign(digest, input, privateKey, cb)),
    verifyAsync: () => promised((cb) => crypto.verify(digest, input, publicKey, sig, cb)),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cross-verification: every token verifies with every implementation, and gives back the claims it was made from.

async function crossVerify(alg, size, claims, bound) {
  const tokens = []
  for (const [name, fns] of bound) {
    if (fns.sign) tokens.push([`${name} sign`, fns.sign(claims)])
    if (fns.signAsync) tokens.push([`${name} signAsync`, await fns.signAsync(claims)])
  }
  for (const [signedBy, token] of tokens) {
    for (const [name, fns] of bound) {
      for (const form of ['verify', 'verifyAsync']) {
        if (!fns[form]) continue
        let payload
        try {
          payload = await fns[form](token)
        } catch (err) {
          throw new Error(`${alg} ${size}: ${name} ${form} rejects the token of ${signedBy}: ${err.message}`)
        }
        if (!isDeepStrictEqual({ ...payload }, claims)) {
          throw new Error(`${alg} ${size}: ${name} ${form} returns other claims for the token of ${signedBy}`)
        }
      }
    }
  }
  // Deterministic signatures: the drop-in promise is the same bytes as jsonwebtoken.
  if (alg === 'HS256' || alg === 'RS256') {
    const ours = bound.get('ringjwt').sign(claims)
    const theirs = bound.get('jsonwebtoken').sign(claims)
    if (ours !== theirs) throw new Error(`${alg} ${size}: ringjwt and jsonwebtoken tokens differ`)
  }
  return tokens.length
}

// ---------------------------------------------------------------------------------------------------------------
// Timing.

async function measureCase(contenders, arg, isAsync) {
  const timed = contenders.map(([name, fn]) => [name, fn, isAsync])
  return measure(timed, arg, { ...settings, inFlight: ASYNC_IN_FLIGHT })
}

// ---------------------------------------------------------------------------------------------------------------
// Event-loop delay with 64 RS256 signs kept in flight: async forms keep 64 promises pending; the sync form signs
// batches of 64 and yields between batches.

async function eventLoopDelay(name, fn, isAsync, claims) {
  const resolution = 1
  const histogram = monitorEventLoopDelay({ resolution })
  let count = 0
  const deadline = now() + settings.eventLoopMs
  histogram.enable()
  const start = now()
  if (fn === null) {
    await sleep(settings.eventLoopMs)
  } else if (isAsync) {
    await new Promise((resolve, reject) => {
      let pending = 0
      const next = () => {
        if (now() >= deadline) {
          if (pending === 0) resolve()
          return
        }
        pending++
        fn(claims).then(() => {
          pending--
          count++
          next()
        }, reject)
      }
      for (let i = 0; i < EVENT_LOOP_IN_FLIGHT; i++) next()
    })
  } else {
    while (now() < deadline) {
      for (let i = 0; i < EVENT_LOOP_IN_FLIGHT; i++) fn(claims)
      count += EVENT_LOOP_IN_FLIGHT
      await nextTurn()
    }
  }
  const elapsed = now() - start
  histogram.disable()
  const opsPerSec = (count * 1000) / elapsed
  // No tick at all: the work never yielded, the loop was blocked for the whole run.
  if (histogram.count === 0) return { name, meanMs: elapsed, p99Ms: elapsed, maxMs: elapsed, opsPerSec, blocked: true }
  // The histogram records the interval between timer ticks: the delay is what exceeds the resolution.
  const delay = (value) => Math.max(0, value / 1e6 - resolution)
  const meanMs = delay(histogram.mean)
  return { name, meanMs, p99Ms: delay(histogram.percentile(99)), maxMs: delay(histogram.max), opsPerSec }
}

// ---------------------------------------------------------------------------------------------------------------
// Output.

function formatOps(value) {
  if (value === undefined) return '-'
  if (value >= 100_000) return `${Math.round(value / 1000)}k`
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}k`
  return Math.round(value).toLocaleString('en-US')
}

const formatRatio = (value) => (value === undefined ? '-' : `${value.toFixed(2)}×`)

function table(rows, names) {
  const head = ['alg', 'payload', 'op', ...names, 'ringjwt ÷ best peer', 'compiled ÷ best peer']
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`]
  for (const row of rows) {
    const cells = [row.alg, row.size, row.op, ...names.map((name) => formatOps(row.results[name]?.median))]
    cells.push(formatRatio(row.ratio), formatRatio(row.compiledRatio))
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

function ratios(results) {
  const peers = Object.entries(results).filter(([name]) => !name.startsWith('ringjwt') && name !== FLOOR)
  const best = Math.max(...peers.map(([, r]) => r.median))
  if (!Number.isFinite(best)) return {}
  return {
    bestPeer: peers.find(([, r]) => r.median === best)[0],
    ratio: results.ringjwt ? results.ringjwt.median / best : undefined,
    compiledRatio: results['ringjwt compiled'] ? results['ringjwt compiled'].median / best : undefined,
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const jose = await import('jose')
  const implementations = makeImplementations(jose)
  const claims = payloads()
  const names = [...implementations.map((impl) => impl.name), FLOOR]
  const rows = { sync: [], async: [] }

  console.log(`ringjwt benchmark: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`)
  console.log(
    `${settings.rounds} rounds of ~${settings.sampleMs} ms per implementation, order rotated each round; ` +
      `async forms with ${ASYNC_IN_FLIGHT} calls in flight\n`,
  )

  const keysByAlg = new Map()
  for (const alg of ALGORITHMS) {
    const cases = []
    for (const size of ['small', 'large']) {
      for (const op of ['sign', 'verify']) {
        for (const mode of ['sync', 'async']) {
          const label = `${alg}/${op}/${mode}/${size}`
          if (!filter || filter.test(label)) cases.push({ size, op, mode, label })
        }
      }
    }
    if (cases.length === 0) continue
    const keys = await makeKeys(alg)
    keysByAlg.set(alg, keys)
    const bound = new Map()
    for (const impl of implementations) {
      const fns = impl.make(alg, keys)
      if (fns) bound.set(impl.name, fns)
    }
    const tokens = {}
    for (const size of ['small', 'large']) {
      const count = await crossVerify(alg, size, claims[size], bound)
      tokens[size] = bound.get('ringjwt').sign(claims[size])
      process.stdout.write(`${alg} ${size}: ${count} tokens cross-verified by ${bound.size} implementations\n`)
    }

    for (const { size, op, mode, label } of cases) {
      const isAsync = mode === 'async'
      const form = isAsync ? `${op}Async` : op
      const token = tokens[size]
      const arg = op === 'sign' ? claims[size] : token
      const contenders = []
      for (const [name, fns] of bound) if (fns[form]) contenders.push([name, fns[form]])
      const [signingInput, signature] = [token.slice(0, token.lastIndexOf('.')), token.split('.')[2]]
      const floor = makeFloor(alg, keys, signingInput, signature)
      if (floor[form]) contenders.push([FLOOR, floor[form]])
      const results = await measureCase(contenders, arg, isAsync)
      const row = { alg, size, op, mode, results, ...ratios(results) }
      rows[mode].push(row)
      const summary = contenders.map(([name]) => `${name} ${formatOps(results[name].median)}`).join(', ')
      console.log(`  ${label}: ${summary}; ringjwt ÷ best peer ${formatRatio(row.ratio)}`)
    }
  }

  const eventLoop = []
  if (!filter || filter.test('eventloop')) {
    const keys = keysByAlg.get('RS256') ?? (await makeKeys('RS256'))
    const bound = new Map(implementations.map((impl) => [impl.name, impl.make('RS256', keys)]))
    const claimsSmall = claims.small
    const token = bound.get('ringjwt').sign(claimsSmall)
    const floor = makeFloor('RS256', keys, token.slice(0, token.lastIndexOf('.')), token.split('.')[2])
    const runs = [
      // What the machine itself adds: the same measurement with nothing running.
      ['idle (nothing in flight)', null, true],
      ['ringjwt signAsync', bound.get('ringjwt').signAsync, true],
      ['ringjwt sign (sync)', bound.get('ringjwt').sign, false],
      ['ringjwt compiled signAsync', bound.get('ringjwt compiled').signAsync, true],
      ['jsonwebtoken (callback)', bound.get('jsonwebtoken').signAsync, true],
      ['fast-jwt (async key)', bound.get('fast-jwt').signAsync, true],
      ['@node-rs/jsonwebtoken sign', bound.get('@node-rs/jsonwebtoken').signAsync, true],
      ['jose SignJWT', bound.get('jose').signAsync, true],
      ['node:crypto sign (callback)', floor.signAsync, true],
    ]
    console.log(
      `\nEvent-loop delay, RS256 sign, ${EVENT_LOOP_IN_FLIGHT} in flight for ${settings.eventLoopMs} ms, ` +
        `median of ${settings.eventLoopRounds}:`,
    )
    for (const [name, fn, isAsync] of runs) await eventLoopDelay(name, fn, isAsync, claimsSmall) // warm-up
    const measured = new Map(runs.map(([name]) => [name, []]))
    for (let round = 0; round < settings.eventLoopRounds; round++) {
      for (let i = 0; i < runs.length; i++) {
        const [name, fn, isAsync] = runs[(i + round) % runs.length]
        measured.get(name).push(await eventLoopDelay(name, fn, isAsync, claimsSmall))
      }
    }
    for (const [name, results] of measured) {
      const field = (key) => median(results.map((r) => r[key]))
      const blocked = results.some((r) => r.blocked)
      const result = { name, meanMs: field('meanMs'), p99Ms: field('p99Ms'), maxMs: field('maxMs'), blocked }
      result.opsPerSec = field('opsPerSec')
      eventLoop.push(result)
      const note = blocked ? ' (never yielded: blocked for the whole run)' : ''
      console.log(`  ${name}: mean ${result.meanMs.toFixed(2)} ms, max ${result.maxMs.toFixed(1)} ms${note}`)
    }
  }

  for (const mode of ['sync', 'async']) {
    if (rows[mode].length === 0) continue
    console.log(`\n### ${mode === 'sync' ? 'Sync' : 'Async'} (ops/s, median)\n`)
    console.log(table(rows[mode], names))
  }
  if (eventLoop.length > 0) {
    console.log(`\n### Event-loop delay: RS256 sign, ${EVENT_LOOP_IN_FLIGHT} in flight\n`)
    console.log('| implementation | mean delay | p99 delay | max delay | signs/s |')
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const r of eventLoop) {
      const ms = (v) => (r.blocked ? `blocked ${Math.round(v)} ms` : `${v.toFixed(2)} ms`)
      console.log(
        `| ${r.name} | ${ms(r.meanMs)} | ${ms(r.p99Ms)} | ${ms(r.maxMs)} | ${r.opsPerSec ? formatOps(r.opsPerSec) : '-'} |`,
      )
    }
  }

  if (flags.json) {
    const report = {
      node: process.version,
      cpus: os.cpus().map((cpu) => cpu.model),
      arch: process.arch,
      settings,
      asyncInFlight: ASYNC_IN_FLIGHT,
      rows: [...rows.sync, ...rows.async],
      eventLoop,
    }
    fs.writeFileSync(flags.json, JSON.stringify(report, null, 2))
    console.log(`\nResults written to ${flags.json}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
