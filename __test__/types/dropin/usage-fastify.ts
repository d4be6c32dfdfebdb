// An application written for @fastify/jwt 10, as it would be without ringjwt. Compiled as it is
// (tsconfig.originals.json) and with `@fastify/jwt` resolved to ringjwt's fastify.d.ts (tsconfig.ringjwt.json).
// Both must pass, including each ts-expect-error directive. Nothing in this file may mention ringjwt.
import Fastify, { type FastifyRequest } from 'fastify'
import fastifyJwt, { type FastifyJWTOptions, type TokenOrHeader, type VerifyPayloadType } from '@fastify/jwt'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { id: number }
    user: { id: number; name: string }
  }
}

const app = Fastify()
app.register(fastifyJwt, {
  secret: 'supersecret',
  sign: { expiresIn: '10m', iss: 'api', kid: 'k1' },
  verify: {
    allowedIss: ['api', /^api-/],
    maxAge: '1h',
    cache: true,
    extractToken: (req) => req.headers['x-token'] as string,
  },
  decode: { complete: true },
  cookie: { cookieName: 'token', signed: true },
  messages: { authorizationTokenInvalid: (err) => `bad token: ${err.message}`, badRequestErrorMessage: 'bad header' },
  trusted: (_request, decoded) => decoded['jti'] !== 'revoked',
  formatUser: (payload) => ({ id: payload.id, name: `user ${payload.id}` }),
  decoratorName: 'user',
})

const rotating: FastifyJWTOptions = {
  secret: (_request: FastifyRequest, token: TokenOrHeader, cb: (e: Error | null, secret: string | undefined) => void) =>
    cb(null, 'header' in token ? `key-${String(token.header.kid)}` : 'key'),
}
const keyPair: FastifyJWTOptions = { secret: { private: 'private', public: 'public' }, sign: { algorithm: 'RS256' } }
// @ts-expect-error: the secret is required
const missing: FastifyJWTOptions = { sign: { expiresIn: 60 } }

app.post('/login', async (_request, reply) => {
  const token: string = await reply.jwtSign({ id: 1 }, { expiresIn: 60 })
  reply.jwtSign({ id: 1 }, (err, value) => void [err, value])
  // @ts-expect-error: the payload is the app's FastifyJWT payload
  await reply.jwtSign({ name: 'x' }, { sign: { sub: 'x' } })
  return { token }
})

app.get('/me', async (request) => {
  await request.jwtVerify()
  const decoded = await request.jwtDecode<VerifyPayloadType>()
  request.jwtVerify({ decode: { complete: false }, verify: { allowedSub: 'x' } }, (err) => void err)
  return { user: request.user.name, decoded }
})

const token: string = app.jwt.sign({ id: 2 }, { expiresIn: '1d' })
const payload = app.jwt.verify<{ id: number }>(token, { allowedAud: 'web', clockTolerance: 500 })
const id: number = payload.id
app.jwt.verify(token, (err, value) => void [err, value])
void [rotating, keyPair, missing, id, app.jwt.decode(token), app.jwt.lookupToken]
