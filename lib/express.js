'use strict'
// expressjwt(): express-jwt 8's middleware (its options, token lookup, error codes and messages) on ringjwt's
// compiled verifiers. Options are checked and keys parsed when the middleware is made; a request only looks up
// its token and runs the checks. Requests that need nothing asynchronous are handled without making a promise.

const { unless } = require('express-unless')
const { createVerifier, VERIFIER_OPTIONS } = require('./compiled')
const { decode } = require('./decode')
const { TokenExpiredError, optionError } = require('./errors')
const core = require('./adapters/core')
const { isThenable, after, keyedVerifiers } = core
const { createDecrypter, createInnerTokenDecrypter, isNestedToken, CLAIM_OPTIONS } = require('./decrypt')
const { createDpopAuth, dpopRequest, requestUrl } = require('./dpop-auth')

// express-jwt's error, with its constructor: `code` says which step failed, `inner` is the cause (the verify
// error for `invalid_token`, a `{ message }` object otherwise).
class UnauthorizedError extends Error {
  constructor(code, error) {
    // express-jwt's `error.message`, read without failing on an error that is not one.
    super(typeof error?.message === 'string' ? error.message : undefined)
    this.code = code
    this.status = 401
    this.name = 'UnauthorizedError'
    this.inner = error
  }
}

// The options express-jwt hands on to jsonwebtoken's verify() (and ringjwt's verified-token cache): those of
// createVerifier but its key and result shape; the rest are the middleware's own.
const VERIFY_OPTIONS = [...VERIFIER_OPTIONS].filter((name) => name !== 'key' && name !== 'complete')

const BAD_FORMAT = 'Format is Authorization: Bearer [token]'
// Returned by the header lookup when a non-Bearer scheme is let through (`credentialsRequired: false`).
const PASS = Symbol('pass')

// A token error from a key function (a JWK Set with no key for the token's `kid`, say) is the token's fault: a
// 401 like any other invalid token. Other errors (a key store that is down) go to the app unchanged.
function fromKeyFunction(err) {
  return core.isTokenFault(err) ? new UnauthorizedError('invalid_token', err) : err
}

function optionalFunction(options, name) {
  const value = options[name]
  if (value !== undefined && value !== null && typeof value !== 'function') {
    throw optionError(`"${name}" must be a function`)
  }
  return value ?? undefined
}

function pickVerifyOptions(options) {
  const picked = {}
  for (const name of VERIFY_OPTIONS) {
    if (options[name] !== undefined) picked[name] = options[name]
  }
  return picked
}

// `requestProperty` as a setter. Dotted and bracketed paths create the objects (or arrays, before a numeric
// segment) they go through, as express-jwt does.
function propertySetter(requestProperty) {
  if (requestProperty === undefined || requestProperty === null) requestProperty = 'auth'
  if (typeof requestProperty !== 'string') throw optionError('"requestProperty" must be a string')
  const path = requestProperty.match(/[^.[\]]+/g)
  if (path === null) throw optionError('"requestProperty" must name a property')
  // A path through `__proto__`, `constructor` or `prototype` would write the payload onto a prototype every object
  // shares (express-jwt writes it there).
  if (path.some((name) => name === '__proto__' || name === 'constructor' || name === 'prototype')) {
    throw optionError('"requestProperty" must not go through "__proto__", "constructor" or "prototype"')
  }
  const last = path[path.length - 1]
  if (path.length === 1) {
    return (req, value) => {
      req[last] = value
    }
  }
  return (req, value) => {
    let target = req
    for (let i = 0; i < path.length - 1; i++) {
      const current = target[path[i]]
      if (Object(current) === current) {
        target = current
      } else {
        target = target[path[i]] = /^\d+$/.test(path[i + 1]) ? [] : {}
      }
    }
    target[last] = value
  }
}

function isAuthorizationPreflight(req) {
  if (req.method !== 'OPTIONS' || !('access-control-request-headers' in req.headers)) return false
  return req.headers['access-control-request-headers']
    .split(',')
    .some((name) => name.trim().toLowerCase() === 'authorization')
}

// The claim options of verify() that a decrypter applies to the claims inside an encrypted token.
const DECRYPT_CLAIM_OPTIONS = [...CLAIM_OPTIONS, 'clockTimestamp']
const DECRYPT_OPTIONS = ['key', 'algorithms', 'encryptions', 'maxPbes2Count', 'maxInflatedSize', 'requireSigned']

