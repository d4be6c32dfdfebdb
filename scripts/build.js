'use strict'
// Builds the native addon from source. Runs as the package's `install` script, so both a clone of this
// repository and a project that installs ringjwt from the registry or a tarball compile it locally.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const cli = path.join(path.dirname(require.resolve('@napi-rs/cli/package.json', { paths: [root] })), 'dist', 'cli.js')
const result = spawnSync(
  process.execPath,
  [
    cli,
    'build',
    '--release',
    '--platform',
    '--no-js',
    '--dts',
    'native.d.ts',
    '--output-dir',
    '.',
    '--target-dir',
    'target',
  ],
  { cwd: root, stdio: 'inherit' },
)
if (result.status !== 0) process.exit(result.status ?? 1)

// A dependency install keeps only the .node file: the build tree is ~200 MB a consumer never needs.
const isDependency = root.split(path.sep).includes('node_modules')
if (isDependency) fs.rmSync(path.join(root, 'target'), { recursive: true, force: true })
