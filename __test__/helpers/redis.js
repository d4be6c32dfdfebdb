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

// Resolves once the process has exited (at once if it already has).
function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

// { url, port, stop } and, for the tests of a Redis that goes away and comes back on the same address:
//   down()    stops the server (SIGTERM) and resolves once it has exited; clients see the connection close
//   up()      starts it again on the same port (empty: no persistence, so scripts and keys are gone)
//   restart() down() then up()
//   freeze()  SIGSTOP: the server keeps its connections but answers nothing, as a hung host would
//   thaw()    SIGCONT
async function startRedis() {
  program('redis-server')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-redis-'))
  let lastError
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort()
    let child
    let frozen = false
    try {
      child = await launch(port, dir)
    } catch (err) {
      lastError = err
      continue
    }
    const down = async () => {
      if (frozen) child.kill('SIGCONT')
      frozen = false
      const done = exited(child)
      child.kill('SIGTERM')
      await done
    }
    const up = async () => {
      child = await launch(port, dir)
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      down,
      up,
      restart: async () => {
        await down()
        await up()
      },
      freeze: () => {
        frozen = true
        child.kill('SIGSTOP')
      },
      thaw: () => {
        frozen = false
        child.kill('SIGCONT')
      },
      stop: async () => {
        await down()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  throw lastError
}

module.exports = { startRedis }
