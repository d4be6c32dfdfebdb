'use strict'
const http = require('node:http')
const { generateKeyPairSync, KeyObject } = require('node:crypto')
const jwt = require('..')
const { expectError } = require('./helpers/assert')
const { JsonWebTokenError } = jwt

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaNext = generateKeyPairSync('rsa', { modulusLength: 2048 })
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ed = generateKeyPairSync('ed25519')

const published = jwt.exportJwks([
  { key: rsa.publicKey, kid: 'rsa-1', alg: 'RS256' },
  { key: p256.privateKey, kid: 'ec-1' },
  { key: ed.publicKey, kid: 'ed-1' },
])

function verifyWith(token, key, options = {}) {
  return new Promise((resolve, reject) => jwt.verify(token, key, options, (err, p) => (err ? reject(err) : resolve(p))))
}

describe('exportJwks', () => {
  test('writes only public members, with kid, alg and use', () => {
    const [rsaJwk, ecJwk, edJwk] = published.keys
    expect(rsaJwk).toEqual({ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' })
    expect(ecJwk).toEqual({ ...p256.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' })
    expect(edJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', alg: 'EdDSA' })
    for (const jwk of published.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(member)
    }
  })

  test('takes PEM text and leaves alg out for RSA keys when not given', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' })
    const [jwk] = jwt.exportJwks([{ key: pem }]).keys
    expect(jwk).toEqual({ ...rsa.publicKey.export({ format: 'jwk' }), use: 'sig' })
  })

  test.each([
    ['not an array', () => jwt.exportJwks({}), 'exportJwks() takes an array of { key, kid, alg } entries'],
    ['an entry without key', () => jwt.exportJwks([{}]), 'exportJwks(): entry 0 must be an object with a "key"'],
    ['a secret', () => jwt.exportJwks([{ key: 'shared secret' }]), 'exportJwks(): entry 0 is not an asymmetric key'],
    [
      'an algorithm the key cannot serve',
      () => jwt.exportJwks([{ key: p256.publicKey, alg: 'ES384' }]),
      'exportJwks(): entry 0 cannot be used with "ES384"',
    ],
  ])('refuses %s', (_, fn, message) => {
    expectError(fn, TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })
})

describe('createLocalJwks', () => {
  const jwks = jwt.createLocalJwks(published)

  test('parses the set once into KeyObjects', () => {
    expect(jwks.keys).toHaveLength(3)
    for (const key of jwks.keys) expect(key).toBeInstanceOf(KeyObject)
  })

  test.each([
    ['RS256', rsa.privateKey, 'rsa-1'],
    ['ES256', p256.privateKey, 'ec-1'],
    ['EdDSA', ed.privateKey, 'ed-1'],
  ])('verify picks the %s key by kid (callback and Promise forms)', async (algorithm, key, keyid) => {
    const token = jwt.sign({ sub: 'u1' }, key, { algorithm, keyid })
    await expect(verifyWith(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
  })

  test('a header without kid matches the one key that fits the algorithm', async () => {
    const token = jwt.sign({ sub: 'u1' }, ed.privateKey, { algorithm: 'EdDSA' })
    await expect(verifyWith(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
  })

  test('called with a header, or as the middleware calls it, it returns the key', () => {
    const header = { alg: 'ES256', kid: 'ec-1' }
    expect(jwks(header).equals(p256.publicKey)).toBe(true)
    expect(jwks({ headers: {} }, { header, payload: {} }).equals(p256.publicKey)).toBe(true)
  })

  test('an unknown kid fails with the set error code, in jsonwebtoken callback-error form', async () => {
    const token = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    const err = await verifyWith(token, jwks).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: 'error in secret or public key callback: no applicable key found in the JSON Web Key Set',
    })
    expect(err.inner).toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })

  test('a key is never used for an algorithm of another type, curve or declared alg', () => {
    for (const header of [
      { alg: 'ES384', kid: 'ec-1' },
      { alg: 'HS256', kid: 'rsa-1' },
      { alg: 'PS256', kid: 'rsa-1' },
      { alg: 'none' },
      null,
    ]) {
      expectError(
        () => jwks(header),
        JsonWebTokenError,
        'ERR_JWKS_NO_MATCHING_KEY',
        'no applicable key found in the JSON Web Key Set',
      )
    }
  })

  test('two keys that fit a header without kid are ambiguous', () => {
    const two = jwt.createLocalJwks(jwt.exportJwks([{ key: rsa.publicKey }, { key: rsaNext.publicKey }]))
    expectError(
      () => two({ alg: 'RS256' }),
      JsonWebTokenError,
      'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
      'multiple matching keys found in the JSON Web Key Set',
    )
  })

  test('keys for encryption, without "verify" in key_ops, or unreadable are left out', () => {
    const [jwk] = jwt.exportJwks([{ key: rsa.publicKey }]).keys
    const set = jwt.createLocalJwks({
      keys: [{ ...jwk, use: 'enc' }, { ...jwk, key_ops: ['encrypt'] }, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'XYZ' }],
    })
    expect(set.keys).toHaveLength(0)
  })

  test.each([[null], [{}], [{ keys: 'x' }], [{ keys: [null] }], [{ keys: [{}] }]])('refuses the set %p', (set) => {
    expectError(() => jwt.createLocalJwks(set), JsonWebTokenError, 'ERR_JWKS_INVALID', 'JSON Web Key Set malformed')
  })
})

describe('createRemoteJwks', () => {
  let server
  let url
  let body
  let status
  let requests

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests += 1
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`
  })
  afterAll(() => new Promise((resolve) => server.close(resolve)))
  beforeEach(() => {
    body = jwt.exportJwks([{ key: rsa.publicKey, kid: 'rsa-1' }])
    status = 200
    requests = 0
  })

  test('fetches once and serves later tokens from the cached set', async () => {
    const jwks = jwt.createRemoteJwks(url)
    const token = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })
    await Promise.all([verifyWith(token, jwks), verifyWith(token, jwks), jwt.verifyAsync(token, jwks)])
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
    expect(requests).toBe(1)
  })

  test('a rotated key (unknown kid) triggers one early fetch', async () => {
    const jwks = jwt.createRemoteJwks(url, { cooldown: 0 })
    await jwks.reload()
    body = jwt.exportJwks([
      { key: rsa.publicKey, kid: 'rsa-1' },
      { key: rsaNext.publicKey, kid: 'rsa-2' },
    ])
    const token = jwt.sign({ sub: 'u2' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u2' })
    expect(requests).toBe(2)
  })

  test('within the cooldown an unknown kid fails without fetching again', async () => {
    const jwks = jwt.createRemoteJwks(url, { cooldown: 60_000 })
    await jwks.reload()
    const token = jwt.sign({ sub: 'u2' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    await expect(jwks(jwt.decode(token, { complete: true }).header)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    })
    expect(requests).toBe(1)
  })

  test('the set is fetched again after cacheMaxAge (read from the JS clock)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout'] })
    try {
      const jwks = jwt.createRemoteJwks(url, { cacheMaxAge: 1000 })
      await jwks({ alg: 'RS256', kid: 'rsa-1' })
      jest.setSystemTime(Date.now() + 1001)
      await jwks({ alg: 'RS256', kid: 'rsa-1' })
      expect(requests).toBe(2)
    } finally {
      jest.useRealTimers()
    }
  })

  test('an HTTP error is a fetch failure', async () => {
    status = 503
    const jwks = jwt.createRemoteJwks(url)
    const err = await jwks({ alg: 'RS256' }).catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED', message: 'JSON Web Key Set request failed: HTTP 503' })
  })

  test('an unreachable server is a fetch failure', async () => {
    const closed = http.createServer()
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address()
    await new Promise((resolve) => closed.close(resolve))
    const err = await jwt
      .createRemoteJwks(`http://127.0.0.1:${port}/jwks.json`)({ alg: 'RS256' })
      .catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err.code).toBe('ERR_JWKS_FETCH_FAILED')
    expect(err.message).toBe('JSON Web Key Set request failed: fetch failed')
  })

  test.each([['not json'], [JSON.stringify({ keys: {} })]])('a malformed body %p is refused', async (text) => {
    body = text
    const err = await jwt
      .createRemoteJwks(url)({ alg: 'RS256' })
      .catch((e) => e)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_JWKS_INVALID', message: 'JSON Web Key Set malformed' })
  })

  test.each([
    ['a relative url', () => jwt.createRemoteJwks('/jwks.json'), 'createRemoteJwks(): "url" must be an absolute URL'],
    [
      'a negative cacheMaxAge',
      () => jwt.createRemoteJwks('http://127.0.0.1/', { cacheMaxAge: -1 }),
      'createRemoteJwks(): "cacheMaxAge" must be a number of milliseconds',
    ],
    [
      'a string timeout',
      () => jwt.createRemoteJwks('http://127.0.0.1/', { timeout: '5s' }),
      'createRemoteJwks(): "timeout" must be a number of milliseconds',
    ],
  ])('refuses %s', (_, fn, message) => {
    expectError(fn, TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })
})

describe('a JWK Set as the middleware secret', () => {
  const { startApp, bearer } = require('./helpers/express-apps')
  const { expressjwt, UnauthorizedError } = require('../express')
  let app

  beforeAll(async () => {
    const secret = jwt.createLocalJwks(published)
    app = await startApp('Express 5', expressjwt({ secret, algorithms: ['RS256', 'ES256', 'EdDSA'] }))
  })
  afterAll(() => app.close())

  test('a token signed with a published key reaches the route', async () => {
    const token = jwt.sign({ sub: 'u1' }, p256.privateKey, { algorithm: 'ES256', keyid: 'ec-1' })
    const { status, body } = await app.request('/', bearer(token))
    expect(status).toBe(200)
    expect(body.auth).toMatchObject({ sub: 'u1' })
  })

  test.each([
    [
      'an unknown kid',
      () => jwt.sign({ sub: 'u1' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-9' }),
      { code: 'ERR_JWKS_NO_MATCHING_KEY', message: 'no applicable key found in the JSON Web Key Set' },
    ],
    ['a token that does not decode', () => 'not.a.token', { code: 'ERR_JWT_MALFORMED', message: 'jwt malformed' }],
  ])('%s is a 401 invalid_token', async (_, makeToken, inner) => {
    const { status, body } = await app.request('/', bearer(makeToken()))
    expect(status).toBe(401)
    expect(body).toMatchObject({ code: 'invalid_token', message: inner.message, inner })
    const err = app.errors.at(-1)
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect(err.inner).toBeInstanceOf(JsonWebTokenError)
  })
})
