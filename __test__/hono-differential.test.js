'use strict'
// ringjwt/hono against hono/jwt itself: the same tokens byte for byte (for the deterministic algorithms; ECDSA
// and RSA-PSS signatures are random, so those tokens cross-verify), the same answers of verify and decode (result,
// or error name and message), and the same HTTP answers from the jwt and jwk middleware on the same requests.
const reference = require('hono/jwt')
const { jwk: referenceJwk } = require('hono/jwk')
const { setSignedCookie } = require('hono/cookie')
const ours = require('../hono')
const { keys } = require('./helpers/keys')
const { hmacToken: signedWith } = require('./helpers/tokens')
const { startHono } = require('./helpers/hono-apps')

const secret = 'a shared secret that is long enough for HS256'
const now = Math.floor(Date.now() / 1000)
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

// The JSON text of a string that holds the claims' JSON text.
const claimsInString = (claims) => JSON.stringify(JSON.stringify(claims))

// A token signed with `secret` over any header and payload.
const hmacToken = (header, payload, key = secret) => signedWith(header, payload, key)

// What a call gives: its result, or its error's name and message.
async function outcome(call) {
  try {
    return { result: await call() }
  } catch (err) {
    return { name: err?.name, message: err?.message }
  }
}

const cryptoKey = (format, key, algorithm, usage) => crypto.subtle.importKey(format, key, algorithm, false, [usage])

describe('sign: the same tokens', () => {
  const payloads = [
    { sub: 'u1' },
    { sub: 'u1', n: 1.5, big: 1e21, neg: -0, s: 'é\u{1F600}\u2028', nested: { a: [1, null, true] } },
    { iat: now, exp: now + 60, aud: ['a', 'b'] },
    {},
  ]

  test('HS256, HS384, HS512 with a string secret, an oct JWK and a CryptoKey: byte-identical', async () => {
    const k = Buffer.from(secret).toString('base64url')
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const hash = { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }
      const forms = [
        secret,
        { kty: 'oct', k },
        { kty: 'oct', k, alg, kid: 'h1' },
        await cryptoKey('raw', Buffer.from(secret), hash, 'sign'),
      ]
      for (const key of forms) {
        for (const payload of payloads) {
          expect(await ours.sign(payload, key, alg)).toBe(await reference.sign(payload, key, alg))
        }
      }
    }
  })

  test('RS256, RS384, RS512 and EdDSA with PEM text, a JWK (with alg and kid) and a CryptoKey: byte-identical', async () => {
    const forms = [
      ['RS256', keys.rsa, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }],
      ['RS384', keys.rsa, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }],
      ['RS512', keys.rsa, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }],
      ['EdDSA', keys.ed25519, { name: 'Ed25519' }],
    ]
    for (const [alg, pair, algorithm] of forms) {
      const signingKeys = [
        pair.privatePem,
        pair.privateJwk,
        { ...pair.privateJwk, alg, kid: 'key-1' },
        await cryptoKey('jwk', pair.privateJwk, algorithm, 'sign'),
      ]
      for (const key of signingKeys) {
        for (const payload of payloads.slice(0, 2)) {
          expect(await ours.sign(payload, key, alg)).toBe(await reference.sign(payload, key, alg))
        }
      }
    }
  })

  test('ES256, ES384, ES512, PS256, PS384, PS512: the same header and payload, and each verifies the other’s', async () => {
    const forms = [
      ['ES256', keys.p256],
      ['ES384', keys.p384],
      ['ES512', keys.p521],
      ['PS256', keys.rsa],
      ['PS384', keys.rsa],
      ['PS512', keys.rsa],
    ]
    for (const [alg, pair] of forms) {
      const payload = payloads[1]
      const mine = await ours.sign(payload, pair.privatePem, alg)
      const theirs = await reference.sign(payload, pair.privateJwk, alg)
      expect(mine.slice(0, mine.lastIndexOf('.'))).toBe(theirs.slice(0, theirs.lastIndexOf('.')))
      const parsed = JSON.parse(JSON.stringify(payload))
      expect(await reference.verify(mine, pair.publicJwk, alg)).toEqual(parsed)
      expect(await ours.verify(theirs, pair.publicPem, alg)).toEqual(parsed)
    }
  })

  test('the same errors for an algorithm hono does not implement', async () => {
    for (const alg of ['none', 'HS1']) {
      expect(await outcome(() => ours.sign({}, secret, alg))).toEqual(
        await outcome(() => reference.sign({}, secret, alg)),
      )
    }
  })
})

