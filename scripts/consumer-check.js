'use strict'
// `npm run check:package`: checks the tarballs `npm run package` writes to dist/, then installs them the ways users
// do, each into a new project in a temporary directory (removed at the end; the repository is only read):
//
//   0. the main tarball's types and manifest: @arethetypeswrong/cli (every entry of `exports`, each module
//      format's types) and `publint --strict`, both from node_modules, offline;
//   1. the main and the platform tarball, with no Rust anywhere (cargo and rustc folders left out of PATH,
//      CARGO_HOME and RUSTUP_HOME empty): the install takes under 30 s, the project holds at most 6 packages,
//      nothing is compiled, and `require`, `import` and `ringjwt/express` work;
//   2. the main tarball alone, still without Rust and without optional dependencies (so no prebuilt fits, as on
//      a platform with none): the install succeeds, and `require('ringjwt')` throws the loader's message, which
//      names the build command; that command fails without Rust, saying so, and leaves no addon or build tree;
//   3. the same with Rust: the command the message names builds the addon from source, and it works.
//
// Cases 2 and 3 install with --omit=optional: once a version is published, npm would otherwise fetch its
// platform package from the registry, and the check must mean the same before and after a release.
//
// npm 11 warns about dependencies' install scripts that the project's `allowScripts` does not cover, and has
// announced it will skip them. The published package has none: every install here runs with
// `--strict-allow-scripts` and no `allowScripts`, so an install script fails the check, and npm's output must not
// mention install scripts at all.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const dist = path.join(root, 'dist')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const PREBUILT_INSTALL_LIMIT_S = 30
const PACKAGE_LIMIT = 6
const BUILD_TIMEOUT_MS = 20 * 60 * 1000

class CheckFailed extends Error {}

function run(command, args, { cwd = root, env = process.env, timeout, expectFailure = false, shell = false } = {}) {
  const child = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    maxBuffer: 64 * 1024 * 1024,
    shell: shell || process.platform === 'win32',
  })
  const shown = shell
    ? command
    : `${path.basename(command)} ${args.map((a) => (a.length > 60 ? `…${a.slice(-57)}` : a)).join(' ')}`
  if (child.error) throw new CheckFailed(`${shown}: ${child.error.message}`)
  const output = `${child.stdout}\n${child.stderr}`.trim()
  if ((child.status === 0) === expectFailure) {
    const outcome = expectFailure ? 'succeeded, and should have failed' : `exited with ${child.status ?? child.signal}`
    throw new CheckFailed(`${shown} ${outcome}${output ? `:\n${output}` : ''}`)
  }
  return output
}

function seconds(started) {
  return (Date.now() - started) / 1000
}

function timed(label, fn) {
  const started = Date.now()
  const value = fn()
  console.log(`check:package: ${label} (${seconds(started).toFixed(1)} s)`)
  return value
}

// This environment without Rust: no PATH entry that holds cargo or rustc, and rustup's homes empty, so that no
// rustup proxy left elsewhere on PATH finds a toolchain either.
function withoutRust(tmp) {
  const tools = process.platform === 'win32' ? ['cargo.exe', 'rustc.exe'] : ['cargo', 'rustc']
  const entries = (process.env.PATH || '').split(path.delimiter)
  const PATH = entries.filter((dir) => dir && !tools.some((tool) => fs.existsSync(path.join(dir, tool))))
  const empty = (name) => {
    const dir = path.join(tmp, name)
    fs.mkdirSync(dir)
    return dir
  }
  const env = {
    ...process.env,
    PATH: PATH.join(path.delimiter),
    CARGO_HOME: empty('no-cargo-home'),
    RUSTUP_HOME: empty('no-rustup-home'),
  }
  for (const tool of ['cargo', 'rustc']) {
    const probe = spawnSync(tool, ['--version'], { env, encoding: 'utf8' })
    if (probe.status === 0) throw new CheckFailed(`${tool} still runs without Rust on PATH: ${probe.stdout.trim()}`)
  }
  return env
}

// A new project that approves no install script, and the arguments that install the tarballs into it.
function project(tmp, name, tarballs, extra = []) {
  const dir = path.join(tmp, name)
  fs.mkdirSync(dir)
  const specs = tarballs.map((file) => `file:${path.join(dist, file)}`)
  const manifest = { name: `ringjwt-${name}`, version: '1.0.0', private: true }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return { dir, install: ['install', ...specs, ...extra, '--strict-allow-scripts', '--no-audit', '--no-fund'] }
}

