'use strict'
// Servers on 127.0.0.1 (a free port each) that run a JWT middleware in front of one route, on Express 5,
// Express 4 or plain node:http. The route answers 200 with what `respond(req)` returns; the error handler
// answers with the error's status and fields, and keeps the error object itself for the test to inspect.

const http = require('node:http')

const FRAMEWORKS = {
  'Express 5': () => require('express'),
  'Express 4': () => require('express4'),
  'node:http': null,
}
const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS)

const defaultRespond = (req) => ({ auth: req.auth ?? null })

function errorBody(err) {
  return {
    name: err.name,
    code: err.code,
    message: err.message,
    inner: err.inner ? { name: err.inner.name, code: err.inner.code, message: err.inner.message } : null,
  }
}

function listen(handler) {
  const server = http.createServer(handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

function readJsonBody(req) {
  return new Promise((resolve, reject) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => resolve(text === '' ? undefined : JSON.parse(text)))
    req.on('error', reject)
  })
}

function expressApp(express, middleware, { respond, jsonBody }) {
  const errors = []
  const app = express()
  if (jsonBody) app.use(express.json())
  app.use(middleware)
  app.use((req, res) => {
    res.json(respond(req))
  })
  app.use((err, req, res, _next) => {
    errors.push(err)
    res.status(err.status || 500).json(errorBody(err))
  })
  return { handler: app, errors }
}

function plainHandler(middleware, { respond, jsonBody }) {
  const errors = []
  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const handler = async (req, res) => {
    if (jsonBody) req.body = await readJsonBody(req)
    middleware(req, res, (err) => {
      if (err) {
        errors.push(err)
        return send(res, err.status || 500, errorBody(err))
      }
      send(res, 200, respond(req))
    })
  }
  return { handler, errors }
}

// Starts `middleware` on the named framework. Returns { url, errors, close, request(path, init) } where
// request() resolves to { status, body }.
async function startApp(framework, middleware, { respond = defaultRespond, jsonBody = false } = {}) {
  const load = FRAMEWORKS[framework]
  const options = { respond, jsonBody }
  const { handler, errors } = load ? expressApp(load(), middleware, options) : plainHandler(middleware, options)
  const server = await listen(handler)
  async function request(path = '/', init = {}) {
    const response = await fetch(server.url + path, init)
    const text = await response.text()
    return { status: response.status, body: text === '' ? null : JSON.parse(text) }
  }
  return { ...server, errors, request }
}

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } })

// Runs `fn(app)` with `middleware` served on `framework`, and closes the server afterwards.
async function withApp(middleware, fn, framework = 'Express 5') {
  const app = await startApp(framework, middleware)
  try {
    return await fn(app)
  } finally {
    await app.close()
  }
}

// The answer to a token that verify refuses: a 401 `invalid_token` with the verify error's code and message as inner.
async function expectInvalidToken(app, token, code, message) {
  const { status, body } = await app.request('/', bearer(token))
  expect(status).toBe(401)
  expect(body).toMatchObject({ code: 'invalid_token', inner: { code, message } })
}

module.exports = { FRAMEWORK_NAMES, startApp, listen, bearer, errorBody, withApp, expectInvalidToken }
