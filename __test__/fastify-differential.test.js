'use strict'
// The same requests against @fastify/jwt 10 (on fast-jwt) and ringjwt/fastify, registered with the same options
// on Fastify 5: the same status and the same body (statusCode, code, error, message, or the verified claims),
// and the same tokens signed. The differences are the documented ones: a bad token @fastify/jwt answers with 500
// is a 401 here (same code and message), and a token without a claim the options expect is refused.
const { createHmac, createSign, generateKeyPairSync } = require('node:crypto')
const fastifyJwt = require('@fastify/jwt')
const ringjwtFastify = require('../fastify')
const { start, bearer } = require('./helpers/fastify-apps')
const { startCookieApps } = require('./helpers/fastify-cookie-apps')

const secret = 'a shared secret that is long enough for HS256'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pem = (pair) => ({
  private: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  public: pair.publicKey.export({ type: 'spki', format: 'pem' }),
})
const rsaPem = pem(rsa)
const now = Math.floor(Date.now() / 1000)
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function hmacToken(payload, header = { alg: 'HS256', typ: 'JWT' }, key = secret) {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}
function rsaToken(payload, header = { alg: 'RS256', typ: 'JWT' }) {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createSign('sha256').update(input).sign(rsa.privateKey, 'base64url')}`
}

// Tokens every configuration is asked with; the claims fit the options below (iss 'auth', aud 'api', sub 'u1').
const good = { sub: 'u1', iss: 'auth', aud: 'api', iat: now - 10, exp: now + 300 }
const TOKENS = {
  valid: hmacToken(good),
  validRs: rsaToken(good),
  badSignature: hmacToken(good, undefined, 'another secret'),
  expired: hmacToken({ ...good, exp: now - 60 }),
  notYet: hmacToken({ ...good, nbf: now + 600 }),
  otherIssuer: hmacToken({ ...good, iss: 'elsewhere' }),
  issuerNotString: hmacToken({ ...good, iss: 5 }),
  otherAudiences: hmacToken({ ...good, aud: ['web', 'app'] }),
  audienceNotString: hmacToken({ ...good, aud: [1] }),
  audienceMixed: hmacToken({ ...good, aud: ['api', 5] }),
  expNotNumber: hmacToken({ ...good, exp: 'soon' }),
  otherSubject: hmacToken({ ...good, sub: 'u9' }),
  old: hmacToken({ ...good, iat: now - 7200 }),
  unsigned: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`,
  emptySignature: `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(good)}.`,
  oneSegment: 'abc',
  twoSegments: 'abc.def',
  headerNotJson: `${b64('not json')}.${b64(good)}.c2ln`,
  headerArray: `${b64([1])}.${b64(good)}.c2ln`,
  payloadNotJson: `${b64({ alg: 'HS256' })}.${b64('{')}.c2ln`,
  payloadArray: hmacToken([1, 2]),
  // A JSON string holding claims: jsonwebtoken reads the claims, fast-jwt's decoder refuses a payload not an object.
  payloadJsonString: hmacToken(JSON.stringify(JSON.stringify(good))),
  payloadJsonStringRs: rsaToken(JSON.stringify(JSON.stringify(good))),
  signatureNotBase64url: `${b64({ alg: 'HS256' })}.${b64(good)}.a+b`,
  hs384: hmacToken(good, { alg: 'HS384', typ: 'JWT' }),
  unknownAlg: hmacToken(good, { alg: 'XX999', typ: 'JWT' }),
}

