'use strict'
// ringjwt/hono's jwk middleware over HTTP on 127.0.0.1: keys given in memory or served as a JWK Set by another
// local app (fetched through createRemoteJwks, so cached), hono's checks before the key (kid, symmetric and
// allowed algorithms), `allow_anon`, and a JWK Set that cannot be fetched answered as hono does (500).
const { HTTPException } = require('hono/http-exception')
const { jwk, sign, verifyWithJwks } = require('../hono')
const { keys } = require('./helpers/keys')
const { rejected } = require('./helpers/assert')
const { startHono, bearer, challenge } = require('./helpers/hono-apps')

const rsaJwk = { ...keys.rsa.publicJwk, kid: 'rsa-1', alg: 'RS256', use: 'sig' }
const ecJwk = { ...keys.p256.publicJwk, kid: 'ec-1' }
const signRs = (payload, kid = 'rsa-1') => sign(payload, { ...keys.rsa.privateJwk, kid, alg: 'RS256' })
const signEs = (payload) => sign(payload, { ...keys.p256.privateJwk, kid: 'ec-1', alg: 'ES256' })

const INVALID = ['invalid_token', 'token verification failure']

describe('jwk(): keys and a remote JWK Set', () => {
  let issuer
  let app
  let served = { keys: [ecJwk] }
  let fetches = 0
  let status = 200
  const seenKeyHeaders = []

  beforeAll(async () => {
    issuer = await startHono((app) => {
      app.get('/jwks.json', (c) => {
        fetches++
        seenKeyHeaders.push(c.req.header('x-key') ?? null)
        return c.json(served, status)
      })
    })
    app = await startHono((app) => {
      app.use('/local/*', jwk({ keys: [rsaJwk], alg: ['RS256'] }))
      app.use('/remote/*', jwk({ jwks_uri: `${issuer.url}/jwks.json`, alg: ['ES256', 'RS256'] }))
      app.use('/both/*', jwk({ keys: [rsaJwk], jwks_uri: `${issuer.url}/jwks.json`, alg: ['ES256', 'RS256'] }))
      app.use('/by-ctx/*', jwk({ keys: (c) => (c.req.header('x-tenant') === 'a' ? [rsaJwk] : []), alg: ['RS256'] }))
      app.use('/anon/*', jwk({ keys: [rsaJwk], alg: ['RS256'], allow_anon: true, realm: 'anon' }))
      app.use('/init/*', jwk({ jwks_uri: `${issuer.url}/jwks.json`, alg: ['ES256'] }, { headers: { 'x-key': 'k' } }))
      app.get('*', (c) => c.json({ payload: c.get('jwtPayload') ?? null }))
    })
  })
  afterAll(async () => {
    await app.close()
    await issuer.close()
  })

  async function expectInvalid(path, token, name, code, message) {
    const res = await app.request(path, bearer(token))
    expect(res.status).toBe(401)
    expect(res.challenge).toBe(challenge(`${app.url}${path}`, ...INVALID))
    expect(res.text).toBe('Unauthorized')
    const err = app.errors.at(-1)
    expect(err).toBeInstanceOf(HTTPException)
    expect(err.cause).toMatchObject({ name, code, message })
  }

  test('keys in memory: the key the kid names verifies the token', async () => {
    const res = await app.request('/local/x', bearer(await signRs({ sub: 'u1' })))
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ payload: { sub: 'u1' } })
  })

  test('a remote set is fetched once and kept', async () => {
    const before = fetches
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/remote/x', bearer(await signEs({ n: i })))
      expect(res.json).toEqual({ payload: { n: i } })
    }
    expect(fetches - before).toBe(1)
  })

  test('init: the RequestInit goes with the JWK Set request', async () => {
    const res = await app.request('/init/x', bearer(await signEs({ sub: 'u1' })))
    expect(res.status).toBe(200)
    expect(seenKeyHeaders).toContain('k')
  })

  test('keys and jwks_uri together: the keys in memory, then the remote set', async () => {
    expect((await app.request('/both/x', bearer(await signRs({ sub: 'local' })))).json).toEqual({
      payload: { sub: 'local' },
    })
    expect((await app.request('/both/x', bearer(await signEs({ sub: 'remote' })))).json).toEqual({
      payload: { sub: 'remote' },
    })
  })

  test('keys as a function of the request', async () => {
    const token = await signRs({ sub: 'u1' })
    const ok = await app.request('/by-ctx/x', { headers: { ...bearer(token).headers, 'x-tenant': 'a' } })
    expect(ok.status).toBe(200)
    await expectInvalid(
      '/by-ctx/x',
      token,
      'JwtTokenInvalid',
      'ERR_JWKS_NO_MATCHING_KEY',
      `invalid JWT token: ${token}`,
    )
  })

  test('allow_anon: no token passes with no payload; a bad token is still refused', async () => {
    expect((await app.request('/anon/x')).json).toEqual({ payload: null })
    const res = await app.request('/anon/x', bearer('a.b.c'))
    expect(res.status).toBe(401)
    expect(res.challenge).toBe(challenge('anon', ...INVALID))
    expect(app.errors.at(-1).cause).toMatchObject({
      name: 'JwtTokenInvalid',
      code: 'ERR_JWT_MALFORMED',
      message: 'invalid JWT token: a.b.c',
    })
  })

  test('no token: 401 invalid_request', async () => {
    const res = await app.request('/local/x')
    expect(res.status).toBe(401)
    expect(res.challenge).toBe(
      challenge(`${app.url}/local/x`, 'invalid_request', 'no authorization included in request'),
    )
  })

  test('a header without kid: JwtHeaderRequiresKid', async () => {
    const token = await sign({ sub: 'u1' }, keys.rsa.privatePem, 'RS256')
    await expectInvalid(
      '/local/x',
      token,
      'JwtHeaderRequiresKid',
      'ERR_JWT_HEADER_INVALID',
      'required "kid" in jwt header: {"alg":"RS256","typ":"JWT"}',
    )
  })

  test('an HMAC token: JwtSymmetricAlgorithmNotAllowed', async () => {
    const token = await sign({ sub: 'u1' }, { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256', kid: 'rsa-1' })
    await expectInvalid(
      '/local/x',
      token,
      'JwtSymmetricAlgorithmNotAllowed',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'symmetric algorithm "HS256" is not allowed for JWK verification',
    )
  })

  test('an algorithm outside `alg`: JwtAlgorithmNotAllowed', async () => {
    await expectInvalid(
      '/local/x',
      await signEs({ sub: 'u1' }),
      'JwtAlgorithmNotAllowed',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'algorithm "ES256" is not in the allowed list: [RS256]',
    )
  })

  test('a kid whose key names another alg: JwtAlgorithmMismatch', async () => {
    const token = await sign({ sub: 'u1' }, { ...keys.rsa.privateJwk, kid: 'rsa-1', alg: 'PS256' })
    const app2 = await startHono((a) => {
      a.use('*', jwk({ keys: [rsaJwk], alg: ['PS256'] }))
      a.get('*', (c) => c.text('ok'))
    })
    try {
      const res = await app2.request('/x', bearer(token))
      expect(res.status).toBe(401)
      expect(app2.errors[0].cause).toMatchObject({
        name: 'JwtAlgorithmMismatch',
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
        message: 'JWT algorithm mismatch: expected "RS256", got "PS256"',
      })
    } finally {
      await app2.close()
    }
  })

  test('an unknown kid: JwtTokenInvalid with ERR_JWKS_NO_MATCHING_KEY', async () => {
    const token = await signRs({ sub: 'u1' }, 'rsa-2')
    await expectInvalid('/local/x', token, 'JwtTokenInvalid', 'ERR_JWKS_NO_MATCHING_KEY', `invalid JWT token: ${token}`)
  })

  test('a set the issuer cannot serve: 500, a plain Error with the fetch’s code', async () => {
    const uri = `${issuer.url}/missing.json`
    const failing = await startHono((a) => {
      a.use('*', jwk({ jwks_uri: uri, alg: ['ES256'] }))
      a.get('*', (c) => c.text('ok'))
    })
    try {
      const res = await failing.request('/x', bearer(await signEs({ sub: 'u1' })))
      expect(res.status).toBe(500)
      const [err] = failing.errors
      expect(err.constructor).toBe(Error)
      expect(err).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED', message: `failed to fetch JWKS from ${uri}` })
      expect(err.cause).toMatchObject({
        code: 'ERR_JWKS_FETCH_FAILED',
        message: 'JSON Web Key Set request failed: HTTP 404',
      })
    } finally {
      await failing.close()
    }
  })

  test('a redirect is not followed unless init asks for it', async () => {
    const moved = await startHono((a) => a.get('/moved.json', (c) => c.redirect(`${issuer.url}/jwks.json`, 302)))
    const movedUri = `${moved.url}/moved.json`
    try {
      const token = await signEs({ sub: 'u1' })
      const err = await rejected(verifyWithJwks(token, { jwks_uri: movedUri, allowedAlgorithms: ['ES256'] }))
      expect(err.constructor).toBe(Error)
      expect(err).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED', message: `failed to fetch JWKS from ${movedUri}` })
      expect(err.cause).toMatchObject({
        code: 'ERR_JWKS_FETCH_FAILED',
        message: 'JSON Web Key Set request failed: HTTP 302 (redirects are not followed)',
      })
      const options = { jwks_uri: movedUri, allowedAlgorithms: ['ES256'] }
      expect(await verifyWithJwks(token, options, { redirect: 'follow' })).toMatchObject({ sub: 'u1' })
    } finally {
      await moved.close()
    }
  })

  // A set dropped is fetched again: the sets kept are those of the 100 URLs used last (per RequestInit), so a URL in
  // use stays while others stream through. This test's own `init` gives it sets of its own.
  test('remote sets: the 100 URLs used last are kept, the least recently used dropped first', async () => {
    const init = { headers: { 'x-key': 'many-urls' } }
    const token = await signEs({ sub: 'u1' })
    const use = async (tenant) => {
      const options = { jwks_uri: `${issuer.url}/jwks.json?tenant=${tenant}`, allowedAlgorithms: ['ES256'] }
      expect(await verifyWithJwks(token, options, init)).toMatchObject({ sub: 'u1' })
    }
    const before = fetches
    await use('hot')
    for (let i = 0; i < 120; i++) {
      await use(`cold-${i}`)
      await use('hot')
    }
    // One fetch per URL: the hot one, used between every two others, was never dropped.
    expect(fetches - before).toBe(121)
    // Kept: the hot set and cold-21 to cold-119; cold-20 was the least recently used when cold-119 came.
    await use('cold-119')
    await use('cold-21')
    expect(fetches - before).toBe(121)
    await use('cold-20')
    expect(fetches - before).toBe(122)
  })

  test('verifyWithJwks: a response that is not a JWK Set is a plain Error, as in hono', async () => {
    const uri = `${issuer.url}/jwks.json?shape=wrong`
    served = { notKeys: [] }
    try {
      const err = await rejected(verifyWithJwks(await signEs({}), { jwks_uri: uri, allowedAlgorithms: ['ES256'] }))
      expect(err.constructor).toBe(Error)
      expect(err).toMatchObject({ code: 'ERR_JWKS_INVALID', message: 'invalid JWKS response. "keys" field is missing' })
      expect(err.cause).toMatchObject({
        code: 'ERR_JWKS_INVALID',
        message: 'JSON Web Key Set malformed: "keys" is not an array',
      })
    } finally {
      served = { keys: [ecJwk] }
    }
  })

  test('made without keys or jwks_uri: hono’s error', () => {
    const message = 'JWK auth middleware requires options for either "keys" or "jwks_uri" or both'
    expect(() => jwk({ alg: ['RS256'] })).toThrow(new Error(message))
    expect(() => jwk()).toThrow(new Error(message))
  })

  test('an issuer that fails after a good fetch: the cached set still serves', async () => {
    status = 503
    try {
      expect((await app.request('/remote/x', bearer(await signEs({ n: 'cached' })))).status).toBe(200)
    } finally {
      status = 200
    }
  })
})

