'use strict'
// The middleware's `dpop` option over real HTTP on 127.0.0.1 (Express 5): the DPoP scheme with its proof, the RFC
// 9449 §7.1 challenges, bound tokens presented as Bearer, replays caught in memory and on a real redis-server shared
// by two servers, server nonces, and URLs behind a proxy as `trust proxy` says.

const crypto = require('node:crypto')
const http = require('node:http')
const express = require('express')
const { createClient } = require('redis')
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { keys, secret } = require('./helpers/keys')
const { listen } = require('./helpers/express-apps')
const { startRedis } = require('./helpers/redis')
const { thrown } = require('./helpers/assert')
const { createDpopAuth } = require('../lib/dpop-auth')

const { createDpopProof, calculateJwkThumbprint, createDpopReplayCache, createRedisDpopReplayCache } = jwt

const clientKey = keys.p256.privateKey
const jkt = calculateJwkThumbprint(keys.p256.publicJwk)
const bound = jwt.sign({ sub: 'u1', cnf: { jkt } }, secret, { expiresIn: '5m' })
const unbound = jwt.sign({ sub: 'u2' }, secret, { expiresIn: '5m' })
const ALGS = 'algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"'

// An Express app with the middleware in front of /resource; its error handler sends `err.headers` as the docs
// show. `configure(app)` runs first (`trust proxy`, say).
async function startServer(dpop, { configure, errorHandler = true, framework = express } = {}) {
  const app = framework()
  configure?.(app)
  app.use(expressjwt({ secret, algorithms: ['HS256'], dpop }))
  app.get('/resource', (req, res) => res.json({ auth: req.auth, jkt: req.dpop?.jkt ?? null }))
  app.post('/resource', (req, res) => res.json({ posted: true }))
  if (errorHandler) {
    app.use((err, req, res, _next) => {
      if (err.headers) res.set(err.headers)
      res
        .status(err.status ?? 500)
        .json({ code: err.code, inner: { code: err.inner?.code, message: err.inner?.message } })
    })
  }
  const server = await listen(app)
  const call = async (init = {}, path = '/resource') => {
    const response = await fetch(server.url + path, init)
    return {
      status: response.status,
      body: await response.json().catch(() => null),
      challenge: response.headers.get('www-authenticate'),
      nonce: response.headers.get('dpop-nonce'),
      retryAfter: response.headers.get('retry-after'),
    }
  }
  return { ...server, call }
}

const proofFor = (server, options = {}, key = clientKey) =>
  createDpopProof(key, { htm: 'GET', htu: `${server.url}/resource`, accessToken: bound, ...options })
const dpopHeaders = (token, proof) => ({ authorization: `DPoP ${token}`, dpop: proof })

