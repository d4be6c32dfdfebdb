'use strict'
// Memory of the in-process token store (createTokenStore): what a million revocations cost, that the memory comes
// back once their tokens have expired, and that under steady churn the store stays bounded by the live tokens.
//
//   node benchmark/store-memory.js [--count 1000000]
//
// The store reads time from Date.now(), so the script drives a fake clock through it. RSS is read after a full
// garbage collection (the script re-runs itself with --expose-gc when needed).

const { spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const os = require('node:os')
const { parseArgs } = require('node:util')

if (typeof global.gc !== 'function') {
  const result = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}

const { values: flags } = parseArgs({ options: { count: { type: 'string', default: '1000000' } } })
const COUNT = Number(flags.count)
const TOKEN_LIFETIME = 15 * 60

let clock = Date.UTC(2030, 0, 1)
Date.now = () => clock

const { createTokenStore } = require('..')

const MB = 1024 * 1024
function rss() {
  global.gc()
  global.gc()
  return process.memoryUsage().rss
}
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`

// Every token has its own random jti, as `crypto.randomUUID()` gives them.
function payload(now) {
  return { jti: crypto.randomUUID(), exp: Math.floor(now / 1000) + TOKEN_LIFETIME }
}

console.log(`node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores`)
console.log(`${COUNT.toLocaleString('en')} revocations of tokens living ${TOKEN_LIFETIME} s\n`)

// 1. All alive at once: the cost of an entry, and the memory coming back after expiry.
{
  const store = createTokenStore({ maxTokenLifetime: TOKEN_LIFETIME })
  const probe = payload(clock)
  const before = rss()
  const started = process.hrtime.bigint()
  for (let i = 0; i < COUNT; i++) store.revoke(i === 0 ? probe : payload(clock))
  const revokeNs = Number(process.hrtime.bigint() - started) / COUNT
  const filled = rss()
  const lookups = 1_000_000
  const lookupStart = process.hrtime.bigint()
  for (let i = 0; i < lookups; i++) store.isRevoked(probe)
  const lookupNs = Number(process.hrtime.bigint() - lookupStart) / lookups

  clock += (TOKEN_LIFETIME + 1) * 1000
  const pruned = store.prune()
  const after = rss()

  console.log('all alive at once')
  console.log(`  entries held              ${(store.size + pruned).toLocaleString('en')}`)
  console.log(`  RSS growth                ${mb(filled - before)} (${mb(before)} → ${mb(filled)})`)
  console.log(`  bytes per entry           ${((filled - before) / COUNT).toFixed(1)}`)
  console.log(`  revoke / isRevoked        ${revokeNs.toFixed(0)} ns / ${lookupNs.toFixed(0)} ns per call`)
  console.log(`  after expiry and prune()  ${store.size} entries, RSS ${mb(after)} (${mb(after - before)} above start)`)
}

// 2. Steady churn: the same number of revocations spread over time, one every 10 ms of the fake clock, so
// about TOKEN_LIFETIME / 0.01 tokens are alive at any moment. Expired entries go without any prune() call.
{
  const store = createTokenStore({ maxTokenLifetime: TOKEN_LIFETIME })
  const live = TOKEN_LIFETIME * 100
  const before = rss()
  let most = 0
  for (let i = 0; i < COUNT; i++) {
    clock += 10
    store.revoke(payload(clock))
    if (store.size > most) most = store.size
  }
  const after = rss()
  console.log('\nsteady churn (one revocation per 10 ms)')
  console.log(`  tokens alive at a time    ${live.toLocaleString('en')}`)
  console.log(`  most entries held         ${most.toLocaleString('en')} (${(most / live).toFixed(2)} × alive)`)
  console.log(`  RSS growth                ${mb(after - before)}`)
}
