'use strict'
// The runtimes ringjwt is tested on are set in one place, scripts/runtimes.js; package.json's `engines` and scripts,
// the README's table and docs/install.md's say the same. The runs themselves are `npm test` (Jest on each Node line,
// the smoke suite on Bun and Deno).

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { RUNTIMES } = require('../scripts/runtimes')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const script = path.join(root, 'scripts', 'runtimes.js')

const major = (version) => Number(version.split('.')[0])
const label = ({ kind, version }) => (kind === 'node' ? `Node ${major(version)}` : { bun: 'Bun', deno: 'Deno' }[kind])
const expected = Object.values(RUNTIMES).map((runtime) => [
  label(runtime),
  runtime.version,
  runtime.tests === 'jest' ? 'the whole Jest suite' : 'the smoke suite',
])

// The rows of the first table after `heading` in a Markdown file, header and rule left out.
function table(file, heading) {
  const text = fs.readFileSync(path.join(root, file), 'utf8')
  const start = text.indexOf(`\n${heading}\n`)
  expect(start).toBeGreaterThan(-1)
  const lines = text.slice(start).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const rows = lines.slice(first, lines.indexOf('', first))
  return rows.slice(2).map((row) =>
    row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  )
}

test('every Node line from 22 on, Bun and Deno', () => {
  expect(Object.keys(RUNTIMES)).toEqual(['node22', 'node24', 'node26', 'bun', 'deno'])
})

test('engines admits the oldest Node line tested, and no older one', () => {
  const oldest = Math.min(
    ...Object.values(RUNTIMES)
      .filter((r) => r.kind === 'node')
      .map((r) => major(r.version)),
  )
  expect(pkg.engines.node).toBe(`>=${oldest}`)
})

test("the README's and docs/install.md's tables name the runtimes and versions tested", () => {
  expect(table('README.md', '### Runtimes')).toEqual(expected)
  expect(table('docs/install.md', '## Runtimes')).toEqual(expected)
})

test('npm test runs every runtime; test:<name> runs one', () => {
  expect(pkg.scripts.test).toBe('cargo test --quiet && node scripts/runtimes.js test && npm run test:types')
  expect(pkg.scripts['test:runtimes']).toBe('node scripts/runtimes.js test')
  for (const name of Object.keys(RUNTIMES)) {
    expect(pkg.scripts[`test:${name}`]).toBe(`node scripts/runtimes.js test ${name}`)
  }
})

test('an unknown runtime is a failure that names the known ones, not a skip', () => {
  const child = spawnSync(process.execPath, [script, 'test', 'node18'], { encoding: 'utf8' })
  expect(child.status).toBe(1)
  expect(child.stderr).toBe('runtimes: unknown runtime "node18": one of node22, node24, node26, bun, deno\n')
  expect(child.stdout).toBe('')
})
