'use strict'
// The same requests against express-jwt 8 (on jsonwebtoken) and against ringjwt's middleware, with the same
// options, on Express 5 and Express 4: the same status, error name, code and message, the same inner error name
// and message, and the same req.auth.
const { generateKeyPairSync } = require('node:crypto')
const expressJwt = require('express-jwt')
const jwt = require('..')
const { expressjwt, UnauthorizedError } = require('../express')
const { startApp } = require('./helpers/express-apps')
const { hmacToken } = require('./helpers/tokens')

const secret = 'a shared secret that is long enough for HS256'
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' })
const now = Math.floor(Date.now() / 1000)

const hs = (payload, options) => jwt.sign(payload, secret, { audience: 'api', issuer: 'auth', keyid: 'hs', ...options })
const rs = (payload, options) => jwt.sign(payload, rsa.privateKey, { algorithm: 'RS256', keyid: 'rs', ...options })

const tokens = {
  valid: hs({ sub: 'u1', scope: ['read', 'write'] }, { expiresIn: 300 }),
  validRs: rs({ sub: 'u2', aud: 'api', iss: 'auth' }),
  badSignature: jwt.sign({ sub: 'u1', aud: 'api', iss: 'auth' }, 'another secret'),
  expired: hs({ sub: 'u1', exp: now - 60 }),
  notYet: hs({ sub: 'u1', nbf: now + 600 }),
  otherAudience: hs({ sub: 'u1' }, { audience: 'web' }),
  otherIssuer: hs({ sub: 'u1' }, { issuer: 'elsewhere' }),
  hs384: hs({ sub: 'u1' }, { algorithm: 'HS384' }),
  unsigned: jwt.sign({ sub: 'u1', aud: 'api', iss: 'auth' }, null, { algorithm: 'none' }),
  algConfusion: hmacToken(
    { alg: 'HS256', typ: 'JWT', kid: 'rs' },
    { sub: 'admin', aud: 'api', iss: 'auth' },
    rsaPublicPem,
  ),
  unknownKid: hs({ sub: 'u1' }, { keyid: 'nope' }),
  revoked: hs({ sub: 'u1', jti: 'revoked' }),
  old: hs({ sub: 'u1', iat: now - 7200 }),
  stringPayload: jwt.sign('just text', secret),
  badTime: hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', aud: 'api', iss: 'auth', exp: 'soon' }, secret),
}

const auth = (value) => ({ headers: { authorization: value } })
const bearer = (token) => auth(`Bearer ${token}`)
const preflight = (requested) => ({
  method: 'OPTIONS',
  headers: { origin: 'http://example.test', 'access-control-request-headers': requested },
})

const REQUESTS = [
  ['no header', {}],
  ['Basic scheme', auth('Basic dXNlcjpwYXNz')],
  ['three parts', auth('Bearer a b')],
  ['no scheme', auth(tokens.valid)],
  ['lowercase scheme', auth(`bearer ${tokens.valid}`)],
  ['one segment', bearer('abc')],
  ['two segments', bearer('a.b')],
  ['three junk segments', bearer('a.b.c')],
  ['four segments', bearer(`${tokens.valid}.x`)],
  ...Object.entries(tokens).map(([name, token]) => [name, bearer(token)]),
  ['preflight naming Authorization', preflight('Content-Type, Authorization')],
  ['preflight not naming Authorization', preflight('content-type')],
  ['plain OPTIONS', { method: 'OPTIONS' }],
]

const keysByKid = { hs: secret, rs: rsaPublicPem }

const CONFIGS = [
  ['HS256 with audience and issuer', { secret, algorithms: ['HS256'], audience: 'api', issuer: 'auth' }],
  ['RS256 public key PEM', { secret: rsaPublicPem, algorithms: ['RS256'] }],
  [
    'maxAge, clockTolerance, credentialsRequired: false',
    { secret, algorithms: ['HS256'], maxAge: '1h', clockTolerance: 5, credentialsRequired: false },
  ],
  [
    'key function, isRevoked and a dotted requestProperty',
    {
      secret: async (req, token) => keysByKid[token?.header.kid],
      algorithms: ['HS256', 'RS256'],
      isRevoked: async (req, token) => token.payload.jti === 'revoked',
      requestProperty: 'auth.claims',
    },
  ],
  [
    'onExpired letting expired tokens through',
    {
      secret,
      algorithms: ['HS256'],
      onExpired: () => undefined,
      isRevoked: (req, token) => token.payload.sub !== 'u1',
    },
  ],
]

// The inner error's `code` is ringjwt's addition; everything else must match.
function comparable({ status, body }) {
  if (body?.inner) delete body.inner.code
  return { status, body }
}

describe.each(['Express 5', 'Express 4'])('%s', (framework) => {
  describe.each(CONFIGS)('%s', (_, options) => {
    let reference
    let ours
    beforeAll(async () => {
      reference = await startApp(framework, expressJwt.expressjwt(options))
      ours = await startApp(framework, expressjwt(options))
    })
    afterAll(async () => {
      await reference.close()
      await ours.close()
    })

    test.each(REQUESTS)('%s', async (_, init) => {
      const expected = comparable(await reference.request('/', init))
      const actual = comparable(await ours.request('/', init))
      expect(actual).toEqual(expected)
      if (actual.status === 401) {
        const err = ours.errors.at(-1)
        expect(err).toBeInstanceOf(UnauthorizedError)
        expect(err).toMatchObject({ status: 401, code: expected.body.code, message: expected.body.message })
        if (err.code === 'invalid_token') expect(err.inner).toBeInstanceOf(jwt.JsonWebTokenError)
      }
    })
  })
})

test('the UnauthorizedError of both has the same fields', () => {
  const cause = { message: 'Format is Authorization: Bearer [token]' }
  const theirs = new expressJwt.UnauthorizedError('credentials_bad_scheme', cause)
  const mine = new UnauthorizedError('credentials_bad_scheme', cause)
  expect({ ...mine }).toEqual({ ...theirs })
  expect(Object.keys(mine)).toEqual(Object.keys(theirs))
  expect([mine.name, mine.message, mine.status]).toEqual([theirs.name, theirs.message, theirs.status])
})
