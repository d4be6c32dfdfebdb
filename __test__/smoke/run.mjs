// The smoke suite: ringjwt's main paths on Bun and Deno, run by `node scripts/runtimes.js test bun deno` (it runs
// on Node too: `node __test__/smoke/run.mjs`). Each suite is a file of cases; a failed case, or a suite that does
// not load, fails the run. The Hono suite runs when package.json exports `ringjwt/hono`.
import { createRequire } from 'node:module'
import { run, test } from './harness.mjs'

const { exports } = createRequire(import.meta.url)('../../package.json')
const SUITES = ['core', 'jwe', 'jwks', 'sessions', 'express', ...(exports['./hono'] ? ['hono'] : [])]

for (const suite of SUITES) {
  try {
    await import(`./${suite}.mjs`)
  } catch (err) {
    test(`${suite}: the suite loads`, () => {
      throw err
    })
  }
}
await run(SUITES)
