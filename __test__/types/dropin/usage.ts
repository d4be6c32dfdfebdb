// An application written for jsonwebtoken 9 (@types/jsonwebtoken) and express-jwt 8, as it would be without
// ringjwt. It is compiled twice: as it is (tsconfig.originals.json) and with `jsonwebtoken` and `express-jwt`
// resolved to ringjwt's index.d.ts and express.d.ts (tsconfig.ringjwt.json). Both must pass, including each
// ts-expect-error directive (what must not compile). Nothing in this file may mention ringjwt.
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import express from 'express'
import jwt, { JsonWebTokenError, NotBeforeError, TokenExpiredError, decode, sign, verify } from 'jsonwebtoken'
import * as jsonwebtoken from 'jsonwebtoken'
import type {
  Algorithm,
  DecodeOptions,
  GetPublicKeyOrSecret,
  Jwt,
  JwtHeader,
  JwtPayload,
  PrivateKey,
  PublicKey,
  Secret,
  SignCallback,
  SignOptions,
  SigningKeyCallback,
  VerifyCallback,
  VerifyErrors,
  VerifyOptions,
} from 'jsonwebtoken'
import { expressjwt, UnauthorizedError } from 'express-jwt'
import type {
  ExpirationHandler,
  ExpressJwtRequest,
  ExpressJwtRequestUnrequired,
  GetVerificationKey,
  IsRevoked,
  Params,
  Request as JWTRequest,
  SecretCallback,
  SecretCallbackLong,
  TokenGetter,
} from 'express-jwt'

// ─── Keys ──────────────────────────────────────────────────────────────────────────────────────────────────────

const secret: Secret = process.env.JWT_SECRET ?? 'a-shared-secret-of-at-least-32-bytes!'
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const publicPem: string = publicKey.export({ type: 'spki', format: 'pem' }) as string
const privateJwk = privateKey.export({ format: 'jwk' })
const publicJwk = publicKey.export({ format: 'jwk' })
const keyring = new Map<string, KeyObject>([['2026-01', publicKey]])

const privateInputs: PrivateKey[] = [
  privatePem,
  Buffer.from(privatePem),
  { key: privatePem, format: 'pem', type: 'pkcs8' },
  { key: privatePem, passphrase: 'not used' },
  { key: privateJwk, format: 'jwk' },
]
const publicInputs: PublicKey[] = [
  publicPem,
  publicKey,
  { key: publicPem, format: 'pem' },
  { key: publicJwk, format: 'jwk' },
]
const secrets: Secret[] = [
  secret,
  Buffer.from('another secret'),
  createSecretKey(Buffer.from('a key object')),
  { key: privatePem, passphrase: '' },
]
void [privateInputs, publicInputs, secrets, createPrivateKey(privatePem), createPublicKey(publicPem)]

// ─── Signing ───────────────────────────────────────────────────────────────────────────────────────────────────

interface SessionClaims extends JwtPayload {
  role: 'admin' | 'member'
  scopes: string[]
}

const everyOption: SignOptions = {
  algorithm: 'RS256',
  keyid: '2026-01',
  expiresIn: '2h',
  notBefore: 0,
  audience: ['orders-api', 'billing-api'],
  subject: 'user-1',
  issuer: 'https://auth.example',
  jwtid: 'a1b2c3',
  mutatePayload: false,
  noTimestamp: false,
  header: { alg: 'RS256', typ: 'JWT', kid: '2026-01', cty: 'JWT', jku: 'https://auth.example/jwks', x5t: 'thumb' },
  encoding: 'utf8',
  allowInsecureKeySizes: false,
  allowInvalidAsymmetricKeyTypes: false,
}
const claims: Omit<SessionClaims, 'iat' | 'exp'> = { role: 'member', scopes: ['orders:read'] }
const accessToken: string = jwt.sign(claims, privateKey, everyOption)
const hsToken = sign({ sub: 'user-1', role: 'admin' }, secret, { expiresIn: 900, algorithm: 'HS512' })
sign('a text payload', Buffer.from('secret'))
sign(Buffer.from('{"sub":"user-2"}'), secret, { expiresIn: '7d' })
sign({ data: 'x' }, { key: privatePem, passphrase: '' }, { algorithm: 'PS256', expiresIn: '1 day' })
sign({ data: 'x' }, { key: privateJwk, format: 'jwk' }, { algorithm: 'RS384' })
sign({ data: 'x' }, privatePem, { algorithm: 'RS512', header: { alg: 'RS512', x5c: ['MIIB...'], 'x5t#S256': 't' } })
const unsigned: string = sign({ sub: 'anonymous' }, null, { algorithm: 'none' })
const algorithm: Algorithm = process.env.JWT_ALG === 'HS384' ? 'HS384' : 'HS256'
const options: SignOptions = { algorithm, expiresIn: 60 * 60 }
options.expiresIn = '30m'
sign({ sub: 'user-3' }, secret, options)

