'use strict'
// createKeyRing: three issuer instances on one store rotating on a fake clock, published through a real JWKS
// endpoint on 127.0.0.1, and verifiers on createRemoteJwks that must accept every valid token at every step.
const http = require('node:http')
const crypto = require('node:crypto')
const jwt = require('..')
const { createKeyRing, createKeyRingMemoryStore, JsonWebTokenError } = jwt
const { rejected, expectError } = require('./helpers/assert')
const { fakeDateOnly } = require('./helpers/clock')
const Fastify = require('fastify')
const { startHono } = require('./helpers/hono-apps')

const START = Date.UTC(2030, 0, 1)
const HOUR = 3_600_000

afterEach(() => jest.useRealTimers())

function listen(handler) {
  const server = http.createServer(handler)
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }))
  })
}

function close(server) {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(resolve))
}

const verifyWith = (token, key, options) =>
  new Promise((resolve, reject) =>
    jwt.verify(token, key, options, (err, payload) => (err ? reject(err) : resolve(payload))),
  )

describe('three instances on one store', () => {
  test('rotate once per rotateEvery, sign with the same key, and every verifier accepts every live token', async () => {
    fakeDateOnly(START)
    const store = createKeyRingMemoryStore()
    const options = { algorithm: 'ES256', rotateEvery: '6h', overlap: '1h', store }
    const issuers = [createKeyRing(options), createKeyRing(options), createKeyRing(options)]
    // The endpoint answers from each instance in turn, as a load balancer would.
    let turn = 0
    const handlers = issuers.map((ring) => ring.handler())
    const { server, url } = await listen((req, res) => handlers[turn++ % handlers.length](req, res))
    try {
      // One verifier refetches every 30 minutes; one every 100 minutes (out of step with the rotations) and never for
      // an unknown kid, so it accepts a new key's tokens only because the key was published ahead; one refetches
      // only for an unknown kid.
      const verifiers = [
        jwt.createRemoteJwks(`${url}/.well-known/jwks.json`, { cacheMaxAge: HOUR / 2 }),
        jwt.createRemoteJwks(`${url}/.well-known/jwks.json`, { cacheMaxAge: 100 * 60_000, cooldown: 1000 * HOUR }),
        jwt.createRemoteJwks(`${url}/.well-known/jwks.json`, { cacheMaxAge: 1000 * HOUR, cooldown: 0 }),
      ]
      const live = []
      const signingKids = new Set()
      let refused = 0
      let verified = 0
      // Four days in 20-minute steps: a rotation every 6 hours, 15 of them.
      for (let step = 0; step < 4 * 72; step += 1) {
        jest.setSystemTime(START + step * 20 * 60_000)
        const now = Date.now()
        const tokens = await Promise.all(issuers.map((ring, index) => ring.sign({ sub: `user-${index}` })))
        const kids = new Set(tokens.map((token) => jwt.decode(token, { complete: true }).header.kid))
        expect(kids.size).toBe(1)
        signingKids.add([...kids][0])
        live.push(...tokens)
        // Tokens live for `overlap` (the default lifetime): drop those that expired.
        while (live.length > 0 && jwt.decode(live[0]).exp * 1000 <= now) live.shift()
        for (const verifier of verifiers) {
          for (const token of live) {
            try {
              await verifyWith(token, verifier, { algorithms: ['ES256'] })
              verified += 1
            } catch {
              refused += 1
            }
          }
        }
      }
      expect(refused).toBe(0)
      expect(verified).toBeGreaterThan(2000)
      expect(signingKids.size).toBe(16)
      // The published set: the previous key (its overlap not yet over), the current one and the next one.
      const published = await issuers[0].jwks()
      expect(published.keys.length).toBeLessThanOrEqual(3)
      expect(published.keys.map((key) => key.kid)).toContain([...signingKids].at(-1))
    } finally {
      await close(server)
    }
  })

  test('a record whose keys all start later (written by an instance whose clock is ahead) is read again', async () => {
    fakeDateOnly(START + 2 * HOUR)
    const store = createKeyRingMemoryStore()
    await createKeyRing({ store, rotateEvery: '1d', overlap: '1h' }).signingKey()
    // Only the key that instance started, two hours ahead of this one's clock.
    const record = JSON.parse(await store.get())
    await store.compareAndSet(await store.get(), JSON.stringify({ ...record, keys: [record.keys[0]] }))
    jest.setSystemTime(START)
    const ring = createKeyRing({ store, rotateEvery: '1d', overlap: '1h' })
    expect((await ring.jwks()).keys).toHaveLength(1)
    // Once that key has started, the ring reads the store again and adds the next key.
    jest.setSystemTime(START + 3 * HOUR)
    expect((await ring.jwks()).keys).toHaveLength(2)
    expect(JSON.parse(await store.get()).keys).toHaveLength(2)
  })

  test('a stored key whose algorithm does not fit it is refused', async () => {
    fakeDateOnly(START)
    const store = createKeyRingMemoryStore()
    await createKeyRing({ store }).signingKey()
    const record = JSON.parse(await store.get())
    for (const alg of ['ES384', 'RS256', 'EdDSA']) {
      await store.compareAndSet(
        await store.get(),
        JSON.stringify({ ...record, keys: record.keys.map((key) => ({ ...key, alg })) }),
      )
      const err = await rejected(createKeyRing({ store }).sign({}))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(err).toMatchObject({
        code: 'ERR_KEY_RING_STATE_INVALID',
        message: `key ring state unreadable: key "${record.keys[0].kid}" does not match its kid or algorithm`,
      })
    }
  })

  test('instances that start together make one current key between them', async () => {
    fakeDateOnly(START)
    const store = createKeyRingMemoryStore()
    const rings = Array.from({ length: 5 }, () => createKeyRing({ store, rotateEvery: '1d', overlap: '1h' }))
    const keys = await Promise.all(rings.map((ring) => ring.signingKey()))
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1)
    const record = JSON.parse(await store.get())
    expect(record.keys).toHaveLength(2)
  })
})

