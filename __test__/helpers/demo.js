'use strict'
// The demo app (examples/) as the specs drive it: an app listening on 127.0.0.1, JSON calls over HTTP, and
// `npm start` (examples/server.js) as a child process.

const { spawn } = require('node:child_process')
const path = require('node:path')
const { createUser } = require('../../examples/app')
const { listen: listenOn } = require('./express-apps')

const SECRET = 'demo-app test secret, long enough for HS256 use'
const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse battery staple'
// scrypt at 2^10 keeps the specs fast; the demo's default (OWASP's 2^17) is tested on its own.
const CHEAP_SCRYPT = Object.freeze({ ln: 10, r: 8, p: 1 })
const SERVER = path.join(__dirname, '..', '..', 'examples', 'server.js')

// The demo app on a free loopback port: `{ base, close }`.
async function listen(app) {
  const server = await listenOn(app)
  return { base: server.url, close: server.close }
}

async function call(base, route, { method = 'GET', token, json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } }
  if (token !== undefined) init.headers.authorization = `Bearer ${token}`
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(json)
  } else if (body !== undefined) {
    init.body = body
  }
  const res = await fetch(base + route, init)
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, body: text === '' ? null : JSON.parse(text) }
}

// A login over the API: { token, refreshToken, expiresIn }.
async function login(base, credentials = { email: EMAIL, password: PASSWORD }) {
  const res = await call(base, '/login', { method: 'POST', json: credentials })
  expect(res.status).toBe(200)
  return res.body
}

function demoUsers() {
  return Promise.all([createUser(EMAIL, PASSWORD, CHEAP_SCRYPT)])
}

// examples/server.js as `npm start` runs it, on a free port, until it prints where it listens (and, for
// server.js, its usage). `argv` runs another script that serves the demo (benchmark/chaos.js's instances).
function startServer(env, argv = [SERVER]) {
  const child = spawn(process.execPath, argv, {
    env: { PATH: process.env.PATH, PORT: '0', DEMO_EMAIL: EMAIL, DEMO_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server.js exited with ${code}: ${output.stderr}`)))
    const poll = setInterval(() => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)
      if (found === null || (argv[0] === SERVER && !output.stdout.includes('curl -s'))) return
      clearInterval(poll)
      resolve({
        base: found[1],
        get stdout() {
          return output.stdout
        },
        get stderr() {
          return output.stderr
        },
        stop: () => {
          child.kill('SIGTERM')
          return exited
        },
      })
    }, 20)
    child.once('exit', () => clearInterval(poll))
  })
}

module.exports = { SECRET, EMAIL, PASSWORD, CHEAP_SCRYPT, listen, call, login, demoUsers, startServer }
