'use strict'
// createRemoteJwks against a real node:http server on 127.0.0.1 that answers, fails, resets, hangs, drip-feeds,
// and sends huge or wrong bodies. The stale-if-error window runs on a fake Date (the resolver's clock).
const http = require('node:http')
const zlib = require('node:zlib')
const { generateKeyPairSync } = require('node:crypto')
const jwt = require('..')
const { expectError, rejected } = require('./helpers/assert')
const { fakeDateOnly } = require('./helpers/clock')
const { JsonWebTokenError } = jwt

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaNext = generateKeyPairSync('rsa', { modulusLength: 2048 })
const goodSet = jwt.exportJwks([{ key: rsa.publicKey, kid: 'rsa-1' }])
const HEADER = { alg: 'RS256', kid: 'rsa-1' }

let server
let base
let handler
let requests
// Connections that carried a request in the current test. (Idle ones are left alone: fetch may hold one open
// for its next request.)
const used = new Set()

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests += 1
    used.add(req.socket)
    handler(req, res)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${server.address().port}`
})
afterAll(
  () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(resolve)
    }),
)
beforeEach(() => {
  requests = 0
  handler = json(goodSet)
})
// A test that leaves a request hanging ends it here.
afterEach(() => {
  for (const socket of used) socket.destroy()
  used.clear()
})

// Every answer closes its connection, so no test reuses a socket an earlier test left.
function send(status, body, headers = {}) {
  return (req, res) => {
    res.writeHead(status, { connection: 'close', ...headers })
    res.end(body)
  }
}
const json = (value, status = 200) => send(status, JSON.stringify(value), { 'content-type': 'application/json' })

// Writes `total` bytes of JSON whitespace in 16 KiB chunks, waiting for the socket to drain; `written` counts
// what left the server before the client hung up.
function stream(total, headers = {}) {
  const state = { written: 0, closed: null }
  state.closed = new Promise((resolve) => {
    handler = (req, res) => {
      res.writeHead(200, { connection: 'close', 'content-type': 'application/json', ...headers })
      const chunk = Buffer.alloc(16 * 1024, 0x20)
      let stopped = false
      res.on('close', () => {
        stopped = true
        resolve()
      })
      const pump = () => {
        while (!stopped && state.written < total) {
          state.written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        if (!stopped) res.end()
      }
      pump()
    }
  })
  return state
}

async function failure(promise, Class, code, message) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(Class)
  expect(err).toMatchObject({ name: Class.name, code, message })
  return err
}

const advance = (ms) => jest.setSystemTime(Date.now() + ms)

describe('fetching and caching', () => {
  test('fetches once and serves later tokens from the cached set', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`)
    const token = jwt.sign({ sub: 'u1' }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })
    const verifyWith = () =>
      new Promise((resolve, reject) => jwt.verify(token, jwks, (err, p) => (err ? reject(err) : resolve(p))))
    await Promise.all([verifyWith(), verifyWith(), jwt.verifyAsync(token, jwks)])
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
    expect(requests).toBe(1)
  })

  test('a rotated key (unknown kid) triggers one early fetch', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { cooldown: 0 })
    await jwks.reload()
    handler = json(
      jwt.exportJwks([
        { key: rsa.publicKey, kid: 'rsa-1' },
        { key: rsaNext.publicKey, kid: 'rsa-2' },
      ]),
    )
    const token = jwt.sign({ sub: 'u2' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u2' })
    expect(requests).toBe(2)
  })

  // The first of them starts the fetch; the others wait for it rather than be refused by the cooldown it started.
  test('concurrent requests with a rotated key share one fetch, and every one finds the key', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { cooldown: 20 })
    await jwks.reload()
    // The cooldown since that fetch is over; the fetch the rotated kid starts begins a new one.
    await new Promise((resolve) => setTimeout(resolve, 40))
    const rotated = json(
      jwt.exportJwks([
        { key: rsa.publicKey, kid: 'rsa-1' },
        { key: rsaNext.publicKey, kid: 'rsa-2' },
      ]),
    )
    handler = (req, res) => setTimeout(() => rotated(req, res), 50)
    const token = jwt.sign({ sub: 'u2' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => jwt.verifyAsync(token, jwks)))
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(10).fill('fulfilled'))
    expect(outcomes[9].value).toMatchObject({ sub: 'u2' })
    expect(requests).toBe(2)
  })

  test('reload() while a fetch is under way fetches again after it, with what was published before the call', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`)
    let published = goodSet
    let arrived
    const firstArrived = new Promise((resolve) => (arrived = resolve))
    // Each answer is the set as it was when its request arrived, sent 50 ms later.
    handler = (req, res) => {
      const answer = json(published)
      arrived()
      setTimeout(() => answer(req, res), 50)
    }
    const first = jwks(HEADER)
    await firstArrived
    published = jwt.exportJwks([
      { key: rsa.publicKey, kid: 'rsa-1' },
      { key: rsaNext.publicKey, kid: 'rsa-2' },
    ])
    await jwks.reload()
    expect(requests).toBe(2)
    await expect(first).resolves.toBeDefined()
    const token = jwt.sign({ sub: 'u2' }, rsaNext.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u2' })
    expect(requests).toBe(2)
  })

  test('within the cooldown an unknown kid fails without fetching again', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { cooldown: 60_000 })
    await jwks.reload()
    await failure(
      jwks({ alg: 'RS256', kid: 'rsa-2' }),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'no applicable key found in the JSON Web Key Set',
    )
    expect(requests).toBe(1)
  })

  test('the set is fetched again after cacheMaxAge (read from the JS clock)', async () => {
    fakeDateOnly()
    try {
      const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { cacheMaxAge: 1000 })
      await jwks(HEADER)
      advance(999)
      await jwks(HEADER)
      expect(requests).toBe(1)
      advance(1)
      await jwks(HEADER)
      expect(requests).toBe(2)
    } finally {
      jest.useRealTimers()
    }
  })

  test('a body drip-fed in pieces within the timeout is read whole', async () => {
    const text = JSON.stringify(goodSet)
    handler = (req, res) => {
      res.writeHead(200, { connection: 'close', 'content-type': 'application/json' })
      const pieces = text.match(/[^]{1,64}/g)
      const next = () => (pieces.length === 0 ? res.end() : (res.write(pieces.shift()), setTimeout(next, 2)))
      next()
    }
    const key = await jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER)
    expect(key.equals(rsa.publicKey)).toBe(true)
  })

  test('sends the headers it is given', async () => {
    let seen
    handler = (req, res) => {
      seen = req.headers
      json(goodSet)(req, res)
    }
    await jwt.createRemoteJwks(`${base}/jwks.json`, { headers: { 'x-api-key': 'k1' } }).reload()
    expect(seen['x-api-key']).toBe('k1')
    await jwt.createRemoteJwks(`${base}/jwks.json`, { headers: new Headers({ 'x-api-key': 'k2' }) }).reload()
    expect(seen['x-api-key']).toBe('k2')
  })
})

// A fetched set costs no key import: node:crypto reads a key when a token first picks it, once per fetched set, so
// a large set, or one fetched again for a made-up kid, blocks the event loop for its JSON alone. Counted where
// lib/jwks.js calls node:crypto, on its module object.
describe('keys of a fetched set', () => {
  const crypto = require('node:crypto')
  const pairs = Array.from({ length: 20 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  const set = {
    keys: pairs.map(({ publicKey }, i) => ({ ...publicKey.export({ format: 'jwk' }), kid: `k${i}`, alg: 'ES256' })),
  }
  afterEach(() => jest.restoreAllMocks())

  test('are read when a token first picks one, once per fetched set', async () => {
    handler = json(set)
    const reads = jest.spyOn(crypto, 'createPublicKey')
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { cooldown: 0 })
    await jwks.reload()
    expect(reads).toHaveBeenCalledTimes(0)
    const header = { alg: 'ES256', kid: 'k9' }
    const key = await jwks(header)
    expect(key.equals(pairs[9].publicKey)).toBe(true)
    expect(await jwks(header)).toBe(key)
    expect(reads).toHaveBeenCalledTimes(1)
    // A made-up kid fetches the set again: the new set is read without a key import, and reads its own.
    await failure(
      jwks({ alg: 'ES256', kid: 'made-up' }),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'no applicable key found in the JSON Web Key Set',
    )
    expect(requests).toBe(2)
    expect(reads).toHaveBeenCalledTimes(1)
    expect((await jwks(header)).equals(pairs[9].publicKey)).toBe(true)
    expect(reads).toHaveBeenCalledTimes(2)
    const token = jwt.sign({ sub: 'u1' }, pairs[9].privateKey, { algorithm: 'ES256', keyid: 'k9' })
    await expect(jwt.verifyAsync(token, jwks)).resolves.toMatchObject({ sub: 'u1' })
  })
})

describe('a server that fails', () => {
  test.each([
    [500, 'JSON Web Key Set request failed: HTTP 500'],
    [404, 'JSON Web Key Set request failed: HTTP 404'],
    [503, 'JSON Web Key Set request failed: HTTP 503'],
    [304, 'JSON Web Key Set request failed: HTTP 304'],
    [300, 'JSON Web Key Set request failed: HTTP 300'],
  ])('HTTP %i is a fetch failure', async (status, message) => {
    handler = json(goodSet, status)
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      message,
    )
  })

  test.each([301, 302, 303, 307, 308])(
    'HTTP %i is not followed: the keys come only from the address given',
    async (status) => {
      let redirected = 0
      handler = (req, res) => {
        if (req.url === '/elsewhere.json') {
          redirected += 1
          return json(goodSet)(req, res)
        }
        send(status, '', { location: `${base}/elsewhere.json` })(req, res)
      }
      await failure(
        jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
        JsonWebTokenError,
        'ERR_JWKS_FETCH_FAILED',
        `JSON Web Key Set request failed: HTTP ${status} (redirects are not followed)`,
      )
      expect(redirected).toBe(0)
    },
  )

  test('a fetch of your own that answers a redirect opaquely, as the fetch standard does', async () => {
    const opaque = async () => ({ type: 'opaqueredirect', status: 0, ok: false, body: null })
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { fetch: opaque })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: HTTP redirect (redirects are not followed)',
    )
  })

  test('concurrent callers share one failed fetch, each with an error of its own', async () => {
    handler = json(goodSet, 503)
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`)
    const message = 'JSON Web Key Set request failed: HTTP 503'
    const [first, second, reloaded, again] = await Promise.all([
      failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', message),
      failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', message),
      // Both reloads begin after that fetch: they share the one that follows it.
      failure(jwks.reload(), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', message),
      failure(jwks.reload(), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', message),
    ])
    expect(requests).toBe(2)
    expect(new Set([first, second, reloaded, again]).size).toBe(4)
    first.status = 401
    expect(second.status).toBeUndefined()
  })

  test('a connection closed before the response is a fetch failure, with the cause kept', async () => {
    handler = (req) => req.socket.destroy()
    const err = await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: fetch failed (other side closed)',
    )
    // undici's TypeError, from outside Jest's realm.
    expect(err.inner).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
  })

  test('a connection reset (RST) is a fetch failure', async () => {
    handler = (req) => req.socket.resetAndDestroy()
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: fetch failed (read ECONNRESET)',
    )
  })

  test('a connection closed in the middle of the body is a fetch failure', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"keys":[')
      setImmediate(() => req.socket.destroy())
    }
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: terminated (other side closed)',
    )
  })

  test('nothing listening is a fetch failure', async () => {
    const closed = http.createServer()
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address()
    await new Promise((resolve) => closed.close(resolve))
    await failure(
      jwt.createRemoteJwks(`http://127.0.0.1:${port}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      `JSON Web Key Set request failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    )
  })

  test('a fetch of your own that resolves to something other than a Response is a fetch failure', async () => {
    const fetch = async () => undefined
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { fetch })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      "JSON Web Key Set request failed: Cannot read properties of undefined (reading 'ok')",
    )
  })

  test('a fetch that throws something other than an Error is a fetch failure', async () => {
    const fetch = () => Promise.reject('offline')
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { fetch })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: offline',
    )
    expect(requests).toBe(0)
  })
})

