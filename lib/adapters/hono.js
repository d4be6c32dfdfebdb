'use strict'
// What happens to a request in Hono: hono/jwt's `jwt` and `jwk` middleware. The token is taken from the header
// (`Bearer <token>`) or a cookie, checked by ringjwt (lib/adapters/hono-jwt.js), and its payload set as
// `jwtPayload`; a refusal is Hono's HTTPException with hono's 401 answer (`WWW-Authenticate: Bearer realm=...`).
// Hono's own pieces (HTTPException, the cookie helpers) come from the hono package the app runs on, through
// `loadHono`, so that `instanceof HTTPException` holds in the app's error handler, in CommonJS and in ESM.

const { verify, verifyWithJwks } = require('./hono-jwt')
const { COMPLETE, failureOf } = require('./core')
const { createDpopAuth, dpopRequest } = require('../dpop-auth')
const { optionError } = require('../errors')

// hono's challenge: the realm (by default the request URL) and the description quoted, `\` and `"` escaped. With
// the `dpop` option, the RFC 9449 §7.1 challenge instead (`error` none when the request had no credentials), and
// the DPoP-Nonce when server nonces are on.
function unauthorizedResponse({ ctx, error, errDescription, realm, statusText, dpop }) {
  const escape = (text) => text.replace(/[\\"]/g, '\\$&')
  const headers =
    dpop == null
      ? {
          'WWW-Authenticate': `Bearer realm="${escape(realm ?? ctx.req.url)}",error="${error}",error_description="${escape(errDescription)}"`,
        }
      : dpop.challenge({ message: errDescription }, error ?? undefined)
  return new Response('Unauthorized', { status: 401, statusText, headers })
}

// A refusal before the token is checked. With DPoP, a request without credentials gets a challenge without an
// error code (RFC 6750 §3.1).
function refusal(hono, ctx, options, description, dpop, error = 'invalid_request') {
  const res = unauthorizedResponse({ ctx, error, errDescription: description, realm: options.realm, dpop })
  return new hono.HTTPException(401, { message: description, res })
}

// hono's 401 for a token that is refused: `invalid_token`, with `description` and the reason as `cause`.
function invalidToken(hono, ctx, options, dpop, description, cause) {
  const res = unauthorizedResponse({
    ctx,
    error: 'invalid_token',
    statusText: 'Unauthorized',
    errDescription: description,
    realm: options.realm,
    dpop,
  })
  return new hono.HTTPException(401, { message: 'Unauthorized', res, cause })
}

// ringjwt's `isRevoked(c, { header, payload, signature })`, asked once the token (and its DPoP proof) passed, as
// Express's and Fastify's are. A truthy answer is a 401 ("token revoked"). An error it throws with a status is an
// HTTPException of that status, the error as its `cause`: the session store's refusals (401, their message in the
// challenge) and a store that cannot answer (503). Any other error goes to the app's error handler as it is.
async function askRevoked(hono, ctx, options, dpop, verified) {
  let revoked
  try {
    revoked = await options.isRevoked(ctx, verified)
  } catch (thrown) {
    const err = failureOf(thrown)
    if (statusOf(err) === 401) throw invalidToken(hono, ctx, options, dpop, String(err.message), err)
    throw withStatus(hono, err, 400)
  }
  if (revoked) throw invalidToken(hono, ctx, options, dpop, 'token revoked')
}

const statusOf = (err) => err?.status ?? err?.statusCode

// An error with a status from `lowest` to 599 as an HTTPException of that status, with the error as its `cause`
// and its `headers` (a `Retry-After`) on the response; any other error as it is.
function withStatus(hono, err, lowest) {
  const status = statusOf(err)
  if (!Number.isInteger(status) || status < lowest || status > 599) return err
  const message = String(err.message)
  const res = err.headers === undefined ? undefined : new Response(message, { status, headers: err.headers })
  return new hono.HTTPException(status, { message, res, cause: err })
}

// A refusal of the DPoP step (lib/dpop-auth.js), made a 401 HTTPException by the middleware.
class DpopRefusal extends Error {
  constructor(code, inner) {
    super(inner.message)
    this.code = code
    this.inner = inner
  }
}

// The DPoP step for a verified token: the proof is checked against the request (its method, c.req.url, the
// Authorization credentials as read) and the token's `cnf.jkt`. A refusal is a 401 with the challenge and the
// error as `cause`. A replay cache that cannot take the proof (a full in-memory one, with `Retry-After`; a Redis
// one that cannot answer) is an HTTPException of the error's status, 503, with the error as `cause`, as
// `isRevoked`'s errors are. Any other error goes on as it is.
async function checkProof(hono, ctx, dpop, authorization, payload) {
  try {
    return await dpop.check(
      dpopRequest(ctx.req.method, ctx.req.url, authorization, ctx.req.raw.headers.get('DPoP') ?? undefined),
      payload,
    )
  } catch (err) {
    if (!(err instanceof DpopRefusal)) throw withStatus(hono, err, 500)
    const res = new Response('Unauthorized', { status: 401, statusText: 'Unauthorized', headers: err.headers })
    throw new hono.HTTPException(401, { message: err.message, res, cause: err.inner })
  }
}

// The token from the header named `headerName` (a `Bearer` credential), else from the cookie, when one is named.
// `undefined` when there is none; a header of another shape is refused.
// With `dpop`, the DPoP scheme is taken too (and Bearer only in "allowed" mode); `found.authorization` gets the
// credentials as read.
async function tokenOf(hono, ctx, options, dpop, found) {
  const credentials = ctx.req.raw.headers.get(options.headerName || 'Authorization')
  if (credentials) {
    const parts = credentials.split(/\s+/)
    const scheme = parts[0].toLowerCase()
    if (parts.length !== 2 || !(dpop == null ? scheme === 'bearer' : dpop.accepts(scheme))) {
      throw refusal(hono, ctx, options, 'invalid credentials structure', dpop)
    }
    found.authorization = `${parts[0]} ${parts[1]}`
    return parts[1]
  }
  const { cookie } = options
  if (!cookie) return undefined
  if (typeof cookie === 'string') return hono.getCookie(ctx, cookie)
  if (cookie.secret) {
    return cookie.prefixOptions
      ? hono.getSignedCookie(ctx, cookie.secret, cookie.key, cookie.prefixOptions)
      : hono.getSignedCookie(ctx, cookie.secret, cookie.key)
  }
  return cookie.prefixOptions ? hono.getCookie(ctx, cookie.key, cookie.prefixOptions) : hono.getCookie(ctx, cookie.key)
}

// The middleware both share: `check(token, ctx)` resolves to the verified `{ header, payload, signature }` or
// rejects with the reason, which goes on the 401 as its `cause`. `passThrough(err)` says which reasons are not the
// token's fault (the jwk middleware's JWK Set that cannot be fetched) and go to the app's error handler as they are.
// `dpop`: the DPoP step (lib/dpop-auth.js) when the `dpop` option is on, else null.
function authMiddleware(loadHono, options, check, { name, allowAnon = false, passThrough = () => false, dpop = null }) {
  if (options.isRevoked !== undefined && typeof options.isRevoked !== 'function') {
    throw optionError('"isRevoked" must be a function')
  }
  const hono = loadHono()
  const middleware = async (ctx, next) => {
    const found = {}
    const token = await tokenOf(hono, ctx, options, dpop, found)
    if (!token) {
      if (allowAnon) return next()
      const error = dpop === null ? 'invalid_request' : null
      throw refusal(hono, ctx, options, 'no authorization included in request', dpop, error)
    }
    let verified
    let cause
    try {
      verified = await check(token, ctx)
    } catch (err) {
      cause = err
    }
    const payload = verified?.payload
    if (!payload) {
      if (passThrough(cause)) throw cause
      throw invalidToken(hono, ctx, options, dpop, 'token verification failure', cause)
    }
    if (dpop !== null) {
      const proof = await checkProof(hono, ctx, dpop, found.authorization, payload)
      if (proof !== null) ctx.set('dpop', proof)
      const headers = dpop.responseHeaders()
      if (headers !== null) for (const [header, value] of Object.entries(headers)) ctx.header(header, value)
    }
    if (options.isRevoked !== undefined) await askRevoked(hono, ctx, options, dpop, verified)
    ctx.set('jwtPayload', payload)
    await next()
  }
  Object.defineProperty(middleware, 'name', { value: name })
  return middleware
}

// What the middleware says when the app has no hono to give it.
function honoMissing(cause) {
  return new Error('ringjwt/hono: the jwt and jwk middleware need the "hono" package', { cause })
}

// `loadHono()` returns `{ HTTPException, getCookie, getSignedCookie }` from the app's hono; it is called when a
// middleware is made, so the token functions work without hono installed.
function honoMiddleware(loadHono) {
  // The DPoP step of either middleware (`dpop` option), or null.
  function dpopOf(options) {
    const dpop = createDpopAuth(options.dpop, (code, inner) => new DpopRefusal(code, inner))
    if (
      dpop !== null &&
      (options.cookie || (options.headerName && options.headerName.toLowerCase() !== 'authorization'))
    ) {
      throw new Error('"dpop" reads the Authorization header: no "cookie" or "headerName"')
    }
    return dpop
  }

  function jwt(options) {
    if (!options || !options.secret) throw new Error('JWT auth middleware requires options for "secret"')
    if (!options.alg) throw new Error('JWT auth middleware requires options for "alg"')
    const verification = { alg: options.alg, ...options.verification }
    const dpop = dpopOf(options)
    const check = (token) => verify(token, options.secret, verification, COMPLETE)
    return authMiddleware(loadHono, options, check, { name: 'jwt', dpop })
  }

  function jwk(options, init) {
    if (!options || !(options.keys || options.jwks_uri)) {
      throw new Error('JWK auth middleware requires options for either "keys" or "jwks_uri" or both')
    }
    const dpop = dpopOf(options)
    const check = async (token, ctx) => {
      const keys = typeof options.keys === 'function' ? await options.keys(ctx) : options.keys
      const uri = typeof options.jwks_uri === 'function' ? await options.jwks_uri(ctx) : options.jwks_uri
      const settings = { keys, jwks_uri: uri, verification: options.verification || {}, allowedAlgorithms: options.alg }
      return verifyWithJwks(token, settings, init, COMPLETE)
    }
    // hono lets plain Errors through (a JWK Set it cannot fetch or read, a key function that throws one).
    const passThrough = (err) => err instanceof Error && err.constructor === Error
    return authMiddleware(loadHono, options, check, { name: 'jwk', allowAnon: options.allow_anon, passThrough, dpop })
  }

  return { jwt, jwk }
}

module.exports = { honoMiddleware, honoMissing }
