'use strict'
// Runs one group of positions (any-value-positions.js) under fast-check, in a process of its own so that an abort
// or a segfault in the addon fails the test instead of killing Jest. Usage: node any-value-run.js <group> <seed>
// <runs per position>. Prints one JSON line of counts and exits 0, or prints the failure (with the seed and the
// path that replay it) on stderr and exits 1.

const { types } = require('node:util')
const { fc, problemWith, CallerError } = require('./any-value')
const { GROUPS } = require('./any-value-positions')

const [group, seedText, runsText] = process.argv.slice(2)
const seed = Number(seedText)
const numRuns = Number(runsText)

// A call that settles later than this never settles, as far as the test is concerned.
const SETTLE_MS = 3000

function fail(message) {
  process.stderr.write(
    `${message}\nreplay: RINGJWT_PROPERTY_SEED=${seed} npx jest __test__/any-value.test.js -t ${group}\n`,
  )
  process.exit(1)
}

// The position and value being tried, for a failure that comes from outside the property (an uncaught exception).
let current = { label: '(none)', value: undefined }
function printable(value) {
  try {
    const text = fc.stringify(value)
    return text.length > 1500 ? `${text.slice(0, 1500)} … (${text.length} characters)` : text
  } catch {
    return '(a value that cannot be printed)'
  }
}
const during = () => `during ${current.label} with ${printable(current.value)}`
process.on('uncaughtException', (err) => fail(`uncaught exception ${during()}: ${err?.stack ?? String(err)}`))
process.on('unhandledRejection', (err) => fail(`unhandled rejection ${during()}: ${err?.stack ?? String(err)}`))

function describe(err) {
  if (current.passesThrough && Object.is(err, current.value)) return null
  try {
    return problemWith(err)
  } catch (thrown) {
    return `an error the judge could not read: ${String(thrown)}`
  }
}

// Problems the runner itself raises (a call that never settles, a throw despite a callback), told apart from what
// the call threw by identity: reading anything of a thrown value can run the caller's traps.
const runnerProblems = new WeakSet()
function runnerProblem(message) {
  const problem = new Error(message)
  runnerProblems.add(problem)
  return problem
}

// An error as text, whatever it is.
function textOf(err) {
  try {
    return String(err?.stack ?? err)
  } catch {
    return '(an error that cannot be read)'
  }
}

function settled(promise) {
  let timer
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(runnerProblem(`never settled (waited ${SETTLE_MS} ms)`)), SETTLE_MS)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

const counts = { positions: 0, calls: 0, returned: 0, refused: 0, caller: 0 }

function tally(err) {
  if (err === undefined) counts.returned++
  else if (isCallerError(err) || (current.passesThrough && Object.is(err, current.value))) counts.caller++
  else counts.refused++
}

function isCallerError(err) {
  try {
    return err instanceof CallerError
  } catch {
    return false
  }
}

// Awaits a result: undefined when it fulfilled, else what it rejected with.
async function rejectionOf(promise) {
  try {
    await settled(promise)
    return undefined
  } catch (err) {
    return { err }
  }
}

// What a call did wrong, or null.
async function outcome({ label, call, kind, passesThrough }, value) {
  current = { label, value, passesThrough }
  counts.calls++
  let result
  try {
    result = call(value)
  } catch (err) {
    if (kind === 'promise') return `threw synchronously instead of rejecting: ${textOf(err)}`
    tally(err)
    return describe(err)
  }
  if (kind === 'promise' && !types.isPromise(result)) return `returned ${typeof result}, not a promise`
  let calls = 0
  if (kind === 'callback') {
    const start = result
    result = new Promise((resolve, reject) => {
      try {
        start((err, answer) => {
          calls++
          if (err) reject(err)
          else resolve(answer)
        })
      } catch (err) {
        reject(runnerProblem(`threw despite a callback: ${textOf(err)}`))
      }
    })
  }
  if (types.isPromise(result)) {
    const rejected = await rejectionOf(result)
    if (rejected !== undefined) {
      if (runnerProblems.has(rejected.err)) return rejected.err.message
      tally(rejected.err)
      const problem = describe(rejected.err)
      if (problem !== null) return problem
    } else {
      tally(undefined)
    }
  } else {
    tally(undefined)
  }
  if (kind === 'callback') {
    // A second call of the callback would come in the same or a later turn.
    await new Promise((resolve) => setImmediate(resolve))
    if (calls > 1) return `called back ${calls} times`
  }
  return null
}

// fast-check's own report would print values that are megabytes long: this one cuts each part short.
async function report(details) {
  if (!details.failed) return
  const error = details.errorInstance
  failures.push(
    [
      `${group}: failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}")`,
      String(error?.message ?? error).slice(0, 4000),
      `counterexample: ${printable(details.counterexample)}`,
    ].join('\n'),
  )
}

// Every position runs, so that one failure does not hide the next.
const failures = []

async function main() {
  const positions = GROUPS[group]()
  for (const position of positions) {
    counts.positions++
    if (process.env.ANY_VALUE_TRACE) process.stderr.write(`${position.label}\n`)
    const property = fc.asyncProperty(position.arbitrary, async (value) => {
      const problem = await outcome(position, value)
      if (problem !== null) throw new Error(`${position.label}: ${problem}`)
    })
    await fc.assert(property, { seed, numRuns, endOnFailure: true, asyncReporter: report })
  }
  if (failures.length > 0) fail(failures.join('\n\n'))
  process.stdout.write(`${JSON.stringify(counts)}\n`)
  process.exit(0)
}

main()