describe('keys', () => {
  test.each([
    ['RS256', 'RSA'],
    ['PS256', 'RSA'],
    ['ES384', 'EC'],
    ['ES512', 'EC'],
    ['EdDSA', 'OKP'],
  ])('%s: the kid is the RFC 7638 thumbprint and tokens verify with the published set', async (algorithm, kty) => {
    const ring = createKeyRing({ algorithm, rotateEvery: '1d', overlap: '1h' })
    const token = await ring.sign({ sub: 'a' }, { audience: 'api' })
    const set = await ring.jwks()
    expect(set.keys).toHaveLength(2)
    for (const jwk of set.keys) {
      expect(jwk).toMatchObject({ kty, alg: algorithm, use: 'sig' })
      expect(jwk.d).toBeUndefined()
      const members = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }[kty]
      const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])))
      expect(jwk.kid).toBe(crypto.createHash('sha256').update(canonical).digest('base64url'))
    }
    const payload = await verifyWith(token, jwt.createLocalJwks(set), { algorithms: [algorithm], audience: 'api' })
    expect(payload.sub).toBe('a')
  })

  test('signingKey() is what sign() takes', async () => {
    const ring = createKeyRing({ rotateEvery: '1d', overlap: '1h' })
    const { key, kid, algorithm } = await ring.signingKey()
    const token = jwt.sign({ sub: 'a' }, key, { algorithm, keyid: kid, expiresIn: '5m' })
    const payload = await verifyWith(token, jwt.createLocalJwks(await ring.jwks()), { algorithms: ['ES256'] })
    expect(payload.sub).toBe('a')
  })

  test('a token gets the overlap as its lifetime, and may not outlive it', async () => {
    fakeDateOnly(START)
    const ring = createKeyRing({ rotateEvery: '1d', overlap: '1h' })
    const token = await ring.sign({ sub: 'a' })
    expect(jwt.decode(token).exp).toBe(START / 1000 + 3600)
    expect(jwt.decode(await ring.sign({ sub: 'a' }, { expiresIn: '10m' })).exp).toBe(START / 1000 + 600)
    for (const call of [
      ring.sign({ sub: 'a' }, { expiresIn: '2h' }),
      ring.sign({ sub: 'a', exp: START / 1000 + 3601 }),
    ]) {
      const err = await rejected(call)
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({
        code: 'ERR_JWT_INVALID_OPTION',
        message: 'ring.sign(): the token would outlive its key: "exp" is more than "overlap" (3600 s) away',
      })
    }
  })

  test('the ring sets alg and kid', async () => {
    const ring = createKeyRing()
    for (const [options, message] of [
      [{ algorithm: 'HS256' }, 'ring.sign(): "algorithm" is set by the key ring'],
      [{ keyid: 'x' }, 'ring.sign(): "keyid" is set by the key ring'],
      [{ header: { kid: 'x' } }, 'ring.sign(): "header.kid" and "header.alg" are set by the key ring'],
    ]) {
      const err = await rejected(ring.sign({}, options))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })

  test.each([
    [
      { algorithm: 'HS256' },
      'createKeyRing(): "algorithm" must be one of: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    ],
    [
      { rotateEvery: 0 },
      `createKeyRing(): "rotateEvery" must be a number of seconds (1 to 31557600000) or a timespan such as '30d'`,
    ],
    [
      { overlap: 1e12 },
      `createKeyRing(): "overlap" must be a number of seconds (1 to 31557600000) or a timespan such as '30d'`,
    ],
    [
      { overlap: 'soon' },
      `createKeyRing(): "overlap" must be a number of seconds (1 to 31557600000) or a timespan such as '30d'`,
    ],
    [{ store: {} }, 'createKeyRing(): "store" must have get() and compareAndSet(expected, value)'],
    [{ kek: Buffer.alloc(16) }, 'createKeyRing(): "kek" must be a 32-byte secret (a Buffer or a secret KeyObject)'],
    [{ rotate: '1d' }, 'createKeyRing(): "rotate" is not allowed in "options"'],
  ])('option %o is refused', (options, message) => {
    expectError(() => createKeyRing(options), TypeError, 'ERR_JWT_INVALID_OPTION', message)
  })
})

