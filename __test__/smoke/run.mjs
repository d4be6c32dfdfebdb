// The smoke suite: ringjwt's main paths on Bun and Deno, run by `node scripts/runtimes.js test bun deno` (it runs
// on Node too: `node __test__/smoke/run.mjs`). Each suite is a file of cases; a failed case, or a suite that does
// not load, fails the run. The Hono suite runs when package.json exports `ringjwt/hono`.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import process from 'node:process'
import { run, test } from './harness.mjs'

const { exports } = createRequire(import.meta.url)('../../package.json')
const SUITES = ['core', 'jwe', 'jwks', 'sessions', 'express', ...(exports['./hono'] ? ['hono'] : [])]
// Suites named on the command line (`node scripts/runtimes.js test bun -- jwks`), or all of them.
const chosen = process.argv.length > 2 ? process.argv.slice(2) : SUITES

for (const suite of chosen) {
  if (!SUITES.includes(suite)) {
    test(`${suite}: the suite exists`, () => assert.fail(`no suite "${suite}": the suites are ${SUITES.join(', ')}`))
    continue
  }
  try {
    await import(`./${suite}.mjs`)
  } catch (err) {
    test(`${suite}: the suite loads`, () => {
      throw err
    })
  }
}
await run(chosen)
