// ringjwt/express in an Express app on the runtime's node:http, called over HTTP on 127.0.0.1.
import assert from 'node:assert/strict'
import http from 'node:http'
import express from 'express'
import jwt from 'ringjwt'
import { expressjwt } from 'ringjwt/express'
import { test, listen } from './harness.mjs'

const secret = 'a shared secret of at least 32 bytes for HS256'

test('express: the middleware lets a valid token through and answers 401 with the code otherwise', async () => {
  const app = express()
  app.get('/me', expressjwt({ secret, algorithms: ['HS256'] }), (req, res) => res.json(req.auth))
  app.use((err, req, res, _next) => res.status(err.status ?? 500).json({ name: err.name, code: err.code }))
  const server = await listen(http.createServer(app))
  try {
    const token = jwt.sign({ sub: 'u1' }, secret)
    const ok = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(ok.status, 200)
    assert.equal((await ok.json()).sub, 'u1')
    const missing = await fetch(`${server.url}/me`)
    assert.equal(missing.status, 401)
    assert.deepEqual(await missing.json(), { name: 'UnauthorizedError', code: 'credentials_required' })
    const expired = jwt.sign({ sub: 'u1', exp: Math.floor(Date.now() / 1000) - 10 }, secret)
    const late = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${expired}` } })
    assert.equal(late.status, 401)
    assert.deepEqual(await late.json(), { name: 'UnauthorizedError', code: 'invalid_token' })
  } finally {
    await server.close()
  }
})