describe('private keys at rest', () => {
  const kek = crypto.randomBytes(32)

  test('with a kek, the store holds each private key as a JWE wrapped with A256KW', async () => {
    const store = createKeyRingMemoryStore()
    const ring = createKeyRing({ store, kek, rotateEvery: '1d', overlap: '1h' })
    const token = await ring.sign({ sub: 'a' })
    const raw = await store.get()
    const record = JSON.parse(raw)
    for (const key of record.keys) {
      expect(key.private).toBeUndefined()
      expect(jwt.decode(key.wrapped, { complete: true })).toBeNull()
      expect(JSON.parse(Buffer.from(key.wrapped.split('.')[0], 'base64url'))).toMatchObject({
        alg: 'A256KW',
        enc: 'A256GCM',
        kid: key.kid,
      })
    }
    expect(raw).not.toContain('"d"')
    // A second instance with the same kek signs with the same key.
    const other = createKeyRing({ store, kek: crypto.createSecretKey(kek), rotateEvery: '1d', overlap: '1h' })
    const again = await other.sign({ sub: 'b' })
    expect(jwt.decode(again, { complete: true }).header.kid).toBe(jwt.decode(token, { complete: true }).header.kid)
  })

  test('another kek, no kek, or a wrapped key moved to another entry is refused with a coded error', async () => {
    const store = createKeyRingMemoryStore()
    await createKeyRing({ store, kek, rotateEvery: '1d', overlap: '1h' }).jwks()
    const record = JSON.parse(await store.get())
    const [first, second] = record.keys

    let err = await rejected(createKeyRing({ store, kek: crypto.randomBytes(32) }).jwks())
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_STATE_INVALID',
      message: `key ring state unreadable: key "${first.kid}" does not unwrap with this "kek"`,
    })
    err = await rejected(createKeyRing({ store }).jwks())
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_STATE_INVALID',
      message: `key ring state unreadable: key "${first.kid}" is wrapped and no "kek" was given`,
    })
    const swapped = createKeyRingMemoryStore()
    await swapped.compareAndSet(
      null,
      JSON.stringify({ ...record, keys: [{ ...first, wrapped: second.wrapped }, second] }),
    )
    err = await rejected(createKeyRing({ store: swapped, kek }).jwks())
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_STATE_INVALID',
      message: `key ring state unreadable: key "${first.kid}" was wrapped for another key`,
    })
    const unwrapped = createKeyRingMemoryStore()
    await createKeyRing({ store: unwrapped }).jwks()
    err = await rejected(createKeyRing({ store: unwrapped, kek }).jwks())
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_STATE_INVALID',
      message: expect.stringMatching(/^key ring state unreadable: key ".+" is stored unwrapped and a "kek" was given$/),
    })
  })

  test('a record of another format is refused, not overwritten', async () => {
    const store = createKeyRingMemoryStore()
    await store.compareAndSet(null, JSON.stringify({ version: 2, keys: [] }))
    const err = await rejected(createKeyRing({ store }).sign({}))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_STATE_INVALID',
      message: 'key ring state unreadable: not a version 1 key ring',
    })
    expect(JSON.parse(await store.get()).version).toBe(2)
  })

  test('a store that never accepts a write ends in ERR_KEY_RING_CONTENDED', async () => {
    const store = { get: async () => null, compareAndSet: async () => false }
    const err = await rejected(createKeyRing({ store }).sign({}))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_KEY_RING_CONTENDED',
      message: 'key ring not updated: the store changed under every one of 5 attempts',
    })
  })
})

