'use strict'
// ringjwt/fastify: @fastify/jwt 10's plugin (its options, decorators, token lookup, error codes and messages) on
// ringjwt. What happens to a request: lookupToken() finds the token (header, cookie or `extractToken`), decode()
// reads it for the secret function, the verifier checks it (lib/adapters/fast-jwt.js: fast-jwt's options on the
// native checks), `trusted` and `isRevoked` are asked, and the user goes on the request. A failure is the error
// @fastify/jwt answers with, except that a bad token is always the client's fault: 401, where @fastify/jwt lets
// some (a `nbf` in the future, an algorithm the key does not serve) through as 500s.

const assert = require('node:assert')
const createError = require('@fastify/error')
const fp = require('fastify-plugin')
const ms = require('ms')
const core = require('./core')
const { boundedMap } = require('../bounded-map')
const { createDpopAuth, dpopRequest, requestUrl } = require('../dpop-auth')
const { TokenError, createSigner, createVerifier, createDecoder } = require('./fast-jwt')

const messages = {
  badRequestErrorMessage: 'Format is Authorization: Bearer [token]',
  badCookieRequestErrorMessage: 'Cookie could not be parsed in request',
  noAuthorizationInHeaderMessage: 'No Authorization was found in request.headers',
  noAuthorizationInCookieMessage: 'No Authorization was found in request.cookies',
  authorizationTokenExpiredMessage: 'Authorization token expired',
  authorizationTokenInvalid: (err) => `Authorization token is invalid: ${err.message}`,
  authorizationTokenUntrusted: 'Untrusted authorization token',
  authorizationTokenUnsigned: 'Unsigned authorization token',
}

// fast-jwt's errors about a token the client sent; the others (a bad option, a key that cannot be fetched) are
// the server's.
const CLIENT_FAULTS = new Set([
  TokenError.codes.invalidType,
  TokenError.codes.invalidAlgorithm,
  TokenError.codes.invalidClaimType,
  TokenError.codes.invalidSignature,
  TokenError.codes.invalidPayload,
  TokenError.codes.malformed,
  TokenError.codes.inactive,
  TokenError.codes.invalidCritHeader,
  TokenError.codes.verifyError,
])

// The codes @fastify/jwt turns into its own refusals (expired, invalid, unsigned): a verifier's, and those that a
// `trusted` function throws at once.
const REFUSAL_CODES = new Set([
  TokenError.codes.expired,
  TokenError.codes.invalidKey,
  TokenError.codes.invalidSignature,
  TokenError.codes.invalidClaimValue,
  TokenError.codes.missingRequiredClaim,
  TokenError.codes.missingSignature,
])

// @fastify/jwt's refusals: code, the `messages` entry that words it, status.
const REFUSALS = {
  badRequest: ['FST_JWT_BAD_REQUEST', 'badRequestErrorMessage', 400],
  badCookieRequest: ['FST_JWT_BAD_COOKIE_REQUEST', 'badCookieRequestErrorMessage', 400],
  noAuthorizationInHeader: ['FST_JWT_NO_AUTHORIZATION_IN_HEADER', 'noAuthorizationInHeaderMessage', 401],
  noAuthorizationInCookie: ['FST_JWT_NO_AUTHORIZATION_IN_COOKIE', 'noAuthorizationInCookieMessage', 401],
  expired: ['FST_JWT_AUTHORIZATION_TOKEN_EXPIRED', 'authorizationTokenExpiredMessage', 401],
  invalid: ['FST_JWT_AUTHORIZATION_TOKEN_INVALID', 'authorizationTokenInvalid', 401],
  untrusted: ['FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED', 'authorizationTokenUntrusted', 401],
  unsigned: ['FAST_JWT_MISSING_SIGNATURE', 'authorizationTokenUnsigned', 401],
}

// The refusals' classes with the plugin's messages, made by @fastify/error as @fastify/jwt makes them. As there,
// `authorizationTokenInvalid` may be a function, given the cause's message.
function refusalTypes(text) {
  const types = {}
  for (const [name, [code, key, status]] of Object.entries(REFUSALS)) {
    const wording = text[key]
    const message =
      key === 'authorizationTokenInvalid' && typeof wording === 'function' ? wording({ message: '%s' }) : wording
    types[name] = createError(code, message, status)
  }
  return types
}

