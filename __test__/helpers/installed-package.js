'use strict'
// ringjwt laid out as npm installs it, in a temporary directory: <dir>/node_modules/ringjwt with this repository's
// loader and build script, and on request the prebuilt platform package beside it (npm/<triple>/package.json
// and the addon this repository built) or a build from source in the package root. The repository is only read.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..', '..')
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

// This machine's platform triple, worked out apart from the loader's own detection (Node's report names glibc).
const abi =
  process.platform === 'linux'
    ? process.report.getReport().header.glibcVersionRuntime
      ? '-gnu'
      : '-musl'
    : process.platform === 'win32'
      ? '-msvc'
      : ''
const TRIPLE = `${process.platform}-${process.arch}${abi}`
const ADDON = `ringjwt.${TRIPLE}.node`
const BUILT_ADDON = path.join(root, ADDON)

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.copyFileSync(from, to)
}

// options.manifest: fields to change in ringjwt's package.json; options.prebuilt: fields to change in the
// platform package's (true: as it is); options.local: the bytes of a build from source (true: the real addon);
// options.prefix: how the temporary directory's name starts.
function installedPackage({
  manifest: changes = {},
  prebuilt = false,
  local = false,
  prefix = 'ringjwt-installed-',
} = {}) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
  const pkg = path.join(dir, 'node_modules', 'ringjwt')
  write(path.join(pkg, 'package.json'), JSON.stringify({ ...manifest, ...changes }, null, 2))
  for (const file of ['lib/native.js', 'lib/addon-names.js', 'scripts/build.js'])
    copy(path.join(root, file), path.join(pkg, file))
  const prebuiltDir = path.join(dir, 'node_modules', '@ringjwt', TRIPLE)
  if (prebuilt) {
    // As scripts/package.js packs it: npm/<triple>/package.json with the main package's version.
    const platform = JSON.parse(fs.readFileSync(path.join(root, 'npm', TRIPLE, 'package.json'), 'utf8'))
    const fields = { version: manifest.version, ...(prebuilt === true ? {} : prebuilt) }
    write(path.join(prebuiltDir, 'package.json'), JSON.stringify({ ...platform, ...fields }, null, 2))
    copy(BUILT_ADDON, path.join(prebuiltDir, ADDON))
  }
  if (local === true) copy(BUILT_ADDON, path.join(pkg, ADDON))
  else if (local) write(path.join(pkg, ADDON), local)
  return {
    dir,
    pkg,
    localAddon: path.join(pkg, ADDON),
    prebuiltAddon: path.join(prebuiltDir, ADDON),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

// Every file and directory under `dir`, relative to it, sorted: to compare what a command left behind.
function listFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map((file) => file.split(path.sep).join('/'))
    .sort()
}

module.exports = { installedPackage, listFiles, manifest, root, TRIPLE, ADDON }
