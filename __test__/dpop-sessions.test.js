'use strict'
// Sessions bound to a DPoP key, in memory and on a real redis-server: a session created or refreshed with a proof's
// thumbprint (`{ jkt }`) hands out access tokens with `cnf.jkt`, and its refresh token works only with a proof
// from the same key, so a stolen refresh token alone is useless. With `sign` as well, the store signs those
// tokens and binds each to its session by its signature.

const http = require('node:http')
const { createClient } = require('redis')
const jwt = require('..')
const { createSessionStore, createRedisSessionStore, calculateJwkThumbprint, createDpopProof } = jwt
const { UnauthorizedError } = require('../express')
const { keys } = require('./helpers/keys')
const { startRedis } = require('./helpers/redis')
const { rejected } = require('./helpers/assert')
const { createApp } = require('../examples/app')
const { SECRET, EMAIL, PASSWORD, CHEAP_SCRYPT, listen, call, demoUsers } = require('./helpers/demo')

const jkt = calculateJwkThumbprint(keys.p256.publicJwk)
const otherJkt = calculateJwkThumbprint(keys.p384.publicJwk)
const SIGNING_KEY = 'a signing key of at least 32 bytes for HS256'

async function expectRefused(promise, code, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(UnauthorizedError)
  expect(err).toMatchObject({ code, message, status: 401 })
}

let redis
let client
beforeAll(async () => {
  redis = await startRedis()
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client.quit()
  await redis.stop()
})

let count = 0
const STORES = {
  'in memory': () => createSessionStore(),
  'on Redis': () => createRedisSessionStore(client, { prefix: `dpop${++count}:` }),
}

describe.each(Object.keys(STORES))('sessions %s', (name) => {
  const newStore = STORES[name]
  const call = async (fn) => fn()

  test('a session created with a key: its tokens carry cnf.jkt, refresh needs the same key', async () => {
    const store = newStore()
    const created = await store.create('u1', {}, { jkt })
    expect(created.claims.cnf).toEqual({ jkt })
    await expectRefused(
      call(() => store.refresh(created.refreshToken)),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { jkt: otherJkt })),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    // The refusals changed nothing: the holder of the key refreshes.
    const refreshed = await store.refresh(created.refreshToken, { jkt })
    expect(refreshed.claims.cnf).toEqual({ jkt })
    expect(refreshed.session.id).toBe(created.session.id)
  })

  test('a retired refresh token presented with the key is still a reuse: the session ends', async () => {
    const store = newStore()
    const created = await store.create('u1', {}, { jkt })
    await store.refresh(created.refreshToken, { jkt })
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { jkt })),
      'refresh_token_reused',
      'The refresh token was already used: the session has ended.',
    )
    expect(await store.get(created.session.id)).toBeNull()
  })

  test('a session without a key works as before, and a refresh with a proof binds it from then on', async () => {
    const store = newStore()
    const created = await store.create('u1')
    expect(created.claims.cnf).toBeUndefined()
    const plain = await store.refresh(created.refreshToken)
    expect(plain.claims.cnf).toBeUndefined()
    const bound = await store.refresh(plain.refreshToken, { jkt })
    expect(bound.claims.cnf).toEqual({ jkt })
    await expectRefused(
      call(() => store.refresh(bound.refreshToken)),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    expect((await store.refresh(bound.refreshToken, { jkt })).claims.cnf).toEqual({ jkt })
  })

  test('with sign too: sign gets cnf, and the token is bound to its session by its signature', async () => {
    const store = newStore()
    const signed = []
    const sign = (claims) => {
      signed.push(claims)
      return jwt.sign({ ...claims, role: 'user' }, SIGNING_KEY)
    }
    const created = await store.create('u1', {}, { jkt, sign })
    expect(signed).toEqual([
      { sub: 'u1', sid: created.session.id, jti: expect.any(String), exp: expect.any(Number), cnf: { jkt } },
    ])
    expect(jwt.decode(created.token)).toMatchObject({ cnf: { jkt }, role: 'user' })
    expect(await store.isRevoked(jwt.verify(created.token, SIGNING_KEY, { complete: true }))).toBe(false)
    const forged = jwt.sign({ ...jwt.decode(created.token), role: 'admin' }, SIGNING_KEY)
    await expectRefused(
      call(() => store.isRevoked(jwt.verify(forged, SIGNING_KEY, { complete: true }))),
      'token_not_issued',
      'This token was not issued by its session.',
    )

    // Without the key, nothing is signed and nothing changes; with it, the next token is signed and bound.
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { sign })),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    expect(signed).toHaveLength(1)
    const refreshed = await store.refresh(created.refreshToken, { jkt, sign })
    expect(signed[1]).toMatchObject({ sid: created.session.id, jti: refreshed.claims.jti, cnf: { jkt } })
    expect(refreshed.claims.cnf).toEqual({ jkt })
    expect(await store.isRevoked(jwt.verify(refreshed.token, SIGNING_KEY, { complete: true }))).toBe(false)

    // A retired refresh token, even with the key: a reuse, refused before anything is signed.
    await expectRefused(
      call(() => store.refresh(created.refreshToken, { jkt, sign })),
      'refresh_token_reused',
      'The refresh token was already used: the session has ended.',
    )
    expect(signed).toHaveLength(2)
    expect(await store.get(created.session.id)).toBeNull()
  })

  test('with sign too: a session without a key refreshed with one is bound from then on', async () => {
    const store = newStore()
    const sign = (claims) => jwt.sign(claims, SIGNING_KEY)
    const created = await store.create('u1', {}, { sign })
    expect(jwt.decode(created.token).cnf).toBeUndefined()
    const bound = await store.refresh(created.refreshToken, { jkt, sign })
    expect(jwt.decode(bound.token).cnf).toEqual({ jkt })
    await expectRefused(
      call(() => store.refresh(bound.refreshToken, { sign })),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    await expectRefused(
      call(() => store.refresh(bound.refreshToken, { jkt: otherJkt, sign })),
      'refresh_token_invalid',
      'The refresh token is not valid.',
    )
    const again = await store.refresh(bound.refreshToken, { jkt, sign: async (claims) => sign(claims) })
    expect(jwt.decode(again.token)).toMatchObject({ sid: created.session.id, cnf: { jkt } })
  })

  test('bad binding options are TypeErrors', async () => {
    const store = newStore()
    for (const [options, message] of [
      [{ jkt: 'short' }, '"jkt" must be a SHA-256 JWK thumbprint (43 base64url characters)'],
      [{ key: jkt }, '"key" is not allowed in "options"'],
      [{ jkt, sign: 'sign' }, '"sign" must be a function that signs the claims it is given and returns the token'],
      ['jkt', 'Expected "options" to be a plain object.'],
    ]) {
      const err = await rejected(call(() => store.create('u1', {}, options)))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })
})

