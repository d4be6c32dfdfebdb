'use strict'
// What every framework adapter does with a request, whatever the framework: find the credentials in the headers,
// verify the token on a compiled verifier (one per key a key function returns), tell the client's fault (a bad
// token: 401) from the server's (a key store that is down), and ask a revocation hook. Each adapter keeps only its
// framework's glue: where the request's parts are, the answers' codes and messages, how a failure is reported.

const { createVerifier } = require('../compiled')
const { verify } = require('../verify')
const { verifyingKey } = require('../keys')
const { JsonWebTokenError } = require('../errors')

// Asks a verifier for the complete token `{ header, payload, signature }` whatever its options ask for, so that each
// adapter's `isRevoked` is given the header its verifier read, not parsed again: ringjwt/fastify's verifiers carry
// that form as `verify[COMPLETE](token)`; ringjwt/hono's `verify` and `verifyWithJwks` take COMPLETE as a last
// argument.
const COMPLETE = Symbol('complete')

function isThenable(value) {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function'
  )
}

// Runs `then` on a value now, or once it settles when it is a promise.
function after(value, then) {
  return isThenable(value) ? Promise.resolve(value).then(then) : then(value)
}

// A token error (from verify, or from a key function such as a JWK Set with no key for the token's `kid`) is the
// token's fault: the client gets a 401. Anything else (a key store that is down) is the server's.
function isTokenFault(err) {
  return err instanceof JsonWebTokenError
}

// The Authorization header of a headers object, or undefined. Node gives a string; anything else (a request
// object made by hand) carries no credentials.
function authorizationOf(headers) {
  if (headers === null || typeof headers !== 'object') return undefined
  const value = headers['Authorization' in headers ? 'Authorization' : 'authorization']
  return typeof value === 'string' && value !== '' ? value : undefined
}

// `<scheme> <token>` split on its one space, or null when the value has no space or more than one.
function schemeAndToken(value) {
  const space = value.indexOf(' ')
  if (space === -1 || value.indexOf(' ', space + 1) !== -1) return null
  return [value.slice(0, space), value.slice(space + 1)]
}

// A hook's failure as it is passed on: its error, or, for a failure without one (`throw undefined`, a promise
// rejected with nothing, `0` or `''`), an Error that says so. Passed on as it is, such a value reads as a success to
// a callback `(err, value)` and to Express's `next(err)`, and the request would go through.
function failureOf(err) {
  if (err) return err
  const error = new Error('an authentication hook failed without a reason: it threw or rejected with a falsy value')
  error.code = 'ERR_HOOK_FAILED'
  return error
}

function rethrow(err) {
  throw failureOf(err)
}

// Calls `hook(a, b)`, then `then(answer)` now or once the answer settles (one promise for a hook that answers with
// one). A failure of the hook, thrown or rejected, goes on as failureOf makes it.
function ask(hook, a, b, then) {
  let answer
  try {
    answer = hook(a, b)
  } catch (err) {
    throw failureOf(err)
  }
  return isThenable(answer) ? Promise.resolve(answer).then(then, rethrow) : then(answer)
}

// Asks the revocation hook about a verified token, then goes on with `accepted()`, in the same step as the answer:
// `revoked()` builds the error for a truthy answer; an error the hook throws (a session store's refusal, a store
// that is down) goes on unchanged.
function checkRevoked(isRevoked, request, jwt, revoked, accepted) {
  return ask(isRevoked, request, jwt, (answer) => {
    if (answer) throw revoked()
    return accepted()
  })
}

// A verifier that runs the one-shot verify(): for keys that cannot be compiled, so that the error (and which
// error wins when the token is also bad) is exactly jsonwebtoken's.
function uncompiledVerifier(key, verifyOptions) {
  return { verify: (token) => verify(token, key, verifyOptions) }
}

// Whether `key` is a JWK (`{ key: jwk, format: 'jwk' }`) that says what it may serve.
function hasJwkRules(key) {
  const jwk = key.format === 'jwk' ? key.key : undefined
  return (
    jwk !== null &&
    typeof jwk === 'object' &&
    (jwk.use !== undefined || jwk.key_ops !== undefined || jwk.alg !== undefined)
  )
}

// What is compiled for a key (a verifier), once per key content: keyed by the key's entry in ringjwt's key cache
// (lib/keys.js), which finds a key by its content (strings by their text; bytes, KeyObjects and `{ key, passphrase }`
// by a keyed digest), so a secret function that returns a new Buffer, KeyObject or PEM string with the same key on
// every request compiles it once. Held as long as the key cache holds the entry, which it bounds. `make(key)`
// returns what to keep; a key ringjwt cannot read (or that is not material) gets `fallback(key)`, uncached.
function perKeyContent(make, fallback) {
  const byEntry = new WeakMap()
  return function forKey(key) {
    if (key === '' || key === null || (typeof key !== 'string' && typeof key !== 'object')) return fallback(key)
    let entry
    try {
      // A JWK's own `use`, `key_ops` and `alg` rule what it serves: it is not one of the keys of the same material.
      if (hasJwkRules(key)) return fallback(key)
      entry = verifyingKey(key)
    } catch {
      return fallback(key)
    }
    let made = byEntry.get(entry)
    if (made === undefined) {
      made = make(key)
      if (made === null) return fallback(key)
      byEntry.set(entry, made)
    }
    return made
  }
}

// Compiled verifiers for the keys a secret function returns, one per key content; a key that cannot be compiled
// goes through the one-shot verify(), so that its error is jsonwebtoken's.
function keyedVerifiers(verifyOptions) {
  const compileFor = (key) => {
    try {
      return createVerifier({ ...verifyOptions, key })
    } catch {
      return null
    }
  }
  return perKeyContent(compileFor, (key) => uncompiledVerifier(key, verifyOptions))
}

module.exports = {
  COMPLETE,
  isThenable,
  after,
  isTokenFault,
  authorizationOf,
  schemeAndToken,
  ask,
  failureOf,
  checkRevoked,
  keyedVerifiers,
  perKeyContent,
}