sign({ sub: 'user-1' }, secret, (err: Error | null, token?: string) => {
  if (err) return console.error(err.message)
  const value: string | undefined = token
  console.log(value)
})
sign({ sub: 'user-1' }, secret, { expiresIn: '1h' }, (err: Error | null, encoded?: string) => void [err, encoded])
const onSigned: SignCallback = (err, encoded) => void [err?.stack, encoded?.length]
sign({}, privateKey, { algorithm: 'RS256' }, onSigned)
sign({}, null, { algorithm: 'none' }, onSigned)

function issue(payload: object, ttl: NonNullable<SignOptions['expiresIn']>): Promise<string> {
  return new Promise((resolve, reject) =>
    jwt.sign(payload, secret, { expiresIn: ttl }, (err, token) => (err || !token ? reject(err) : resolve(token))),
  )
}
void issue({ sub: 'user-4' }, '10m')

// ─── Verifying ─────────────────────────────────────────────────────────────────────────────────────────────────

const verifyOptions: VerifyOptions = {
  algorithms: ['RS256', 'ES256'],
  audience: 'orders-api',
  issuer: 'https://auth.example',
  subject: 'user-1',
  jwtid: 'a1b2c3',
  nonce: 'n-0S6_WzA2Mj',
  clockTolerance: 5,
  clockTimestamp: Math.floor(Date.now() / 1000),
  ignoreExpiration: false,
  ignoreNotBefore: false,
  maxAge: '1d',
  allowInvalidAsymmetricKeyTypes: false,
}

const payload = jwt.verify(hsToken, secret)
if (typeof payload === 'string') {
  console.log(payload.toUpperCase())
} else {
  const sub: string | undefined = payload.sub
  const exp: number | undefined = payload.exp
  const custom: string = payload.role
  console.log(sub, exp, custom)
}
const session = verify(accessToken, publicKey, { algorithms: ['RS256'], audience: /^orders-/ }) as SessionClaims
const scopes: string[] = session.scopes
if (session.role === 'admin') console.log(scopes)
const fromPem = verify(accessToken, publicPem, { audience: ['orders-api', /billing/], issuer: ['a', 'b'] })
void fromPem
const audiences: [string, ...string[]] = ['orders-api']
verify(accessToken, { key: publicJwk, format: 'jwk' }, { audience: audiences, complete: false })
verify(accessToken, createPublicKey(publicPem))
verify(hsToken, Buffer.from('secret'), { algorithms: ['HS256', 'HS384', 'HS512'] })

const complete: Jwt = jwt.verify(accessToken, publicKey, { complete: true, algorithms: ['RS256'] })
const kid: string | undefined = complete.header.kid
const headerAlg: string = complete.header.alg
const body: JwtPayload | string = complete.payload
const signature: string = complete.signature
void [kid, headerAlg, body, signature]

const dynamic: Jwt | JwtPayload | string = verify(accessToken, publicKey, verifyOptions)
if (typeof dynamic === 'object' && 'signature' in dynamic) console.log(dynamic.header.alg)

