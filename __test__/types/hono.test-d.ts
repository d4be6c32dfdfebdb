// Compile-only checks of hono.d.ts: hono/jwt code compiles unchanged against 'ringjwt/hono', with Hono's types;
// what must not compile is marked with a ts-expect-error directive.
import { generateKeyPairSync } from 'node:crypto'
import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import {
  jwt,
  jwk,
  sign,
  verify,
  decode,
  verifyWithJwks,
  Jwt,
  AlgorithmTypes,
  JwtTokenExpired,
  JwtTokenInvalid,
  type JwtVariables,
  type JWTPayload,
} from '../../hono'
import type { ErrorCode } from '../../index'
import { createSessionStore, createTokenStore } from '../../index'

const app = new Hono<{ Variables: JwtVariables<{ sub: string; role: 'admin' | 'user' }> }>()
const auth: MiddlewareHandler = jwt({ secret: 'it-is-very-secret', alg: 'HS256' })
app.use('/auth/*', auth)
app.use('/cookie/*', jwt({ secret: 's', alg: AlgorithmTypes.HS512, cookie: 'access_token', realm: 'api' }))
app.use(
  '/signed/*',
  jwt({
    secret: 's',
    alg: 'HS256',
    cookie: { key: 'token', secret: 'cookie-secret', prefixOptions: 'host' },
    headerName: 'x-auth',
    verification: { iss: /^https:\/\/auth\./, aud: ['api'], exp: true, nbf: true, iat: false, typ: 'at+jwt' },
  }),
)
app.use('/jwk/*', jwk({ jwks_uri: (c) => `https://${c.req.header('host')}/jwks.json`, alg: ['RS256'] }))
app.use('/keys/*', jwk({ keys: [{ kty: 'EC', kid: 'k1' }], alg: ['ES256'], allow_anon: true }, { headers: {} }))

app.get('/auth/me', (c) => {
  const payload = c.get('jwtPayload')
  const role: 'admin' | 'user' = payload.role
  // @ts-expect-error the payload type is the app's
  const missing: number = payload.sub
  return c.json({ role, missing })
})

// @ts-expect-error `alg` is required
jwt({ secret: 's' })
// @ts-expect-error the jwk middleware takes asymmetric algorithms only
jwk({ keys: [], alg: ['HS256'] })

async function tokens() {
  const token: string = await sign({ sub: 'u1', exp: 1 }, 'secret')
  const rs: string = await sign({ sub: 'u1' }, { kty: 'RSA', alg: 'RS256', kid: 'k' })
  const payload: JWTPayload = await verify(token, 'secret', 'HS256')
  // ringjwt's: node's KeyObject, and a Buffer secret.
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const es: string = await sign({ sub: 'u1' }, ec.privateKey, 'ES256')
  await verify(es, ec.publicKey, 'ES256')
  await verify(await sign({ sub: 'u1' }, Buffer.from('secret'), 'HS256'), Buffer.from('secret'), 'HS256')
  const checked: JWTPayload = await verify(token, 'secret', { alg: 'HS256', iss: 'me', aud: 'you' })
  const { header } = decode(token)
  const alg: string = header.alg
  const fromSet: JWTPayload = await verifyWithJwks(rs, { keys: [], allowedAlgorithms: ['RS256'] })
  const same: string = await Jwt.sign(payload, 'secret', 'HS384')
  // @ts-expect-error not an algorithm
  await sign({}, 'secret', 'HS1')
  // @ts-expect-error verify needs an algorithm
  await verify(token, 'secret')
  return [checked, alg, fromSet, same]
}

try {
  void tokens()
} catch (err) {
  if (err instanceof JwtTokenExpired || err instanceof JwtTokenInvalid) {
    const code: ErrorCode = err.code
    const message: string = err.message
    void [code, message]
  }
}
void new JwtTokenExpired('token')

// The jwt middleware's `dpop` option (ringjwt's) and c.get('dpop').
const dpopApp = new Hono()
dpopApp.use('/dpop/*', jwt({ secret: 's', alg: 'HS256', dpop: { mode: 'allowed', nonce: true } }))
dpopApp.get('/dpop/me', (c) => c.json({ jkt: c.get('dpop')?.jkt ?? null }))
// @ts-expect-error: the mode is "required" or "allowed"
jwt({ secret: 's', alg: 'HS256', dpop: { mode: 'always' } })

// ringjwt's `isRevoked`: the session and token stores' check fits as it is.
jwt({ secret: 's', alg: 'HS256', isRevoked: createSessionStore().isRevoked })
jwk({ keys: [], alg: ['RS256'], isRevoked: createTokenStore().isRevoked })
jwt({ secret: 's', alg: 'HS256', isRevoked: async (c, token) => token.signature === '' || c.req.path === '/' })
// @ts-expect-error: the store's method, not the store
jwt({ secret: 's', alg: 'HS256', isRevoked: createSessionStore() })
