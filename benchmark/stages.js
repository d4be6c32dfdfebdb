'use strict'
// Where the time of one large HS256 sign and one large HS256 verify goes (benchmark/payloads.js: 40 claims,
// 1.2 KB of JSON), stage by stage.
//
//   node benchmark/stages.js [--n 300000] [--no-perf]
//
// 1. µs per call of `sign(large, key, { algorithm })` and `verify(token, key, { algorithms })`: process CPU time
//    (not wall time, so other work on a shared machine does not count), median of interleaved rounds.
// 2. With Linux `perf` on PATH: each call runs in a child process under `perf record -e cpu-clock` (a software
//    event: it works in virtual machines without hardware counters), and the samples are grouped into stages by
//    the function they fall in (V8's JSON code, the napi string functions, base64, SHA-256 ...; JS frames are named
//    through --perf-basic-prof). A stage's µs is its share of the samples times the µs per call.
//
// The addon needs its symbols for the Rust stages to be told apart (the release build strips them):
//   CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=line-tables-only npm run build

const crypto = require('node:crypto')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { parseArgs } = require('node:util')
const ringjwt = require('..')
const { payloads } = require('./payloads')
const { median } = require('./measure')

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '300000' },
    'no-perf': { type: 'boolean', default: false },
    child: { type: 'string' },
  },
})
const iterations = Number(flags.n)

function setup() {
  const claims = payloads(1_700_000_000).large
  // A fixed key: every run signs the same bytes.
  const key = crypto.createSecretKey(Buffer.from('stages-benchmark-key-of-32-bytes'))
  const token = ringjwt.sign(claims, key, { algorithm: 'HS256' })
  const signOptions = { algorithm: 'HS256' }
  const verifyOptions = { algorithms: ['HS256'], clockTimestamp: 1_700_000_001 }
  return {
    sign: () => ringjwt.sign(claims, key, signOptions),
    verify: () => ringjwt.verify(token, key, verifyOptions),
  }
}

function loop(fn, n) {
  let sink
  for (let i = 0; i < n; i++) sink = fn()
  if (sink === undefined) throw new Error('no result')
}

function cpuMicros(fn, n) {
  const start = process.cpuUsage()
  loop(fn, n)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / n
}

// Stages in the order they happen; a function counts towards the first stage whose pattern it matches.
const STAGES = [
  [
    'JSON.stringify (V8)',
    /JsonStringif|IntToCString|DoubleToCString|FlatStringReader|IncrementalStringBuilder|SerializeSmi|FastPropertyAt|FieldIndex::ForPropertyIndex/,
  ],
  [
    'crossing into Rust: JS string → UTF-8',
    /napi_get_value_string|String::Utf8Length|String::WriteUtf8|String::WriteOneByte|WriteToFlat|FromNapiValue for alloc::string::String|JsText/,
  ],
  ['base64url', /base64/],
  [
    'UTF-8 and JSON checks, claims (Rust)',
    /serde|ringjwt::(claims|header|json|token|policy)|from_utf8|memchr|Utf8Chunks|run_utf8_validation/,
  ],
  ['HMAC-SHA-256', /sha256|hmac|digest|CRYPTO_memcmp/i],
  [
    'result string (Rust → JS)',
    /napi_create_string|NewFromUtf8|NewStringFromUtf8|Utf8Decoder|NewRawOneByteString|NewFromOneByte|NewStringFromOneByte|ToNapiValue|JsString/,
  ],
  [
    'JSON.parse (V8)',
    /JsonParse|JsonParser|StringTable|InternalizeString|Strtod|StringToDouble|JsonProperty|ObjectLiteralMapFromCache|InitializeJSObject|FieldType|CopyChars/,
  ],
  [
    'napi call, class unwrap',
    /napi|v8impl|FunctionCallbackWrapper|CallApiCallback|native_borrow|class_identity|External|__tls_get_addr|pthread_rwlock|_dl_addr|EmbedderData/,
  ],
  [
    'memory (malloc/free)',
    /malloc|free|calloc|realloc|consolidate|unlink_chunk|_int_|__rdl_|__rust_|memset|finish_grow/,
  ],
  [
    'garbage collection (V8)',
    /Scaveng|GarbageCollect|Heap::|Evacuat|Sweep|Marking|IterateObjectCache|GCEpilogue|SemiSpace/,
  ],
  [
    'JS: arguments, options, key and payload checks',
    /^JS:|^Builtins_|LookupIterator|Runtime_|Object::GetProperty|PropertyKey|Builtin_/,
  ],
]
const OTHER = 'other (memcpy, kernel, ...)'