// Callback forms, with a key or with a key function.
jwt.verify(hsToken, secret, (err, decoded) => {
  if (err) {
    const name: string = err.name
    if (err instanceof TokenExpiredError) console.log(name, err.expiredAt.toISOString())
    return
  }
  if (decoded && typeof decoded !== 'string') console.log(decoded.sub)
})
verify(accessToken, publicKey, { complete: true }, (err, decoded) => {
  if (!err && decoded) console.log(decoded.header.kid, decoded.payload)
})
verify(accessToken, publicKey, { algorithms: ['RS256'] }, (err: VerifyErrors | null, decoded?: JwtPayload | string) =>
  console.log(err?.message, decoded),
)
const onVerified: VerifyCallback = (err, decoded) => void [err?.message, decoded]
verify(accessToken, publicKey, verifyOptions, onVerified)
const onPayload: VerifyCallback<JwtPayload | string> = (err, decoded) => void [err, decoded]
verify(accessToken, publicKey, onPayload)

const getKey: GetPublicKeyOrSecret = (header, callback) => {
  if (!header.kid) return callback(new Error('the token has no kid'))
  const key = keyring.get(header.kid)
  if (key === undefined) return callback(new Error(`unknown key ${header.kid}`))
  callback(null, key)
}
function getKeyFromJwksClient(header: JwtHeader, callback: SigningKeyCallback): void {
  // As jwks-rsa is used: the signing key as PEM text.
  setImmediate(() => callback(null, header.kid === '2026-01' ? publicPem : undefined))
}
verify(accessToken, getKey, { algorithms: ['RS256'] }, (err, decoded) => void [err, decoded])
verify(accessToken, getKeyFromJwksClient, { complete: true }, (err, decoded) => void decoded?.header)
verify(accessToken, getKeyFromJwksClient, (err, decoded) => void [err, decoded])

function verifySession(token: string): Promise<SessionClaims> {
  return new Promise((resolve, reject) => {
    jwt.verify(token, getKey, { algorithms: ['RS256'], issuer: 'https://auth.example' }, (err, decoded) => {
      if (err) return reject(err)
      resolve(decoded as SessionClaims)
    })
  })
}
void verifySession(accessToken)

// Promisified, as many applications do.
const verifyPromised = promisify(jwt.verify)
const signPromised = promisify(jwt.sign)
void [verifyPromised, signPromised]
type SignArguments = Parameters<typeof jwt.sign>
type VerifyResult = ReturnType<typeof jwt.verify>
const lastSignOverload: SignArguments[1] = null
void lastSignOverload
const lastVerifyOverload: VerifyResult = undefined
void lastVerifyOverload

// ─── Decoding ──────────────────────────────────────────────────────────────────────────────────────────────────

const decoded = jwt.decode(hsToken)
if (decoded !== null && typeof decoded === 'object') console.log(decoded.iat)
const asJson = decode(hsToken, { json: true })
const expiresAt: number | undefined = asJson?.exp
const whole = decode(accessToken, { complete: true })
if (whole) console.log(whole.header.alg, whole.header.typ, whole.signature)
const decodeOptions: DecodeOptions = { complete: false, json: false }
const loose: JwtPayload | string | null = decode(hsToken, decodeOptions)
const unsignedClaims = jsonwebtoken.decode(unsigned) as jsonwebtoken.JwtPayload | null
void [expiresAt, loose, unsignedClaims?.sub]

// ─── Errors ────────────────────────────────────────────────────────────────────────────────────────────────────

function reason(err: unknown): string {
  if (err instanceof TokenExpiredError) return `expired at ${err.expiredAt.getTime()}`
  if (err instanceof NotBeforeError) return `not before ${err.date.toISOString()}`
  if (err instanceof JsonWebTokenError) return `${err.name}: ${err.message} (${err.inner?.message})`
  return 'unknown'
}
try {
  verify(hsToken, 'the wrong secret')
} catch (err) {
  console.log(reason(err))
  if (err instanceof JsonWebTokenError && err.message === 'invalid signature') console.log(err.inner.message)
  if (err instanceof jwt.TokenExpiredError || err instanceof jsonwebtoken.NotBeforeError) console.log(err.message)
}
function describe(err: VerifyErrors): string {
  switch (err.name) {
    case 'TokenExpiredError':
      return 'expired'
    case 'NotBeforeError':
      return 'early'
    default:
      return err.message
  }
}
const errors: VerifyErrors[] = [
  new JsonWebTokenError('jwt malformed'),
  new JsonWebTokenError('error in secret or public key callback', new Error('down')),
  new TokenExpiredError('jwt expired', new Date()),
  new NotBeforeError('jwt not active', new Date()),
]
errors.map(describe)

