// Compile-only checks of express.d.ts and its re-export from index.d.ts: what must type-check, and what must
// not (each marked with a ts-expect-error directive).
import http from 'node:http'
import express from 'express'
import type { Request as ExpressRequest } from 'express'
import {
  expressjwt,
  UnauthorizedError,
  ExtractJwt,
  fromCookie,
  fromExtractors,
  type ExpressJwtOptions,
  type GetVerificationKey,
  type Request,
  type UnauthorizedErrorCode,
} from '../../express'
import * as ringjwt from '../../index'

const app = express()
const auth = expressjwt({ secret: 'secret', algorithms: ['HS256'], audience: 'api', clockTolerance: 5 })
app.use(auth)
app.use(auth.unless({ path: ['/login', /^\/public\//, { url: '/health', methods: ['GET'] }] }))
app.use(expressjwt({ secret: 'secret', algorithms: ['HS256'] }).unless((req) => req.method === 'OPTIONS'))

// Handlers typed with the exported Request see `auth` and the framework's own fields.
app.get('/me', (req: Request, res: express.Response) => {
  const sub: string | undefined = req.auth?.sub
  res.json({ sub, id: req.params.id })
})
app.get('/orders', (req: Request<{ sub: string; scope: string[] }>, res) => {
  const scope: string[] | undefined = req.auth?.scope
  res.json(scope)
})

// Callbacks: sync or async; a key function written against Express's Request type fits (jwks-rsa style).
const fromExpress: GetVerificationKey<ExpressRequest> = async (req, token) => (token?.header.kid ? req.ip : undefined)
expressjwt({ secret: fromExpress, algorithms: ['RS256'] })
const options: ExpressJwtOptions = {
  secret: async (req, token) => (token ? 'secret' : undefined),
  algorithms: ['HS256', 'RS256'],
  getToken: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), fromCookie('jwt')]),
  isRevoked: async (req, token) => token.payload !== 'x' && req.headers['x-revoke'] === '1',
  onExpired: (req, err) => {
    const code: UnauthorizedErrorCode = err.code
    void code
  },
  requestProperty: 'auth.payload',
  credentialsRequired: false,
  maxAge: '1h',
}
expressjwt(options)
expressjwt({ secret: 'secret', algorithms: ['HS256'], getToken: async (req) => req.headers['x-token'] as string })
expressjwt({ secret: 'secret', algorithms: ['HS256'], getToken: fromExtractors([async () => undefined]) })

// A JWK Set or an extractor (which take any request) leaves the request type to the other callbacks: Express's.
expressjwt({
  secret: ringjwt.createRemoteJwks('https://issuer.example/jwks.json'),
  algorithms: ['ES256'],
  getToken: ExtractJwt.fromExtractors([fromCookie('jwt')]),
  isRevoked: async (req) => req.path === '/revoked',
  onExpired: (req) => {
    void req.originalUrl
  },
})
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  getToken: ringjwt.fromCookie('jwt'),
  isRevoked: (req) => !req.ip,
})

// Plain node:http.
http.createServer((req, res) => {
  void auth(req, res, (err) => {
    res.statusCode = err instanceof UnauthorizedError ? err.status : 200
    res.end()
  })
})

// Errors.
app.use((err: Error, req: express.Request, res: express.Response, next: express.NextFunction) => {
  if (err instanceof UnauthorizedError) {
    const status: 401 = err.status
    res.status(status).json({ code: err.code, message: err.inner.message })
    return
  }
  next(err)
})
const made = new UnauthorizedError('invalid_token', new ringjwt.TokenExpiredError('jwt expired', new Date()))
void made

// The same names from the package root.
ringjwt.expressjwt({ secret: 'secret', algorithms: ['HS256'] })
const fromRoot: typeof UnauthorizedError = ringjwt.UnauthorizedError
void fromRoot
ringjwt.ExtractJwt.fromHeader('x-token')

// @ts-expect-error algorithms is required
expressjwt({ secret: 'secret' })
// @ts-expect-error secret is required
expressjwt({ algorithms: ['HS256'] })
// @ts-expect-error not an algorithm
expressjwt({ secret: 'secret', algorithms: ['HS257'] })
// @ts-expect-error credentialsRequired is a boolean
expressjwt({ secret: 'secret', algorithms: ['HS256'], credentialsRequired: 'yes' })
// @ts-expect-error not an error code
new UnauthorizedError('bad_token', { message: 'x' })
// @ts-expect-error the cause needs a message
new UnauthorizedError('invalid_token', {})
// @ts-expect-error extractors take a name
ExtractJwt.fromHeader()
// @ts-expect-error isRevoked answers with a boolean
expressjwt({ secret: 'secret', algorithms: ['HS256'], isRevoked: () => 'no' })

// isRevoked's token: a Jwt without `decrypt` (as express-jwt's IsRevoked), a Jwt or a decrypted token with it.
const decryptKey = Buffer.alloc(32)
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  isRevoked: (_req, token) => {
    const signature: string = token.signature
    return signature === ''
  },
})
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: { key: decryptKey, algorithms: ['dir'], requireSigned: false },
  isRevoked: (_req, token) => {
    // @ts-expect-error an encrypted token has no `signature` of its own
    void token.signature
    const t: ringjwt.RevocationToken = token
    if ('signature' in t) return t.signature === ''
    const encryption: string = t.header.enc
    return t.signed?.signature === '' || encryption === ''
  },
})
// The stores' checks take both.
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: { key: decryptKey, algorithms: ['dir'] },
  isRevoked: ringjwt.createSessionStore().isRevoked,
})
const jwtOnly: ringjwt.IsRevoked = async (_req, token) => token.signature === ''
expressjwt({ secret: 'secret', algorithms: ['HS256'], isRevoked: jwtOnly })
// @ts-expect-error with `decrypt`, a check written for a Jwt alone would be given a decrypted token
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: { key: decryptKey, algorithms: ['dir'] },
  isRevoked: jwtOnly,
})
// Options in a variable, with and without `decrypt`.
const withDecrypt: ringjwt.EncryptedTokenParams = {
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: { key: decryptKey, algorithms: ['dir'] },
  isRevoked: (_req, token) => 'signed' in token,
}
const asParams: ringjwt.Params = withDecrypt
const decryptOptions: ringjwt.ExpressJwtDecryptOptions = { key: decryptKey, algorithms: ['dir'] }
const annotated: ringjwt.Params = {
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: decryptOptions,
  isRevoked: (_req, token) => 'signed' in token,
}
const withoutDecrypt: ringjwt.Params = { secret: 'secret', algorithms: ['HS256'], isRevoked: jwtOnly }
expressjwt(withDecrypt)
expressjwt(withoutDecrypt)
expressjwt(asParams)
expressjwt(annotated)
const maybeDecrypt = Math.random() > 0.5 ? { key: decryptKey, algorithms: ['dir' as const] } : undefined
expressjwt({
  secret: 'secret',
  algorithms: ['HS256'],
  decrypt: maybeDecrypt,
  isRevoked: (_req, token) => 'payload' in token,
})
