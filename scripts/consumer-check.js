'use strict'
// Installs ringjwt the way a user does and checks that it works there: `npm pack`, then `npm install <tarball>`
// in a new project (the package's install script compiles the addon from source), then a sign/verify round trip
// through `require('ringjwt')` and through `import { sign, verify } from 'ringjwt'`. Everything happens in a
// temporary directory that is removed at the end; the repository is only read.
//
// npm 11 records which dependencies may run install scripts in the project's `allowScripts` field. Unlisted
// scripts still run today (with a warning), but npm has announced it will skip them: the test project lists
// the tarball, so the build runs now and later, and the install uses `--strict-allow-scripts` so that a
// script that is not covered fails the check instead of being skipped in silence.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const INSTALL_TIMEOUT_MS = 15 * 60 * 1000

class CheckFailed extends Error {}

function run(command, args, cwd, { quiet = false, timeout } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'inherit'],
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  })
  const shown = `${path.basename(command)} ${args.map((a) => (a.length > 60 ? `${a.slice(0, 57)}...` : a)).join(' ')}`
  if (result.error) throw new CheckFailed(`${shown}: ${result.error.message}`)
  if (result.status !== 0) {
    const output = [result.stdout, quiet ? result.stderr : ''].filter(Boolean).join('\n').trim()
    throw new CheckFailed(`${shown} exited with ${result.status ?? result.signal}${output ? `:\n${output}` : ''}`)
  }
  return result.stdout
}

function timed(label, fn) {
  const started = Date.now()
  const value = fn()
  console.log(`consumer-check: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return value
}

// The round trips, run in the test project with its own node_modules.
const CJS_CHECK = `
const assert = require('node:assert')
const { generateKeyPairSync } = require('node:crypto')
const jwt = require('ringjwt')
const token = jwt.sign({ sub: 'u1' }, 'consumer-secret', { expiresIn: '1m' })
assert.strictEqual(jwt.verify(token, 'consumer-secret').sub, 'u1')
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
assert.strictEqual(jwt.verify(jwt.sign({ sub: 'u2' }, privateKey, { algorithm: 'ES256' }), publicKey).sub, 'u2')
assert.throws(() => jwt.verify(token, 'another secret'), (err) => err instanceof jwt.JsonWebTokenError && err.code === 'ERR_JWS_SIGNATURE_INVALID')
process.stdout.write('require ok')
`
const ESM_CHECK = `
import assert from 'node:assert'
import { sign, verify, JsonWebTokenError } from 'ringjwt'
import cjs from 'ringjwt'
const token = sign({ sub: 'u1' }, 'consumer-secret', { algorithm: 'HS512' })
assert.strictEqual(verify(token, 'consumer-secret').sub, 'u1')
assert.strictEqual(cjs.JsonWebTokenError, JsonWebTokenError)
process.stdout.write('import ok')
`

function check(tmp) {
  const tarball = timed('npm pack', () => {
    const [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tmp], root, { quiet: true }))
    if (packed.files.some((file) => file.path.endsWith('.node'))) {
      throw new CheckFailed(`the tarball holds a prebuilt addon; it must build from source:\n${packed.filename}`)
    }
    return packed.filename
  })

  const project = path.join(tmp, 'consumer')
  fs.mkdirSync(project)
  // An allowScripts entry for a tarball names it by absolute path, as `npm install-scripts approve` writes it.
  const spec = `file:${path.join(tmp, tarball)}`
  const manifest = { name: 'ringjwt-consumer-check', version: '1.0.0', private: true, allowScripts: { [spec]: true } }
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)

  timed('npm install <tarball>, building the addon from source', () =>
    run(npm, ['install', spec, '--strict-allow-scripts', '--no-audit', '--no-fund'], project, {
      timeout: INSTALL_TIMEOUT_MS,
    }),
  )
  const installed = path.join(project, 'node_modules', 'ringjwt')
  const addons = fs.readdirSync(installed).filter((file) => file.endsWith('.node'))
  if (addons.length === 0) throw new CheckFailed('the install script built no addon in node_modules/ringjwt')
  if (fs.existsSync(path.join(installed, 'target'))) throw new CheckFailed('the build tree was left in node_modules')

  timed(`require('ringjwt') round trip`, () => run(process.execPath, ['-e', CJS_CHECK], project, { quiet: true }))
  timed(`import { sign, verify } from 'ringjwt' round trip`, () =>
    run(process.execPath, ['--input-type=module', '-e', ESM_CHECK], project, { quiet: true }),
  )
}

function main() {
  const started = Date.now()
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-consumer-')))
  try {
    check(tmp)
  } catch (err) {
    console.error(`consumer-check failed: ${err instanceof CheckFailed ? err.message : err.stack}`)
    process.exitCode = 1
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  if (process.exitCode !== 1) {
    console.log(`consumer-check: ok (${((Date.now() - started) / 1000).toFixed(1)} s in all)`)
  }
}

main()
