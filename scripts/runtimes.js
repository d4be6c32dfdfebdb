'use strict'
// The runtimes ringjwt is tested on, installed from npm (the packages that ship each runtime's binary) into
// node_modules/.cache/ringjwt-runtimes, and the tests each one runs: the whole Jest suite on every supported Node
// line, the smoke suite (__test__/smoke) on Bun and Deno. The addon is the one `npm install` built: Node-API is
// ABI-stable, so one build serves every runtime.
//
//   node scripts/runtimes.js test [name...] [-- args]   the tests of each runtime named (all of them by default);
//                                                        args go to Jest (a test file, say) or to the smoke
//                                                        runner (suite names: jwks, sessions, ...)
//   node scripts/runtimes.js run <name> [args...]        the runtime's binary with args, its folder first on PATH
//   node scripts/runtimes.js path <name>                 prints the binary's path, installing it first
//
// A runtime that cannot be installed or run is a failure with the reason, never a skip.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const cache = path.join(root, 'node_modules', '.cache', 'ringjwt-runtimes')

// A failure to report in one line (and exit 1), not a bug in this script.
class RuntimeError extends Error {}

// The tested versions, one place: the README's and docs/install.md's tables name the same, and package.json's
// `engines` admits the oldest Node line here. `tests` is what runs on the runtime.
const RUNTIMES = {
  node22: { kind: 'node', version: '22.23.5', tests: 'jest' },
  node24: { kind: 'node', version: '24.22.3', tests: 'jest' },
  node26: { kind: 'node', version: '26.12.1', tests: 'jest' },
  bun: { kind: 'bun', version: '1.4.5', tests: 'smoke' },
  deno: { kind: 'deno', version: '2.9.6', tests: 'smoke' },
}

// npm's package for each runtime on this platform, and the binary's path inside it. npm publishes these for Linux
// (glibc) on x64 and arm64; elsewhere, run `npm run test:js` on the Node you have.
function packageFor(kind) {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch]
  if (process.platform !== 'linux' || arch === undefined || !isGlibc()) {
    throw new RuntimeError(
      `the runtimes are installed from npm packages for Linux (glibc) on x64 and arm64; this is ` +
        `${process.platform}-${process.arch}${process.platform === 'linux' ? ' without glibc' : ''}`,
    )
  }
  return {
    node: { name: `node-linux-${arch}`, bin: 'bin/node' },
    bun: { name: `@oven/bun-linux-${arch === 'arm64' ? 'aarch64' : arch}`, bin: 'bin/bun' },
    deno: { name: `@deno/linux-${arch}-glibc`, bin: 'deno' },
  }[kind]
}

function isGlibc() {
  return Boolean(process.report.getReport().header.glibcVersionRuntime)
}

// The binary of runtime `name`, installed into the cache unless the version there is already the right one.
function locate(name) {
  const runtime = known(name)
  const pkg = packageFor(runtime.kind)
  const spec = `${pkg.name}@${runtime.version}`
  const prefix = path.join(cache, `${runtime.kind}-${runtime.version}`)
  const binary = path.join(prefix, 'node_modules', pkg.name, pkg.bin)
  if (versionOf(binary) === runtime.version) return binary

  process.stderr.write(`runtimes: installing ${spec} from npm into ${path.relative(root, prefix)}\n`)
  fs.rmSync(prefix, { recursive: true, force: true })
  fs.mkdirSync(prefix, { recursive: true })
  const flags = ['--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']
  const install = npm(['install', '--prefix', prefix, ...flags, spec])
  if (install.error || install.status !== 0) {
    fs.rmSync(prefix, { recursive: true, force: true })
    const why = install.error ? install.error.message : lastLines(install.stderr || install.stdout)
    throw new RuntimeError(`could not install ${spec} from npm:\n${why}`)
  }
  const installed = versionOf(binary)
  if (installed !== runtime.version) {
    throw new RuntimeError(`${spec} installed, but ${binary} reports version ${installed ?? '(none: it does not run)'}`)
  }
  return binary
}

// npm itself: the one running this script when npm started it, else the one on PATH.
function npm(args) {
  const [command, first] = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []]
  return spawnSync(command, [...first, ...args], { cwd: root, encoding: 'utf8' })
}