describe('required mode', () => {
  let server
  beforeAll(async () => {
    server = await startServer({ mode: 'required', replayCache: createDpopReplayCache() })
  })
  afterAll(() => server.close())

  test('a bound token with its proof: req.auth has the claims, req.dpop the proof key', async () => {
    const { status, body, challenge } = await server.call({ headers: dpopHeaders(bound, proofFor(server)) })
    expect(status).toBe(200)
    expect(body).toMatchObject({ auth: { sub: 'u1', cnf: { jkt } }, jkt })
    expect(challenge).toBeNull()
  })

  test('the scheme is case-insensitive; the query is not part of htu', async () => {
    const proof = proofFor(server)
    const headers = { authorization: `dpop ${bound}`, dpop: proof }
    const { status } = await server.call({ headers }, '/resource?page=2')
    expect(status).toBe(200)
  })

  test('no credentials: credentials_required with a DPoP challenge naming the algorithms', async () => {
    const { status, body, challenge } = await server.call()
    expect(status).toBe(401)
    expect(body).toEqual({
      code: 'credentials_required',
      inner: { code: undefined, message: 'No authorization token was found' },
    })
    expect(challenge).toBe(`DPoP ${ALGS}`)
  })

  test('a Bearer token is refused: credentials_bad_scheme, error="invalid_request"', async () => {
    const { status, body, challenge } = await server.call({ headers: { authorization: `Bearer ${bound}` } })
    expect(status).toBe(401)
    expect(body.code).toBe('credentials_bad_scheme')
    expect(challenge).toBe(
      `DPoP error="invalid_request", error_description="Format is Authorization: Bearer [token]", ${ALGS}`,
    )
  })

  test('the DPoP scheme without a proof, or with two', async () => {
    let answer = await server.call({ headers: { authorization: `DPoP ${bound}` } })
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({
      code: 'invalid_dpop_proof',
      inner: { code: 'ERR_DPOP_PROOF_REQUIRED', message: 'no DPoP proof (the DPoP header)' },
    })
    expect(answer.challenge).toBe(
      `DPoP error="invalid_dpop_proof", error_description="no DPoP proof (the DPoP header)", ${ALGS}`,
    )
    const headers = new Headers({ authorization: `DPoP ${bound}` })
    headers.append('dpop', proofFor(server))
    headers.append('dpop', proofFor(server))
    answer = await server.call({ headers })
    expect(answer.body).toEqual({
      code: 'invalid_dpop_proof',
      inner: { code: 'ERR_DPOP_PROOF_REQUIRED', message: 'more than one DPoP proof' },
    })
  })

  test('a token copied without its key: a proof from another key is refused', async () => {
    const thief = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const { status, body, challenge } = await server.call({ headers: dpopHeaders(bound, proofFor(server, {}, thief)) })
    expect(status).toBe(401)
    expect(body).toEqual({
      code: 'invalid_dpop_proof',
      inner: {
        code: 'ERR_DPOP_KEY_MISMATCH',
        message: "the access token is bound to another key than the DPoP proof's",
      },
    })
    expect(challenge).toBe(
      `DPoP error="invalid_dpop_proof", error_description="the access token is bound to another key than the DPoP proof's", ${ALGS}`,
    )
  })

  test('a proof for another URL, another method, or without ath', async () => {
    const cases = [
      [{ htu: `${server.url}/other` }, 'ERR_DPOP_HTU_MISMATCH', 'DPoP proof "htu" does not match the request URL'],
      [{ htm: 'POST' }, 'ERR_DPOP_HTM_MISMATCH', 'DPoP proof "htm" does not match the request method'],
      [{ accessToken: undefined }, 'ERR_DPOP_ATH_MISMATCH', 'DPoP proof "ath" is required with an access token'],
    ]
    for (const [options, code, message] of cases) {
      const { status, body } = await server.call({ headers: dpopHeaders(bound, proofFor(server, options)) })
      expect(status).toBe(401)
      expect(body).toEqual({ code: 'invalid_dpop_proof', inner: { code, message } })
    }
  })

  test('a token without cnf.jkt under the DPoP scheme is not bound: invalid_token', async () => {
    const proof = proofFor(server, { accessToken: unbound })
    const { status, body, challenge } = await server.call({ headers: dpopHeaders(unbound, proof) })
    expect(status).toBe(401)
    expect(body).toEqual({
      code: 'invalid_token',
      inner: { code: 'ERR_DPOP_KEY_MISMATCH', message: 'the access token is not bound to a DPoP key (no "cnf.jkt")' },
    })
    expect(challenge).toMatch(
      /^DPoP error="invalid_token", error_description="the access token is not bound to a DPoP key \(no 'cnf.jkt'\)", algs=/,
    )
  })

  test('an invalid token under the DPoP scheme gets error="invalid_token"', async () => {
    const { status, body, challenge } = await server.call({ headers: dpopHeaders('a.b.c', proofFor(server)) })
    expect(status).toBe(401)
    expect(body).toEqual({ code: 'invalid_token', inner: { code: 'ERR_JWT_MALFORMED', message: 'invalid token' } })
    expect(challenge).toBe(`DPoP error="invalid_token", error_description="invalid token", ${ALGS}`)
  })

  test('a proof replayed is refused by the in-memory cache', async () => {
    const proof = proofFor(server)
    expect((await server.call({ headers: dpopHeaders(bound, proof) })).status).toBe(200)
    const { status, body } = await server.call({ headers: dpopHeaders(bound, proof) })
    expect(status).toBe(401)
    expect(body).toEqual({
      code: 'invalid_dpop_proof',
      inner: { code: 'ERR_DPOP_REPLAYED', message: 'DPoP proof "jti" has been used before' },
    })
  })
})