function stageOf(symbol) {
  for (const [name, pattern] of STAGES) if (pattern.test(symbol)) return name
  return OTHER
}

function perfShares(mode) {
  const data = path.join(os.tmpdir(), `ringjwt-stages-${process.pid}-${mode}.data`)
  const record = spawnSync(
    'perf',
    [
      'record',
      '-e',
      'cpu-clock',
      '-F',
      '20000',
      '-o',
      data,
      '--',
      process.execPath,
      '--perf-basic-prof',
      __filename,
      '--child',
      mode,
      '--n',
      String(iterations),
    ],
    // --perf-basic-prof also writes a V8 log into the working directory.
    { encoding: 'utf8', cwd: os.tmpdir() },
  )
  if (record.status !== 0) throw new Error(`perf record failed: ${record.stderr}`)
  const report = spawnSync(
    'perf',
    ['report', '-i', data, '--no-children', '--sort', 'symbol', '--stdio', '-g', 'none', '--percent-limit', '0'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  fs.rmSync(data, { force: true })
  // The symbol map and the log --perf-basic-prof wrote for the child (which printed its pid).
  const pid = record.stdout.trim()
  fs.rmSync(path.join('/tmp', `perf-${pid}.map`), { force: true })
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (name.startsWith('isolate-') && name.endsWith(`-${pid}-v8.log`)) fs.rmSync(path.join(os.tmpdir(), name))
  }
  const shares = new Map([...STAGES.map(([name]) => [name, 0]), [OTHER, 0]])
  for (const line of report.stdout.split('\n')) {
    const match = /^\s*([\d.]+)%\s+\[([.k])\]\s+(.*?)\s*$/.exec(line)
    if (!match) continue
    const stage = match[2] === 'k' ? OTHER : stageOf(match[3])
    shares.set(stage, shares.get(stage) + Number(match[1]))
  }
  return shares
}

function hasPerf() {
  if (flags['no-perf']) return false
  const probe = spawnSync('perf', ['--version'], { encoding: 'utf8' })
  return probe.status === 0
}

function main() {
  const fns = setup()
  if (flags.child) {
    loop(fns[flags.child], iterations)
    console.log(process.pid)
    return
  }
  const rounds = 9
  const perRound = Math.max(1000, Math.round(iterations / 10))
  const samples = { sign: [], verify: [] }
  for (const mode of ['sign', 'verify']) loop(fns[mode], perRound) // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 ? ['verify', 'sign'] : ['sign', 'verify']) {
      samples[mode].push(cpuMicros(fns[mode], perRound))
    }
  }
  console.log(`HS256, large payload: Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`)
  const micros = {}
  for (const mode of ['sign', 'verify']) {
    micros[mode] = median(samples[mode])
    console.log(`${mode}: ${micros[mode].toFixed(2)} µs per call (CPU time, median of ${rounds} rounds)`)
  }
  if (!hasPerf()) {
    console.log('\n(perf not found, or --no-perf: no per-stage breakdown)')
    return
  }
  for (const mode of ['sign', 'verify']) {
    const shares = perfShares(mode)
    console.log(`\n${mode} (${micros[mode].toFixed(2)} µs):\n`)
    console.log('| stage | share | µs |')
    console.log('| --- | ---: | ---: |')
    for (const [name, share] of shares) {
      if (share < 0.05) continue
      console.log(`| ${name} | ${share.toFixed(1)} % | ${((share / 100) * micros[mode]).toFixed(2)} |`)
    }
  }
}

main()
