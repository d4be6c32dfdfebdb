'use strict'
// Sessions bound to a DPoP key, in memory and on a real redis-server: a session created or refreshed with a proof's
// thumbprint (`{ jkt }`) hands out access tokens with `cnf.jkt`, and its refresh token works only with a proof
// from the same key, so a stolen refresh token alone is useless. With `sign` as well, the store signs those
// tokens and binds each to its session by its signature.

const crypto = require('node:crypto')
const http = require('node:http')
const { createClient } = require('redis')
const jwt = require('..')
const { createSessionStore, createRedisSessionStore, calculateJwkThumbprint, createDpopProof, createDpopReplayCache } =
  jwt
const { UnauthorizedError } = require('../express')
const { keys } = require('./helpers/keys')
const { startRedis } = require('./helpers/redis')
const { rejected } = require('./helpers/assert')
const { createApp } = require('../examples/app')
const { SECRET, EMAIL, PASSWORD, CHEAP_SCRYPT, listen, call, demoUsers, startServer } = require('./helpers/demo')

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

  // The proof's iat is the client's clock (RFC 9449 §11.1 leaves the window to the server): the demo takes 30 s of
  // clock tolerance on top of the 60 s a proof lives, 90 s either way, and no more: a proof dated further ahead
  // would be one made in advance (by a script on the page) and held in the replay cache that much longer. A Host
  // that is not host[:port] could move the path the proof is held to: it matches no proof.
  test('a proof within 90 s of the server clock is taken, one further ahead is refused; a Host with a path is refused', async () => {
    const skewed = (seconds) =>
      createDpopProof(keys.p256.privateKey, {
        htm: 'POST',
        htu: `${app.base}/login`,
        iat: Math.floor(Date.now() / 1000) + seconds,
      })
    const login = await call(app.base, '/login', { method: 'POST', json: credentials, headers: { dpop: skewed(85) } })
    expect(login).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })
    for (const seconds of [95, 175, -95]) {
      const refused = await call(app.base, '/login', {
        method: 'POST',
        json: credentials,
        headers: { dpop: skewed(seconds) },
      })
      expect(refused).toEqual({
        status: 400,
        headers: expect.anything(),
        text: expect.any(String),
        body: { error: 'invalid_dpop_proof', message: 'DPoP proof "iat" is outside the accepted window' },
      })
    }

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

  // A proof is remembered against replay only once the request has shown it is worth the room: a refresh token
  // that is not a live session's current one, or a wrong password, leaves it out of the replay cache.
  test('/refresh: a proof sent with a refresh token that is not live is not recorded; with the real one it is taken once', async () => {
    const login = await call(app.base, '/login', {
      method: 'POST',
      json: credentials,
      headers: { dpop: proof('POST', '/login') },
    })
    const { refreshToken } = login.body
    const sid = refreshToken.split('.')[0]
    const dpop = proof('POST', '/refresh')
    for (const bogus of [
      'x',
      `${crypto.randomUUID()}.${'A'.repeat(43)}`, // no such session
      `${sid}.${'A'.repeat(43)}`, // the live session, a forged secret
    ]) {
      const refused = await call(app.base, '/refresh', {
        method: 'POST',
        json: { refreshToken: bogus },
        headers: { dpop },
      })
      expect(refused).toMatchObject({
        status: 401,
        body: { error: 'refresh_token_invalid', message: 'The refresh token is not valid.' },
      })
    }
    // The same proof, now with the session's refresh token: not a replay, since nothing recorded it.
    const refreshed = await call(app.base, '/refresh', { method: 'POST', json: { refreshToken }, headers: { dpop } })
    expect(refreshed).toMatchObject({ status: 200, body: { token_type: 'DPoP', refreshToken: expect.any(String) } })
    // Recorded now: with the new refresh token it is a replay, and it rotates nothing.
    const replayed = await call(app.base, '/refresh', {
      method: 'POST',
      json: { refreshToken: refreshed.body.refreshToken },
      headers: { dpop },
    })
    expect(replayed).toMatchObject({
      status: 400,
      body: { error: 'invalid_dpop_proof', message: 'DPoP proof "jti" has been used before' },
    })
    const next = await call(app.base, '/refresh', {
      method: 'POST',
      json: { refreshToken: refreshed.body.refreshToken },
      headers: { dpop: proof('POST', '/refresh') },
    })
    expect(next).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })
    // Reuse detection is unchanged: the retired token, even with a fresh proof, ends the session.
    const reused = await call(app.base, '/refresh', {
      method: 'POST',
      json: { refreshToken: refreshed.body.refreshToken },
      headers: { dpop: proof('POST', '/refresh') },
    })
    expect(reused).toMatchObject({ status: 401, body: { error: 'refresh_token_reused' } })
    const ended = await call(app.base, '/refresh', {
      method: 'POST',
      json: { refreshToken: next.body.refreshToken },
      headers: { dpop: proof('POST', '/refresh') },
    })
    expect(ended).toMatchObject({ status: 401, body: { error: 'session_ended' } })
  })

  test('/login: a proof sent with a wrong password is not recorded', async () => {
    const dpop = proof('POST', '/login')
    const wrong = await call(app.base, '/login', {
      method: 'POST',
      json: { email: EMAIL, password: 'wrong' },
      headers: { dpop },
    })
    expect(wrong).toMatchObject({
      status: 401,
      body: { error: 'invalid_credentials', message: 'Invalid email or password.' },
    })
    const right = await call(app.base, '/login', { method: 'POST', json: credentials, headers: { dpop } })
    expect(right).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })
    const again = await call(app.base, '/login', { method: 'POST', json: credentials, headers: { dpop } })
    expect(again).toMatchObject({
      status: 400,
      body: { error: 'invalid_dpop_proof', message: 'DPoP proof "jti" has been used before' },
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

// A full replay cache is the server's capacity, not the client's fault: 503 with Retry-After, from the app's own
// proof checks (/login, /refresh) and from the middleware's (/me).
describe('the demo app with a full replay cache', () => {
  const FULL = {
    error: 'temporarily_unavailable',
    message: 'The server cannot take more DPoP proofs now: try again shortly.',
  }
  const credentials = { email: EMAIL, password: PASSWORD }

  async function expectFull(base) {
    const proof = (htm, route, accessToken) =>
      createDpopProof(keys.p256.privateKey, { htm, htu: `${base}${route}`, accessToken })
    const login = await call(base, '/login', {
      method: 'POST',
      json: credentials,
      headers: { dpop: proof('POST', '/login') },
    })
    expect(login).toMatchObject({ status: 200, body: { token_type: 'DPoP' } })
    const { token, refreshToken } = login.body
    const answers = [
      await call(base, '/login', { method: 'POST', json: credentials, headers: { dpop: proof('POST', '/login') } }),
      await call(base, '/refresh', {
        method: 'POST',
        json: { refreshToken },
        headers: { dpop: proof('POST', '/refresh') },
      }),
      await call(base, '/me', { headers: { authorization: `DPoP ${token}`, dpop: proof('GET', '/me', token) } }),
    ]
    for (const res of answers) {
      expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: FULL })
      // The seconds until the cache's oldest proof leaves it.
      expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    }
    return { token, refreshToken }
  }

  test('createApp({ dpopReplayCache }) with room for one proof', async () => {
    const lines = []
    const sessions = createSessionStore()
    const app = await listen(
      createApp({
        secret: SECRET,
        sessions,
        users: await demoUsers(),
        passwordHashing: CHEAP_SCRYPT,
        dpopReplayCache: createDpopReplayCache({ maxEntries: 1 }),
        log: (line) => lines.push(line),
      }),
    )
    try {
      const { refreshToken } = await expectFull(app.base)
      // The refused refresh rotated nothing: the refresh token is still the session's current one.
      expect((await sessions.refresh(refreshToken, { jkt })).refreshToken).toEqual(expect.any(String))
      expect(lines).toEqual([
        'POST /login refused: the DPoP replay cache is full: the proof is refused',
        'POST /refresh refused: the DPoP replay cache is full: the proof is refused',
        'GET /me refused: the DPoP replay cache is full: the proof is refused',
      ])
    } finally {
      await app.close()
    }
  })

  test('npm start with DPOP_REPLAY_CACHE_SIZE=1', async () => {
    const server = await startServer({ JWT_SECRET: SECRET, DPOP_REPLAY_CACHE_SIZE: '1' })
    try {
      await expectFull(server.base)
      expect(server.stderr).toContain('POST /refresh refused: the DPoP replay cache is full')
    } finally {
      await server.stop()
    }
  })
})
