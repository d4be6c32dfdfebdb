'use strict'
// `npm run package`: writes to dist/ the tarballs a release publishes.
//
//   ringjwt-<version>.tgz                 the main package (JS, types, and the Rust sources for a build from
//                                         source), with `optionalDependencies` naming every platform package in
//                                         npm/ at exactly this version;
//   ringjwt-<triple>-<version>.tgz        a platform package: npm/<triple>/, its addon, and the version.
//
// By default it packs this machine's platform: `npm run build` first (an incremental release build in the target
// directory `npm install` filled), then the addon it wrote. With `--artifacts <dir>` (the release workflow) it
// builds nothing and packs every platform from <dir>/ringjwt.<triple>.node, all of them required. `--no-build` packs
// this machine's platform from the addon already built (the tests pack the addon they test). `--out <dir>` writes
// the tarballs elsewhere than dist/.
//
// The platform packages are added to the main package here, not in package.json: `npm install` in a clone must
// build the checkout's own code, never fetch a published binary. Their version is added here too: package.json's
// is the only one, so a release cannot pair packages of different versions. The `install` script that builds the
// addon in a clone is left out: a published ringjwt runs nothing at install time (the loader's error names the
// build command where no prebuilt binary fits). Every tarball carries the LICENSE.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { addonNames } = require('../lib/addon-names')

const root = path.resolve(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

class PackageFailed extends Error {}

function run(command, args, cwd) {
  const child = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  })
  if (child.status !== 0) throw new PackageFailed(`${command} ${args.join(' ')} failed in ${cwd}`)
  return child.stdout
}

// npm/<triple>/package.json for every platform, each checked against the names the loader uses.
function platforms() {
  return fs.readdirSync(path.join(root, 'npm')).map((triple) => {
    const dir = path.join(root, 'npm', triple)
    const platform = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    const { prebuilt, file } = addonNames(triple)
    const expected = { name: prebuilt, version: undefined, main: file }
    for (const [field, value] of Object.entries(expected)) {
      if (platform[field] !== value) {
        throw new PackageFailed(`npm/${triple}/package.json: "${field}" is ${platform[field]}, expected ${value}`)
      }
    }
    return { triple, dir, manifest: platform }
  })
}

// Packs a directory prepared in `stage` into `dist` and returns the tarball's name and size.
function pack(stage, dist) {
  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dist], stage))
  return { file: packed.filename, bytes: fs.statSync(path.join(dist, packed.filename)).size }
}

function packMain(stage, dist) {
  // The files npm would publish from the repository, copied as they are; then package.json with the platforms.
  const [listed] = JSON.parse(run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], root))
  for (const { path: file } of listed.files) {
    fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true })
    fs.copyFileSync(path.join(root, file), path.join(stage, file))
  }
  const optionalDependencies = Object.fromEntries(platforms().map((p) => [p.manifest.name, manifest.version]))
  // What a user of the package needs of the development manifest: the build from source (`npm run build` in its
  // folder), no install script, none of the scripts that run what is not published, and no devDependencies.
  const { scripts: developmentScripts, devDependencies: _devDependencies, ...kept } = manifest
  const published = { ...kept, scripts: { build: developmentScripts.build }, optionalDependencies }
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`)
  return pack(stage, dist)
}

function packPlatform(platform, addon, stage, dist) {
  const { name, ...rest } = platform.manifest
  const published = { name, version: manifest.version, ...rest }
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`)
  fs.copyFileSync(path.join(platform.dir, 'README.md'), path.join(stage, 'README.md'))
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'))
  fs.copyFileSync(addon, path.join(stage, platform.manifest.main))
  return pack(stage, dist)
}

// The addons to pack: every platform's from a release's artifacts, or this machine's (built first unless told not
// to).
function addons(artifacts, build) {
  if (artifacts) {
    return platforms().map((platform) => {
      const addon = path.join(artifacts, platform.manifest.main)
      if (!fs.existsSync(addon)) throw new PackageFailed(`${addon} is missing: every platform is released together`)
      return { platform, addon }
    })
  }
  if (build) run(process.execPath, [path.join(root, 'scripts', 'build.js')], root)
  const names = JSON.parse(run(process.execPath, [path.join(root, 'lib', 'native.js')], root))
  const platform = platforms().find((p) => p.triple === names.triple)
  if (!platform) throw new PackageFailed(`no platform package for ${names.triple} in npm/`)
  if (!fs.existsSync(names.local)) throw new PackageFailed(`${names.local} is missing: run \`npm run build\``)
  return [{ platform, addon: names.local }]
}

// The value after `--name` on the command line, or `fallback` when the option is not given.
function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`)
  if (at === -1) return fallback
  const value = process.argv[at + 1]
  if (!value || value.startsWith('--')) throw new PackageFailed(`--${name} needs a directory`)
  return path.resolve(value)
}

function main() {
  const artifacts = option('artifacts', null)
  const out = option('out', null)
  const dist = out ?? path.join(root, 'dist')
  if (out && fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new PackageFailed(`${out} is not empty`)
  const toPack = addons(artifacts, !process.argv.includes('--no-build'))
  fs.rmSync(dist, { recursive: true, force: true })
  fs.mkdirSync(dist, { recursive: true })
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-package-'))
  try {
    const stage = (name) => {
      const dir = path.join(staging, name)
      fs.mkdirSync(dir)
      return dir
    }
    const written = [packMain(stage('main'), dist)]
    for (const { platform, addon } of toPack) {
      const packed = packPlatform(platform, addon, stage(platform.triple), dist)
      written.push({ ...packed, addon: fs.statSync(addon).size })
    }
    const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`
    for (const { file, bytes, addon } of written) {
      const unpacked = addon ? ` (the addon: ${megabytes(addon)} unpacked)` : ''
      console.log(`${path.join(dist, file)}  ${megabytes(bytes)}${unpacked}`)
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

try {
  main()
} catch (err) {
  if (!(err instanceof PackageFailed)) throw err
  console.error(`package: ${err.message}`)
  process.exitCode = 1
}