describe('the demo app', () => {
  let app
  beforeAll(async () => {
    const sessions = createSessionStore()
    app = await listen(createApp({ secret: SECRET, sessions, users: await demoUsers(), passwordHashing: CHEAP_SCRYPT }))
  })
  afterAll(() => app.close())

  const proof = (htm, route, accessToken) =>
    createDpopProof(keys.p256.privateKey, { htm, htu: `${app.base}${route}`, accessToken })
  const credentials = { email: EMAIL, password: PASSWORD }

  test('/login and /refresh with a proof answer token_type DPoP; refresh without the key is refused', async () => {
    const login = await call(app.base, '/login', {
      method: 'POST',
      json: credentials,
      headers: { dpop: proof('POST', '/login') },
    })
    expect(login.status).toBe(200)
    expect(login.body).toMatchObject({ token_type: 'DPoP', refreshToken: expect.any(String) })
    const { token, refreshToken } = login.body
    expect(jwt.decode(token).cnf).toEqual({ jkt })

    const me = await call(app.base, '/me', {
      headers: { authorization: `DPoP ${token}`, dpop: proof('GET', '/me', token) },
    })
    expect(me).toMatchObject({ status: 200, body: { cnf: { jkt } } })
    // The store signed it: the same claims with another email, signed with the app's own key, are refused.
    const forged = jwt.sign({ ...jwt.decode(token), email: 'someone@example.com' }, SECRET)
    const refused = await call(app.base, '/me', {
      headers: { authorization: `DPoP ${forged}`, dpop: proof('GET', '/me', forged) },
    })
    expect(refused).toMatchObject({ status: 401, body: { error: 'token_not_issued' } })

    const stolen = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken } })
    expect(stolen).toMatchObject({ status: 401, body: { error: 'refresh_token_invalid' } })
    const refreshed = await call(app.base, '/refresh', {
      method: 'POST',
      json: { refreshToken },
      headers: { dpop: proof('POST', '/refresh') },
    })
    expect(refreshed).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })
  })

  // The proof's iat is the client's clock: the demo takes one two minutes off (RFC 9449 §11.1 leaves the window to
  // the server). A Host that is not host[:port] could move the path the proof is held to: it matches no proof.
  test('a proof from a clock two minutes off is taken; a request whose Host carries a path is refused', async () => {
    const skewed = createDpopProof(keys.p256.privateKey, {
      htm: 'POST',
      htu: `${app.base}/login`,
      iat: Math.floor(Date.now() / 1000) + 120,
    })
    const login = await call(app.base, '/login', { method: 'POST', json: credentials, headers: { dpop: skewed } })
    expect(login).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })

    const forRefresh = proof('POST', '/refresh')
    const moved = await new Promise((resolve, reject) => {
      const body = JSON.stringify(credentials)
      const request = http.request(`${app.base}/login`, {
        method: 'POST',
        setHost: false,
        headers: {
          host: `${new URL(app.base).host}/refresh?`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          dpop: forRefresh,
        },
      })
      request.on('response', (response) => {
        let text = ''
        response.on('data', (chunk) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }))
      })
      request.on('error', reject)
      request.end(body)
    })
    expect(moved).toEqual({
      status: 400,
      body: { error: 'invalid_dpop_proof', message: 'DPoP proof "htu" does not match the request URL' },
    })
  })

  test('without a proof they answer as before; a bad proof is a 400', async () => {
    const plain = await call(app.base, '/login', { method: 'POST', json: credentials })
    expect(plain.status).toBe(200)
    expect(Object.keys(plain.body).sort()).toEqual(['expiresIn', 'refreshToken', 'token'])
    const bad = await call(app.base, '/login', {
      method: 'POST',
      json: credentials,
      headers: { dpop: proof('GET', '/login') },
    })
    expect(bad).toMatchObject({
      status: 400,
      body: { error: 'invalid_dpop_proof', message: 'DPoP proof "htm" does not match the request method' },
    })
  })
})