const REQUESTS = [
  ['no header', {}],
  ['Basic scheme', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
  ['Bearer without token', { headers: { authorization: 'Bearer ' } }],
  ['three parts', { headers: { authorization: 'Bearer a b' } }],
  ['lowercase scheme', { headers: { authorization: `bearer ${TOKENS.valid}` } }],
  ...Object.entries(TOKENS).map(([name, token]) => [name, bearer(token)]),
]

// Requests @fastify/jwt answers with 500 (fast-jwt's error, passed through) that are the client's fault: 401 here.
const SERVER_ERRORS_THERE = {
  hs: [
    'notYet',
    'issuerNotString',
    'audienceNotString',
    'audienceMixed',
    'expNotNumber',
    'payloadArray',
    'payloadJsonString',
    'payloadJsonStringRs',
    'signatureNotBase64url',
    'validRs',
    'unknownAlg',
  ],
  rs: [
    'notYetRs',
    'lowercase scheme',
    'valid',
    'badSignature',
    'hs384',
    'unknownAlg',
    'expired',
    'notYet',
    'otherIssuer',
    'issuerNotString',
    'otherAudiences',
    'audienceNotString',
    'audienceMixed',
    'expNotNumber',
    'otherSubject',
    'old',
    'payloadArray',
    'payloadJsonString',
    'payloadJsonStringRs',
    'signatureNotBase64url',
  ],
}

async function both(options, routes, extra) {
  const theirs = await start(fastifyJwt, options, routes, extra)
  const ours = await start(ringjwtFastify, options, routes, extra)
  return { theirs, ours, close: () => Promise.all([theirs.close(), ours.close()]) }
}

// The answers, compared: identical, or (for a bad token @fastify/jwt lets through as a 500) 401 with the same code
// and message.
function expectSame(name, theirs, ours, serverErrorsThere) {
  if (serverErrorsThere.includes(name)) {
    expect({ name, status: theirs.status, error: theirs.body.error }).toEqual({
      name,
      status: 500,
      error: 'Internal Server Error',
    })
    expect({ name, ...ours.body }).toEqual({
      name,
      ...theirs.body,
      statusCode: 401,
      error: 'Unauthorized',
    })
    expect(ours.status).toBe(401)
    return
  }
  expect({ name, status: ours.status, body: ours.body }).toEqual({ name, status: theirs.status, body: theirs.body })
}

describe('an HMAC secret, with issuer and audience checks', () => {
  let apps
  beforeAll(async () => {
    apps = await both({
      secret,
      sign: { iss: 'auth', expiresIn: 300 },
      verify: { allowedIss: 'auth', allowedAud: ['api', /^api-/] },
    })
  })
  afterAll(() => apps.close())

  test.each(REQUESTS)('%s', async (name, init) => {
    const [theirs, ours] = await Promise.all([apps.theirs.ask('/verify', init), apps.ours.ask('/verify', init)])
    expectSame(name, theirs, ours, SERVER_ERRORS_THERE.hs)
  })

  test.each(REQUESTS)('%s, with a callback', async (name, init) => {
    const [theirs, ours] = await Promise.all([
      apps.theirs.ask('/verify-callback', init),
      apps.ours.ask('/verify-callback', init),
    ])
    expectSame(name, theirs, ours, SERVER_ERRORS_THERE.hs)
  })

  test.each(REQUESTS)('%s, decoded', async (name, init) => {
    const [theirs, ours] = await Promise.all([apps.theirs.ask('/decode', init), apps.ours.ask('/decode', init)])
    expectSame(name, theirs, ours, [
      'payloadArray',
      'payloadJsonString',
      'payloadJsonStringRs',
      'signatureNotBase64url',
    ])
  })

  test('the same tokens, byte for byte, for the same claims and clock', () => {
    const payload = { sub: 'u1', scope: ['read'], nested: { a: 1 } }
    for (const options of [
      { clockTimestamp: 1_700_000_000_000 },
      { clockTimestamp: 1_700_000_000_000, expiresIn: 60, notBefore: 5, aud: ['api', 'web'], jti: 'j1', kid: 'k1' },
      { clockTimestamp: 1_700_000_000_000, noTimestamp: true, sub: 'override', header: { cty: 'x' } },
      { clockTimestamp: 1_700_000_000_000, expiresIn: '2h', typ: 'at+jwt' },
    ]) {
      expect(apps.ours.app.jwt.sign(payload, options)).toBe(apps.theirs.app.jwt.sign(payload, options))
    }
  })

  test('reply.jwtSign: tokens with the same claims, that each plugin accepts from the other', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sub":"u1","aud":"api"}' }
    const [theirs, ours] = await Promise.all([apps.theirs.ask('/sign', init), apps.ours.ask('/sign', init)])
    const claims = (token) => apps.theirs.app.jwt.decode(token)
    expect(claims(ours.body.token)).toEqual({
      ...claims(theirs.body.token),
      iat: expect.any(Number),
      exp: expect.any(Number),
    })
    expect(claims(ours.body.token).exp - claims(ours.body.token).iat).toBe(300)
    const [crossTheirs, crossOurs] = await Promise.all([
      apps.theirs.ask('/verify', bearer(ours.body.token)),
      apps.ours.ask('/verify', bearer(theirs.body.token)),
    ])
    expect([crossTheirs.status, crossOurs.status]).toEqual([200, 200])
  })
})