// Runs `npm install` in a test project; npm must not speak of install scripts (it warns about unapproved ones).
function npmInstall(consumer, options) {
  const output = run(npm, consumer.install, { cwd: consumer.dir, timeout: BUILD_TIMEOUT_MS, ...options })
  if (/install.?scripts?|allowScripts/i.test(output)) throw new CheckFailed(`npm spoke of install scripts:\n${output}`)
  return output
}

// Every file under `dir` whose name passes `test`, as paths relative to it.
function findFiles(dir, test) {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => test(entry.name, entry))
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)))
}

// What the project installed, as npm records it in node_modules/.package-lock.json.
function installedPackages(dir) {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '.package-lock.json'), 'utf8'))
  return Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, ''))
}

// Run inside the test projects: a sign/verify round trip through each entry point, and the middleware on a
// request (Express itself is not installed: the middleware is called as Express calls it).
const CJS_CHECK = `
const assert = require('node:assert')
const { generateKeyPairSync } = require('node:crypto')
const jwt = require('ringjwt')
const { expressjwt, UnauthorizedError } = require('ringjwt/express')
const token = jwt.sign({ sub: 'u1' }, 'consumer-secret', { expiresIn: '1m' })
assert.strictEqual(jwt.verify(token, 'consumer-secret').sub, 'u1')
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
assert.strictEqual(jwt.verify(jwt.sign({ sub: 'u2' }, privateKey, { algorithm: 'ES256' }), publicKey).sub, 'u2')
assert.throws(() => jwt.verify(token, 'another secret'), (err) => err instanceof jwt.JsonWebTokenError && err.code === 'ERR_JWS_SIGNATURE_INVALID')
const middleware = expressjwt({ secret: 'consumer-secret', algorithms: ['HS256'] })
assert.strictEqual(typeof middleware.unless, 'function')
const req = { method: 'GET', headers: { authorization: 'Bearer ' + token } }
middleware(req, {}, (err) => {
  assert.ifError(err)
  assert.strictEqual(req.auth.sub, 'u1')
  middleware({ method: 'GET', headers: {} }, {}, (missing) => {
    assert.ok(missing instanceof UnauthorizedError && missing.code === 'credentials_required')
    process.stdout.write('require ok')
  })
})
`
const ESM_CHECK = `
import assert from 'node:assert'
import { sign, verify, JsonWebTokenError } from 'ringjwt'
import cjs from 'ringjwt'
import { expressjwt, fromAuthHeaderAsBearerToken } from 'ringjwt/express'
const token = sign({ sub: 'u1' }, 'consumer-secret', { algorithm: 'HS512' })
assert.strictEqual(verify(token, 'consumer-secret').sub, 'u1')
assert.strictEqual(cjs.JsonWebTokenError, JsonWebTokenError)
assert.strictEqual(cjs.expressjwt, expressjwt)
assert.strictEqual(fromAuthHeaderAsBearerToken()({ headers: { authorization: 'Bearer ' + token } }), token)
process.stdout.write('import ok')
`

function roundTrips(dir) {
  timed('require(ringjwt), require(ringjwt/express): round trip and middleware', () =>
    run(process.execPath, ['-e', CJS_CHECK], { cwd: dir }),
  )
  timed('import from ringjwt and ringjwt/express: round trip', () =>
    run(process.execPath, ['--input-type=module', '-e', ESM_CHECK], { cwd: dir }),
  )
}

function prebuilt(tmp, tarballs, noRust) {
  const consumer = project(tmp, 'prebuilt', tarballs)
  const started = Date.now()
  timed('npm install <main> <platform>, no Rust on PATH, no install script', () =>
    npmInstall(consumer, { env: noRust }),
  )
  const took = seconds(started)
  if (took >= PREBUILT_INSTALL_LIMIT_S) {
    throw new CheckFailed(
      `installing the prebuilt package took ${took.toFixed(1)} s (limit ${PREBUILT_INSTALL_LIMIT_S})`,
    )
  }
  const packages = installedPackages(consumer.dir)
  console.log(`check:package: ${packages.length} packages installed: ${packages.join(', ')}`)
  if (packages.length > PACKAGE_LIMIT) {
    throw new CheckFailed(`the project holds ${packages.length} packages (limit ${PACKAGE_LIMIT})`)
  }
  const built = findFiles(path.join(consumer.dir, 'node_modules', 'ringjwt'), (name) => name.endsWith('.node'))
  if (built.length > 0) throw new CheckFailed(`the install built an addon instead of using the prebuilt: ${built}`)
  roundTrips(consumer.dir)
}