// `decrypt: { key, algorithms, encryptions, maxPbes2Count, maxInflatedSize, requireSigned }`: encrypted tokens
// (five segments) are decrypted with `key` under these allow-lists. A nested token's signed JWT is then verified
// with `secret` and `algorithms` like any other token (with a key function as `secret`, the function picks the key
// from the signed token); a token that is only encrypted is accepted only with `requireSigned: false` (anyone
// holding a public encryption key can make one). Everything else is unchanged.
function jweHandler(options, isRevoked) {
  const settings = options.decrypt
  if (settings === undefined || settings === null) return null
  if (typeof settings !== 'object' || Array.isArray(settings)) {
    throw optionError('"decrypt" must be an object: { key, algorithms, encryptions }')
  }
  for (const name of Object.keys(settings)) {
    if (!DECRYPT_OPTIONS.includes(name)) throw optionError(`"${name}" is not allowed in "decrypt"`)
  }
  if (!Array.isArray(settings.algorithms)) throw optionError('"decrypt.algorithms" must be an array')
  if (settings.requireSigned !== undefined && typeof settings.requireSigned !== 'boolean') {
    throw optionError('"decrypt.requireSigned" must be a boolean')
  }
  const { requireSigned = true, ...decryptOptions } = settings
  const claims = {}
  for (const name of DECRYPT_CLAIM_OPTIONS) if (options[name] !== undefined) claims[name] = options[name]
  const plainDecrypter = (extra) =>
    requireSigned ? null : createDecrypter({ ...decryptOptions, ...claims, ...extra, complete: true })
  // Tokens that are only encrypted, when allowed: the protected header (`cty`) says which decrypter opens the
  // token, so that it is decrypted once.
  const withPlain = (decryptNested, plain) =>
    plain === null
      ? decryptNested
      : (token) => (isNestedToken(token) ? decryptNested(token) : { plain: plain.decrypt(token) })

  if (typeof options.secret === 'function') {
    const inner = createInnerTokenDecrypter(decryptOptions)
    return { open: withPlain((token) => ({ signed: inner.decrypt(token) }), plainDecrypter({})) }
  }
  const verify = { key: options.secret, algorithms: options.algorithms }
  if (options.allowInsecureKeySizes !== undefined) verify.allowInsecureKeySizes = options.allowInsecureKeySizes
  const make = (extra) => {
    const nested = createDecrypter({ ...decryptOptions, ...claims, ...extra, verify, complete: true })
    const open = withPlain((token) => nested.decrypt(token), plainDecrypter(extra))
    return (token) => {
      const result = open(token)
      return result.plain ?? result
    }
  }
  const decrypt = make({})
  let ignoringExpiry = null
  return {
    // A verifier-shaped object: the claims, or the whole token for isRevoked.
    verify(token) {
      const result = decrypt(token)
      return isRevoked ? result : result.payload
    },
    // For onExpired: the token as decrypt() reads it once expiry is not checked.
    readExpired(token) {
      ignoringExpiry ??= make({ ignoreExpiration: true })
      return ignoringExpiry(token)
    },
  }
}

// express-jwt's RangeError and message, with the code every bad option has.
function requiredOption(message) {
  const err = new RangeError(message)
  err.code = 'ERR_JWT_INVALID_OPTION'
  return err
}

// The host the client asked for: Express 5's `req.host` (with the port, and X-Forwarded-Host when `trust proxy`
// trusts the peer), which Express 4 lacks; the Host header on a plain node:http server.
function requestHost(req) {
  const trust = typeof req.app?.get === 'function' ? req.app.get('trust proxy fn') : undefined
  const forwarded = req.headers['x-forwarded-host']
  if (typeof forwarded !== 'string' || typeof trust !== 'function' || !trust(req.socket?.remoteAddress, 0)) {
    return req.headers.host
  }
  const comma = forwarded.indexOf(',')
  return comma === -1 ? forwarded : forwarded.slice(0, comma).trimEnd()
}

// What the DPoP step needs of a request. Behind a proxy, the URL follows Express's `trust proxy` setting.
function expressDpopRequest(req) {
  const protocol = req.protocol ?? (req.socket?.encrypted ? 'https' : 'http')
  const url = requestUrl(protocol, requestHost(req), req.originalUrl ?? req.url)
  return dpopRequest(req.method, url, req.headers.authorization, req.headers.dpop)
}

