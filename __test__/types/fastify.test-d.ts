// ringjwt/fastify's types, resolved through package.json "exports" as in a user's project: the plugin's options,
// the decorators it adds to Fastify's instance, request and reply, and the FastifyJWT interface apps extend.
import { generateKeyPairSync } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyRequest } from 'fastify'
import fastifyJwt, { TokenError, type FastifyJWTOptions, type JwtHeader, type TokenOrHeader } from 'ringjwt/fastify'
import { createSessionStore } from 'ringjwt'

declare module 'ringjwt/fastify' {
  interface FastifyJWT {
    payload: { sub: string; admin?: boolean }
    user: { id: string; admin: boolean }
  }
}

const sessions = createSessionStore()
const app = Fastify()
app.register(fastifyJwt, {
  secret: 'a-secret-of-at-least-32-bytes-long!',
  sign: { expiresIn: '15m', iss: 'api' },
  verify: { allowedIss: 'api', maxAge: 900, clockTolerance: 1000, algorithms: ['HS256'] },
  cookie: { cookieName: 'token', signed: false },
  formatUser: (payload) => ({ id: payload.sub, admin: payload.admin === true }),
  isRevoked: sessions.isRevoked,
  trusted: async (_request, decoded) => typeof decoded.sub === 'string',
})

// fast-jwt 6's verifier options an @fastify/jwt user can pass: allowedCritHeaders (only an empty list is accepted
// at run time) and cacheKeyBuilder (taken, not needed).
app.register(fastifyJwt, {
  secret: 'a-secret-of-at-least-32-bytes-long!',
  verify: { cache: true, cacheKeyBuilder: (token) => token, allowedCritHeaders: [] },
})
// @ts-expect-error cacheKeyBuilder builds a string key from the token
app.register(fastifyJwt, { secret: 's', verify: { cacheKeyBuilder: (token: string) => token.length } })
// @ts-expect-error allowedCritHeaders is a list of names
app.register(fastifyJwt, { secret: 's', verify: { allowedCritHeaders: 'b64' } })

// isRevoked of your own: the token's header, verified claims and signature.
app.register(fastifyJwt, {
  secret: 'a-secret-of-at-least-32-bytes-long!',
  isRevoked: (_request, token) => token.signature.length === 0 || token.header.alg === 'none' || !token.payload.sub,
})

const keys: FastifyJWTOptions = {
  secret: { private: 'private PEM', public: 'public PEM' },
  sign: { algorithm: 'ES256', kid: 'k1' },
  namespace: 'partner',
}
const fromFunction: FastifyJWTOptions = {
  secret: async (_request: FastifyRequest, token: TokenOrHeader) =>
    'header' in token ? String(token.header.kid) : 'fallback',
}
// ringjwt's: node's KeyObject, given or returned by a secret function.
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const withKeyObjects: FastifyJWTOptions = { secret: { private: pair.privateKey, public: pair.publicKey } }
const keyObjectFunction: FastifyJWTOptions = { secret: async () => pair.publicKey }
void withKeyObjects
void keyObjectFunction
// @ts-expect-error: a secret is required
const noSecret: FastifyJWTOptions = { sign: {} }
// @ts-expect-error: expiresIn is a number or a timespan string
app.register(fastifyJwt, { secret: 's', sign: { expiresIn: true } })

app.get('/me', async (request, reply) => {
  const payload = await request.jwtVerify<{ sub: string }>()
  const id: string = request.user.id
  const decoded = await request.jwtDecode<{ header: JwtHeader }>({ decode: { complete: true }, verify: {} })
  const token: string = await reply.jwtSign({ sub: id })
  request.jwtVerify((err, value) => void [err, value])
  // @ts-expect-error: the payload's type is the app's FastifyJWT payload
  await reply.jwtSign({ name: 'no sub' })
  return { payload: payload.sub, alg: decoded.header.alg, token }
})

const signed: string = app.jwt.sign({ sub: 'u1' }, { expiresIn: 60 })
const verified = app.jwt.verify<{ sub: string }>(signed, { allowedSub: /^u/ })
const header = app.jwt.decode<{ header: JwtHeader }>(signed, { complete: true })
const code: string = TokenError.codes.expired
void [keys, fromFunction, noSecret, verified.sub, header?.header.alg, code]

// The `dpop` option (ringjwt's) and request.dpop.
Fastify().register(fastifyJwt, {
  secret: 'a-secret-of-at-least-32-bytes-long!',
  dpop: { mode: 'required', algorithms: ['ES256'], maxAge: 60, nonce: { lifetime: 120 } },
})
Fastify().get('/dpop', async (request) => {
  await request.jwtVerify()
  const jkt: string | undefined = request.dpop?.jkt
  return { jkt }
})
// @ts-expect-error: the mode is "required" or "allowed"
Fastify().register(fastifyJwt, { secret: 's', dpop: { mode: 'always' } })