describe('a server that hangs or is slow', () => {
  const timedOut = 'JSON Web Key Set request timed out after 200 ms'

  test('no answer at all: the timeout ends the request', async () => {
    handler = () => {}
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 200 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TIMEOUT',
      timedOut,
    )
  })

  test('headers but no body: the timeout covers the body too', async () => {
    handler = (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders()
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 200 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TIMEOUT',
      timedOut,
    )
  })

  test('a body drip-fed a byte at a time: the timeout ends the request', async () => {
    let bytes = 0
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const drip = setInterval(() => {
        bytes += 1
        res.write(' ')
      }, 10)
      res.on('close', () => clearInterval(drip))
    }
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 200 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TIMEOUT',
      timedOut,
    )
    expect(bytes).toBeGreaterThan(0)
  })

  test('a fetch that ignores the abort signal still ends at the timeout', async () => {
    const fetch = () => new Promise(() => {})
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 200, fetch })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TIMEOUT',
      timedOut,
    )
  })
})

describe('a server that sends too much', () => {
  const tooLarge = (limit) => `JSON Web Key Set response exceeds ${limit} bytes`

  test('a Content-Length over the limit fails before any body is read', async () => {
    // The server announces 10 MiB and sends nothing: only the header can end this before the timeout.
    handler = (req, res) => res.writeHead(200, { 'content-length': 10 * 1024 * 1024 }).flushHeaders()
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 30_000 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TOO_LARGE',
      tooLarge(524288),
    )
  })

  test('a body without Content-Length is cut off once it passes the limit', async () => {
    const total = 64 * 1024 * 1024
    const state = stream(total)
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: 30_000 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TOO_LARGE',
      tooLarge(524288),
    )
    await state.closed
    expect(state.written).toBeLessThan(total)
  })

  test('a body larger than its Content-Length claims is cut off at the limit as well', async () => {
    // Node refuses to send more than the declared length, so the declaration sits in a custom fetch's Response.
    const fetch = async () =>
      new Response(new Blob([' '.repeat(2048)]).stream(), { headers: { 'content-length': '10' } })
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { fetch, maxResponseBytes: 1024 })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TOO_LARGE',
      tooLarge(1024),
    )
  })

  test('the limit applies to the decoded body: a small gzip of a huge body is refused', async () => {
    const compressed = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20))
    expect(compressed.length).toBeLessThan(524288)
    handler = send(200, compressed, { 'content-encoding': 'gzip', 'content-length': compressed.length })
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TOO_LARGE',
      tooLarge(524288),
    )
  })

  test.each([
    ['with', true],
    ['without', false],
  ])('exactly maxResponseBytes is read, one more byte is refused (%s Content-Length)', async (_, withLength) => {
    const text = JSON.stringify(goodSet)
    const limit = text.length + 100
    const respond = (size) => (req, res) => {
      const headers = { connection: 'close', 'content-type': 'application/json' }
      if (withLength) headers['content-length'] = size
      res.writeHead(200, headers)
      // In two writes, so that the chunked form really streams.
      res.write(text)
      res.end(' '.repeat(size - text.length))
    }
    handler = respond(limit)
    const key = await jwt.createRemoteJwks(`${base}/jwks.json`, { maxResponseBytes: limit })(HEADER)
    expect(key.equals(rsa.publicKey)).toBe(true)
    handler = respond(limit + 1)
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`, { maxResponseBytes: limit })(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_TOO_LARGE',
      tooLarge(limit),
    )
  })
})

describe('a body that is not a JWK Set', () => {
  test.each([
    ['not JSON', 'not json', 'the response is not JSON'],
    ['an HTML page', '<html><body>Sign in</body></html>', 'the response is not JSON'],
    ['empty', '', 'the response is not JSON'],
    ['truncated JSON', '{"keys":[', 'the response is not JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'the response is not UTF-8'],
    ['an overlong UTF-8 form', Buffer.from([0x22, 0xc0, 0xaf, 0x22]), 'the response is not UTF-8'],
    ['a JSON array', '[]', 'not a JSON object'],
    ['a JSON string', '"keys"', 'not a JSON object'],
    ['JSON null', 'null', 'not a JSON object'],
    ['a JSON number', '42', 'not a JSON object'],
    ['deeply nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'not a JSON object'],
    ['an object without keys', '{"issuer":"https://auth.example"}', '"keys" is not an array'],
    ['keys as an object', '{"keys":{"kty":"RSA"}}', '"keys" is not an array'],
    ['a number among the keys', '{"keys":[1]}', 'keys[0] is not a JWK (an object with a "kty")'],
    ['an array among the keys', '{"keys":[[]]}', 'keys[0] is not a JWK (an object with a "kty")'],
    ['a key without kty', '{"keys":[{"kid":"k1"}]}', 'keys[0] is not a JWK (an object with a "kty")'],
    ['an empty kty', '{"keys":[{"kty":""}]}', 'keys[0] is not a JWK (an object with a "kty")'],
    ['a number kid', '{"keys":[{"kty":"RSA","kid":5}]}', 'keys[0].kid is not a string'],
    ['a string key_ops', '{"keys":[{"kty":"RSA","key_ops":"verify"}]}', 'keys[0].key_ops is not an array of strings'],
    ['an object alg', '{"keys":[{"kty":"RSA","alg":{}}]}', 'keys[0].alg is not a string'],
    ['an x5c of numbers', '{"keys":[{"kty":"RSA","x5c":[1]}]}', 'keys[0].x5c is not an array of strings'],
  ])('%s is refused', async (_, body, detail) => {
    handler = send(200, body, { 'content-type': 'application/json' })
    await failure(
      jwt.createRemoteJwks(`${base}/jwks.json`)(HEADER),
      JsonWebTokenError,
      'ERR_JWKS_INVALID',
      `JSON Web Key Set malformed: ${detail}`,
    )
  })

  test('a refused set leaves the last good one in use', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`)
    await jwks.reload()
    handler = send(200, '{"keys":{}}')
    await failure(
      jwks.reload(),
      JsonWebTokenError,
      'ERR_JWKS_INVALID',
      'JSON Web Key Set malformed: "keys" is not an array',
    )
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
  })
})

