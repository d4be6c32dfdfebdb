'use strict'
// Resident memory over 1,000,000 HS256 sign+verify calls (target: within 20 MB of where it started), then the
// Promise forms, RS256 on the thread pool and pooled calls sharing one AbortSignal, each measured after a full GC.
//
//   node benchmark/memory.js [--quick]
//
// Needs --expose-gc; without it the script runs itself again with the flag.

const { spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const { parseArgs } = require('node:util')
const { setImmediate: nextTurn } = require('node:timers/promises')

if (typeof global.gc !== 'function') {
  const args = ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)]
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' })
  process.exit(status ?? 1)
}

const jwt = require('..')
const { payloads } = require('./payloads')

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const CALLS = flags.quick ? 100_000 : 1_000_000
const ASYNC_CALLS = CALLS / 5
const RSA_CALLS = flags.quick ? 1_000 : 10_000
const SIGNAL_CALLS = flags.quick ? 5_000 : 50_000
const LIMIT_MB = 20
const MB = 1024 * 1024

// Several collections with turns of the event loop between them, so native finalizers run too.
async function settle() {
  for (let i = 0; i < 4; i++) {
    global.gc()
    await nextTurn()
  }
}

async function snapshot() {
  await settle()
  const { rss, heapUsed, external } = process.memoryUsage()
  return { rss, heapUsed, external }
}

const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`
const signed = (bytes) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`

function report(label, before, after) {
  const parts = ['rss', 'heapUsed', 'external'].map((field) => `${field} ${signed(after[field] - before[field])}`)
  console.log(`${label.padEnd(44)} ${parts.join(', ')}  (rss now ${mb(after.rss)})`)
}

function hs256Round(secret, claims, count, offset) {
  for (let i = 0; i < count; i++) {
    // A different token every call, so no cache along the way can hide a leak.
    claims.jti = offset + i
    const token = jwt.sign(claims, secret)
    if (jwt.verify(token, secret).jti !== offset + i) throw new Error('round trip failed')
  }
}

async function main() {
  const secret = crypto.randomBytes(32).toString('base64url')
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const claims = { ...payloads().small }
  console.log(`Node ${process.version}; ${CALLS.toLocaleString('en-US')} HS256 sign+verify calls\n`)

  // Warm-up: code loaded and compiled, keys parsed, native verifiers made.
  hs256Round(secret, claims, 20_000, 0)
  jwt.verify(jwt.sign(claims, privateKey, { algorithm: 'RS256' }), publicKey)
  await jwt.verifyAsync(await jwt.signAsync(claims, privateKey, { algorithm: 'RS256' }), publicKey)
  await jwt.signAsync(claims, ecKey, { algorithm: 'ES256', signal: new AbortController().signal })
  const start = await snapshot()
  console.log(`baseline after warm-up and GC: rss ${mb(start.rss)}, heap ${mb(start.heapUsed)}\n`)

  const step = CALLS / 10
  let peak = start.rss
  for (let done = 0; done < CALLS; done += step) {
    hs256Round(secret, claims, step, done)
    peak = Math.max(peak, process.memoryUsage().rss)
  }
  const afterSync = await snapshot()
  report(`HS256 sign+verify × ${CALLS.toLocaleString('en-US')}`, start, afterSync)
  const growth = afterSync.rss - start.rss
  console.log(`  peak rss during the run: ${mb(peak)}`)

  for (let i = 0; i < ASYNC_CALLS; i++) {
    claims.jti = i
    const token = await jwt.signAsync(claims, secret)
    if ((await jwt.verifyAsync(token, secret)).jti !== i) throw new Error('round trip failed')
  }
  const afterAsync = await snapshot()
  report(`HS256 signAsync+verifyAsync × ${ASYNC_CALLS.toLocaleString('en-US')}`, afterSync, afterAsync)

  for (let i = 0; i < RSA_CALLS; i++) {
    claims.jti = i
    const token = jwt.sign(claims, privateKey, { algorithm: 'RS256' })
    jwt.verify(token, publicKey)
    // The thread-pool path.
    const pooled = await jwt.signAsync(claims, privateKey, { algorithm: 'RS256' })
    await jwt.verifyAsync(pooled, publicKey)
  }
  const afterRsa = await snapshot()
  report(`RS256 sync + pooled async × ${RSA_CALLS.toLocaleString('en-US')}`, afterAsync, afterRsa)

  // One long-lived AbortSignal (a server's shutdown signal, say) given to many pooled calls: each call must leave
  // nothing behind on it.
  const { signal } = new AbortController()
  for (let i = 0; i < SIGNAL_CALLS; i++) {
    claims.jti = i
    await jwt.signAsync(claims, ecKey, { algorithm: 'ES256', signal })
  }
  const afterSignal = await snapshot()
  report(`ES256 signAsync, one shared signal × ${SIGNAL_CALLS.toLocaleString('en-US')}`, afterRsa, afterSignal)

  const verdict = growth <= LIMIT_MB * MB ? 'within' : 'NOT within'
  console.log(`\n${CALLS.toLocaleString('en-US')} HS256 sign+verify: rss ${signed(growth)}, ${verdict} ${LIMIT_MB} MB`)
  if (growth > LIMIT_MB * MB) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
