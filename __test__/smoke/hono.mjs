// ringjwt/hono in a Hono app on the runtime's own HTTP server (Bun.serve, Deno.serve), called over HTTP on
// 127.0.0.1: the same answers as hono/jwt, the middleware it replaces, for a valid, a missing and an expired token.
import assert from 'node:assert/strict'
import { Hono } from 'hono'
import { jwt as honoJwt } from 'hono/jwt'
import ringjwt from 'ringjwt'
import { jwt } from 'ringjwt/hono'
import { test, serve } from './harness.mjs'

const secret = 'a shared secret of at least 32 bytes for HS256'

function app(middleware) {
  const hono = new Hono()
  hono.use('/me', middleware({ secret, alg: 'HS256', realm: 'api' }))
  hono.get('/me', (c) => c.json(c.get('jwtPayload')))
  return hono
}

// Status, challenge and body of each request, from one app.
async function answers(middleware, requests) {
  const server = await serve(app(middleware).fetch)
  try {
    const results = []
    for (const headers of requests) {
      const response = await fetch(`${server.url}/me`, { headers })
      results.push({
        status: response.status,
        challenge: response.headers.get('www-authenticate'),
        body: await response.text(),
      })
    }
    return results
  } finally {
    await server.close()
  }
}

test('hono: the middleware answers as hono/jwt does, and sets jwtPayload', async () => {
  const token = ringjwt.sign({ sub: 'u1' }, secret)
  const expired = ringjwt.sign({ sub: 'u1', exp: Math.floor(Date.now() / 1000) - 10 }, secret)
  const requests = [{ authorization: `Bearer ${token}` }, {}, { authorization: `Bearer ${expired}` }]
  const ours = await answers(jwt, requests)
  assert.deepEqual(ours, await answers(honoJwt, requests))
  assert.deepEqual(
    ours.map((answer) => answer.status),
    [200, 401, 401],
  )
  assert.equal(JSON.parse(ours[0].body).sub, 'u1')
})