describe('stale-if-error', () => {
  beforeEach(() => fakeDateOnly())
  afterEach(() => jest.useRealTimers())

  // A timeout well above a loopback fetch on a loaded machine: only the hanging server's test waits it out.
  const options = { cacheMaxAge: 60_000, cooldown: 10_000, staleIfError: 300_000, timeout: 2_000 }

  test('the last good set serves while fetches fail, retried once per cooldown, until staleIfError runs out', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, options)
    await jwks(HEADER)
    handler = json({}, 500)

    advance(60_000) // expired: one fetch, which fails, and the stale set answers
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
    expect(requests).toBe(2)

    advance(9_999) // within the cooldown of that failure: no fetch
    await jwks(HEADER)
    await jwks(HEADER)
    expect(requests).toBe(2)

    advance(1) // the cooldown is over: one more try
    await jwks(HEADER)
    expect(requests).toBe(3)

    advance(300_000 - 10_000 - 1) // the last millisecond of the window
    await jwks(HEADER)
    expect(requests).toBe(4)

    advance(1) // cacheMaxAge + staleIfError after the last good fetch: the set is no longer used
    await failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', 'JSON Web Key Set request failed: HTTP 500')
    expect(requests).toBe(5)
    // ... and every call tries again until a fetch succeeds
    await failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', 'JSON Web Key Set request failed: HTTP 500')
    expect(requests).toBe(6)

    handler = json(goodSet)
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
    expect(requests).toBe(7)
    advance(59_999)
    await jwks(HEADER)
    expect(requests).toBe(7)
  })

  test('a server that hangs: the stale set answers once the timeout ends the fetch', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { ...options, timeout: 200 })
    await jwks(HEADER)
    handler = () => {}
    advance(60_000)
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
    expect(requests).toBe(2)
  })

  test('reload() reports the failure and keeps the stale set', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, options)
    await jwks.reload()
    handler = (req) => req.socket.destroy()
    advance(120_000)
    await failure(
      jwks.reload(),
      JsonWebTokenError,
      'ERR_JWKS_FETCH_FAILED',
      'JSON Web Key Set request failed: fetch failed (other side closed)',
    )
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
  })

  test('an unknown kid with a failing fetch is still "no matching key"', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, options)
    await jwks(HEADER)
    handler = json({}, 503)
    advance(10_000)
    await failure(
      jwks({ alg: 'RS256', kid: 'rsa-2' }),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'no applicable key found in the JSON Web Key Set',
    )
    expect(requests).toBe(2)
  })

  test('with staleIfError: 0 a failed refresh fails the call', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { ...options, staleIfError: 0 })
    await jwks(HEADER)
    handler = json({}, 500)
    advance(60_000)
    await failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', 'JSON Web Key Set request failed: HTTP 500')
  })

  test('the first fetch has nothing to fall back on', async () => {
    handler = json({}, 500)
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, options)
    await failure(jwks(HEADER), JsonWebTokenError, 'ERR_JWKS_FETCH_FAILED', 'JSON Web Key Set request failed: HTTP 500')
  })
})