describe('allowed mode', () => {
  let server
  beforeAll(async () => {
    server = await startServer({ mode: 'allowed' })
  })
  afterAll(() => server.close())

  test('an unbound Bearer token goes through as before; a DPoP-bound token with its proof too', async () => {
    let answer = await server.call({ headers: { authorization: `Bearer ${unbound}` } })
    expect(answer).toMatchObject({ status: 200, body: { auth: { sub: 'u2' }, jkt: null } })
    answer = await server.call({ headers: dpopHeaders(bound, proofFor(server)) })
    expect(answer).toMatchObject({ status: 200, body: { jkt } })
  })

  test('a bound token presented as Bearer is refused', async () => {
    const { status, body, challenge } = await server.call({ headers: { authorization: `Bearer ${bound}` } })
    expect(status).toBe(401)
    expect(body).toEqual({
      code: 'invalid_token',
      inner: { code: 'ERR_DPOP_TOKEN_BOUND', message: 'a DPoP-bound token must be presented with the DPoP scheme' },
    })
    expect(challenge).toBe(
      `DPoP error="invalid_token", error_description="a DPoP-bound token must be presented with the DPoP scheme", ${ALGS}`,
    )
  })

  test('no credentials: both schemes are offered', async () => {
    const { status, challenge } = await server.call()
    expect(status).toBe(401)
    expect(challenge).toBe(`Bearer, DPoP ${ALGS}`)
  })
})

describe('server nonces', () => {
  test('use_dpop_nonce with the nonce, then the request with it passes and carries the nonce', async () => {
    const server = await startServer({ mode: 'required', nonce: true })
    try {
      const first = await server.call({ headers: dpopHeaders(bound, proofFor(server)) })
      expect(first.status).toBe(401)
      expect(first.body).toEqual({
        code: 'use_dpop_nonce',
        inner: { code: 'ERR_DPOP_NONCE_INVALID', message: 'DPoP proof "nonce" is required' },
      })
      expect(first.challenge).toBe(
        `DPoP error="use_dpop_nonce", error_description="DPoP proof 'nonce' is required", ${ALGS}`,
      )
      expect(first.nonce).toMatch(/^[\w-]{22}$/)
      const second = await server.call({ headers: dpopHeaders(bound, proofFor(server, { nonce: first.nonce })) })
      expect(second).toMatchObject({ status: 200, nonce: first.nonce })
      const wrong = await server.call({ headers: dpopHeaders(bound, proofFor(server, { nonce: 'stale' })) })
      expect(wrong.body).toEqual({
        code: 'use_dpop_nonce',
        inner: { code: 'ERR_DPOP_NONCE_INVALID', message: 'DPoP proof "nonce" is not the server\'s current nonce' },
      })
    } finally {
      await server.close()
    }
  })

  test('a nonce is handed out for `lifetime` seconds, and the one before stays accepted as long again', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000)
    try {
      const auth = createDpopAuth({ nonce: { lifetime: 10 } }, (code, inner) => new UnauthorizedError(code, inner))
      const first = auth.responseHeaders()['DPoP-Nonce']
      now.mockReturnValue(1_009_000)
      expect(auth.responseHeaders()['DPoP-Nonce']).toBe(first)
      now.mockReturnValue(1_010_000)
      const second = auth.responseHeaders()['DPoP-Nonce']
      expect(second).not.toBe(first)
      const proof = (nonce) =>
        createDpopProof(clientKey, { htm: 'GET', htu: 'https://a.example/r', accessToken: bound, nonce })
      const request = (nonce) => ({
        method: 'GET',
        url: 'https://a.example/r',
        scheme: 'dpop',
        token: bound,
        proofs: proof(nonce),
      })
      expect(auth.check(request(first), { cnf: { jkt } }).jkt).toBe(jkt)
      now.mockReturnValue(1_020_000)
      auth.responseHeaders()
      const err = thrown(() => auth.check(request(first), { cnf: { jkt } }))
      expect(err).toBeInstanceOf(UnauthorizedError)
      expect(err).toMatchObject({ code: 'use_dpop_nonce', inner: { code: 'ERR_DPOP_NONCE_INVALID' } })
      expect(err.headers['DPoP-Nonce']).not.toBe(second)
    } finally {
      now.mockRestore()
    }
  })
})

