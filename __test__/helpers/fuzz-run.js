'use strict'
// What the random-input runs share (helpers/jwe-fuzz.js and bad-input.test.js's script, each in a process of its
// own): a seeded generator, so that a failure can be replayed with the seed it prints, and the judge of each
// outcome. Allowed: success, a JsonWebTokenError with a listed code and no native separator in its message, a
// TypeError, an AbortError (a signal's); anything else prints the seed and call and ends the process with status 1.

function fuzzRun(jwt, seed) {
  // mulberry32
  let state = seed >>> 0
  function random() {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = (list) => list[Math.floor(random() * list.length)]
  const int = (n) => Math.floor(random() * n)

  const counts = { calls: 0, ok: 0, TypeError: 0, JsonWebTokenError: 0, AbortError: 0 }
  function fail(label, args, err) {
    const shown = args.map((a) => {
      try {
        return typeof a === 'string' ? a.slice(0, 200) : String(a)
      } catch {
        return typeof a
      }
    })
    process.stderr.write(`seed ${seed}: ${label}(${shown.join(', ')}) threw ${err && err.stack}\n`)
    process.exit(1)
  }
  function judge(label, args, err) {
    if (err === undefined) return counts.ok++
    if (err instanceof jwt.JsonWebTokenError) {
      if (!(err.code in jwt.codes) || err.message.includes('\x1f')) fail(label, args, err)
      return counts.JsonWebTokenError++
    }
    if (err instanceof TypeError) return counts.TypeError++
    if (err && err.name === 'AbortError') return counts.AbortError++
    return fail(label, args, err)
  }
  process.on('unhandledRejection', (err) => fail('unhandled rejection', [], err))
  return { random, pick, int, counts, fail, judge }
}

module.exports = { fuzzRun }