describe('an RSA key pair, with algorithms, subjects, maxAge and a custom message', () => {
  let apps
  const notYetRs = rsaToken({ ...good, nbf: now + 600 })
  const requests = [
    ...REQUESTS,
    ['notYetRs', bearer(notYetRs)],
    ['expiredRs', bearer(rsaToken({ ...good, exp: now - 1 }))],
  ]
  beforeAll(async () => {
    apps = await both({
      secret: rsaPem,
      sign: { algorithm: 'RS256' },
      verify: { algorithms: ['RS256'], allowedSub: 'u1', maxAge: 3600 },
      messages: { authorizationTokenInvalid: 'Token refused', authorizationTokenExpiredMessage: 'Too old' },
    })
  })
  afterAll(() => apps.close())

  test.each(requests)('%s', async (name, init) => {
    const [theirs, ours] = await Promise.all([apps.theirs.ask('/verify', init), apps.ours.ask('/verify', init)])
    expectSame(name, theirs, ours, SERVER_ERRORS_THERE.rs)
  })
})

describe('an EC key pair', () => {
  let apps
  beforeAll(async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    apps = await both({ secret: pem(ec), verify: { algorithms: ['ES256'] } })
  })
  afterAll(() => apps.close())

  test('valid, tampered, and signatures of the wrong length', async () => {
    const token = apps.theirs.app.jwt.sign({ sub: 'u1' })
    const flip = (c) => (c === 'A' ? 'B' : 'A')
    for (const [name, value] of [
      ['valid', token],
      ['tampered', token.slice(0, -10) + flip(token.at(-10)) + token.slice(-9)],
      ['one byte longer', `${token}AA`],
      ['shorter', token.slice(0, -4)],
      ['HS256', TOKENS.valid],
    ]) {
      const [theirs, ours] = await Promise.all([
        apps.theirs.ask('/verify', bearer(value)),
        apps.ours.ask('/verify', bearer(value)),
      ])
      expectSame(name, theirs, ours, ['one byte longer', 'shorter', 'HS256'])
    }
  })

  // 64 bytes take 86 base64url characters, the last with 4 unused bits: a second spelling of the same signature.
  test('a second spelling of the signature (unused bits set) is refused; fast-jwt accepts it', async () => {
    const token = apps.theirs.app.jwt.sign({ sub: 'u1' })
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const respelled = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)) ^ 1]
    expect(Buffer.from(respelled.split('.')[2], 'base64url')).toEqual(Buffer.from(token.split('.')[2], 'base64url'))
    const [theirs, ours] = await Promise.all([
      apps.theirs.ask('/verify', bearer(respelled)),
      apps.ours.ask('/verify', bearer(respelled)),
    ])
    expect(theirs.status).toBe(200)
    expect(ours).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        code: 'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
        error: 'Unauthorized',
        message: 'Authorization token is invalid: The token signature is invalid.',
      },
    })
  })
})

describe('an EC key pair, tokens in a signed cookie, complete results, formatUser and trusted', () => {
  let apps
  const ask = async (url, path, init) => {
    const response = await fetch(`${url}${path}`, init)
    return { status: response.status, body: await response.json() }
  }
  const askBoth = (path, init) => Promise.all([ask(apps.theirs, path, init), ask(apps.ours, path, init)])
  beforeAll(async () => {
    apps = await startCookieApps()
  })
  afterAll(() => apps?.close())

  test('each cookie', async () => {
    for (const [name, cookie] of [
      ['signed', `token=${apps.signed.valid}`],
      ['signed, revoked', `token=${apps.signed.revoked}`],
      ['signed, other issuer', `token=${apps.signed.otherIssuer}`],
      ['not signed', `token=${apps.tokens.valid}`],
      ['signed with another secret', `token=${apps.tokens.valid}.abc`],
      ['other cookie', `session=${apps.signed.valid}`],
    ]) {
      const [theirs, ours] = await askBoth('/verify', { headers: { cookie } })
      expectSame(name, theirs, ours, [])
    }
  })

  test('the header wins over the cookie, and a bad header is not the cookie', async () => {
    for (const [name, init] of [
      ['header and cookie', { headers: { authorization: `Bearer ${apps.tokens.valid}`, cookie: 'token=x' } }],
      ['no cookie', {}],
      ['Basic header, no cookie', { headers: { authorization: 'Basic abc' } }],
    ]) {
      const [theirs, ours] = await askBoth('/verify', init)
      expectSame(name, theirs, ours, [])
      const [decodedTheirs, decodedOurs] = await askBoth('/decode', init)
      expectSame(name, decodedTheirs, decodedOurs, [])
    }
  })

  test('a cookie set by reply.setCookie after reply.jwtSign is accepted by both', async () => {
    for (const url of [apps.theirs, apps.ours]) {
      const login = await fetch(`${url}/login`, { method: 'POST' })
      const cookie = login.headers.get('set-cookie').split(';')[0]
      const [theirs, ours] = await askBoth('/verify', { headers: { cookie } })
      expect([theirs.status, ours.status, ours.body.user]).toEqual([200, 200, { id: 'u1', alg: 'ES256' }])
    }
  })
})

