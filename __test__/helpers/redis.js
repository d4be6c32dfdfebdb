'use strict'
// A throwaway redis-server (the Debian package) on 127.0.0.1 and a free port, without persistence, working in
// a temporary directory that is removed when it stops. Jest's global setup (setup/global-setup.js) finds the
// program or installs it; without it, starting fails with a message that says how to provide one.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const { program } = require('./system')
const START_ATTEMPTS = 5

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

// Resolves once the server says it accepts connections; rejects if it exits first (a port taken meanwhile).
function launch(port, dir) {
  const child = spawn(
    program('redis-server'),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData)
        child.off('exit', onExit)
        child.stdout.resume()
        resolve(child)
      }
    }
    const onExit = (code) => reject(new Error(`redis-server exited with code ${code}:\n${output}`))
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk) => (output += chunk))
    child.once('exit', onExit)
    child.once('error', reject)
  })
}

async function startRedis() {
  program('redis-server')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-redis-'))
  let lastError
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort()
    try {
      const child = await launch(port, dir)
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise((resolve) => {
            child.once('exit', () => {
              fs.rmSync(dir, { recursive: true, force: true })
              resolve()
            })
            child.kill('SIGTERM')
          }),
      }
    } catch (err) {
      lastError = err
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  throw lastError
}

module.exports = { startRedis }