describe('behind a proxy', () => {
  test('htu is the URL the client used when `trust proxy` says so, and the socket URL otherwise', async () => {
    const trusting = await startServer({ mode: 'required' }, { configure: (app) => app.set('trust proxy', true) })
    const direct = await startServer({ mode: 'required' })
    try {
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'API.example' }
      const proof = () =>
        createDpopProof(clientKey, { htm: 'GET', htu: 'https://api.example/resource', accessToken: bound })
      const ok = await trusting.call({ headers: { ...dpopHeaders(bound, proof()), ...forwarded } })
      expect(ok.status).toBe(200)
      const refused = await direct.call({ headers: { ...dpopHeaders(bound, proof()), ...forwarded } })
      expect(refused.body.inner.code).toBe('ERR_DPOP_HTU_MISMATCH')
    } finally {
      await trusting.close()
      await direct.close()
    }
  })
})

// A Host (or trusted X-Forwarded-Host) is pasted before the path to make the URL the proof is compared with: one
// that is not `host[:port]` could move that path (`/orders?` turns any path into `/orders`), or make no URL at all.
describe('a host that is not host[:port]', () => {
  // GET `path` with the headers as given (node:http sends the Host given, where fetch() would not).
  const rawGet = (server, path, headers) =>
    new Promise((resolve, reject) => {
      const request = http.request(`${server.url}${path}`, { setHost: false, headers }, (response) => {
        let body = ''
        response.on('data', (chunk) => (body += chunk))
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode, body: JSON.parse(body) })
          } catch {
            resolve({ status: response.statusCode, body })
          }
        })
      })
      request.on('error', reject)
      request.end()
    })
  // A proof signed by the client's key whose `htu` is whatever it is given (createDpopProof checks it).
  const rawProof = (htu) => {
    const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: keys.p256.publicJwk }
    const ath = crypto.createHash('sha256').update(bound).digest('base64url')
    const claims = { jti: crypto.randomUUID(), htm: 'GET', htu, iat: Math.floor(Date.now() / 1000), ath }
    const input = `${b64(header)}.${b64(claims)}`
    const signature = crypto.sign('sha256', Buffer.from(input), { key: clientKey, dsaEncoding: 'ieee-p1363' })
    return `${input}.${signature.toString('base64url')}`
  }
  const HTU_MISMATCH = { code: 'ERR_DPOP_HTU_MISMATCH', message: 'DPoP proof "htu" does not match the request URL' }

  test.each([
    ['a path and a query mark', (host) => `${host}/resource?`],
    ['a path and a fragment mark', (host) => `${host}/resource#`],
    ['user information', (host) => `evil@${host}`],
    ['a space', (host) => `${host} x`],
  ])('a Host with %s matches no proof', async (_, hostOf) => {
    const server = await startServer({ mode: 'required' })
    try {
      const host = new URL(server.url).host
      const forResource = createDpopProof(clientKey, { htm: 'GET', htu: `${server.url}/resource`, accessToken: bound })
      const moved = await rawGet(server, '/admin', { host: hostOf(host), ...dpopHeaders(bound, forResource) })
      expect(moved).toEqual({ status: 401, body: { code: 'invalid_dpop_proof', inner: HTU_MISMATCH } })
    } finally {
      await server.close()
    }
  })

  test('a Host that makes no URL matches no proof, not even one whose htu is not a URL either', async () => {
    const server = await startServer({ mode: 'required' })
    try {
      const refused = await rawGet(server, '/resource', { host: 'a b', ...dpopHeaders(bound, rawProof('not a url')) })
      expect(refused).toEqual({ status: 401, body: { code: 'invalid_dpop_proof', inner: HTU_MISMATCH } })
    } finally {
      await server.close()
    }
  })

  test('a trusted X-Forwarded-Host with a path and a query mark matches no proof', async () => {
    const server = await startServer({ mode: 'required' }, { configure: (app) => app.set('trust proxy', true) })
    try {
      const proof = createDpopProof(clientKey, { htm: 'GET', htu: 'http://api.example/resource', accessToken: bound })
      const host = new URL(server.url).host
      const headers = { host, ...dpopHeaders(bound, proof), 'x-forwarded-host': 'api.example/resource?' }
      const moved = await rawGet(server, '/admin', headers)
      expect(moved).toEqual({ status: 401, body: { code: 'invalid_dpop_proof', inner: HTU_MISMATCH } })
      // The same proof on its own path, through the same proxy header without the trick, passes.
      const ok = await rawGet(server, '/resource', { ...headers, 'x-forwarded-host': 'api.example' })
      expect(ok.status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('Express 4 and node:http', () => {
  test('Express 4: the URL has the port, behind a proxy too', async () => {
    const direct = await startServer({ mode: 'required' }, { framework: require('express4') })
    const proxied = await startServer(
      { mode: 'required' },
      { framework: require('express4'), configure: (app) => app.set('trust proxy', true) },
    )
    try {
      expect((await direct.call({ headers: dpopHeaders(bound, proofFor(direct)) })).status).toBe(200)
      const proof = createDpopProof(clientKey, { htm: 'GET', htu: 'https://api.example/resource', accessToken: bound })
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example, inner.example' }
      expect((await proxied.call({ headers: { ...dpopHeaders(bound, proof), ...forwarded } })).status).toBe(200)
    } finally {
      await direct.close()
      await proxied.close()
    }
  })

  test('node:http: the URL is the Host header and the request path', async () => {
    const middleware = expressjwt({ secret, algorithms: ['HS256'], dpop: { mode: 'required' } })
    const server = await listen((req, res) => {
      middleware(req, res, (err) => {
        res.writeHead(err ? err.status : 200, err?.headers ?? {})
        res.end(JSON.stringify(err ? { code: err.code, inner: err.inner?.code } : { jkt: req.dpop.jkt }))
      })
    })
    try {
      const htu = `${server.url}/resource`
      const response = await fetch(`${htu}?q=1`, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ jkt })
      const other = await fetch(`${server.url}/other`, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(other.status).toBe(401)
      expect(await other.json()).toEqual({ code: 'invalid_dpop_proof', inner: 'ERR_DPOP_HTU_MISMATCH' })
      expect(other.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/)
    } finally {
      await server.close()
    }
  })
})

describe("Express's own error handler", () => {
  test('sends the challenge headers of err.headers', async () => {
    const server = await startServer({ mode: 'required' }, { errorHandler: false })
    try {
      const { status, challenge } = await server.call({ headers: { authorization: `DPoP ${bound}` } })
      expect(status).toBe(401)
      expect(challenge).toBe(
        `DPoP error="invalid_dpop_proof", error_description="no DPoP proof (the DPoP header)", ${ALGS}`,
      )
    } finally {
      await server.close()
    }
  })
})

// A full in-memory replay cache is the server's capacity, not the client's fault: 503 with Retry-After (the seconds
// until its oldest proof's window closes: up to 61), never 500. A proof it holds is still refused as a replay.
describe('a full replay cache', () => {
  test.each([
    ['the app error handler', true],
    ["Express's own error handler", false],
  ])('is a 503 with Retry-After through %s', async (_, errorHandler) => {
    const replayCache = createDpopReplayCache({ maxEntries: 1 })
    const server = await startServer({ mode: 'required', replayCache }, { errorHandler })
    try {
      const first = proofFor(server)
      expect((await server.call({ headers: dpopHeaders(bound, first) })).status).toBe(200)
      const full = await server.call({ headers: dpopHeaders(bound, proofFor(server)) })
      expect(full.status).toBe(503)
      expect(Number(full.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(full.retryAfter)).toBeLessThanOrEqual(61)
      expect(full.retryAfter).toMatch(/^[1-9][0-9]*$/)
      expect(full.challenge).toBeNull()
      if (errorHandler) {
        expect(full.body).toEqual({ code: 'ERR_DPOP_REPLAY_CACHE_FULL', inner: {} })
      }
      const replay = await server.call({ headers: dpopHeaders(bound, first) })
      expect(replay.status).toBe(401)
      if (errorHandler) {
        expect(replay.body).toEqual({
          code: 'invalid_dpop_proof',
          inner: { code: 'ERR_DPOP_REPLAYED', message: 'DPoP proof "jti" has been used before' },
        })
      }
      expect(replay.challenge).toBe(
        `DPoP error="invalid_dpop_proof", error_description="DPoP proof 'jti' has been used before", ${ALGS}`,
      )
    } finally {
      await server.close()
    }
  })
})

describe('replays across servers on Redis', () => {
  let redis
  let client
  beforeAll(async () => {
    redis = await startRedis()
    client = createClient({ url: redis.url, disableOfflineQueue: true })
    await client.connect()
  })
  afterAll(async () => {
    await client.close()
    await redis.stop()
  })

  test('a proof used on one server is refused on the other; the key expires with the window', async () => {
    const dpop = { mode: 'required', replayCache: createRedisDpopReplayCache(client, { prefix: 'test:dpop:' }) }
    // Two servers behind one load balancer, which forwards the URL the client used.
    const behindProxy = { configure: (app) => app.set('trust proxy', true) }
    const a = await startServer(dpop, behindProxy)
    const b = await startServer(dpop, behindProxy)
    try {
      const proof = createDpopProof(clientKey, { htm: 'GET', htu: 'https://api.example/resource', accessToken: bound })
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example' }
      expect((await a.call({ headers: { ...dpopHeaders(bound, proof), ...forwarded } })).status).toBe(200)
      const replay = await b.call({ headers: { ...dpopHeaders(bound, proof), ...forwarded } })
      expect(replay.status).toBe(401)
      expect(replay.body).toEqual({
        code: 'invalid_dpop_proof',
        inner: { code: 'ERR_DPOP_REPLAYED', message: 'DPoP proof "jti" has been used before' },
      })
      const [key] = await client.keys('test:dpop:*')
      expect(key).toMatch(/^test:dpop:[\w-]{43}$/)
      const ttl = await client.pTTL(key)
      // Kept a second past the window (60 s after iat, which is in whole seconds, so up to a second ago).
      expect(ttl).toBeGreaterThan(59_000)
      expect(ttl).toBeLessThanOrEqual(61_000)
    } finally {
      await a.close()
      await b.close()
    }
  })

  test('Redis down: the request is refused with 503 (fail closed)', async () => {
    const down = createClient({ url: redis.url, disableOfflineQueue: true })
    const server = await startServer({ mode: 'required', replayCache: createRedisDpopReplayCache(down) })
    try {
      const { status, body } = await server.call({ headers: dpopHeaders(bound, proofFor(server)) })
      expect(status).toBe(503)
      expect(body.code).toBe('ERR_STORE_UNAVAILABLE')
    } finally {
      await server.close()
    }
  })
})

describe('options', () => {
  test('bad dpop options are TypeErrors', () => {
    const cases = [
      [{ dpop: 'required' }, '"dpop" must be an object: { mode: "required" | "allowed", ... }'],
      [{ dpop: { mode: 'sometimes' } }, '"dpop.mode" must be "required" or "allowed"'],
      [{ dpop: { modes: 'required' } }, '"modes" is not allowed in "dpop"'],
      [{ dpop: { nonce: 'yes' } }, '"dpop.nonce" must be true or { lifetime: seconds }'],
      [
        { dpop: { algorithms: ['HS256'] } },
        '"algorithms" must be a non-empty array of: ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512, EdDSA',
      ],
      [{ dpop: {}, getToken: () => undefined }, '"dpop" reads the Authorization header: no "getToken"'],
    ]
    for (const [options, message] of cases) {
      const err = thrown(() => expressjwt({ secret, algorithms: ['HS256'], ...options }))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })
})