// hono's `keys` as a function that builds the array on each request: equal arrays share one set, so the key a token
// names is read with node:crypto once, not the whole set once a request. Counted where lib/jwks.js calls
// node:crypto, on its module object.
describe('jwk(): keys from a function that returns a new array each time', () => {
  const crypto = require('node:crypto')
  const pairs = Array.from({ length: 10 }, () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  const published = pairs.map(({ publicKey }, i) => ({ ...publicKey.export({ format: 'jwk' }), kid: `t${i}` }))
  const signWith = (i, payload) =>
    sign(payload, { ...pairs[i].privateKey.export({ format: 'jwk' }), kid: `t${i}`, alg: 'ES256' })
  let served = published
  let app

  beforeAll(async () => {
    app = await startHono((app) => {
      app.use('/fresh/*', jwk({ keys: () => served.map((key) => ({ ...key })), alg: ['ES256'] }))
      app.get('*', (c) => c.json({ payload: c.get('jwtPayload') ?? null }))
    })
  })
  afterAll(() => app.close())
  afterEach(() => jest.restoreAllMocks())

  test('equal arrays read the set once and its key once; new content is read anew', async () => {
    const tokens = await Promise.all([0, 1, 2].map((n) => signWith(4, { n })))
    const reads = jest.spyOn(crypto, 'createPublicKey')
    for (const [n, token] of tokens.entries()) {
      const res = await app.request('/fresh/x', bearer(token))
      expect(res.json).toEqual({ payload: { n } })
    }
    expect(reads).toHaveBeenCalledTimes(1)
    const extra = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    served = [...published, { ...extra.publicKey.export({ format: 'jwk' }), kid: 'new' }]
    const token = await sign({ n: 3 }, { ...extra.privateKey.export({ format: 'jwk' }), kid: 'new', alg: 'ES256' })
    expect((await app.request('/fresh/x', bearer(token))).json).toEqual({ payload: { n: 3 } })
    expect(reads).toHaveBeenCalledTimes(2)
  })
})