class MissingScopeError extends JsonWebTokenError {
  constructor(readonly scope: string) {
    super(`missing scope ${scope}`)
    this.name = 'MissingScopeError'
  }
}
void new MissingScopeError('orders:write')

// ─── Express with express-jwt ──────────────────────────────────────────────────────────────────────────────────

// With requestProperty: 'user', applications type the property on Express's own request.
declare global {
  namespace Express {
    interface Request {
      user?: SessionClaims
    }
  }
}

const app = express()
app.use(express.json())
app.use(
  expressjwt({ secret, algorithms: ['HS256'] }).unless({
    path: ['/login', '/health', /^\/public\//, { url: '/docs', methods: ['GET', 'HEAD'] }],
    method: 'OPTIONS',
  }),
)

app.get('/protected', expressjwt({ secret: 'shhhhhhared-secret', algorithms: ['HS256'] }), (req: JWTRequest, res) => {
  if (!req.auth?.admin) return res.sendStatus(401)
  res.sendStatus(200)
})

app.get('/orders/:id', (req: JWTRequest<SessionClaims>, res: express.Response) => {
  const role: 'admin' | 'member' | undefined = req.auth?.role
  res.json({ id: req.params.id, role, page: req.query.page, ip: req.ip, host: req.get('host') })
})

function audit(req: express.Request, what: string): void {
  console.log(req.method, req.originalUrl, what)
}
function requireScope(scope: string): express.RequestHandler {
  return (req: JWTRequest<SessionClaims>, res, next) => {
    audit(req, scope)
    if (!req.auth?.scopes.includes(scope)) return next(new UnauthorizedError('invalid_token', { message: 'scope' }))
    next()
  }
}
app.delete('/orders/:id', requireScope('orders:write'), (req: JWTRequest, res) => {
  res.json({ deleted: req.params.id, by: req.auth?.sub })
})

// express-jwt's older request names.
app.get('/legacy', (req: express.Request, res: express.Response) => {
  const legacy = req as ExpressJwtRequest<{ sub: string }>
  res.send(legacy.auth.sub)
})
function displayName(req: ExpressJwtRequestUnrequired<{ name: string }>): string {
  return req.auth?.name ?? 'guest'
}
void displayName

// Keys per request, revocation, expired tokens and token lookup.
const getVerificationKey: GetVerificationKey = async (req, token) => {
  const kid = token?.header.kid
  if (kid === undefined) return undefined
  return keyring.get(kid) ?? (req.headers['x-tenant'] === 'dev' ? secret : undefined)
}
const fromHeaderOnly: GetVerificationKey = (req: express.Request, token: jwt.Jwt | undefined) =>
  token && req.hostname ? publicPem : undefined
const legacyCallback: SecretCallback = getVerificationKey
const legacyLong: SecretCallbackLong = fromHeaderOnly
const revoked = new Set<string>()
const isRevoked: IsRevoked = async (req, token) => {
  const jti = typeof token?.payload === 'object' ? token.payload.jti : undefined
  return jti !== undefined && revoked.has(jti)
}
async function isRevokedByDate(req: express.Request, token: jsonwebtoken.Jwt | undefined): Promise<boolean> {
  return req.path === '/logout' || token === undefined
}
const onExpired: ExpirationHandler = async (req, err) => {
  if (req.path === '/refresh' && err.inner instanceof TokenExpiredError) return
  throw err
}
const getToken: TokenGetter = (req) => {
  if (req.headers.authorization?.split(' ')[0] === 'Bearer') return req.headers.authorization.split(' ')[1]
  if (typeof req.query.token === 'string') return req.query.token
  return undefined
}
const params: Params = {
  secret: getVerificationKey,
  algorithms: ['RS256', 'HS256'],
  getToken,
  isRevoked,
  onExpired,
  credentialsRequired: false,
  requestProperty: 'user',
  audience: 'orders-api',
  issuer: 'https://auth.example',
  clockTolerance: 30,
  maxAge: '1d',
  ignoreExpiration: false,
}
const middleware = expressjwt(params)
app.use('/api', middleware)
expressjwt({ ...params, secret: legacyCallback, isRevoked: isRevokedByDate })
expressjwt({ secret: legacyLong, algorithms: ['RS256'], getToken: async (req) => req.cookies?.token })
expressjwt({ secret: publicKey, algorithms: ['RS256'], credentialsRequired: true, requestProperty: 'auth' })
expressjwt({ secret: Buffer.from('secret'), algorithms: ['HS256'] }).unless({ custom: (req) => req.method === 'GET' })

const handler: express.RequestHandler = expressjwt({ secret, algorithms: ['HS256'] })
let lazy: ReturnType<typeof expressjwt> | undefined
lazy = expressjwt({ secret, algorithms: ['HS256'] })
app.use((req, res, next) => (lazy ? lazy(req, res, next) : next()))
app.get('/profile', middleware, (req, res) => {
  res.json({ role: req.user?.role })
})
const router = express.Router()
router.use(handler)
app.use(router)

async function callDirectly(req: express.Request, res: express.Response): Promise<void> {
  await middleware(req, res, (err?: unknown) => void err)
  // express-jwt's middleware is an async function: its result is always a promise.
  const settled: Promise<void> = middleware(req, res, () => {})
  await settled.then(() => res.locals)
}
void callDirectly
// As express-jwt's own tests call it: `err` takes the type of Express's `NextFunction` argument.
function callWithCallback(req: express.Request, res: express.Response): void {
  void expressjwt({ secret, algorithms: ['HS256'] })(req, res, function (err) {
    if (err) console.log(err.code, err.message, err.inner?.name)
  })
}
void callWithCallback

app.use((err: Error, req: express.Request, res: express.Response, next: express.NextFunction) => {
  if (err instanceof UnauthorizedError) {
    const status: number = err.status
    const code: string = err.code
    const inner: Error | { message: string } = err.inner
    res.status(status).json({ code, message: err.message, inner: inner.message })
    return
  }
  if (err.name === 'UnauthorizedError') {
    res.status(401).send('invalid token')
    return
  }
  next(err)
})
const cause = { message: 'No authorization token was found' }
void [new UnauthorizedError('credentials_required', cause), new UnauthorizedError('revoked_token', new Error('x'))]
app.listen(0, '127.0.0.1')

// ─── What must not compile, with either package ────────────────────────────────────────────────────────────────

// @ts-expect-error: not an algorithm
sign({}, secret, { algorithm: 'HS257' })
// @ts-expect-error: expiresIn is seconds or a timespan
sign({}, secret, { expiresIn: true })
// @ts-expect-error: a null key signs only with algorithm "none"
sign({}, null, { algorithm: 'HS256' })
// @ts-expect-error: the payload is an object, a string or a Buffer
sign(42, secret)
// @ts-expect-error: a token is a string
verify(42, secret)
// @ts-expect-error: complete: true gives { header, payload, signature }
const notAString: string = verify(hsToken, secret, { complete: true })
// @ts-expect-error: a key function needs the callback form, which returns nothing
const notSync: JwtPayload | string = verify(hsToken, getKey)
// @ts-expect-error: json: true never gives a string
const notText: string = decode(hsToken, { json: true })
// @ts-expect-error: a header needs alg
const noAlg: JwtHeader = { typ: 'JWT' }
// @ts-expect-error: algorithms is required
expressjwt({ secret })
// @ts-expect-error: secret is required
expressjwt({ algorithms: ['HS256'] })
// @ts-expect-error: credentialsRequired is a boolean
expressjwt({ secret, algorithms: ['HS256'], credentialsRequired: 'yes' })
// @ts-expect-error: not one of express-jwt's codes
new UnauthorizedError('forbidden', { message: 'no' })
// @ts-expect-error: the cause needs a message
new UnauthorizedError('invalid_token', {})
app.get('/me', (req: JWTRequest, res) => {
  // @ts-expect-error: auth is undefined when credentialsRequired is false
  res.send(req.auth.sub)
})
void [notAString, notSync, notText, noAlg]