// What `require('ringjwt')` throws in a project where no addon loads, and the build command it names.
function notLoaded(dir) {
  const output = run(process.execPath, ['-e', "require('ringjwt')"], { cwd: dir, expectFailure: true })
  const expected = ['no native addon loads for', 'Two ways out', 'A build from source']
  const missing = expected.filter((text) => !output.includes(text))
  if (missing.length > 0) throw new CheckFailed(`require('ringjwt') did not say ${missing.join(', ')}:\n${output}`)
  const command = /run `([^`]+)`\./.exec(output)?.[1]
  const script = path.join(dir, 'node_modules', 'ringjwt', 'scripts', 'build.js')
  if (command !== `node ${script}`)
    throw new CheckFailed(`the message names no build command for ${script}:\n${output}`)
  return command
}

// The command as a user pastes it into a shell.
function runCommand(command, options) {
  return run(command, [], { ...options, shell: true })
}

function noToolchain(tmp, main, noRust) {
  const consumer = project(tmp, 'no-toolchain', [main], ['--omit=optional'])
  timed('npm install <main>, no Rust and no prebuilt package: installs, runs nothing', () =>
    npmInstall(consumer, { env: noRust }),
  )
  const command = timed("require('ringjwt') fails and names the build command", () => notLoaded(consumer.dir))
  const output = timed(`${command}, without Rust: fails`, () =>
    runCommand(command, { cwd: consumer.dir, env: noRust, expectFailure: true }),
  )
  if (!output.includes('building the native addon from source needs Rust')) {
    throw new CheckFailed(`the build without Rust did not say that it needs Rust:\n${output}`)
  }
  const left = findFiles(
    consumer.dir,
    (name, entry) => name.endsWith('.node') || (name === 'target' && entry.isDirectory()),
  )
  if (left.length > 0) throw new CheckFailed(`the failed build left ${left.join(', ')}`)
}

function fromSource(tmp, main) {
  const consumer = project(tmp, 'from-source', [main], ['--omit=optional'])
  timed('npm install <main>, no prebuilt package', () => npmInstall(consumer))
  const command = notLoaded(consumer.dir)
  timed(`${command}, with Rust: builds the addon from source`, () =>
    runCommand(command, { cwd: consumer.dir, timeout: BUILD_TIMEOUT_MS }),
  )
  const installed = path.join(consumer.dir, 'node_modules', 'ringjwt')
  if (findFiles(installed, (name) => name.endsWith('.node')).length !== 1) {
    throw new CheckFailed('the build command built no addon in node_modules/ringjwt')
  }
  if (fs.existsSync(path.join(installed, 'target'))) throw new CheckFailed('the build tree was left in node_modules')
  roundTrips(consumer.dir)
}

// The main tarball's types for every entry of `exports` and every module format, and its manifest. Both tools
// read the tarball itself; neither needs the network.
function lint(main) {
  const tarball = path.join(dist, main)
  const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
  timed('attw: the types of every entry point, CommonJS and ESM', () =>
    run(bin('attw'), [tarball, '--no-definitely-typed', '--format', 'ascii']),
  )
  timed('publint --strict', () => run(bin('publint'), ['run', tarball, '--strict']))
}

function check(tmp) {
  timed('npm run package', () => run(npm, ['run', 'package', '--silent']))
  const names = JSON.parse(run(process.execPath, [path.join(root, 'lib', 'native.js')]))
  const main = `ringjwt-${version}.tgz`
  const platform = `ringjwt-${names.triple}-${version}.tgz`
  for (const file of [main, platform]) {
    if (!fs.existsSync(path.join(dist, file))) throw new CheckFailed(`npm run package wrote no dist/${file}`)
  }
  lint(main)
  const noRust = withoutRust(tmp)
  prebuilt(tmp, [main, platform], noRust)
  noToolchain(tmp, main, noRust)
  fromSource(tmp, main)
}

function main() {
  const started = Date.now()
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-consumer-')))
  try {
    check(tmp)
    console.log(`check:package: ok (${seconds(started).toFixed(1)} s in all)`)
  } catch (err) {
    console.error(`check:package failed: ${err instanceof CheckFailed ? err.message : err.stack}`)
    process.exitCode = 1
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main()