// A DPoP refusal (lib/dpop-auth.js): ringjwt's code and message (ERR_DPOP_...), status 401; the challenge is
// set on `headers`, which Fastify's error handler sends.
function dpopRefusal(code, inner) {
  const err = new Error(inner.message, { cause: inner })
  err.name = 'FastifyError'
  err.code = inner.code
  err.statusCode = 401
  return err
}

// The RFC 6750 error a refusal of the plugin's own gets in the DPoP challenge: none when the request had no
// credentials, `invalid_request` for a header of the wrong shape, `invalid_token` for a token that failed.
function challengeError(err) {
  const code = err?.code
  if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER' || code === 'FST_JWT_NO_AUTHORIZATION_IN_COOKIE') {
    return undefined
  }
  if (code === 'FST_JWT_BAD_REQUEST' || code === 'FST_JWT_BAD_COOKIE_REQUEST') return 'invalid_request'
  return 'invalid_token'
}

// The scheme of an Authorization header value, lowercase ('' when it has no whitespace).
function schemeOf(authorization) {
  const match = /^(\S+)\s/.exec(authorization)
  return match === null ? '' : match[1].toLowerCase()
}

// A bad token is a 401 whatever step refused it.
function asClientError(err) {
  if (err instanceof TokenError && CLIENT_FAULTS.has(err.code)) err.statusCode = 401
  return err
}

function toMilliseconds(time, name) {
  let milliseconds
  if (typeof time === 'number') milliseconds = time * 1000
  else if (typeof time === 'string' && time.trim() !== '') milliseconds = ms(time)
  if (!Number.isFinite(milliseconds)) {
    throw new TokenError(
      TokenError.codes.invalidOption,
      `The ${name} option must be a finite number or a valid string.`,
    )
  }
  return milliseconds
}

// @fastify/jwt's units: a number of seconds or a timespan string, for fast-jwt's milliseconds.
function withMilliseconds(options, isVerify) {
  if (!options) return options
  const converted = { ...options }
  for (const name of isVerify ? ['maxAge'] : ['expiresIn', 'notBefore']) {
    if (!Object.hasOwn(options, name)) continue
    if (options[name] === undefined || options[name] === null) delete converted[name]
    else converted[name] = toMilliseconds(options[name], name)
  }
  return converted
}

function mergeDefined(defaults, options) {
  const merged = { ...defaults }
  for (const key of Object.keys(options || {})) if (options[key] !== undefined) merged[key] = options[key]
  return merged
}

const NESTED = new Set(['decode', 'sign', 'verify'])
function isNested(options, names) {
  const nested = names.some((name) => Object.hasOwn(options, name))
  if (nested && Object.keys(options).some((key) => !NESTED.has(key))) {
    throw new TokenError(
      TokenError.codes.invalidOption,
      'The options must use either the flat or nested format, not both.',
    )
  }
  return nested
}

const isString = (x) => Object.prototype.toString.call(x) === '[object String]'

function validateOptions(options) {
  assert(options.secret, 'missing secret')
  assert(!options.options, 'options prefix is deprecated')
  assert(!options.jwtVerify || isString(options.jwtVerify), 'Invalid options.jwtVerify')
  assert(!options.jwtDecode || isString(options.jwtDecode), 'Invalid options.jwtDecode')
  assert(!options.jwtSign || isString(options.jwtSign), 'Invalid options.jwtSign')
  assert(!options.isRevoked || typeof options.isRevoked === 'function', 'Invalid options.isRevoked')
  const plain = typeof options.secret === 'string' || Buffer.isBuffer(options.secret)
  const algorithm = options.sign?.algorithm
  if (plain && algorithm?.includes('RS')) {
    throw new Error(
      'RSA Signatures set as Algorithm in the options require a private and public key to be set as the secret',
    )
  }
  if (plain && algorithm?.includes('ES')) {
    throw new Error(
      'ECDSA Signatures set as Algorithm in the options require a private and public key to be set as the secret',
    )
  }
}

