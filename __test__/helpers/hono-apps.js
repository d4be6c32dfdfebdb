'use strict'
// Hono apps served by @hono/node-server on 127.0.0.1 (a free port each). `build(app)` adds the middleware and
// routes; the error handler keeps every error for the test to inspect and answers as Hono's default handler does
// (an HTTPException's own response, else a 500).

const { Hono } = require('hono')
const { serve } = require('@hono/node-server')

function startHono(build) {
  const app = new Hono()
  const errors = []
  app.onError((err, c) => {
    errors.push(err)
    if (typeof err.getResponse === 'function') return err.getResponse()
    return c.text('Internal Server Error', 500)
  })
  build(app)
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) => {
      const url = `http://127.0.0.1:${port}`
      // The whole answer: status, status text, the challenge, the body, and the JSON body when there is one.
      async function request(path, init) {
        const response = await fetch(url + path, init)
        const text = await response.text()
        let json
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        return {
          status: response.status,
          statusText: response.statusText,
          challenge: response.headers.get('www-authenticate'),
          text,
          json,
        }
      }
      const close = () =>
        new Promise((done) => {
          server.closeAllConnections?.()
          server.close(() => done())
        })
      resolve({ url, errors, request, close })
    })
    server.once('error', reject)
  })
}

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } })

// hono's challenge for a request to `url`, by the error and its description.
function challenge(realm, error, description) {
  return `Bearer realm="${realm}",error="${error}",error_description="${description}"`
}

module.exports = { startHono, bearer, challenge }