// What the middleware returns when it handled the request synchronously (after calling `next`).
const SETTLED = Promise.resolve()

// Calls next(err) on the next turn, as express-jwt does, in a promise that resolves once it has run (an error
// next() throws is still thrown there, outside any promise, as before).
function nextLater(next, err) {
  return new Promise((resolve) => {
    setImmediate(() => {
      try {
        if (err === undefined) next()
        else next(err)
      } finally {
        resolve()
      }
    })
  })
}

// express-unless's `unless`, whose middleware returns the promise of the middleware it guards: express-unless calls
// it without returning that promise, so the promise of `mw.unless(...)(req, res, next)` too settles once `next` has
// run (or at once, when the request is skipped and `next` has been called).
function unlessReturning(options) {
  const middleware = this
  const started = new WeakMap()
  const guarded = unless.call((req, res, next) => {
    started.set(req, middleware(req, res, next))
  }, options)
  async function result(req, res, next) {
    await guarded(req, res, next)
    const pending = started.get(req)
    started.delete(req)
    await pending
  }
  result.unless = unlessReturning
  return result
}

const isEncrypted = (token) => typeof token === 'string' && token.split('.', 6).length === 5

function expressjwt(options) {
  if (!options?.secret) throw requiredOption('express-jwt: `secret` is a required option')
  if (!options.algorithms) throw requiredOption('express-jwt: `algorithms` is a required option')
  if (!Array.isArray(options.algorithms)) throw requiredOption('express-jwt: `algorithms` must be an array')

  const { secret, credentialsRequired = true } = options
  if (typeof credentialsRequired !== 'boolean') throw optionError('"credentialsRequired" must be a boolean')
  const getToken = optionalFunction(options, 'getToken')
  const isRevoked = optionalFunction(options, 'isRevoked')
  const onExpired = optionalFunction(options, 'onExpired')
  const dpop = createDpopAuth(options.dpop, (code, inner) => new UnauthorizedError(code, inner))
  if (dpop !== null && getToken !== undefined) throw optionError('"dpop" reads the Authorization header: no "getToken"')
  const assign = propertySetter(options.requestProperty)
  // With DPoP, the verified claims are set only once the proof passes too; `req.dpop` gets the proof and its key.
  const setAuth =
    dpop === null
      ? assign
      : (req, payload) =>
          after(dpop.check(expressDpopRequest(req), payload), (proof) => {
            if (proof !== null) req.dpop = proof
            assign(req, payload)
          })
  const verifyOptions = pickVerifyOptions(options)

  // A static key is compiled now; for a key function the options are checked now and each key it returns is
  // compiled on first use. isRevoked needs the whole token, the rest only the payload.
  const keyFunction = typeof secret === 'function' ? secret : null
  const staticVerifier =
    keyFunction === null ? createVerifier({ ...verifyOptions, key: secret, complete: !!isRevoked }) : null
  const verifierFor = keyFunction === null ? null : keyedVerifiers(verifyOptions)
  if (keyFunction !== null) createVerifier(verifyOptions)
  const jwe = jweHandler(options, !!isRevoked)

  function tokenFromHeader(req) {
    const value = core.authorizationOf(req.headers)
    if (value === undefined) return undefined
    // Exactly one space, as express-jwt's `split(' ').length == 2`.
    const credentials = core.schemeAndToken(value)
    if (credentials === null) throw new UnauthorizedError('credentials_bad_format', { message: BAD_FORMAT })
    const scheme = credentials[0].toLowerCase()
    if (dpop !== null) {
      if (dpop.accepts(scheme)) return credentials[1]
    } else if (scheme === 'bearer') return credentials[1]
    if (credentialsRequired) throw new UnauthorizedError('credentials_bad_scheme', { message: BAD_FORMAT })
    return PASS
  }

  function accept(req, payload, jwt) {
    if (isRevoked === undefined) return setAuth(req, payload)
    const revoked = () => new UnauthorizedError('revoked_token', { message: 'The token has been revoked.' })
    return core.checkRevoked(isRevoked, req, jwt, revoked, () => setAuth(req, payload))
  }

  // `decoded` is the token as decode() read it when the key function needed it first.
  function check(req, token, verifier, decoded) {
    let result
    try {
      result = verifier.verify(token)
    } catch (err) {
      const error = new UnauthorizedError('invalid_token', err)
      if (onExpired === undefined || !(err instanceof TokenExpiredError)) throw error
      // A handler that returns lets the expired token through, as express-jwt does.
      return after(onExpired(req, error), () => {
        const jwt = decoded ?? decode(token, { complete: true })
        return accept(req, jwt.payload, jwt)
      })
    }
    if (decoded !== undefined) return accept(req, decoded.payload, decoded)
    return isRevoked === undefined ? setAuth(req, result) : accept(req, result.payload, result)
  }

  function withToken(req, token) {
    if (token === PASS) return undefined
    if (!token) {
      if (credentialsRequired) {
        throw new UnauthorizedError('credentials_required', { message: 'No authorization token was found' })
      }
      return undefined
    }
    if (jwe !== null && isEncrypted(token)) {
      if (staticVerifier !== null) return checkEncrypted(req, token)
      let opened
      try {
        opened = jwe.open(token)
      } catch (err) {
        throw new UnauthorizedError('invalid_token', err)
      }
      if (opened.plain !== undefined) {
        return isRevoked === undefined
          ? setAuth(req, opened.plain.payload)
          : accept(req, opened.plain.payload, opened.plain)
      }
      // The signed token inside goes through the key function and the checks below like any other.
      token = opened.signed
    }
    if (staticVerifier !== null) return check(req, token, staticVerifier, undefined)
    let decoded
    try {
      decoded = decode(token, { complete: true }) ?? undefined
    } catch (err) {
      throw new UnauthorizedError('invalid_token', err)
    }
    let key
    try {
      key = keyFunction(req, decoded)
    } catch (err) {
      throw fromKeyFunction(err)
    }
    if (isThenable(key)) key = Promise.resolve(key).catch((err) => Promise.reject(fromKeyFunction(err)))
    return after(key, (resolved) => check(req, token, verifierFor(resolved), decoded))
  }

  function checkEncrypted(req, token) {
    let result
    try {
      result = jwe.verify(token)
    } catch (err) {
      const error = new UnauthorizedError('invalid_token', err)
      if (onExpired === undefined || !(err instanceof TokenExpiredError)) throw error
      return after(onExpired(req, error), () => {
        const jwt = jwe.readExpired(token)
        return accept(req, jwt.payload, jwt)
      })
    }
    return isRevoked === undefined ? setAuth(req, result) : accept(req, result.payload, result)
  }

  // undefined when the request was handled synchronously, else a promise.
  function authenticate(req) {
    // Express always passes a request; a call made by hand with anything else gets a TypeError through next().
    if (req === null || typeof req !== 'object') throw optionError('the middleware takes a request object')
    if (isAuthorizationPreflight(req)) return undefined
    if (getToken !== undefined) return after(getToken(req), (token) => withToken(req, token))
    return withToken(req, tokenFromHeader(req))
  }

  // Always a promise, as express-jwt's async middleware returns, and one that settles once `next` has run. A request
  // handled synchronously gets the one promise already resolved, so that path makes none; Express 5 attaches a
  // rejection handler to what a middleware returns, which on that promise never runs.
  function middleware(req, res, next) {
    let pending
    try {
      pending = authenticate(req)
    } catch (err) {
      next(withChallenge(core.failureOf(err)))
      return SETTLED
    }
    if (dpop !== null) {
      pending = pending?.catch((err) => Promise.reject(withChallenge(err)))
      const headers = dpop.responseHeaders()
      if (headers !== null && typeof res?.setHeader === 'function') {
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
      }
    }
    if (pending === undefined) {
      next()
      return SETTLED
    }
    // next() runs outside the promise chain, so an error it throws is not taken for an authentication failure; the
    // promise returned settles once it has run.
    return pending.then(
      () => nextLater(next, undefined),
      (err) => nextLater(next, core.failureOf(err)),
    )
  }

  // With DPoP, every 401 carries the RFC 9449 challenge (`err.headers`, which Express's error handler sends).
  function withChallenge(err) {
    if (dpop !== null && err instanceof UnauthorizedError && err.headers === undefined)
      err.headers = dpop.challenge(err)
    return err
  }

  middleware.unless = unlessReturning
  return middleware
}

module.exports = { expressjwt, UnauthorizedError }
