'use strict'
// createRemoteJwks({ issuer }): the JWK Set found through the issuer's metadata (OpenID Connect Discovery, RFC
// 8414), first against metadata servers of our own on 127.0.0.1, then against a real OpenID Provider (panva's
// oidc-provider, run locally) whose JWT access tokens (RFC 9068) ringjwt verifies, directly and in Express.
const http = require('node:http')
const path = require('node:path')
const { spawn } = require('node:child_process')
const readline = require('node:readline')
const express = require('express')
const jwt = require('..')
const { expressjwt } = require('../express')
const { createJwksServer } = require('../testing')
const { rejected, expectError } = require('./helpers/assert')
const { JsonWebTokenError } = jwt

const verifyWith = (token, key, options) =>
  new Promise((resolve, reject) =>
    jwt.verify(token, key, options, (err, payload) => (err ? reject(err) : resolve(payload))),
  )

function listen(app) {
  const server = http.createServer(app)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
function close(server) {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(resolve))
}

describe('discovery from metadata', () => {
  let keys
  let server
  let base
  let routes
  let seen

  beforeAll(async () => {
    keys = await createJwksServer()
    server = await listen((req, res) => {
      seen.push(req.url)
      const body = routes[req.url]
      if (body === undefined) {
        res.writeHead(404, { connection: 'close' })
        return res.end()
      }
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    })
    base = `http://127.0.0.1:${server.address().port}`
  })
  afterAll(async () => {
    await close(server)
    await keys.close()
  })
  beforeEach(() => {
    seen = []
    routes = {}
  })

  test('OpenID Connect: {issuer}/.well-known/openid-configuration gives jwks_uri', async () => {
    routes['/.well-known/openid-configuration'] = { issuer: base, jwks_uri: keys.jwksUri }
    const jwks = jwt.createRemoteJwks({ issuer: base, cacheMaxAge: 60_000 })
    expect(await verifyWith(keys.sign({ sub: 'u1' }), jwks)).toMatchObject({ sub: 'u1' })
    expect(seen).toStrictEqual(['/.well-known/openid-configuration'])
  })

  test('RFC 8414: without an OpenID configuration, the oauth-authorization-server path, issuer path last', async () => {
    const issuer = `${base}/tenants/a`
    routes['/.well-known/oauth-authorization-server/tenants/a'] = { issuer, jwks_uri: keys.jwksUri }
    const jwks = jwt.createRemoteJwks({ issuer })
    expect(await verifyWith(keys.sign({ sub: 'u2' }), jwks)).toMatchObject({ sub: 'u2' })
    expect(seen).toStrictEqual([
      '/tenants/a/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenants/a',
    ])
  })

  test('metadata naming another issuer is refused', async () => {
    routes['/.well-known/openid-configuration'] = { issuer: 'https://attacker.test', jwks_uri: keys.jwksUri }
    const err = await rejected(Promise.resolve(jwt.createRemoteJwks({ issuer: base })({ alg: 'ES256' })))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_DISCOVERY_ISSUER_MISMATCH',
      message: `authorization server metadata names another issuer: expected "${base}", got "https://attacker.test"`,
    })
  })

  test.each([
    ['not JSON', 'not json', 'authorization server metadata invalid: the response is not JSON'],
    ['an array', '[]', 'authorization server metadata invalid: not a JSON object'],
  ])('metadata that is %s is refused', async (_, body, message) => {
    routes['/.well-known/openid-configuration'] = body
    const err = await rejected(Promise.resolve(jwt.createRemoteJwks({ issuer: base })({ alg: 'ES256' })))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_DISCOVERY_INVALID', message })
  })

  test.each([
    [undefined, 'authorization server metadata invalid: "jwks_uri" is not an absolute URL'],
    ['/jwks', 'authorization server metadata invalid: "jwks_uri" is not an absolute URL'],
    ['file:///etc/passwd', 'authorization server metadata invalid: "jwks_uri" is not an http: or https: URL'],
    ['https://svc:S3cret@auth.test/jwks', 'authorization server metadata invalid: "jwks_uri" holds credentials'],
  ])('jwks_uri %p is refused', async (jwksUri, message) => {
    routes['/.well-known/openid-configuration'] = { issuer: base, jwks_uri: jwksUri }
    const err = await rejected(Promise.resolve(jwt.createRemoteJwks({ issuer: base })({ alg: 'ES256' })))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_DISCOVERY_INVALID', message })
  })

  test('metadata behind a redirect is not followed', async () => {
    routes['/moved'] = { issuer: base, jwks_uri: keys.jwksUri }
    const moving = await listen((req, res) => {
      res.writeHead(302, { location: `${base}/moved`, connection: 'close' })
      res.end()
    })
    try {
      const issuer = `http://127.0.0.1:${moving.address().port}`
      const err = await rejected(Promise.resolve(jwt.createRemoteJwks({ issuer })({ alg: 'ES256' })))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({
        code: 'ERR_JWKS_FETCH_FAILED',
        message: 'JSON Web Key Set request failed: HTTP 302 (redirects are not followed)',
      })
      expect(seen).toEqual([])
    } finally {
      await close(moving)
    }
  })

  test('no metadata at either address is a fetch failure, and the next call tries again', async () => {
    const jwks = jwt.createRemoteJwks({ issuer: base, cooldown: 0 })
    const err = await rejected(Promise.resolve(jwks({ alg: 'ES256' })))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED', message: 'JSON Web Key Set request failed: HTTP 404' })
    routes['/.well-known/openid-configuration'] = { issuer: base, jwks_uri: keys.jwksUri }
    expect(await verifyWith(keys.sign({ sub: 'u3' }), jwks)).toMatchObject({ sub: 'u3' })
  })

  test.each([
    [{ issuer: 42 }, 'createRemoteJwks(): "issuer" must be a string'],
    [{ issuer: 'issuer.test' }, 'createRemoteJwks(): "issuer" must be an absolute URL'],
    [{ issuer: 'ftp://issuer.test' }, 'createRemoteJwks(): "issuer" must be an http: or https: URL'],
    [
      { issuer: 'https://svc:S3cret@issuer.test' },
      'createRemoteJwks(): "issuer" must not hold credentials (send them in "headers")',
    ],
    [{ issuer: 'https://issuer.test', ttl: 1 }, 'createRemoteJwks(): "ttl" is not allowed in "options"'],
  ])('options %p are refused', (options, message) => {
    expectError(() => jwt.createRemoteJwks(options), TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })
})