describe('a trusted function that throws or rejects', () => {
  // @fastify/jwt calls `trusted` in the step that maps the verifier's errors: an error thrown at once with one of a
  // refusal's codes is that refusal; a rejection, and any other error, is the server's (500).
  const CODES = [
    'FAST_JWT_EXPIRED',
    'FAST_JWT_INVALID_KEY',
    'FAST_JWT_INVALID_SIGNATURE',
    'FAST_JWT_INVALID_CLAIM_VALUE',
    'FAST_JWT_MISSING_REQUIRED_CLAIM',
    'FAST_JWT_MISSING_SIGNATURE',
    'FAST_JWT_MALFORMED',
    'E_APP_DOWN',
  ]
  const failure = (request) => {
    const code = request.headers['x-code']
    return Object.assign(new Error(`trusted failed with ${code}`), { code })
  }
  let apps
  beforeAll(async () => {
    apps = await both({
      secret,
      trusted: (request) => {
        if (request.headers['x-async'] === 'yes') return Promise.reject(failure(request))
        throw failure(request)
      },
    })
  })
  afterAll(() => apps?.close())

  const ask = (code, async) => {
    const init = { headers: { authorization: `Bearer ${TOKENS.valid}`, 'x-code': code, 'x-async': async } }
    return Promise.all([apps.theirs.ask('/verify', init), apps.ours.ask('/verify', init)])
  }

  test.each(CODES)('%s, thrown at once', async (code) => {
    const [theirs, ours] = await ask(code, 'no')
    expectSame(code, theirs, ours, [])
  })

  test.each(CODES)('%s, rejected', async (code) => {
    const [theirs, ours] = await ask(code, 'yes')
    expectSame(code, theirs, ours, [])
    expect(ours).toEqual({
      status: 500,
      body: { statusCode: 500, code, error: 'Internal Server Error', message: `trusted failed with ${code}` },
    })
  })

  test('what each code thrown at once is answered with', async () => {
    const answers = {}
    for (const code of CODES) {
      const [, ours] = await ask(code, 'no')
      answers[code] = [ours.status, ours.body.code, ours.body.message]
    }
    const invalid = (code) => [
      401,
      'FST_JWT_AUTHORIZATION_TOKEN_INVALID',
      `Authorization token is invalid: trusted failed with ${code}`,
    ]
    expect(answers).toEqual({
      FAST_JWT_EXPIRED: [401, 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED', 'Authorization token expired'],
      FAST_JWT_INVALID_KEY: invalid('FAST_JWT_INVALID_KEY'),
      FAST_JWT_INVALID_SIGNATURE: invalid('FAST_JWT_INVALID_SIGNATURE'),
      FAST_JWT_INVALID_CLAIM_VALUE: invalid('FAST_JWT_INVALID_CLAIM_VALUE'),
      FAST_JWT_MISSING_REQUIRED_CLAIM: invalid('FAST_JWT_MISSING_REQUIRED_CLAIM'),
      FAST_JWT_MISSING_SIGNATURE: [401, 'FAST_JWT_MISSING_SIGNATURE', 'Unsigned authorization token'],
      FAST_JWT_MALFORMED: [500, 'FAST_JWT_MALFORMED', 'trusted failed with FAST_JWT_MALFORMED'],
      E_APP_DOWN: [500, 'E_APP_DOWN', 'trusted failed with E_APP_DOWN'],
    })
  })
})

describe('without @fastify/cookie, a cookie option', () => {
  test('is a 400 FST_JWT_BAD_COOKIE_REQUEST on both', async () => {
    const apps = await both({ secret, cookie: { cookieName: 'token' } })
    try {
      const [theirs, ours] = await Promise.all([apps.theirs.ask('/verify'), apps.ours.ask('/verify')])
      expectSame('no cookie plugin', theirs, ours, [])
      expect(ours.body).toEqual({
        statusCode: 400,
        code: 'FST_JWT_BAD_COOKIE_REQUEST',
        error: 'Bad Request',
        message: 'Cookie could not be parsed in request',
      })
    } finally {
      await apps.close()
    }
  })
})

describe('the refusals themselves', () => {
  // What a handler that catches the refusal sees of it.
  const routes = (app) =>
    app.get('/shape', async (request) => {
      try {
        await request.jwtVerify()
        return { verified: true }
      } catch (err) {
        return { string: String(err), json: JSON.parse(JSON.stringify(err)), keys: Object.keys(err).sort() }
      }
    })

  test('the same string, JSON and members; messages that are functions taken as @fastify/jwt takes them', async () => {
    const apps = await both(
      {
        secret,
        messages: {
          noAuthorizationInHeaderMessage: () => 'Who are you?',
          badRequestErrorMessage: 'Bad %s',
          authorizationTokenInvalid: (err) => `Refused: ${err.message}`,
        },
      },
      routes,
    )
    try {
      const requests = [
        {},
        { headers: { authorization: 'Bearer a b' } },
        bearer(TOKENS.badSignature),
        bearer(TOKENS.expired),
      ]
      const answers = []
      for (const init of requests) {
        const [theirs, ours] = await Promise.all([apps.theirs.ask('/shape', init), apps.ours.ask('/shape', init)])
        expect(ours).toEqual(theirs)
        answers.push(ours.body.string)
      }
      expect(answers).toEqual([
        'FastifyError [FST_JWT_NO_AUTHORIZATION_IN_HEADER]: [Function: noAuthorizationInHeaderMessage]',
        'FastifyError [FST_JWT_BAD_REQUEST]: Bad %s',
        'FastifyError [FST_JWT_AUTHORIZATION_TOKEN_INVALID]: Refused: The token signature is invalid.',
        'FastifyError [FST_JWT_AUTHORIZATION_TOKEN_EXPIRED]: Authorization token expired',
      ])
    } finally {
      await apps.close()
    }
  })

  test('an extractToken that is not a function fails the same way', async () => {
    const apps = await both({ secret, verify: { extractToken: 5 } }, routes)
    try {
      const [theirs, ours] = await Promise.all([apps.theirs.ask('/shape', {}), apps.ours.ask('/shape', {})])
      expect(ours).toEqual(theirs)
      expect(ours.body.string).toBe('TypeError: extractToken is not a function')
    } finally {
      await apps.close()
    }
  })
})

describe('formatUser that returns a promise', () => {
  const routes = (app) => {
    app.get('/callback', (request, reply) =>
      request.jwtVerify((err, user) => {
        if (err) return reply.send(err)
        const isPromise = typeof user?.then === 'function'
        const userIsPromise = typeof request.user?.then === 'function'
        Promise.resolve(user)
          .then(
            (value) => ({ value }),
            (reason) => ({ rejected: reason.message }),
          )
          .then((settled) => reply.send({ isPromise, userIsPromise, ...settled }))
      }),
    )
    app.get('/promise', async (request) => {
      const user = await request.jwtVerify()
      return { user, userIsPromise: typeof request.user?.then === 'function' }
    })
  }

  test.each([
    ['resolves', async (payload) => ({ id: payload.sub }), { value: { id: 'u1' } }],
    ['rejects', async () => Promise.reject(new Error('no such user')), { rejected: 'no such user' }],
  ])(
    'that %s: the callback form gets it as it is, the promise form what it settles to',
    async (_, formatUser, settled) => {
      const apps = await both({ secret, formatUser }, routes)
      try {
        for (const path of ['/callback', '/promise']) {
          const init = bearer(TOKENS.valid)
          const [theirs, ours] = await Promise.all([apps.theirs.ask(path, init), apps.ours.ask(path, init)])
          expect({ path, ...ours }).toEqual({ path, ...theirs })
        }
        expect((await apps.ours.ask('/callback', bearer(TOKENS.valid))).body).toEqual({
          isPromise: true,
          userIsPromise: true,
          ...settled,
        })
      } finally {
        await apps.close()
      }
    },
  )
})