describe('options', () => {
  const url = 'http://127.0.0.1/jwks.json'
  test.each([
    ['a relative url', ['/jwks.json'], '"url" must be an absolute URL'],
    ['a number as url', [42], '"url" must be an absolute URL'],
    ['a file: url', ['file:///etc/jwks.json'], '"url" must be an http: or https: URL'],
    [
      'a url with a password',
      ['https://svc:S3cret@auth.test/jwks.json'],
      '"url" must not hold credentials (send them in "headers")',
    ],
    [
      'a url with a user',
      ['https://svc@auth.test/jwks.json'],
      '"url" must not hold credentials (send them in "headers")',
    ],
    ['options that are a string', [url, 'fast'], '"options" must be an object'],
    ['options that are null', [url, null], '"options" must be an object'],
    ['an unknown option', [url, { maxAge: 5 }], '"maxAge" is not allowed in "options"'],
    ['a negative cacheMaxAge', [url, { cacheMaxAge: -1 }], '"cacheMaxAge" must be a number of milliseconds'],
    ['a NaN cooldown', [url, { cooldown: NaN }], '"cooldown" must be a number of milliseconds'],
    ['a string staleIfError', [url, { staleIfError: '1h' }], '"staleIfError" must be a number of milliseconds'],
    ['a string timeout', [url, { timeout: '5s' }], '"timeout" must be a number of milliseconds from 1 to 2147483647'],
    ['a zero timeout', [url, { timeout: 0 }], '"timeout" must be a number of milliseconds from 1 to 2147483647'],
    [
      'an endless timeout',
      [url, { timeout: Infinity }],
      '"timeout" must be a number of milliseconds from 1 to 2147483647',
    ],
    [
      'a zero maxResponseBytes',
      [url, { maxResponseBytes: 0 }],
      '"maxResponseBytes" must be a positive number of bytes',
    ],
    [
      'a string maxResponseBytes',
      [url, { maxResponseBytes: '512k' }],
      '"maxResponseBytes" must be a positive number of bytes',
    ],
    [
      'an endless maxResponseBytes',
      [url, { maxResponseBytes: Infinity }],
      '"maxResponseBytes" must be a positive number of bytes',
    ],
    ['headers as a string', [url, { headers: 'x-api-key: 1' }], '"headers" must be a Headers or an object of strings'],
    [
      'a header that is a number',
      [url, { headers: { 'x-api-key': 1 } }],
      '"headers" must be a Headers or an object of strings',
    ],
    ['a fetch that is not a function', [url, { fetch: 'undici' }], '"fetch" must be a function'],
  ])('%s is a TypeError', (_, args, message) => {
    expectError(
      () => jwt.createRemoteJwks(...args),
      TypeError,
      'ERR_JWT_INVALID_OPTION',
      `createRemoteJwks(): ${message}`,
    )
  })

  test('undefined options take their defaults', async () => {
    const jwks = jwt.createRemoteJwks(`${base}/jwks.json`, { timeout: undefined, maxResponseBytes: undefined })
    expect((await jwks(HEADER)).equals(rsa.publicKey)).toBe(true)
  })
})
