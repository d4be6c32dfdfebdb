'use strict'
// Fastify apps on 127.0.0.1 (a free port each), asked over HTTP with fetch. `start(plugin, options, routes)`
// registers the JWT plugin (ringjwt/fastify or @fastify/jwt) with @fastify/cookie and the routes every test uses;
// `ask(path, init)` answers `{ status, body }` with the body parsed when it is JSON.

const Fastify = require('fastify')

// GET /verify answers what request.jwtVerify() gives; /decode, request.jwtDecode(); /sign, reply.jwtSign(query).
function defaultRoutes(app) {
  app.get('/verify', async (request) => ({ verified: await request.jwtVerify(), user: request.user }))
  app.get('/verify-callback', (request, reply) => {
    request.jwtVerify((err, decoded) => (err ? reply.send(err) : reply.send({ verified: decoded })))
  })
  app.get('/decode', async (request) => ({ decoded: await request.jwtDecode() }))
  app.post('/sign', async (request, reply) => ({ token: await reply.jwtSign(request.body) }))
}

async function start(plugin, options, routes = defaultRoutes, { cookie } = {}) {
  const app = Fastify()
  if (cookie) await app.register(require('@fastify/cookie'), cookie)
  await app.register(plugin, options)
  routes(app)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  async function ask(path, init = {}) {
    const response = await fetch(`${address}${path}`, init)
    const text = await response.text()
    const isJson = response.headers.get('content-type')?.startsWith('application/json')
    return { status: response.status, body: isJson ? JSON.parse(text) : text }
  }
  return { app, ask, close: () => app.close() }
}

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } })

module.exports = { start, bearer }
