'use strict'
// The `dpop` option of ringjwt/fastify (request.jwtVerify) and of ringjwt/hono's jwt middleware, each app served
// over HTTP on 127.0.0.1: the DPoP scheme with its proof in "required" and "allowed" modes, each refusal's status,
// RFC 9449 §7.1 challenge, code and message, a bound token presented as Bearer, replays, server nonces, a proof
// made by panva's `dpop`, and Fastify's URL behind a proxy as its `trustProxy` says.

const crypto = require('node:crypto')
const Fastify = require('fastify')
const { Hono } = require('hono')
const { HTTPException } = require('hono/http-exception')
const { serve } = require('@hono/node-server')
const { createClient } = require('redis')
const jwt = require('..')
const fastifyJwt = require('../fastify')
const { jwt: honoJwt, jwk: honoJwk } = require('../hono')
const { keys, secret } = require('./helpers/keys')
const { child } = require('./helpers/dpop-client')
const { thrown } = require('./helpers/assert')

const { createDpopProof, calculateJwkThumbprint, createDpopReplayCache, createRedisDpopReplayCache } = jwt

const clientKey = keys.p256.privateKey
const jkt = calculateJwkThumbprint(keys.p256.publicJwk)
const bound = jwt.sign({ sub: 'u1', cnf: { jkt } }, secret, { expiresIn: '5m' })
const unbound = jwt.sign({ sub: 'u2' }, secret, { expiresIn: '5m' })
const ALGS = 'algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"'

// A Fastify app whose GET /resource answers request.jwtVerify()'s payload and request.dpop's key; refusals are
// Fastify's default answers ({ statusCode, code, error, message }, with the error's `headers`).
async function startFastify(dpop, fastifyOptions = {}) {
  const app = Fastify(fastifyOptions)
  await app.register(fastifyJwt, { secret, dpop })
  app.get('/resource', async (request) => ({ sub: (await request.jwtVerify()).sub, jkt: request.dpop?.jkt ?? null }))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

// A Hono app with the jwt middleware on /resource; its error handler answers an HTTPException's own response
// (status and headers) with the exception's message and its cause's code as JSON.
function startHono(dpop) {
  const app = new Hono()
  app.onError((err, c) => {
    if (!(err instanceof HTTPException)) return c.json({ message: err.message }, 500)
    const res = err.getResponse()
    const body = JSON.stringify({ code: err.cause?.code, message: err.message })
    return new Response(body, { status: res.status, headers: res.headers })
  })
  app.use('/resource', honoJwt({ secret, alg: 'HS256', dpop }))
  app.get('/resource', (c) => c.json({ sub: c.get('jwtPayload').sub, jkt: c.get('dpop')?.jkt ?? null }))
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) => {
      const close = () => new Promise((done) => server.close(() => done()))
      resolve({ url: `http://127.0.0.1:${port}`, close })
    })
  })
}

async function call(server, init = {}) {
  const response = await fetch(`${server.url}/resource`, init)
  return {
    status: response.status,
    body: await response.json(),
    challenge: response.headers.get('www-authenticate'),
    nonce: response.headers.get('dpop-nonce'),
  }
}

const proofFor = (server, options = {}, key = clientKey) =>
  createDpopProof(key, { htm: 'GET', htu: `${server.url}/resource`, accessToken: bound, ...options })
const dpopHeaders = (token, proof) => ({ authorization: `DPoP ${token}`, dpop: proof })
const challenge = (error, description) => `DPoP error="${error}", error_description="${description}", ${ALGS}`

