'use strict'
// Builds the native addon from source: `npm run build` (and `npm install`) in a clone of the repository, and the
// command the loader's error names where no prebuilt binary loads (`node <path of this file>`).
//
// The published package has no install script (scripts/package.js leaves this one out of its package.json): npm
// 11 warns about every dependency install script the project has not approved (and has announced it will skip
// them), and the prebuilt binary needs none. So in an installed copy this runs only when someone runs it, and it
// always builds. Without cargo it stops with what is missing and a non-zero exit.
//
// The build is `cargo build --release` (CARGO_TARGET_DIR is cargo's own setting) and a copy of the library to the
// name lib/native.js loads, written to a temporary file and renamed, so no half-written addon is ever in place.
// As a dependency, the ~200 MB build tree is removed afterwards, whether the build succeeded or not.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const loader = path.join(root, 'lib', 'native.js')
const isDependency = root.split(path.sep).includes('node_modules')

class BuildFailed extends Error {}

// The addon's file names, as the loader computes them (`node lib/native.js` prints them).
function addonNames() {
  const child = spawnSync(process.execPath, [loader], { encoding: 'utf8' })
  if (child.status !== 0) throw new BuildFailed(`${loader} failed:\n${child.stderr}`)
  return JSON.parse(child.stdout)
}

function cargoVersion() {
  const child = spawnSync('cargo', ['--version'], { encoding: 'utf8' })
  if (child.error) return { missing: `cargo is not on PATH (${child.error.code ?? child.error.message})` }
  if (child.status !== 0) return { missing: `\`cargo --version\` failed: ${child.stderr.trim().split('\n')[0]}` }
  return { version: child.stdout.trim() }
}

// The cdylib cargo built, from its own JSON messages (so any target directory or library naming is followed).
function builtLibrary(messages) {
  for (const line of messages.split('\n')) {
    if (!line.startsWith('{')) continue
    const message = JSON.parse(line)
    if (message.reason !== 'compiler-artifact' || !message.target.kind.includes('cdylib')) continue
    const library = message.filenames.find((file) => /\.(?:so|dylib|dll)$/.test(file))
    if (library) return library
  }
  throw new BuildFailed('cargo reported no cdylib for ringjwt')
}

function cargoBuild() {
  // A dependency builds exactly the crates its Cargo.lock names; a clone may be changing them.
  const args = ['build', '--release', '--lib', '--message-format=json-render-diagnostics']
  if (isDependency) args.push('--locked')
  const child = spawnSync('cargo', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  })
  if (child.error) throw new BuildFailed(`cargo could not run: ${child.error.message}`)
  if (child.status !== 0) {
    throw new BuildFailed(
      `\`cargo ${args.join(' ')}\` failed (exit ${child.status ?? child.signal}). It needs a Rust toolchain and a ` +
        'C compiler (cc or gcc; MSVC on Windows) for ring and AWS-LC.',
    )
  }
  return builtLibrary(child.stdout)
}

function placeAtomically(source, destination) {
  const temporary = `${destination}.${process.pid}.tmp`
  try {
    fs.copyFileSync(source, temporary)
    fs.renameSync(temporary, destination)
  } finally {
    fs.rmSync(temporary, { force: true })
  }
}

function build(names) {
  const cargo = cargoVersion()
  if (cargo.missing) {
    throw new BuildFailed(
      `ringjwt: building the native addon from source needs Rust, and ${cargo.missing}. Install it from ` +
        'https://rustup.rs.',
    )
  }
  const started = Date.now()
  process.stderr.write(`ringjwt: building the native addon for ${names.triple} from source (${cargo.version})\n`)
  placeAtomically(cargoBuild(), names.local)
  // A build that does not load (another target's, say) is not left in place. The file itself is checked: the
  // loader would take an installed prebuilt package first.
  const probe = `try { require(${JSON.stringify(names.local)}) } catch (err) { console.error(err.message.split('\\n')[0]); process.exit(1) }`
  const check = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' })
  if (check.status !== 0) {
    fs.rmSync(names.local, { force: true })
    throw new BuildFailed(`the addon built from source does not load:\n${check.stderr.trim()}`)
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  process.stderr.write(`ringjwt: built ${path.basename(names.local)} in ${seconds} s\n`)
  if (prebuiltInstalled(names)) {
    process.stderr.write(
      `ringjwt: ${names.prebuilt} is installed too, and the loader takes it first: install with --omit=optional ` +
        'for this build to be the one used.\n',
    )
  }
}

function prebuiltInstalled(names) {
  try {
    require.resolve(`${names.prebuilt}/package.json`, { paths: [root] })
    return true
  } catch {
    return false
  }
}

function main() {
  const names = addonNames()
  try {
    build(names)
  } finally {
    // The build tree is cargo's cache for contributors; a dependency only keeps the addon. A target directory
    // the user chose (CARGO_TARGET_DIR) is theirs to keep.
    if (isDependency && !process.env.CARGO_TARGET_DIR) {
      fs.rmSync(path.join(root, 'target'), { recursive: true, force: true })
    }
  }
}

try {
  main()
} catch (err) {
  if (!(err instanceof BuildFailed)) throw err
  process.stderr.write(`${err.message}\n`)
  process.exitCode = 1
}