// A secret function may return a new key string per reply: keep the newest ones' signers.
const SIGNER_LIMIT = 100

const isEmpty = (value) => value !== null && typeof value === 'object' && Object.keys(value).length === 0

// A callback that only the first call counts.
function once(callback) {
  let called = false
  return (err, value) => {
    if (called) return
    called = true
    callback(err, value)
  }
}

// A secret function `(request, decoded, callback)`, answering through the callback or a promise.
function keyFromFunction(secretFunction, request, decoded) {
  return new Promise((resolve, reject) => {
    const done = once((err, value) => (err ? reject(err) : resolve(value)))
    const result = secretFunction(request, decoded, done)
    if (core.isThenable(result)) result.then((value) => done(null, value), done)
  })
}

// A promise given to a Node-style callback, outside the promise's chain so that what the callback throws is not
// taken for a failure.
function deliver(promise, callback) {
  promise.then(
    (value) => process.nextTick(callback, null, value),
    (err) => process.nextTick(callback, core.failureOf(err)),
  )
}

// An option that throws when it is read (a getter, a Proxy) fails the registration, where it would otherwise escape
// register() as an exception the plugin loader cannot catch, and end the process.
function fastifyJwt(fastify, options, next) {
  let finished = false
  const finish = (err) => {
    finished = true
    return next(err)
  }
  try {
    return registerJwt(fastify, options, finish)
  } catch (err) {
    if (finished) throw err
    return finish(err)
  }
}