// Each framework's answer body for a refusal with `code` and `message`.
const FRAMEWORKS = {
  fastify: {
    start: startFastify,
    body: (code, message) => ({ statusCode: 401, code, error: 'Unauthorized', message }),
    noCredentials: ['FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'No Authorization was found in request.headers'],
    // A scheme the mode does not take is not a credential @fastify/jwt reads: no error code in the challenge.
    bearerRefused: [['FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'No Authorization was found in request.headers'], null],
    invalidToken: [
      'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
      'Authorization token is invalid: The token header is not a valid base64url serialized JSON.',
    ],
  },
  hono: {
    start: startHono,
    body: (code, message) => ({ code, message }),
    noCredentials: [undefined, 'no authorization included in request'],
    bearerRefused: [[undefined, 'invalid credentials structure'], 'invalid_request'],
    invalidToken: ['ERR_JWT_MALFORMED', 'Unauthorized'],
  },
}

describe.each(Object.keys(FRAMEWORKS))('%s', (name) => {
  const framework = FRAMEWORKS[name]
  const body = (code, message) => JSON.parse(JSON.stringify(framework.body(code, message)))

  describe('required mode', () => {
    let server
    beforeAll(async () => {
      server = await framework.start({ mode: 'required', replayCache: createDpopReplayCache() })
    })
    afterAll(() => server.close())

    test('a bound token with its proof: the payload, and the proof key as request.dpop / c.get("dpop")', async () => {
      const answer = await call(server, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(answer).toEqual({ status: 200, body: { sub: 'u1', jkt }, challenge: null, nonce: null })
    })

    test('no credentials: a DPoP challenge naming the algorithms, without an error code', async () => {
      const answer = await call(server)
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body(...framework.noCredentials))
      expect(answer.challenge).toBe(`DPoP ${ALGS}`)
    })

    test('a Bearer token is refused', async () => {
      const answer = await call(server, { headers: { authorization: `Bearer ${bound}` } })
      const [[code, message], error] = framework.bearerRefused
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body(code, message))
      expect(answer.challenge).toBe(error === null ? `DPoP ${ALGS}` : challenge(error, message))
    })

    test('the DPoP scheme without a proof, or with two', async () => {
      let answer = await call(server, { headers: { authorization: `DPoP ${bound}` } })
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body('ERR_DPOP_PROOF_REQUIRED', 'no DPoP proof (the DPoP header)'))
      expect(answer.challenge).toBe(challenge('invalid_dpop_proof', 'no DPoP proof (the DPoP header)'))
      const headers = new Headers({ authorization: `DPoP ${bound}` })
      headers.append('dpop', proofFor(server))
      headers.append('dpop', proofFor(server))
      answer = await call(server, { headers })
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body('ERR_DPOP_PROOF_REQUIRED', 'more than one DPoP proof'))
    })

    test('a proof from another key, for another URL or method, or without ath', async () => {
      const thief = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      const cases = [
        [
          proofFor(server, {}, thief),
          'ERR_DPOP_KEY_MISMATCH',
          "the access token is bound to another key than the DPoP proof's",
        ],
        [
          proofFor(server, { htu: `${server.url}/other` }),
          'ERR_DPOP_HTU_MISMATCH',
          'DPoP proof "htu" does not match the request URL',
        ],
        [
          proofFor(server, { htm: 'POST' }),
          'ERR_DPOP_HTM_MISMATCH',
          'DPoP proof "htm" does not match the request method',
        ],
        [
          proofFor(server, { accessToken: undefined }),
          'ERR_DPOP_ATH_MISMATCH',
          'DPoP proof "ath" is required with an access token',
        ],
      ]
      for (const [proof, code, message] of cases) {
        const answer = await call(server, { headers: dpopHeaders(bound, proof) })
        expect(answer.status).toBe(401)
        expect(answer.body).toEqual(body(code, message))
        expect(answer.challenge).toBe(challenge('invalid_dpop_proof', message.replace(/"/g, "'")))
      }
    })

    test('a token without cnf.jkt under the DPoP scheme: invalid_token', async () => {
      const proof = proofFor(server, { accessToken: unbound })
      const answer = await call(server, { headers: dpopHeaders(unbound, proof) })
      const message = 'the access token is not bound to a DPoP key (no "cnf.jkt")'
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body('ERR_DPOP_KEY_MISMATCH', message))
      expect(answer.challenge).toBe(challenge('invalid_token', message.replace(/"/g, "'")))
    })

    test('an invalid token under the DPoP scheme: error="invalid_token"', async () => {
      const answer = await call(server, { headers: dpopHeaders('a.b.c', proofFor(server)) })
      const [code, message] = framework.invalidToken
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body(code, message))
      const description = name === 'hono' ? 'token verification failure' : message
      expect(answer.challenge).toBe(challenge('invalid_token', description))
    })

    test('a proof replayed is refused', async () => {
      const proof = proofFor(server)
      expect((await call(server, { headers: dpopHeaders(bound, proof) })).status).toBe(200)
      const answer = await call(server, { headers: dpopHeaders(bound, proof) })
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body('ERR_DPOP_REPLAYED', 'DPoP proof "jti" has been used before'))
      expect(answer.challenge).toBe(challenge('invalid_dpop_proof', "DPoP proof 'jti' has been used before"))
    })

    test("a proof made by panva's dpop is accepted", async () => {
      const htu = `${server.url}/resource`
      const task = { panva: { jwk: keys.p256.privateJwk, htu, htm: 'GET', accessToken: bound } }
      const { proof, error } = await child(task)
      expect(error).toBeUndefined()
      const answer = await call(server, { headers: dpopHeaders(bound, proof) })
      expect(answer).toMatchObject({ status: 200, body: { sub: 'u1', jkt } })
    })
  })

  describe('allowed mode', () => {
    let server
    beforeAll(async () => {
      server = await framework.start({ mode: 'allowed' })
    })
    afterAll(() => server.close())

    test('an unbound Bearer token goes through; a bound token with its proof too', async () => {
      const bearer = await call(server, { headers: { authorization: `Bearer ${unbound}` } })
      expect(bearer).toMatchObject({ status: 200, body: { sub: 'u2', jkt: null } })
      const dpop = await call(server, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(dpop).toMatchObject({ status: 200, body: { sub: 'u1', jkt } })
    })

    test('a bound token presented as Bearer is refused: invalid_token', async () => {
      const answer = await call(server, { headers: { authorization: `Bearer ${bound}` } })
      const message = 'a DPoP-bound token must be presented with the DPoP scheme'
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body('ERR_DPOP_TOKEN_BOUND', message))
      expect(answer.challenge).toBe(challenge('invalid_token', message))
    })

    test('no credentials: both schemes are offered', async () => {
      const answer = await call(server)
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(body(...framework.noCredentials))
      expect(answer.challenge).toBe(`Bearer, DPoP ${ALGS}`)
    })
  })

  // A replay cache that cannot take the proof is the server's capacity, not the client's fault: a full in-memory
  // one is a 503 with Retry-After (the seconds until its oldest proof's window closes: up to 61), a Redis one that
  // cannot answer a 503; never a 500. A proof the cache holds is still refused as a replay.
  test('a full replay cache: 503 with Retry-After; a proof it holds is still a replay', async () => {
    const server = await framework.start({ mode: 'required', replayCache: createDpopReplayCache({ maxEntries: 1 }) })
    try {
      const first = proofFor(server)
      expect((await call(server, { headers: dpopHeaders(bound, first) })).status).toBe(200)
      const response = await fetch(`${server.url}/resource`, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(response.status).toBe(503)
      const retryAfter = response.headers.get('retry-after')
      expect(retryAfter).toMatch(/^[1-9][0-9]*$/)
      expect(Number(retryAfter)).toBeLessThanOrEqual(61)
      expect(response.headers.get('www-authenticate')).toBeNull()
      const message = 'the DPoP replay cache is full: the proof is refused'
      const expected =
        name === 'fastify'
          ? { statusCode: 503, code: 'ERR_DPOP_REPLAY_CACHE_FULL', error: 'Service Unavailable', message }
          : { code: 'ERR_DPOP_REPLAY_CACHE_FULL', message }
      expect(await response.json()).toEqual(expected)
      const replay = await call(server, { headers: dpopHeaders(bound, first) })
      expect(replay.status).toBe(401)
      expect(replay.body).toEqual(body('ERR_DPOP_REPLAYED', 'DPoP proof "jti" has been used before'))
    } finally {
      await server.close()
    }
  })

  test('a Redis replay cache that cannot answer: 503', async () => {
    const down = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true })
    const server = await framework.start({ mode: 'required', replayCache: createRedisDpopReplayCache(down) })
    try {
      const answer = await call(server, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(answer.status).toBe(503)
      expect(answer.body.code).toBe('ERR_STORE_UNAVAILABLE')
    } finally {
      await server.close()
    }
  })

  test('server nonces: use_dpop_nonce with the nonce, then the request with it passes and carries it', async () => {
    const server = await framework.start({ mode: 'required', nonce: true })
    try {
      const first = await call(server, { headers: dpopHeaders(bound, proofFor(server)) })
      expect(first.status).toBe(401)
      expect(first.body).toEqual(body('ERR_DPOP_NONCE_INVALID', 'DPoP proof "nonce" is required'))
      expect(first.challenge).toBe(challenge('use_dpop_nonce', "DPoP proof 'nonce' is required"))
      expect(first.nonce).toMatch(/^[\w-]{22}$/)
      const second = await call(server, { headers: dpopHeaders(bound, proofFor(server, { nonce: first.nonce })) })
      expect(second).toMatchObject({ status: 200, body: { sub: 'u1', jkt }, nonce: first.nonce })
      const stale = await call(server, { headers: dpopHeaders(bound, proofFor(server, { nonce: 'stale' })) })
      expect(stale.status).toBe(401)
      expect(stale.body).toEqual(
        body('ERR_DPOP_NONCE_INVALID', 'DPoP proof "nonce" is not the server\'s current nonce'),
      )
    } finally {
      await server.close()
    }
  })
})

// hono's jwk middleware takes the same option: tokens an identity provider signs (verified by its JWK Set) bound
// to the client's key.
describe('ringjwt/hono jwk() with dpop', () => {
  const issuerKey = keys.rsa.privateKey
  const publicJwk = { ...keys.rsa.publicJwk, kid: 'idp-1', alg: 'RS256', use: 'sig' }
  const issued = (claims) => jwt.sign(claims, issuerKey, { algorithm: 'RS256', keyid: 'idp-1', expiresIn: '5m' })
  const boundByIdp = issued({ sub: 'u1', cnf: { jkt } })
  let server
  beforeAll(async () => {
    const app = new Hono()
    app.onError((err) => {
      const res = err.getResponse()
      return new Response(JSON.stringify({ code: err.cause?.code }), { status: res.status, headers: res.headers })
    })
    app.use('/resource', honoJwk({ keys: [publicJwk], alg: ['RS256'], dpop: { mode: 'required' } }))
    app.get('/resource', (c) => c.json({ sub: c.get('jwtPayload').sub, jkt: c.get('dpop')?.jkt ?? null }))
    server = await new Promise((resolve) => {
      const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) => {
        resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => listening.close(() => done())) })
      })
    })
  })
  afterAll(() => server.close())
  const proof = (options = {}) =>
    createDpopProof(clientKey, { htm: 'GET', htu: `${server.url}/resource`, accessToken: boundByIdp, ...options })

  test('a bound token with its proof passes, with the proof key as c.get("dpop")', async () => {
    const answer = await call(server, { headers: dpopHeaders(boundByIdp, proof()) })
    expect(answer).toMatchObject({ status: 200, body: { sub: 'u1', jkt } })
  })

  test('the bound token as Bearer, or with a proof for another URL, is refused with the DPoP challenge', async () => {
    const bearer = await call(server, { headers: { authorization: `Bearer ${boundByIdp}` } })
    expect(bearer.status).toBe(401)
    expect(bearer.challenge).toBe(
      `DPoP error="invalid_request", error_description="invalid credentials structure", ${ALGS}`,
    )
    const elsewhere = await call(server, {
      headers: dpopHeaders(boundByIdp, proof({ htu: `${server.url}/other` })),
    })
    expect(elsewhere).toMatchObject({ status: 401, body: { code: 'ERR_DPOP_HTU_MISMATCH' } })
    expect(elsewhere.challenge).toBe(challenge('invalid_dpop_proof', "DPoP proof 'htu' does not match the request URL"))
  })
})

