'use strict'
// What happens to a request in Hono: hono/jwt's `jwt` and `jwk` middleware. The token is taken from the header
// (`Bearer <token>`) or a cookie, checked by ringjwt (lib/adapters/hono-jwt.js), and its payload set as
// `jwtPayload`; a refusal is Hono's HTTPException with hono's 401 answer (`WWW-Authenticate: Bearer realm=...`).
// Hono's own pieces (HTTPException, the cookie helpers) come from the hono package the app runs on, through
// `loadHono`, so that `instanceof HTTPException` holds in the app's error handler, in CommonJS and in ESM.

const { verify, verifyWithJwks } = require('./hono-jwt')

// hono's challenge: the realm (by default the request URL) and the description quoted, `\` and `"` escaped.
function unauthorizedResponse({ ctx, error, errDescription, realm, statusText }) {
  const escape = (text) => text.replace(/[\\"]/g, '\\$&')
  return new Response('Unauthorized', {
    status: 401,
    statusText,
    headers: {
      'WWW-Authenticate': `Bearer realm="${escape(realm ?? ctx.req.url)}",error="${error}",error_description="${escape(errDescription)}"`,
    },
  })
}

function refusal(hono, ctx, options, description) {
  return new hono.HTTPException(401, {
    message: description,
    res: unauthorizedResponse({ ctx, error: 'invalid_request', errDescription: description, realm: options.realm }),
  })
}

// The token from the header named `headerName` (a `Bearer` credential), else from the cookie, when one is named.
// `undefined` when there is none; a header of another shape is refused.
async function tokenOf(hono, ctx, options) {
  const credentials = ctx.req.raw.headers.get(options.headerName || 'Authorization')
  if (credentials) {
    const parts = credentials.split(/\s+/)
    if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer') {
      throw refusal(hono, ctx, options, 'invalid credentials structure')
    }
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

// The middleware both share: `check(token, ctx)` resolves to the payload or rejects with the reason, which goes
// on the 401 as its `cause`. `passThrough(err)` says which reasons are not the token's fault (the jwk middleware's
// JWK Set that cannot be fetched) and go to the app's error handler as they are.
function authMiddleware(loadHono, options, check, { name, allowAnon = false, passThrough = () => false }) {
  const hono = loadHono()
  const middleware = async (ctx, next) => {
    const token = await tokenOf(hono, ctx, options)
    if (!token) {
      if (allowAnon) return next()
      throw refusal(hono, ctx, options, 'no authorization included in request')
    }
    let payload
    let cause
    try {
      payload = await check(token, ctx)
    } catch (err) {
      cause = err
    }
    if (!payload) {
      if (passThrough(cause)) throw cause
      throw new hono.HTTPException(401, {
        message: 'Unauthorized',
        res: unauthorizedResponse({
          ctx,
          error: 'invalid_token',
          statusText: 'Unauthorized',
          errDescription: 'token verification failure',
          realm: options.realm,
        }),
        cause,
      })
    }
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
  function jwt(options) {
    if (!options || !options.secret) throw new Error('JWT auth middleware requires options for "secret"')
    if (!options.alg) throw new Error('JWT auth middleware requires options for "alg"')
    const verification = { alg: options.alg, ...options.verification }
    return authMiddleware(loadHono, options, (token) => verify(token, options.secret, verification), { name: 'jwt' })
  }

  function jwk(options, init) {
    if (!options || !(options.keys || options.jwks_uri)) {
      throw new Error('JWK auth middleware requires options for either "keys" or "jwks_uri" or both')
    }
    const check = async (token, ctx) => {
      const keys = typeof options.keys === 'function' ? await options.keys(ctx) : options.keys
      const uri = typeof options.jwks_uri === 'function' ? await options.jwks_uri(ctx) : options.jwks_uri
      const settings = { keys, jwks_uri: uri, verification: options.verification || {}, allowedAlgorithms: options.alg }
      return verifyWithJwks(token, settings, init)
    }
    // hono lets plain Errors through (a JWK Set it cannot fetch or read, a key function that throws one).
    const passThrough = (err) => err instanceof Error && err.constructor === Error
    return authMiddleware(loadHono, options, check, { name: 'jwk', allowAnon: options.allow_anon, passThrough })
  }

  return { jwt, jwk }
}

module.exports = { honoMiddleware, honoMissing }
