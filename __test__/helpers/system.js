'use strict'
// The programs some tests need from the operating system (Debian's redis-server, redis-cli and chromium). Jest's
// global setup looks for them once, installs what is missing with apt-get when it runs as root, and leaves the outcome
// in the environment for the test files: the program's path, or why it could not be had.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

// name: the command; pkg: the Debian package that provides it; env: a variable that names the program instead.
const PROGRAMS = [
  { name: 'redis-server', pkg: 'redis-server', env: 'REDIS_SERVER' },
  { name: 'redis-cli', pkg: 'redis-tools', env: 'REDIS_CLI' },
  { name: 'chromium', pkg: 'chromium', env: 'CHROMIUM_PATH' },
]

const pathVariable = (name) => `RINGJWT_TEST_${name.toUpperCase().replace(/-/g, '_')}`
const missingVariable = (name) => `${pathVariable(name)}_MISSING`

function which(command) {
  if (command.includes('/')) return isExecutable(command) ? command : null
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, command)
    if (isExecutable(candidate)) return candidate
  }
  return null
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function locate(program) {
  const named = process.env[program.env]
  return named ? which(named) : which(program.name)
}

function aptGet(args) {
  const result = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60 * 1000,
  })
  if (result.error) return result.error.message
  if (result.status !== 0) return (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join('\n')
  return null
}

// Installs the missing programs' packages in one apt-get run; returns why it could not, or null.
function install(packages) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'not running as root, so apt-get cannot run'
  if (which('apt-get') === null) return 'apt-get is not available on this system'
  process.stderr.write(`\nringjwt tests: installing Debian packages ${packages.join(', ')} (apt-get)...\n`)
  // Another apt-get or dpkg (a second test run on the same machine, say) holds the lock for a while: wait for it.
  const wait = ['-o', 'DPkg::Lock::Timeout=300']
  const failure =
    aptGet([...wait, 'update', '-qq']) ??
    aptGet([...wait, 'install', '-y', '-qq', '--no-install-recommends', ...packages])
  return failure === null ? null : `apt-get install ${packages.join(' ')} failed: ${failure}`
}

// Called once from Jest's global setup.
function prepare() {
  const missing = PROGRAMS.filter((program) => locate(program) === null)
  const failure = missing.length > 0 ? install(missing.map((program) => program.pkg)) : null
  for (const program of PROGRAMS) {
    const found = locate(program)
    if (found !== null) {
      process.env[pathVariable(program.name)] = found
      delete process.env[missingVariable(program.name)]
    } else {
      process.env[missingVariable(program.name)] = [
        `${program.name} is needed by these tests and was not found on PATH${failure ? ` (${failure})` : ''}.`,
        `Install Debian's package (apt-get install ${program.pkg}), or set ${program.env} to the program's path.`,
      ].join(' ')
    }
  }
}

// For test files: the program's path, or an Error that says how to provide it.
function program(name) {
  const found = process.env[pathVariable(name)]
  if (found) return found
  const direct = PROGRAMS.find((p) => p.name === name)
  const located = direct ? locate(direct) : which(name)
  if (located) return located
  throw new Error(process.env[missingVariable(name)] || `${name} is needed by these tests and was not found on PATH.`)
}

module.exports = { prepare, program, which }