function versionOf(binary) {
  if (!fs.existsSync(binary)) return null
  const child = spawnSync(binary, ['--version'], { encoding: 'utf8', env: runtimeEnv(binary) })
  if (child.status !== 0) return null
  // node: v22.23.5; bun: 1.4.5; deno: deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu) ...
  return /(\d+\.\d+\.\d+)/.exec(child.stdout)?.[1] ?? null
}

// The runtime's folder first on PATH, so that what the tests spawn as `node` (npm's own shebang, say) is the
// runtime under test; Deno's update check off.
function runtimeEnv(binary) {
  return {
    ...process.env,
    PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}`,
    DENO_NO_UPDATE_CHECK: '1',
  }
}

function known(name) {
  if (!Object.hasOwn(RUNTIMES, name)) {
    throw new RuntimeError(`unknown runtime "${name}": one of ${Object.keys(RUNTIMES).join(', ')}`)
  }
  return RUNTIMES[name]
}

const lastLines = (text) => String(text).trim().split('\n').slice(-5).join('\n')

// The command line that runs runtime `name`'s tests. Jest runs as its own bin under that Node, so its workers and
// every child a test spawns with process.execPath are that Node too.
function testCommand(name, binary, args) {
  const runtime = RUNTIMES[name]
  if (runtime.tests === 'jest') return [binary, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...args]]
  const smoke = path.join(root, '__test__', 'smoke', 'run.mjs')
  if (runtime.kind === 'bun') return [binary, [smoke, ...args]]
  // Deno asks for permissions: reading the project and /usr/bin/ldd (which tells the loader the C library), the
  // environment (process.env), the native addon (Node-API is FFI to Deno), the loopback servers the suite starts.
  const permissions = [`--allow-read=${root},/usr/bin/ldd`, '--allow-env', '--allow-ffi', '--allow-net=127.0.0.1']
  return [binary, ['run', ...permissions, smoke, ...args]]
}

function run(binary, args) {
  const child = spawnSync(binary, args, { cwd: root, stdio: 'inherit', env: runtimeEnv(binary) })
  if (child.error) throw new RuntimeError(`${binary} did not start: ${child.error.message}`)
  return child.status ?? 1
}

function test(names, args) {
  const results = []
  for (const name of names) {
    const runtime = RUNTIMES[name]
    const label = `${runtime.kind} ${runtime.version} (${runtime.tests === 'jest' ? 'Jest suite' : 'smoke suite'})`
    process.stderr.write(`\nruntimes: ${label}\n`)
    const started = Date.now()
    let status
    try {
      const [command, commandArgs] = testCommand(name, locate(name), args)
      status = run(command, commandArgs)
    } catch (err) {
      if (!(err instanceof RuntimeError)) throw err
      process.stderr.write(`runtimes: ${err.message}\n`)
      status = 1
    }
    results.push({ label, status, seconds: Math.round((Date.now() - started) / 1000) })
  }
  process.stderr.write('\nruntimes:\n')
  for (const { label, status, seconds } of results) {
    process.stderr.write(`  ${status === 0 ? 'passed' : 'FAILED'}  ${label}, ${seconds} s\n`)
  }
  return results.every((result) => result.status === 0) ? 0 : 1
}

function main(argv) {
  const [command, ...rest] = argv
  const dash = rest.indexOf('--')
  const names = dash === -1 ? rest : rest.slice(0, dash)
  const args = dash === -1 ? [] : rest.slice(dash + 1)
  if (command === 'test') {
    names.forEach(known)
    return test(names.length > 0 ? names : Object.keys(RUNTIMES), args)
  }
  if (command === 'run' && rest.length > 0) return run(locate(rest[0]), rest.slice(1))
  if (command === 'path' && rest.length === 1) {
    console.log(locate(rest[0]))
    return 0
  }
  throw new RuntimeError(
    'usage: node scripts/runtimes.js test [name...] [-- args] | run <name> [args...] | path <name>\n' +
      `runtimes: ${Object.keys(RUNTIMES).join(', ')}`,
  )
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof RuntimeError)) throw err
    process.stderr.write(`runtimes: ${err.message}\n`)
    process.exitCode = 1
  }
}

module.exports = { RUNTIMES }