describe("Fastify's trustProxy", () => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example' }
  const publicProof = () =>
    createDpopProof(clientKey, { htm: 'GET', htu: 'https://api.example/resource', accessToken: bound })

  test('behind a trusted proxy, htu is the URL the client used', async () => {
    const server = await startFastify({ mode: 'required' }, { trustProxy: true })
    try {
      const answer = await call(server, { headers: { ...forwarded, ...dpopHeaders(bound, publicProof()) } })
      expect(answer).toMatchObject({ status: 200, body: { sub: 'u1', jkt } })
    } finally {
      await server.close()
    }
  })

  // The host is pasted before the path: one that is not host[:port] must not move the path the proof is held to.
  test('a forwarded host with a path and a query mark matches no proof', async () => {
    const server = await startFastify({ mode: 'required' }, { trustProxy: true })
    try {
      const forOther = createDpopProof(clientKey, { htm: 'GET', htu: 'https://api.example/other', accessToken: bound })
      const headers = { ...forwarded, 'x-forwarded-host': 'api.example/other?', ...dpopHeaders(bound, forOther) }
      const answer = await call(server, { headers })
      expect(answer.status).toBe(401)
      expect(answer.body).toMatchObject({
        code: 'ERR_DPOP_HTU_MISMATCH',
        message: 'DPoP proof "htu" does not match the request URL',
      })
    } finally {
      await server.close()
    }
  })

  test('without trustProxy, the forwarded headers are not believed: htu is the socket URL', async () => {
    const server = await startFastify({ mode: 'required' })
    try {
      const answer = await call(server, { headers: { ...forwarded, ...dpopHeaders(bound, publicProof()) } })
      expect(answer.status).toBe(401)
      expect(answer.body.code).toBe('ERR_DPOP_HTU_MISMATCH')
      const local = await call(server, { headers: { ...forwarded, ...dpopHeaders(bound, proofFor(server)) } })
      expect(local.status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('options', () => {
  test('a bad dpop option is a TypeError when the plugin is registered or the middleware made', async () => {
    const app = Fastify()
    const err = await app
      .register(fastifyJwt, { secret, dpop: { mode: 'sometimes' } })
      .ready()
      .catch((e) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_JWT_INVALID_OPTION')
    expect(err.message).toBe('"dpop.mode" must be "required" or "allowed"')
    const made = thrown(() => honoJwt({ secret, alg: 'HS256', dpop: { nonce: 'yes' } }))
    expect(made).toBeInstanceOf(TypeError)
    expect(made.code).toBe('ERR_JWT_INVALID_OPTION')
    expect(made.message).toBe('"dpop.nonce" must be true or { lifetime: seconds }')
  })

  test('dpop reads the Authorization header: a cookie is refused', async () => {
    const message = '"dpop" reads the Authorization header: no "cookie" or "extractToken"'
    const app = Fastify()
    const cookie = { cookieName: 'token' }
    const err = await app
      .register(fastifyJwt, { secret, cookie, dpop: {} })
      .ready()
      .catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe(message)
    const made = thrown(() => honoJwt({ secret, alg: 'HS256', cookie: 'token', dpop: {} }))
    expect(made).toBeInstanceOf(Error)
    expect(made.message).toBe('"dpop" reads the Authorization header: no "cookie" or "headerName"')
  })
})
