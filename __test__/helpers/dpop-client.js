'use strict'
// Runs helpers/dpop-child.mjs (other DPoP implementations, all ESM) in a child process: `child(task)` writes the
// task as JSON on its stdin and resolves to the JSON it answers. The child runs while the test serves HTTP, so it
// is awaited, never run synchronously.

const { spawn } = require('node:child_process')
const path = require('node:path')

const CHILD = path.join(__dirname, 'dpop-child.mjs')

function child(task) {
  return new Promise((resolve, reject) => {
    const run = spawn(process.execPath, [CHILD], { cwd: path.join(__dirname, '..', '..') })
    let stdout = ''
    let stderr = ''
    run.stdout.on('data', (chunk) => (stdout += chunk))
    run.stderr.on('data', (chunk) => (stderr += chunk))
    run.on('error', reject)
    run.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`))
      resolve(JSON.parse(stdout))
    })
    run.stdin.end(JSON.stringify(task))
  })
}

module.exports = { child }