describe('the JWKS handlers', () => {
  test('Express and node:http: the set with Cache-Control; a store failure is a 503 or goes to next', async () => {
    const ring = createKeyRing({ rotateEvery: '1d', overlap: '1h' })
    const failing = createKeyRing({ store: { get: () => Promise.reject(new Error('down')), compareAndSet: () => {} } })
    const handler = ring.handler()
    const failingHandler = failing.handler()
    const { server, url } = await listen((req, res) => (req.url === '/down' ? failingHandler : handler)(req, res))
    try {
      const response = await fetch(`${url}/.well-known/jwks.json`)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600')
      expect(response.headers.get('content-type')).toBe('application/jwk-set+json')
      expect(await response.json()).toStrictEqual(await ring.jwks())
      const down = await fetch(`${url}/down`)
      expect(down.status).toBe(503)
      expect(down.headers.get('cache-control')).toBe('no-store')
      expect(await down.text()).toBe('')
    } finally {
      await close(server)
    }
    const passed = await new Promise((resolve) => failingHandler({}, {}, resolve))
    expect(passed).toBeInstanceOf(Error)
    expect(passed.message).toBe('down')
  })

  test('max-age is a quarter of rotateEvery, at most an hour', () => {
    expect(createKeyRing({ rotateEvery: '1h', overlap: '5m' }).cacheControl).toBe('public, max-age=900')
    expect(createKeyRing({ rotateEvery: '30d', overlap: '1d' }).cacheControl).toBe('public, max-age=3600')
  })

  test('the Fastify and Hono handlers serve the set over HTTP with the same headers', async () => {
    const ring = createKeyRing({ rotateEvery: '1d', overlap: '1h' })
    const expected = await ring.jwks()
    const check = async (url) => {
      const response = await fetch(`${url}/.well-known/jwks.json`)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600')
      expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/)
      expect(await response.json()).toStrictEqual(expected)
    }

    const app = Fastify()
    app.get('/.well-known/jwks.json', ring.fastifyHandler())
    try {
      await check(await app.listen({ port: 0, host: '127.0.0.1' }))
    } finally {
      await app.close()
    }

    const hono = await startHono((honoApp) => honoApp.get('/.well-known/jwks.json', ring.honoHandler()))
    try {
      await check(hono.url)
    } finally {
      await hono.close()
    }
  })
})
