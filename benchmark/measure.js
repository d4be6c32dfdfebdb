'use strict'
// The timing every benchmark here shares: each contender is calibrated to a sample of about `sampleMs`, then runs
// `rounds` samples with the order of the contenders rotated every round; the result is each one's median ops/s.
// Promise forms keep `inFlight` calls pending.

const now = () => Number(process.hrtime.bigint()) / 1e6

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function runSync(fn, arg, iterations) {
  let sink
  const start = now()
  for (let i = 0; i < iterations; i++) sink = fn(arg)
  const elapsed = now() - start
  if (sink === undefined) throw new Error('no result')
  return elapsed
}

function runAsync(fn, arg, iterations, inFlight) {
  return new Promise((resolve, reject) => {
    const start = now()
    let started = 0
    let finished = 0
    const next = () => {
      if (started === iterations) return
      started++
      fn(arg).then(() => {
        if (++finished === iterations) resolve(now() - start)
        else next()
      }, reject)
    }
    for (let i = 0; i < Math.min(inFlight, iterations); i++) next()
  })
}

const run = (fn, arg, iterations, isAsync, inFlight) =>
  isAsync ? runAsync(fn, arg, iterations, inFlight) : Promise.resolve(runSync(fn, arg, iterations))

// How many calls fill a sample: run for at least `warmupMs` (which also warms the code up), then scale.
async function calibrate(fn, arg, isAsync, { sampleMs, warmupMs, inFlight }) {
  let iterations = 1
  for (;;) {
    const elapsed = await run(fn, arg, iterations, isAsync, inFlight)
    if (elapsed >= warmupMs) return Math.max(1, Math.round((iterations * sampleMs) / elapsed))
    iterations = elapsed > 1 ? Math.ceil((iterations * warmupMs * 1.2) / elapsed) : iterations * 8
  }
}

// `contenders`: [name, fn, isAsync] (isAsync: fn returns a promise). Returns { [name]: { median, samples } }.
async function measure(contenders, arg, { rounds, sampleMs, warmupMs, inFlight = 32 }) {
  const settings = { sampleMs, warmupMs, inFlight }
  const iterations = new Map()
  for (const [name, fn, isAsync] of contenders) iterations.set(name, await calibrate(fn, arg, isAsync, settings))
  const samples = new Map(contenders.map(([name]) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const [name, fn, isAsync] = contenders[(i + round) % contenders.length]
      const n = iterations.get(name)
      samples.get(name).push((n * 1000) / (await run(fn, arg, n, isAsync, inFlight)))
    }
  }
  const result = {}
  for (const [name, values] of samples) result[name] = { median: median(values), samples: values }
  return result
}

module.exports = { measure, median, now, runSync }
