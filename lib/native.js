'use strict'
// Loads the native addon, named as napi-rs names it: `<platform>-<arch>[-abi]`, the "triple" (linux-x64-gnu).
// It tries, in order:
//   1. @ringjwt/<triple>: the prebuilt platform package npm installs as an optional dependency.
//   2. ringjwt.<triple>.node in the package root: a build from source, made by scripts/build.js (`npm install` in
//      a clone runs it; an installed copy has no install script, so the error below names the command).
// If neither loads, one Error names the triple, what was tried and why it failed, and the two ways out.
// Run as a script (`node lib/native.js`), it prints those names as JSON for scripts/build.js instead.

const fs = require('node:fs')
const path = require('node:path')
const { addonNames } = require('./addon-names')

const root = path.join(__dirname, '..')

// The C library decides which Linux binary fits. ldd is a script that names its library (cheap to read); Node's
// own report is the fallback where there is no such script.
function linuxLibc() {
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1')
    if (ldd.includes('musl')) return 'musl'
    if (ldd.includes('GNU C Library')) return 'gnu'
  } catch {
    // no ldd at this path: ask Node
  }
  try {
    const { header, sharedObjects = [] } = process.report.getReport()
    if (header.glibcVersionRuntime) return 'gnu'
    if (sharedObjects.some((file) => /\/(?:ld|libc)[.-]musl-/.test(file))) return 'musl'
  } catch {
    // no report: assume the common case
  }
  return 'gnu'
}

const abi = process.platform === 'linux' ? `-${linuxLibc()}` : process.platform === 'win32' ? '-msvc' : ''
const triple = `${process.platform}-${process.arch}${abi}`
const { prebuilt, file } = addonNames(triple)
const names = { triple, local: path.join(root, file), prebuilt }

// The first line of a failure is enough: dlopen's reason, or a missing file.
const reason = (err) =>
  err.code === 'MODULE_NOT_FOUND' || err.code === 'ENOENT' ? 'not there' : String(err.message).split('\n')[0]

function loadPrebuilt(manifest) {
  let installed
  try {
    installed = require(`${names.prebuilt}/package.json`).version
  } catch {
    throw new Error('not installed')
  }
  // The JS layer and the addon change together: a platform package of another version is not used.
  if (installed !== manifest.version) throw new Error(`version ${installed}, expected ${manifest.version}`)
  return require(names.prebuilt)
}

function load() {
  const manifest = require('../package.json')
  const tried = []
  try {
    return loadPrebuilt(manifest)
  } catch (err) {
    tried.push(`${names.prebuilt}, the prebuilt package: ${reason(err)}`)
  }
  try {
    return require(names.local)
  } catch (err) {
    tried.push(`${path.basename(names.local)}, a build from source in ${root}: ${reason(err)}`)
  }
  throw new Error(
    [
      `ringjwt: no native addon loads for ${triple} (Node ${process.version}). Tried:`,
      ...tried.map((line) => `  - ${line}`),
      'Two ways out:',
      `  - A prebuilt binary: ${prebuiltWayOut(manifest)}`,
      `  - A build from source: with Rust (https://rustup.rs) and a C compiler on PATH, run \`${buildCommand()}\`.`,
    ].join('\n'),
  )
}

// The build script by its absolute path: it works wherever npm put this copy (under another name when it is an
// override of jsonwebtoken, where `npm rebuild ringjwt` finds nothing) and whatever npm's script settings.
function buildCommand() {
  const script = path.join(root, 'scripts', 'build.js')
  return `node ${/\s/.test(script) ? `"${script}"` : script}`
}

function prebuiltWayOut(manifest) {
  const published = Object.keys(manifest.optionalDependencies ?? {}).map((name) => name.replace('@ringjwt/', ''))
  if (published.includes(triple)) {
    return (
      `${names.prebuilt} is published for this platform: install again with optional dependencies (no ` +
      '--omit=optional or --no-optional; a lock file written on another platform may lack it, see the README).'
    )
  }
  if (published.length > 0) return `none is published for ${triple}; there are for ${published.join(', ')}.`
  return 'this copy of ringjwt lists no platform packages (a clone of the repository?); the published one does.'
}

if (require.main === module) process.stdout.write(`${JSON.stringify(names)}\n`)
else module.exports = load()
