'use strict'
// scripts/build.js, run as a user runs it in a project that installed ringjwt (the command the loader's error
// names): it builds from source, even where a prebuilt binary loads; when it cannot, it says why, exits non-zero and
// leaves no addon and no build tree behind. The full build from source of the real crate takes minutes and is
// checked by `npm run check:package`; here cargo builds a one-file crate.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { installedPackage, listFiles, manifest, root, TRIPLE, ADDON } = require('./helpers/installed-package')
const { which } = require('./helpers/system')

const ALL_PUBLISHED = Object.fromEntries(
  fs.readdirSync(path.join(root, 'npm')).map((triple) => [`@ringjwt/${triple}`, manifest.version]),
)
const CARGO = which('cargo')

// PATH without the folder that holds cargo, as on a machine without Rust.
const NO_RUST_PATH = process.env.PATH.split(path.delimiter)
  .filter((dir) => !fs.existsSync(path.join(dir, 'cargo')))
  .join(path.delimiter)

let layout
afterEach(() => layout?.remove())

function build(env = {}) {
  const { CARGO_TARGET_DIR: _, ...inherited } = process.env
  return spawnSync(process.execPath, ['scripts/build.js'], {
    cwd: layout.pkg,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  })
}

// A crate cargo builds in a second: the script's cargo steps, without the minutes of the real one.
function writeCrate(source) {
  fs.writeFileSync(
    path.join(layout.pkg, 'Cargo.toml'),
    '[package]\nname = "ringjwt"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n',
  )
  fs.mkdirSync(path.join(layout.pkg, 'src'))
  fs.writeFileSync(path.join(layout.pkg, 'src', 'lib.rs'), source)
  const lock = spawnSync(CARGO, ['generate-lockfile', '--offline'], { cwd: layout.pkg, encoding: 'utf8' })
  // The exit status, not an empty stderr: cargo says so there when another build holds its package cache's lock.
  expect(lock).toMatchObject({ status: 0 })
}

const PACKAGE_FILES = ['lib', 'lib/addon-names.js', 'lib/native.js', 'package.json', 'scripts', 'scripts/build.js']

const NO_CARGO =
  'ringjwt: building the native addon from source needs Rust, and cargo is not on PATH (ENOENT). Install it from ' +
  'https://rustup.rs.\n'

// Run by hand it always builds: a prebuilt package that loads does not stop it from looking for cargo.
test.each([
  ['no prebuilt package', false],
  ['a prebuilt package that loads', true],
])('%s, no cargo: says what is missing, a non-zero exit, nothing left behind', (_, prebuilt) => {
  layout = installedPackage({ manifest: { optionalDependencies: ALL_PUBLISHED }, prebuilt })
  const child = build({ PATH: NO_RUST_PATH })
  expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({
    status: 1,
    stdout: '',
    stderr: NO_CARGO,
  })
  expect(listFiles(layout.pkg)).toEqual(PACKAGE_FILES)
})

describe('with cargo', () => {
  beforeAll(() => {
    if (CARGO === null) throw new Error('these tests run cargo, which is not on PATH: install Rust (https://rustup.rs)')
  })

  test('a build that fails: cargo says why, the script adds what the build needs, the build tree is removed', () => {
    layout = installedPackage({ manifest: { optionalDependencies: ALL_PUBLISHED } })
    writeCrate('pub fn broken( {}\n')
    const child = build()
    expect(child.status).toBe(1)
    expect(child.stderr).toContain('error: this file contains an unclosed delimiter')
    expect(child.stderr).toContain(
      '`cargo build --release --lib --message-format=json-render-diagnostics --locked` failed (exit 101). It ' +
        'needs a Rust toolchain and a C compiler (cc or gcc; MSVC on Windows) for ring and AWS-LC.\n',
    )
    expect(listFiles(layout.pkg)).toEqual(['Cargo.lock', 'Cargo.toml', ...PACKAGE_FILES, 'src', 'src/lib.rs'])
  })

  test('a library that is not a Node addon is not left in place', () => {
    layout = installedPackage({ manifest: { optionalDependencies: ALL_PUBLISHED } })
    writeCrate('pub extern "C" fn answer() -> u32 { 42 }\n')
    const child = build()
    expect(child.status).toBe(1)
    expect(child.stderr).toContain(`ringjwt: building the native addon for ${TRIPLE} from source (cargo `)
    expect(child.stderr).toContain(
      `the addon built from source does not load:\nModule did not self-register: '${path.join(layout.pkg, ADDON)}'.`,
    )
    expect(listFiles(layout.pkg)).toEqual(['Cargo.lock', 'Cargo.toml', ...PACKAGE_FILES, 'src', 'src/lib.rs'])
  })
})
