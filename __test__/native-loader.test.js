'use strict'
// lib/native.js, the loader: the prebuilt platform package first, then a build from source in the package root,
// and one Error that says what to do when neither loads. Each case loads a copy of the loader laid out as npm
// installs it, in a child process, with this repository's addon where the case puts one.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { installedPackage, manifest, root, TRIPLE, ADDON } = require('./helpers/installed-package')

const PLATFORMS = fs.readdirSync(path.join(root, 'npm'))
const ALL_PUBLISHED = Object.fromEntries(PLATFORMS.map((triple) => [`@ringjwt/${triple}`, manifest.version]))

// Requires the loader in a child process; reports the addon files it loaded, or the error it threw.
const LOAD = `
let result
try {
  const native = require('./node_modules/ringjwt/lib/native.js')
  result = {
    loaded: Object.keys(require.cache).filter((file) => file.endsWith('.node')),
    exports: ['decodeToken', 'NativeRevocationList'].map((name) => typeof native[name]),
  }
} catch (err) {
  result = { error: { isError: err instanceof Error, name: err.name, code: err.code, message: err.message } }
}
process.stdout.write(JSON.stringify(result))
`

let layout
afterEach(() => layout?.remove())

function load(options) {
  layout = installedPackage(options)
  const child = spawnSync(process.execPath, ['-e', LOAD], { cwd: layout.dir, encoding: 'utf8' })
  expect(child.stderr).toBe('')
  return JSON.parse(child.stdout)
}

// The build script by its absolute path: an installed ringjwt runs no install script, and under an npm override it
// sits in node_modules/jsonwebtoken, where `npm rebuild ringjwt` finds nothing.
const buildWayOut = (pkg) =>
  `  - A build from source: with Rust (https://rustup.rs) and a C compiler on PATH, run \`node ${pkg}/scripts/build.js\`.`

function notLoaded({ local, prebuilt, wayOut }) {
  return {
    error: {
      isError: true,
      name: 'Error',
      message: [
        `ringjwt: no native addon loads for ${TRIPLE} (Node ${process.version}). Tried:`,
        `  - @ringjwt/${TRIPLE}, the prebuilt package: ${prebuilt}`,
        `  - ${ADDON}, a build from source in ${layout.pkg}: ${local}`,
        'Two ways out:',
        `  - A prebuilt binary: ${wayOut}`,
        buildWayOut(layout.pkg),
      ].join('\n'),
    },
  }
}

const REINSTALL =
  `@ringjwt/${TRIPLE} is published for this platform: install again with optional dependencies (no ` +
  '--omit=optional or --no-optional; a lock file written on another platform may lack it, see the README).'

describe('what it loads', () => {
  test('run as a script, it prints the names it looks for', () => {
    const child = spawnSync(process.execPath, [path.join(root, 'lib', 'native.js')], { encoding: 'utf8' })
    expect(child.status).toBe(0)
    expect(JSON.parse(child.stdout)).toEqual({
      triple: TRIPLE,
      local: path.join(root, ADDON),
      prebuilt: `@ringjwt/${TRIPLE}`,
    })
  })

  test('the prebuilt platform package, when there is no build from source', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, prebuilt: true })
    expect(result).toEqual({ loaded: [layout.prebuiltAddon], exports: ['function', 'function'] })
  })

  test('the prebuilt package before a build from source in the package root', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, prebuilt: true, local: true })
    expect(result).toEqual({ loaded: [layout.prebuiltAddon], exports: ['function', 'function'] })
  })

  test('a build from source when there is no prebuilt package', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, local: true })
    expect(result).toEqual({ loaded: [layout.localAddon], exports: ['function', 'function'] })
  })

  test('a build from source when the prebuilt package is of another version', () => {
    const result = load({ prebuilt: { version: '0.0.1' }, local: true })
    expect(result).toEqual({ loaded: [layout.localAddon], exports: ['function', 'function'] })
  })
})

describe('when nothing loads: one Error with the platform, what was tried, and the ways out', () => {
  test('a published platform whose package is not installed', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED } })
    expect(result).toEqual(notLoaded({ local: 'not there', prebuilt: 'not installed', wayOut: REINSTALL }))
  })

  test('a platform no package is published for', () => {
    const others = Object.fromEntries(Object.entries(ALL_PUBLISHED).filter(([name]) => name !== `@ringjwt/${TRIPLE}`))
    const result = load({ manifest: { optionalDependencies: others } })
    const wayOut = `none is published for ${TRIPLE}; there are for ${Object.keys(others)
      .map((name) => name.replace('@ringjwt/', ''))
      .join(', ')}.`
    expect(result).toEqual(notLoaded({ local: 'not there', prebuilt: 'not installed', wayOut }))
  })

  test('a copy that lists no platform packages (a clone of the repository)', () => {
    const result = load({ manifest: { optionalDependencies: undefined } })
    const wayOut =
      'this copy of ringjwt lists no platform packages (a clone of the repository?); the published one does.'
    expect(result).toEqual(notLoaded({ local: 'not there', prebuilt: 'not installed', wayOut }))
  })

  test('a path with spaces: the build command quotes it', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, prefix: 'ringjwt installed ' })
    expect(layout.pkg).toContain(' ')
    expect(result.error.message.split('\n').at(-1)).toBe(
      '  - A build from source: with Rust (https://rustup.rs) and a C compiler on PATH, run ' +
        `\`node "${layout.pkg}/scripts/build.js"\`.`,
    )
  })

  test('a platform package of another version is not used', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, prebuilt: { version: '0.0.1' } })
    const prebuilt = `version 0.0.1, expected ${manifest.version}`
    expect(result).toEqual(notLoaded({ local: 'not there', prebuilt, wayOut: REINSTALL }))
  })

  test('a file that is not an addon: the first line of the reason it did not load', () => {
    const result = load({ manifest: { optionalDependencies: ALL_PUBLISHED }, local: 'not a shared library' })
    // The operating system's own words, as this process gets them for the same file.
    let reason
    try {
      require(layout.localAddon)
    } catch (err) {
      reason = err.message.split('\n')[0]
    }
    expect(reason).toContain(layout.localAddon)
    expect(result).toEqual(notLoaded({ local: reason, prebuilt: 'not installed', wayOut: REINSTALL }))
  })
})