describe('a real OpenID Provider: oidc-provider, client credentials and resource indicators', () => {
  const CLIENT = { id: 'reporting-service', secret: 'a client secret long enough for any check' }
  const RESOURCE = 'https://orders.api.test'
  let provider
  let issuer

  beforeAll(async () => {
    provider = spawn(process.execPath, [path.join(__dirname, 'helpers', 'oidc-provider.mjs')], {
      stdio: ['pipe', 'pipe', 'ignore'],
    })
    // The helper prints its issuer once it listens.
    const lines = readline.createInterface({ input: provider.stdout })
    const line = await new Promise((resolve) => lines.once('line', resolve))
    lines.close()
    issuer = JSON.parse(line).issuer
  })
  afterAll(async () => {
    const exited = new Promise((resolve) => provider.once('exit', resolve))
    provider.stdin.end()
    await exited
  })

  async function accessToken(resource = RESOURCE) {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders:read', resource }),
    })
    expect(response.status).toBe(200)
    return (await response.json()).access_token
  }

  test('its JWT access tokens verify through discovery with the RFC 9068 profile', async () => {
    const token = await accessToken()
    expect(jwt.decode(token, { complete: true }).header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' })
    const jwks = jwt.createRemoteJwks({ issuer })
    const claims = await verifyWith(token, jwks, {
      algorithms: ['ES256'],
      accessToken: true,
      issuer,
      audience: RESOURCE,
    })
    expect(claims).toMatchObject({
      iss: issuer,
      aud: RESOURCE,
      sub: CLIENT.id,
      client_id: CLIENT.id,
      scope: 'orders:read',
    })
    const err = await rejected(
      verifyWith(token, jwks, { algorithms: ['ES256'], accessToken: true, issuer, audience: 'https://other.api.test' }),
    )
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_AUDIENCE_INVALID',
      message: 'jwt audience invalid. expected: https://other.api.test',
    })
  })

  test('an Express API protected by ringjwt/express with the discovered set', async () => {
    const app = express()
    app.use(
      expressjwt({
        secret: jwt.createRemoteJwks({ issuer }),
        algorithms: ['ES256'],
        accessToken: true,
        issuer,
        audience: RESOURCE,
      }),
    )
    app.get('/orders', (req, res) => res.json({ client: req.auth.client_id }))
    // Four arguments make it Express's error handler.
    app.use((err, req, res, _next) => res.status(err.status ?? 500).json({ error: err.code, reason: err.inner?.code }))
    const server = await listen(app)
    try {
      const url = `http://127.0.0.1:${server.address().port}/orders`
      const token = await accessToken()
      const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toStrictEqual({ client: CLIENT.id })
      const [header, payload] = token.split('.')
      const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`
      const refused = await fetch(url, { headers: { authorization: `Bearer ${forged}` } })
      expect(refused.status).toBe(401)
      expect(await refused.json()).toStrictEqual({ error: 'invalid_token', reason: 'ERR_JWS_SIGNATURE_INVALID' })
    } finally {
      await close(server)
    }
  })
})
