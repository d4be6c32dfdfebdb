'use strict'
// The cost of crossing the napi boundary with a payload: as a JS object that napi reads property by property,
// against JSON text made and parsed by V8 (`JSON.stringify` / `JSON.parse`). The probes in
// src/binding/boundary.rs do the same work in Rust for both forms, so the difference is the crossing.
//
//   node benchmark/boundary.js [--quick]
//
// in:  object → napi → serde_json::Value → bytes → base64url   vs   JSON.stringify → string → base64url
// out: base64url → bytes → serde_json::Value → napi → object   vs   base64url → bytes (parsed) → string → JSON.parse

const { parseArgs } = require('node:util')
const { isDeepStrictEqual } = require('node:util')
const native = require('../lib/native')
const { payloads } = require('./payloads')
const { median, runSync } = require('./measure')

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const rounds = flags.quick ? 3 : 9
const sampleMs = flags.quick ? 40 : 150

const opsPerSecond = (fn, arg, iterations) => (iterations * 1000) / runSync(fn, arg, iterations)

// Both contenders of a pair, interleaved with the order swapped each round.
function measure(pair, arg) {
  const iterations = pair.map(([, fn]) => {
    const perMs = opsPerSecond(fn, arg, 20_000) / 1000
    return Math.max(1, Math.round(perMs * sampleMs))
  })
  const samples = pair.map(() => [])
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0]
    for (const i of order) samples[i].push(opsPerSecond(pair[i][1], arg, iterations[i]))
  }
  return samples.map(median)
}

const formatOps = (value) => `${Math.round(value / 1000)}k`
const formatMicros = (value) => `${(1e6 / value).toFixed(2)} µs`

function main() {
  const claims = payloads()
  const rows = []
  for (const size of ['small', 'large']) {
    const payload = claims[size]
    const segment = Buffer.from(JSON.stringify(payload)).toString('base64url')

    // Same result both ways (napi's Value sorts members, so compare what they decode to).
    const decoded = (b64) => JSON.parse(Buffer.from(b64, 'base64url').toString())
    if (
      !isDeepStrictEqual(
        decoded(native.boundaryObjectIn(payload)),
        decoded(native.boundaryStringIn(JSON.stringify(payload))),
      )
    ) {
      throw new Error(`${size}: the two "in" probes disagree`)
    }
    if (!isDeepStrictEqual(native.boundaryObjectOut(segment), JSON.parse(native.boundaryStringOut(segment)))) {
      throw new Error(`${size}: the two "out" probes disagree`)
    }

    const into = measure(
      [
        ['object', (p) => native.boundaryObjectIn(p)],
        ['JSON string', (p) => native.boundaryStringIn(JSON.stringify(p))],
      ],
      payload,
    )
    const out = measure(
      [
        ['object', (s) => native.boundaryObjectOut(s)],
        ['JSON string', (s) => JSON.parse(native.boundaryStringOut(s))],
      ],
      segment,
    )
    const bytes = JSON.stringify(payload).length
    const claimCount = Object.keys(payload).length
    rows.push([`${size} (${claimCount} claims, ${bytes} B)`, 'JS → Rust', ...into])
    rows.push([`${size} (${claimCount} claims, ${bytes} B)`, 'Rust → JS', ...out])
  }

  console.log(`napi boundary: Node ${process.version}, median of ${rounds} rounds\n`)
  console.log('| payload | direction | object (napi) | JSON string | string ÷ object |')
  console.log('| --- | --- | ---: | ---: | ---: |')
  for (const [payload, direction, object, string] of rows) {
    const cell = (v) => `${formatOps(v)}/s (${formatMicros(v)})`
    console.log(`| ${payload} | ${direction} | ${cell(object)} | ${cell(string)} | ${(string / object).toFixed(2)}× |`)
  }
}

main()