describe('verify and decode: the same answers', () => {
  const cases = {
    valid: [hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', exp: now + 600 }), 'HS256'],
    noTyp: [hmacToken({ alg: 'HS256' }, { sub: 'u1' }), 'HS256'],
    wrongKey: [hmacToken({ alg: 'HS256' }, { sub: 'u1' }, 'another secret'), 'HS256'],
    emptySignature: [`${b64({ alg: 'HS256' })}.${b64({ sub: 'u1' })}.`, 'HS256'],
    expired: [hmacToken({ alg: 'HS256' }, { exp: now - 1 }), 'HS256'],
    expiredForged: [hmacToken({ alg: 'HS256' }, { exp: now - 1 }, 'forger'), 'HS256'],
    notBefore: [hmacToken({ alg: 'HS256' }, { nbf: now + 600 }), 'HS256'],
    issuedLater: [hmacToken({ alg: 'HS256' }, { iat: now + 600 }), 'HS256'],
    expString: [hmacToken({ alg: 'HS256' }, { exp: 'tomorrow' }), 'HS256'],
    nbfNull: [hmacToken({ alg: 'HS256' }, { nbf: null }), 'HS256'],
    iatString: [hmacToken({ alg: 'HS256' }, { iat: '0' }), 'HS256'],
    otherAlg: [hmacToken({ alg: 'HS512' }, {}), 'HS256'],
    algNone: [hmacToken({ alg: 'none' }, {}), 'HS256'],
    typJws: [hmacToken({ alg: 'HS256', typ: 'JWS' }, {}), 'HS256'],
    crit: [hmacToken({ alg: 'HS256', crit: ['exp'] }, {}), 'HS256'],
    headerArray: [`${b64([1])}.${b64({})}.sig`, 'HS256'],
    twoParts: ['a.b', 'HS256'],
    fourParts: ['a.b.c.d', 'HS256'],
    notBase64Json: ['a.b.c', 'HS256'],
    payloadNotJson: [`${b64({ alg: 'HS256' })}.${b64('{')}.sig`, 'HS256'],
    noAlg: [hmacToken({ alg: 'HS256' }, {}), undefined],
    optionsWithoutAlg: [hmacToken({ alg: 'HS256' }, {}), {}],
    issuer: [hmacToken({ alg: 'HS256' }, { iss: 'a' }), { alg: 'HS256', iss: 'b' }],
    issuerRegExp: [hmacToken({ alg: 'HS256' }, { iss: 'https://a' }), { alg: 'HS256', iss: /^https:\/\/a$/ }],
    issuerMissing: [hmacToken({ alg: 'HS256' }, {}), { alg: 'HS256', iss: 'b' }],
    audience: [hmacToken({ alg: 'HS256' }, { aud: ['x', 'y'] }), { alg: 'HS256', aud: ['y'] }],
    audienceOther: [hmacToken({ alg: 'HS256' }, { aud: 'x' }), { alg: 'HS256', aud: /^y/ }],
    audienceMissing: [hmacToken({ alg: 'HS256' }, { sub: 'u' }), { alg: 'HS256', aud: 'x' }],
    expIgnored: [
      hmacToken({ alg: 'HS256' }, { exp: now - 1, nbf: now + 9, iat: now + 9 }),
      { alg: 'HS256', exp: false, nbf: false, iat: false },
    ],
    typExpected: [hmacToken({ alg: 'HS256', typ: 'application/at+jwt' }, {}), { alg: 'HS256', typ: 'at+jwt' }],
    typMissing: [hmacToken({ alg: 'HS256' }, {}), { alg: 'HS256', typ: 'at+jwt' }],
    paddedSignature: [`${hmacToken({ alg: 'HS256' }, {})}=`, 'HS256'],
    // A payload that is a JSON string holding claims stays that string (hono parses once): its claims are not read.
    payloadJsonString: [hmacToken({ alg: 'HS256', typ: 'JWT' }, claimsInString({ sub: 'u1', exp: now - 1 })), 'HS256'],
    payloadJsonStringIssuer: [
      hmacToken({ alg: 'HS256' }, claimsInString({ iss: 'auth' })),
      { alg: 'HS256', iss: 'auth' },
    ],
    payloadJsonStringArray: [hmacToken({ alg: 'HS256' }, JSON.stringify('[1,2]')), 'HS256'],
    payloadObjectAfterSpace: [hmacToken({ alg: 'HS256' }, ' {"sub":"u1"}'), 'HS256'],
  }

  test.each(Object.entries(cases))('verify: %s', async (_, [token, alg]) => {
    const mine = await outcome(() => ours.verify(token, secret, alg))
    const theirs = await outcome(() => reference.verify(token, secret, alg))
    expect(mine).toEqual(theirs)
  })

  // decode() reads the parts in Rust, which refuses a header that is not a JSON object and a padded signature.
  const stricterDecode = ['headerArray', 'paddedSignature']

  test.each(Object.entries(cases).filter(([name]) => !stricterDecode.includes(name)))(
    'decode: %s',
    async (_, [token]) => {
      expect(await outcome(() => ours.decode(token))).toEqual(await outcome(() => reference.decode(token)))
    },
  )

  test.each(stricterDecode)('decode, stricter: %s is JwtTokenInvalid', (name) => {
    const [token] = cases[name]
    expect(reference.decode(token)).toHaveProperty('header')
    expect(() => ours.decode(token)).toThrow(new ours.JwtTokenInvalid(token))
  })

  test('asymmetric keys as PEM, JWK and CryptoKey: the same results', async () => {
    const rs = await reference.sign({ sub: 'rs' }, keys.rsa.privatePem, 'RS256')
    const ed = await reference.sign({ sub: 'ed' }, keys.ed25519.privateJwk, 'EdDSA')
    const rsKey = await cryptoKey('jwk', keys.rsa.publicJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'verify')
    const calls = [
      [rs, keys.rsa.publicPem, 'RS256'],
      [rs, keys.rsa.privatePem, 'RS256'],
      [rs, keys.rsa.publicJwk, 'RS256'],
      [rs, rsKey, 'RS256'],
      [rs, keys.rsa.publicPem, 'RS384'],
      [ed, keys.ed25519.publicPem, 'EdDSA'],
      [ed, keys.ed25519.publicJwk, 'EdDSA'],
    ]
    for (const [token, key, alg] of calls) {
      expect(await outcome(() => ours.verify(token, key, alg))).toEqual(
        await outcome(() => reference.verify(token, key, alg)),
      )
    }
  })
})

describe('the middleware: the same HTTP answers', () => {
  const rsaJwk = { ...keys.rsa.publicJwk, kid: 'rsa-1', alg: 'RS256' }
  const apps = {}

  function build(lib, jwkMiddleware) {
    return (app) => {
      app.use('/auth/*', lib.jwt({ secret, alg: 'HS256' }))
      app.use('/realm/*', lib.jwt({ secret, alg: 'HS256', realm: 'my "api"' }))
      app.use('/header/*', lib.jwt({ secret, alg: 'HS256', headerName: 'x-token' }))
      app.use('/cookie/*', lib.jwt({ secret, alg: 'HS256', cookie: 'token' }))
      app.use('/signed/*', lib.jwt({ secret, alg: 'HS256', cookie: { key: 'token', secret: 'cookie-secret' } }))
      app.use(
        '/claims/*',
        lib.jwt({ secret, alg: 'HS256', verification: { iss: 'auth', aud: 'api', typ: ['JWT', 'at+jwt'] } }),
      )
      app.use('/jwk/*', jwkMiddleware({ keys: [rsaJwk], alg: ['RS256'] }))
      app.use('/anon/*', jwkMiddleware({ keys: [rsaJwk], alg: ['RS256'], allow_anon: true }))
      app.use('/remote/*', jwkMiddleware({ jwks_uri: `${apps.issuer.url}/jwks.json`, alg: ['RS256'] }))
      app.use('/unserved/*', jwkMiddleware({ jwks_uri: `${apps.issuer.url}/missing.json`, alg: ['RS256'] }))
      for (const [name, uri] of Object.entries(apps.brokenSets)) {
        app.use(`/broken/${name}/*`, jwkMiddleware({ jwks_uri: uri, alg: ['RS256'] }))
      }
      app.get('/set-cookie', async (c) => {
        await setSignedCookie(c, 'token', hmacToken({ alg: 'HS256' }, { sub: 'cookie' }), 'cookie-secret')
        return c.text('ok')
      })
      app.get('*', (c) => c.json({ payload: c.get('jwtPayload') ?? null }))
    }
  }

  beforeAll(async () => {
    // The JWK Set both fetch for `jwks_uri`.
    apps.issuer = await startHono((app) => {
      app.get('/jwks.json', (c) => c.json({ keys: [rsaJwk] }))
      app.get('/html', (c) => c.html('<html>not a key set</html>'))
      app.get('/empty', (c) => c.json({}))
      app.get('/keys-number', (c) => c.json({ keys: 5 }))
      app.get('/null', (c) => c.json(null))
      app.get('/array', (c) => c.json([rsaJwk]))
    })
    // A port nothing listens on.
    const closed = await startHono(() => {})
    await closed.close()
    apps.brokenSets = {
      html: `${apps.issuer.url}/html`,
      empty: `${apps.issuer.url}/empty`,
      keysNumber: `${apps.issuer.url}/keys-number`,
      null: `${apps.issuer.url}/null`,
      array: `${apps.issuer.url}/array`,
      down: `${closed.url}/jwks.json`,
    }
    apps.hono = await startHono(build(reference, referenceJwk))
    apps.ringjwt = await startHono(build(ours, ours.jwk))
  })
  afterAll(async () => {
    await apps.hono.close()
    await apps.ringjwt.close()
    await apps.issuer.close()
  })

  const bearer = (token) => ({ authorization: `Bearer ${token}` })
  const good = hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', iss: 'auth', aud: 'api', exp: now + 600 })

  async function signedCookie() {
    const res = await fetch(`${apps.hono.url}/set-cookie`)
    return res.headers.getSetCookie()[0].split(';')[0]
  }

  const requests = () => [
    ['/auth/me', {}],
    ['/auth/me', bearer(good)],
    ['/auth/me', { authorization: `Basic ${b64('a:b')}` }],
    ['/auth/me', { authorization: 'Bearer' }],
    ['/auth/me', { authorization: 'bearer  a  b' }],
    ['/auth/me', bearer('a.b.c')],
    ['/auth/me', bearer(hmacToken({ alg: 'HS256' }, { exp: now - 5 }))],
    ['/auth/me', bearer(hmacToken({ alg: 'HS256' }, { sub: 'u' }, 'wrong'))],
    ['/auth/me', bearer(hmacToken({ alg: 'HS384' }, { sub: 'u' }))],
    ['/realm/x', {}],
    ['/realm/x', bearer('x.y.z')],
    ['/header/x', { 'x-token': `Bearer ${good}` }],
    ['/header/x', bearer(good)],
    ['/cookie/x', { cookie: `token=${good}` }],
    ['/cookie/x', { cookie: `other=${good}` }],
    ['/signed/x', { cookie: `token=${good}` }],
    ['/claims/x', bearer(good)],
    ['/claims/x', bearer(hmacToken({ alg: 'HS256', typ: 'at+jwt' }, { iss: 'auth', aud: ['api'] }))],
    ['/claims/x', bearer(hmacToken({ alg: 'HS256' }, { iss: 'other', aud: 'api' }))],
    ['/claims/x', bearer(hmacToken({ alg: 'HS256' }, { iss: 'auth' }))],
    ['/jwk/x', {}],
    ['/jwk/x', bearer(good)],
    ['/anon/x', {}],
    ['/auth/me', bearer(hmacToken({ alg: 'HS256', typ: 'JWT' }, claimsInString({ sub: 'u1', exp: now - 1 })))],
    ['/claims/x', bearer(hmacToken({ alg: 'HS256' }, claimsInString({ iss: 'auth', aud: 'api' })))],
  ]

  async function answer(app, path, headers) {
    const res = await app.request(path, { headers })
    // The default realm is the request URL, whose port differs between the two servers.
    return { ...res, challenge: res.challenge?.replace(app.url, 'http://host') ?? null }
  }

  test('every request: status, status text, challenge, body', async () => {
    const cookie = await signedCookie()
    const rs = await ours.sign({ sub: 'rs' }, { ...keys.rsa.privateJwk, alg: 'RS256', kid: 'rsa-1' })
    const other = await ours.sign({ sub: 'rs' }, { ...keys.rsa.privateJwk, alg: 'RS256', kid: 'rsa-2' })
    const list = [
      ...requests(),
      ['/signed/x', { cookie }],
      ['/jwk/x', bearer(rs)],
      ['/jwk/x', bearer(rs.slice(0, -4))],
      ['/remote/x', bearer(rs)],
      ['/remote/x', bearer(other)],
      ['/unserved/x', bearer(rs)],
    ]
    for (const [path, headers] of list) {
      const theirs = await answer(apps.hono, path, headers)
      const mine = await answer(apps.ringjwt, path, headers)
      expect({ path, headers, ...mine }).toEqual({ path, headers, ...theirs })
    }
    expect(apps.ringjwt.errors.map((err) => [err.status, err.message])).toEqual(
      apps.hono.errors.map((err) => [err.status, err.message]),
    )
    // The refusals carry the same reasons: the same class names and messages as causes (a set that cannot be
    // fetched: the plain Error itself, whose cause ringjwt adds).
    const causes = (app) =>
      app.errors.map((err) =>
        err.status ? err.cause && { name: err.cause.name, message: err.cause.message } : err.message,
      )
    expect(causes(apps.ringjwt)).toEqual(causes(apps.hono))
  })

  test('a JWK Set that cannot be fetched or read: 401 or 500 as hono answers, with an error of the same class', async () => {
    const rs = await ours.sign({ sub: 'rs' }, { ...keys.rsa.privateJwk, alg: 'RS256', kid: 'rsa-1' })
    const seen = { hono: apps.hono.errors.length, ringjwt: apps.ringjwt.errors.length }
    for (const name of Object.keys(apps.brokenSets)) {
      const path = `/broken/${name}/x`
      const theirs = await answer(apps.hono, path, bearer(rs))
      const mine = await answer(apps.ringjwt, path, bearer(rs))
      expect({ path, ...mine }).toEqual({ path, ...theirs })
    }
    // A 401's cause, or the plain Error (500) itself with its message.
    const errors = (app, from) =>
      app.errors
        .slice(from)
        .map((err) => (err.status ? [err.status, err.cause?.constructor.name] : [err.constructor.name, err.message]))
    expect(errors(apps.ringjwt, seen.ringjwt)).toEqual(errors(apps.hono, seen.hono))
    expect(errors(apps.ringjwt, seen.ringjwt)).toEqual([
      [401, 'SyntaxError'],
      ['Error', 'invalid JWKS response. "keys" field is missing'],
      ['Error', 'invalid JWKS response. "keys" field is not an array'],
      [401, 'TypeError'],
      ['Error', 'invalid JWKS response. "keys" field is not an array'],
      [401, 'TypeError'],
    ])
    for (const err of apps.ringjwt.errors.slice(seen.ringjwt)) {
      expect((err.status ? err.cause : err).cause.code).toMatch(/^ERR_JWKS_(INVALID|FETCH_FAILED)$/)
    }
  })
})