function registerJwt(fastify, options, next) {
  try {
    validateOptions(options)
  } catch (err) {
    return next(err)
  }

  const {
    cookie,
    decode: decodeOptions = {},
    formatUser,
    jwtDecode,
    jwtSign,
    jwtVerify,
    secret,
    sign: initialSignOptions = {},
    trusted,
    isRevoked,
    decoratorName = 'user',
    dpop: dpopOptions,
    verify: initialVerifyOptions = { errorCacheTTL: 600000 },
    ...pluginOptions
  } = options

  let privateKey
  let publicKey
  if (typeof secret === 'object' && !Buffer.isBuffer(secret)) {
    if (!secret.public) return next(new Error('missing public key'))
    privateKey = secret.private
    publicKey = secret.public
  } else {
    privateKey = publicKey = secret
  }
  const hasStaticPublicKey = typeof publicKey !== 'function'

  let signOptions
  let verifyOptions
  try {
    // null is taken as no options, as @fastify/jwt's merges do.
    signOptions = withMilliseconds(initialSignOptions) ?? {}
    verifyOptions = withMilliseconds(initialVerifyOptions, true) ?? {}
  } catch (err) {
    return next(err)
  }

  let dpop
  try {
    dpop = createDpopAuth(dpopOptions, dpopRefusal)
  } catch (err) {
    return next(err)
  }
  if (dpop !== null && (cookie || verifyOptions.extractToken)) {
    return next(new Error('"dpop" reads the Authorization header: no "cookie" or "extractToken"'))
  }
  // With server nonces, every answer carries the current one, as RFC 9449 §8 has it.
  if (dpop?.responseHeaders() != null) {
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.headers(dpop.responseHeaders())
      done()
    })
  }

  const text = { ...messages, ...pluginOptions.messages }
  const namespace = typeof pluginOptions.namespace === 'string' ? pluginOptions.namespace : undefined
  const refusals = refusalTypes(text)
  const jwtDecorator = {
    decode,
    options: {
      decode: decodeOptions,
      sign: initialSignOptions,
      verify: initialVerifyOptions,
      messages: text,
      decoratorName,
    },
    cookie,
    sign,
    verify,
    lookupToken,
  }

  let jwtDecodeName = 'jwtDecode'
  let jwtVerifyName = 'jwtVerify'
  let jwtSignName = 'jwtSign'
  if (namespace) {
    if (!fastify.jwt) {
      fastify.decorateRequest(decoratorName, null)
      fastify.decorate('jwt', Object.create(null))
    }
    if (fastify.jwt[namespace]) return next(new Error(`JWT namespace already used "${namespace}"`))
    fastify.jwt[namespace] = jwtDecorator
    jwtDecodeName = jwtDecode || `${namespace}JwtDecode`
    jwtVerifyName = jwtVerify || `${namespace}JwtVerify`
    jwtSignName = jwtSign || `${namespace}JwtSign`
  } else {
    fastify.decorateRequest(decoratorName, null)
    fastify.decorate('jwt', jwtDecorator)
  }
  fastify.decorateRequest(jwtDecodeName, requestDecode)
  fastify.decorateRequest(jwtVerifyName, requestVerify)
  fastify.decorateReply(jwtSignName, replySign)

  const globalVerifyOptions = withKey(verifyOptions, false)
  let signer
  let decoder
  let verifier
  try {
    // Without a private key the plugin only verifies.
    const globalSignOptions = withKey(signOptions, true)
    signer = globalSignOptions.key ? createSigner(globalSignOptions) : null
    decoder = createDecoder(decodeOptions)
    verifier = createVerifier(globalVerifyOptions)
  } catch (err) {
    return next(err)
  }

  next()

  // The plugin's verifier for its own options and static key; one per key content a secret function returns
  // (lib/adapters/core.js); a new one for options given per call.
  const verifierWith = (key) => createVerifier({ ...verifyOptions, key })
  const keyedVerifier = core.perKeyContent(verifierWith, verifierWith)
  function getVerifier(verifierOptions, useGlobalOptions = verifierOptions === globalVerifyOptions) {
    if (useGlobalOptions && hasStaticPublicKey) return verifier
    if (useGlobalOptions) return keyedVerifier(verifierOptions.key)
    return createVerifier(verifierOptions)
  }

  // Options with the plugin's key, unless they name one: `key` true picks the private key, false the public one,
  // and any other value is the key a secret function returned.
  function withKey(opts, key) {
    if (key && typeof key !== 'boolean') return { ...opts, key: opts.key ?? key }
    return opts.key ? { ...opts } : { key: key ? privateKey : publicKey, ...opts }
  }

  function decode(token, opts) {
    assert(token, 'missing token')
    const selected = opts && opts !== decodeOptions && typeof opts !== 'function' ? createDecoder(opts) : decoder
    try {
      return selected(token)
    } catch (err) {
      if (err.code === TokenError.codes.malformed || err.code === TokenError.codes.invalidType) {
        throw new refusals.invalid(err.message)
      }
      throw asClientError(err)
    }
  }

  function lookupToken(request, opts) {
    assert(request, 'missing request')
    if (opts !== verifyOptions) opts = mergeDefined(verifyOptions, opts)
    // Called as @fastify/jwt calls it (one that is not a function fails with the same TypeError).
    const { extractToken } = opts
    if (extractToken) {
      const token = extractToken(request)
      if (!token) throw new refusals.badRequest()
      return token
    }
    const authorization = opts.onlyCookie ? undefined : core.authorizationOf(request.headers)
    const taken =
      authorization !== undefined &&
      (dpop === null ? /^Bearer\s/i.test(authorization) : dpop.accepts(schemeOf(authorization)))
    if (taken) {
      const credentials = core.schemeAndToken(authorization)
      if (credentials === null || !credentials[1]) throw new refusals.badRequest()
      return credentials[1]
    }
    if (!cookie) throw new refusals.noAuthorizationInHeader()
    if (!request.cookies) throw new refusals.badCookieRequest()
    const value = request.cookies[cookie.cookieName]
    if (!value) throw new refusals.noAuthorizationInCookie()
    if (!cookie.signed) return value
    const unsigned = request.unsignCookie(value)
    if (!unsigned.valid) throw new refusals.noAuthorizationInCookie()
    return unsigned.value
  }

  function mergeOptions(opts, defaults, key, callback) {
    if (typeof opts === 'function') return { options: withKey(defaults, key), callback: opts }
    return { options: withKey(mergeDefined(defaults, opts), key), callback }
  }

  function sign(payload, opts, callback) {
    assert(payload, 'missing payload')
    assert(signer, 'unable to sign: secret is configured in verify mode')
    return direct(payload, opts, callback, false)
  }

  function verify(token, opts, callback) {
    assert(token, 'missing token')
    assert(publicKey, 'missing secret')
    return direct(token, opts, callback, true)
  }

  // fastify.jwt.sign and verify: options given are converted and merged over the registered ones (a signer or
  // verifier made for them); the result is returned, or given to the callback.
  function direct(value, opts, callback, isVerify) {
    let converted
    try {
      converted = typeof opts === 'function' ? opts : withMilliseconds(opts, isVerify)
    } catch (err) {
      if (typeof callback === 'function') return callback(err)
      throw err
    }
    const config = mergeOptions(converted, isVerify ? verifyOptions : signOptions, !isVerify, callback)
    let run = isVerify ? verifier : signer
    if (opts && typeof opts !== 'function') run = isVerify ? getVerifier(config.options) : createSigner(config.options)
    if (typeof config.callback !== 'function') return run(value)
    config.callback(null, run(value))
  }

  function replySign(payload, opts, callback) {
    assert(signer, 'unable to sign: secret is configured in verify mode')
    let useLocalSigner = true
    if (typeof opts === 'function') {
      callback = opts
      opts = {}
      useLocalSigner = false
    }
    if (!opts) {
      opts = {}
      useLocalSigner = false
    }
    const reply = this
    if (callback === undefined) {
      return new Promise((resolve, reject) => {
        reply[jwtSignName](payload, opts, (err, value) => (err ? reject(err) : resolve(value)))
      })
    }
    // No options of its own (what reply.jwtSign(payload) passes on): the registered signer does the same.
    const registered = Object.keys(opts).length === 0 || (Object.keys(opts).length === 1 && isEmpty(opts.sign))
    try {
      opts = isNested(opts, ['sign'])
        ? { sign: mergeDefined(signOptions, withMilliseconds(opts.sign)) }
        : mergeDefined(signOptions, withMilliseconds(opts))
    } catch (err) {
      return callback(err)
    }
    if (!payload) return callback(new Error('jwtSign requires a payload'))
    const key = typeof privateKey === 'function' ? keyFromFunction(privateKey, reply.request, payload) : null
    const signWith = (resolvedKey) => {
      if (!useLocalSigner) return signer(payload)
      if (registered) return registeredSigner(resolvedKey)(payload)
      return createSigner(withKey(opts.sign || opts, resolvedKey ?? privateKey))(payload)
    }
    if (key === null) {
      let token
      try {
        token = signWith(undefined)
      } catch (err) {
        return callback(err)
      }
      return callback(null, token)
    }
    deliver(key.then(signWith), callback)
  }

  // The signer for the registered options and a key: the plugin's own, or one per key a secret function returns.
  // FIFO: a hit is one lookup on every reply.jwtSign; a signer dropped is made again from the key cache's entry.
  const signers = boundedMap(SIGNER_LIMIT)
  function registeredSigner(key) {
    if (key === undefined) return signer
    let cached = signers.get(key)
    if (cached === undefined) {
      cached = createSigner(withKey(signOptions, key))
      if (typeof key !== 'string') return cached
      signers.set(key, cached)
    }
    return cached
  }

  function requestDecode(opts, callback) {
    if (typeof opts === 'function' && !callback) {
      callback = opts
      opts = {}
    }
    if (!opts) opts = {}
    opts = { decode: mergeDefined(decodeOptions, opts.decode), verify: mergeDefined(verifyOptions, opts.verify) }
    const request = this
    if (callback === undefined) {
      return new Promise((resolve, reject) => {
        request[jwtDecodeName](opts, (err, value) => (err ? reject(err) : resolve(value)))
      })
    }
    let decoded
    try {
      decoded = decode(lookupToken(request, opts.verify), opts.decode)
    } catch (err) {
      return callback(err)
    }
    return callback(null, decoded)
  }

  // The error a request gets for a verifier's refusal: @fastify/jwt's, or the verifier's own with status 401.
  function refusal(err) {
    switch (err?.code) {
      case TokenError.codes.expired:
        return new refusals.expired()
      case TokenError.codes.invalidKey:
      case TokenError.codes.invalidSignature:
      case TokenError.codes.invalidClaimValue:
      case TokenError.codes.missingRequiredClaim:
        return typeof text.authorizationTokenInvalid === 'function'
          ? new refusals.invalid(err.message)
          : new refusals.invalid()
      case TokenError.codes.missingSignature:
        return new refusals.unsigned()
      // A token fast-jwt's decoder reads and the verifier does not (a registered claim or a header member twice,
      // say) is refused as @fastify/jwt refuses the tokens its decoder finds malformed.
      case TokenError.codes.malformed:
        return new refusals.invalid(err.message)
      default:
        return asClientError(err)
    }
  }

  // The checks after the signature: `trusted`, then `isRevoked` (ringjwt's: the session store's check), then
  // `done(result)` in the same step as the last answer. `verified` is the complete token when `whole` (the verify
  // options ask for it, or `isRevoked` is set), else the claims; `result` is what the options ask for. `isRevoked` is
  // given `{ header, payload, signature }`: the result itself when it is the complete token, else the token's header
  // and signature with the result as the payload (whatever claims it holds: members named `header` and `payload`
  // among them do not make it a complete token). The signature is what a session store that binds its tokens checks.
  const untrusted = () => new refusals.untrusted()
  function accept(request, verified, complete, whole, done) {
    const result = whole && !complete ? verified.payload : verified
    const revocation = () => {
      if (!isRevoked) return done(result)
      const jwt = complete ? result : { header: verified.header, payload: result, signature: verified.signature }
      return core.checkRevoked(isRevoked, request, jwt, untrusted, () => done(result))
    }
    if (!trusted) return revocation()
    return core.ask(askTrusted, request, result, (answer) => {
      if (!answer) throw untrusted()
      return revocation()
    })
  }

  // `trusted(request, result)`. @fastify/jwt calls it in the step that maps the verifier's errors, so an error it
  // throws at once with one of the codes of a verifier's refusal (FAST_JWT_EXPIRED, say) is that refusal's 401; any
  // other error, and a promise's rejection, goes on as it is.
  function askTrusted(request, result) {
    try {
      return trusted(request, result)
    } catch (err) {
      throw REFUSAL_CODES.has(err?.code) ? refusal(err) : err
    }
  }

  // With DPoP, every 401 (and the 400 of a header of the wrong shape) carries the RFC 9449 §7.1 challenge.
  function challenged(err) {
    if (err && (err.statusCode === 401 || err.statusCode === 400) && err.headers === undefined) {
      err.headers = dpop.challenge(err, challengeError(err))
    }
    return err
  }
  function withChallenge(callback) {
    return (err, value) => callback(challenged(err), value)
  }

  // The DPoP step, once the token is verified: the proof is checked against the request and the token's `cnf.jkt`,
  // and goes on `request.dpop`. The URL is Fastify's protocol and host, which follow its `trustProxy`.
  function checkProof(request, verified, whole) {
    const url = requestUrl(request.protocol, request.host, request.url)
    const authorization = core.authorizationOf(request.headers)
    const claims = whole ? verified?.payload : verified
    const checked = dpop.check(dpopRequest(request.method, url, authorization, request.headers.dpop), claims)
    return core.after(checked, (proof) => {
      if (proof !== null) request.dpop = proof
      return verified
    })
  }

  // `request.jwtVerify([options])`: the outcome's own promise (or the user at once, resolved), where the callback
  // form hands the outcome over on a later tick. `request.jwtVerify([options,] callback)`: the callback.
  function requestVerify(opts, callback) {
    const request = this
    if (callback === undefined) {
      if (typeof opts === 'function') {
        return new Promise((resolve, reject) => {
          request[jwtVerifyName](opts, (err, value) => (err ? reject(err) : resolve(value)))
        })
      }
      let outcome
      try {
        outcome = outcomeOf(request, opts)
      } catch (err) {
        return Promise.reject(dpop === null ? err : challenged(err))
      }
      if (dpop === null || !core.isThenable(outcome)) return Promise.resolve(outcome)
      return Promise.resolve(outcome).catch((err) => Promise.reject(challenged(err)))
    }
    if (typeof opts === 'function') {
      callback = opts
      opts = {}
    }
    if (dpop !== null) callback = withChallenge(callback)
    // The callback gets what `formatUser` returns as it is, a promise too (settled or not), as @fastify/jwt hands it
    // on: the outcome holds it in a box, which the promise chain does not open.
    const boxed = Boolean(formatUser)
    let outcome
    try {
      outcome = outcomeOf(request, opts, boxed)
    } catch (err) {
      return callback(core.failureOf(err))
    }
    if (!core.isThenable(outcome)) return callback(null, boxed ? outcome[0] : outcome)
    deliver(outcome, boxed ? (err, box) => (err ? callback(err) : callback(null, box[0])) : callback)
  }

  // The verified user, or its promise (in a one-element array with `boxed`); throws what the request is refused with
  // when that is known at once.
  function outcomeOf(request, opts, boxed = false) {
    // A request without options of its own uses the plugin's as they are (nothing writes to them).
    const useGlobalOptions = !opts
    if (useGlobalOptions) {
      opts = verifyOptions
    } else {
      opts = isNested(opts, ['decode', 'verify'])
        ? {
            decode: mergeDefined(decodeOptions, opts.decode),
            verify: mergeDefined(verifyOptions, withMilliseconds(opts.verify, true)),
          }
        : mergeDefined(verifyOptions, withMilliseconds(opts, true))
    }
    let token
    let decoded
    // With the plugin's own key and decoder, the token is decoded only if the verifier refuses it (or returns
    // something the decoder would refuse): the decoder's error comes first, as when it runs before the verifier.
    const decodeLater = hasStaticPublicKey && useGlobalOptions && !opts.decode && !decodeOptions.checkTyp
    const verifyOpts = opts.verify || opts
    const complete = !!verifyOpts.complete
    // `isRevoked` is given the header too: the verifier returns the complete token, read once.
    const whole = complete || !!isRevoked
    assert(dpop === null || !verifyOpts.extractToken, '"dpop" reads the Authorization header')
    token = lookupToken(request, verifyOpts)
    if (!decodeLater || typeof token !== 'string') decoded = decode(token, opts.decode || decodeOptions)
    const decodedFirst = (err) => {
      if (decoded === undefined) decode(token, decodeOptions)
      return err
    }
    const isClaimsObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value)

    const finish = (result) => {
      const user = formatUser ? formatUser(result) : result
      request[decoratorName] = user
      return boxed ? [user] : user
    }
    // Only the verifier's refusals become @fastify/jwt's errors; those of the secret function, `trusted` and
    // `isRevoked` go on as they are.
    const check = (key) => {
      let result
      try {
        const selected = decodeLater ? verifier : getVerifier(withKey(verifyOpts, key), useGlobalOptions)
        result = whole && !complete ? selected[core.COMPLETE](token) : selected(token)
      } catch (err) {
        throw refusal(decodedFirst(err))
      }
      if (core.isThenable(result)) result = result.catch((err) => Promise.reject(refusal(decodedFirst(err))))
      else if (decoded === undefined && !isClaimsObject(whole ? result?.payload : result)) {
        decode(token, decodeOptions)
      }
      if (dpop !== null) result = core.after(result, (verified) => checkProof(request, verified, whole))
      return core.after(result, (verified) => accept(request, verified, complete, whole, finish))
    }

    return core.after(hasStaticPublicKey ? publicKey : keyFromFunction(publicKey, request, decoded), check)
  }
}

const plugin = fp(fastifyJwt, { fastify: '5.x', name: '@fastify/jwt' })
plugin.default = fastifyJwt
plugin.fastifyJwt = fastifyJwt
plugin.TokenError = TokenError

module.exports = plugin
