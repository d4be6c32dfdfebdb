'use strict'

// Every failure has one stable `code`. The classes and messages are those of the npm `jsonwebtoken`
// package, so code written against it keeps working; `code` is what new code should switch on.
const codes = Object.freeze({
  // argument and option errors
  ERR_JWT_INVALID_OPTION: 'an option has the wrong type or value',
  ERR_JWT_PAYLOAD_INVALID: 'the payload given to sign() is missing, not a plain object, or conflicts with an option',
  // token shape
  ERR_JWT_REQUIRED: 'no token was given',
  ERR_JWT_NOT_STRING: 'the token is not a string',
  ERR_JWT_MALFORMED: 'the token is not three (JWS) or five (JWE) base64url parts with a JSON header',
  ERR_JWT_HEADER_INVALID: 'the header is JSON but not a JSON object (an array, a string, `null`)',
  ERR_JWT_INVALID_UTF8:
    'the header or the payload is not valid UTF-8 (overlong forms, surrogates, truncated sequences)',
  ERR_JWT_TOO_LARGE: 'the token sign() or encrypt() would make is longer than the longest string JavaScript holds',
  ERR_JWT_PAYLOAD_NOT_OBJECT: 'with `strict`, the payload is not a JSON object',
  // signature and algorithm
  ERR_JWS_SIGNATURE_REQUIRED: 'the token has no signature but a key was given',
  ERR_JWS_SIGNATURE_INVALID: 'the signature does not match',
  ERR_JWS_UNSIGNED_NOT_ALLOWED: 'an unsigned token and "none" is not in `algorithms`',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the header `alg` is not in `algorithms`',
  ERR_JWS_CRIT_INVALID: 'the header `crit` is not a non-empty list of distinct extension parameters the header holds',
  ERR_JWS_CRIT_UNSUPPORTED: 'the header `crit` names an extension ringjwt does not implement (it implements none)',
  // keys
  ERR_KEY_REQUIRED: 'no key was given',
  ERR_KEY_INVALID: 'the key is not valid key material',
  ERR_KEY_TYPE_MISMATCH: 'the key type, curve or size does not fit the algorithm',
  ERR_KEY_TOO_SMALL: 'the RSA key is under 2048 bits (and allowInsecureKeySizes is not set), or too small for PS512',
  ERR_KEY_UNSUPPORTED: 'the key cannot be used by the cryptography backend',
  ERR_KEY_SECRET_TOO_SHORT: 'with `strict`, the HMAC secret is shorter than the hash output (32, 48, 64 bytes)',
  ERR_KEY_CURVE_UNKNOWN: 'explicit elliptic-curve parameters that are not exactly P-256, P-384 or P-521',
  ERR_KEY_FUNCTION_SYNC: 'a key function was given to the synchronous verify()',
  ERR_KEY_FUNCTION_FAILED: 'the key function reported an error',
  // claims
  ERR_JWT_EXPIRED: '`exp` (or `maxAge` counted from `iat`) has passed',
  ERR_JWT_NOT_ACTIVE: '`nbf` is in the future',
  ERR_JWT_ISSUED_IN_FUTURE: '`iat` is in the future (ringjwt/hono, as hono/jwt checks it)',
  ERR_JWT_CLAIM_INVALID:
    'a time claim (`exp`, `nbf`) is not a number, `iat` is missing for `maxAge`, or with `strict` a registered claim has the wrong type',
  ERR_JWT_AUDIENCE_INVALID: '`aud` does not match `audience`',
  ERR_JWT_ISSUER_INVALID: '`iss` does not match `issuer`',
  ERR_JWT_SUBJECT_INVALID: '`sub` does not match `subject`',
  ERR_JWT_JWTID_INVALID: '`jti` does not match `jwtid`',
  ERR_JWT_NONCE_INVALID: '`nonce` does not match `nonce`',
  ERR_JWT_TYPE_INVALID: 'the header `typ` is not the media type of the `typ` option (`at+jwt` with `accessToken`)',
  ERR_JWT_CLAIM_MISSING: 'with `accessToken`, a claim RFC 9068 requires is missing',
  // encrypted tokens (JWE)
  ERR_JWE_DECRYPTION_FAILED: 'the token does not decrypt: wrong key, or a changed encrypted key, IV, ciphertext or tag',
  ERR_JWE_HEADER_INVALID: 'a JWE header member has the wrong type or value, or `crit` names an extension',
  ERR_JWE_PBES2_COUNT: 'the PBES2 `p2c` is under 1000 or above `maxPbes2Count`',
  ERR_JWE_ZIP_NOT_ALLOWED: 'a compressed token (`zip`) and no `maxInflatedSize` was given',
  ERR_JWE_INFLATE_LIMIT: 'the compressed payload inflates past `maxInflatedSize`',
  ERR_JWE_NESTED_KEY_REQUIRED: 'the token holds a signed JWT (`cty: "JWT"`) and no `verify` key was given',
  ERR_JWE_NESTED_REQUIRED: '`verify` was given but the token does not hold a signed JWT',
  // JSON Web Key Sets
  ERR_JWKS_INVALID: 'the JWK Set is not `{ keys: [...] }` of JWKs (or the response is not UTF-8 JSON)',
  ERR_JWKS_NO_MATCHING_KEY: 'no key in the JWK Set fits the token header (`kid`, `alg`, key type, curve)',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'more than one key in the JWK Set fits a header without a `kid`',
  ERR_JWKS_FETCH_FAILED: 'the remote JWK Set could not be fetched (network error or HTTP status)',
  ERR_JWKS_TIMEOUT: 'the remote JWK Set did not arrive, body included, within `timeout`',
  ERR_JWKS_TOO_LARGE: 'the remote JWK Set response is larger than `maxResponseBytes`',
  // DPoP proofs (RFC 9449)
  ERR_DPOP_PROOF_REQUIRED: 'no DPoP proof was given (no `DPoP` header with the `DPoP` scheme), or more than one',
  ERR_DPOP_PROOF_INVALID: 'the DPoP proof is not a signed JWT with `typ: "dpop+jwt"` and the claims jti, htm, htu, iat',
  ERR_DPOP_JWK_INVALID: 'the proof header `jwk` is not a public key (private members, a secret) or does not fit `alg`',
  ERR_DPOP_HTM_MISMATCH: 'the proof `htm` is not the request method',
  ERR_DPOP_HTU_MISMATCH: 'the proof `htu` is not the request URL (compared without query and fragment)',
  ERR_DPOP_IAT_INVALID: 'the proof `iat` is outside the window (`maxAge` plus `clockTolerance`, either way)',
  ERR_DPOP_NONCE_INVALID: 'a server nonce is required and the proof has none, or not the current one',
  ERR_DPOP_ATH_MISMATCH: 'the proof `ath` is missing or is not the SHA-256 of the access token',
  ERR_DPOP_KEY_MISMATCH: 'the token `cnf.jkt` is not the thumbprint of the proof key, or the token is not bound',
  ERR_DPOP_TOKEN_BOUND: 'a DPoP-bound token (it has `cnf.jkt`) was presented with the `Bearer` scheme',
  ERR_DPOP_REPLAYED: 'the proof (its key and `jti`) was seen before within its window',
  ERR_DPOP_REPLAY_CACHE_FULL: 'the in-memory replay cache holds `maxEntries` live proofs: new proofs are refused',
  ERR_DISCOVERY_INVALID: "the issuer's metadata is not a JSON object with an http(s) `jwks_uri` (without credentials)",
  ERR_DISCOVERY_ISSUER_MISMATCH: "the issuer's metadata names another `issuer` than the one given",
  // issuer key rings
  ERR_KEY_RING_STATE_INVALID:
    'the key ring record in the store is not one this ring can read (format, a wrapped key and no or another `kek`)',
  ERR_KEY_RING_CONTENDED: 'the key ring record changed under every attempt to update it',
  // token and session stores
  ERR_STORE_UNAVAILABLE: 'Redis is not connected, did not answer in time or failed: the request is refused (503)',
  // the middleware
  ERR_HOOK_FAILED: 'a hook of the middleware threw or rejected with a falsy value: the request is refused (500)',
})

// As in jsonwebtoken, `name` and `message` are enumerable own properties, so `JSON.stringify(err)` and
// `res.json(err)` show the same fields as before (plus `code`).
class JsonWebTokenError extends Error {
  constructor(message, error, code) {
    // No message to super(): `name` then `message` become own properties in jsonwebtoken's order, so
    // JSON.stringify(err) gives the same text as before (plus `code`).
    super()
    this.name = 'JsonWebTokenError'
    Object.defineProperty(this, 'message', { value: message, enumerable: true, writable: true, configurable: true })
    if (error) this.inner = error
    this.code = code ?? 'ERR_JWT_MALFORMED'
  }
}

class TokenExpiredError extends JsonWebTokenError {
  constructor(message, expiredAt) {
    super(message, undefined, 'ERR_JWT_EXPIRED')
    this.name = 'TokenExpiredError'
    this.expiredAt = expiredAt
  }
}

class NotBeforeError extends JsonWebTokenError {
  constructor(message, date) {
    super(message, undefined, 'ERR_JWT_NOT_ACTIVE')
    this.name = 'NotBeforeError'
    this.date = date
  }
}

// A store that cannot answer. Requests are refused (fail closed), with status 503 rather than 401: the token
// may well be fine, and the client should try again shortly. `cause` is the Redis error, when there is one;
// `reason` says in one word what happened (docs/errors.md lists them), for logs and metrics to switch on.
class StoreUnavailableError extends Error {
  constructor(message, cause, reason) {
    super(typeof message === 'string' ? message : undefined, cause === undefined ? undefined : { cause })
    this.name = 'StoreUnavailableError'
    this.code = 'ERR_STORE_UNAVAILABLE'
    this.status = 503
    this.reason = typeof reason === 'string' ? reason : 'unavailable'
  }
}

function tokenError(code, message) {
  return new JsonWebTokenError(message, undefined, code)
}

function optionError(message) {
  const err = new TypeError(message)
  err.code = 'ERR_JWT_INVALID_OPTION'
  return err
}

// The compiled forms take one options object with the key in it; a key given first, as to sign(), is the usual slip.
function factoryOptionsError(example) {
  return optionError(`Expected "options" to be a plain object, with the key in it: ${example}`)
}

// The native layer rejects with an `Error` whose message is `<code>\x1f<message>[\x1f<unix seconds>]`: the
// same encoding for sync calls and for promises settled from the thread pool. This is the one place such
// errors become the JS error classes.
const SEPARATOR = '\x1f'

// What Node-API reports when a string is longer than V8 can make one (about 2^29 characters).
const STRING_TOO_LONG = /^Failed to (?:create a JS string|convert rust `String` into napi `string`)/

function tooLarge() {
  return tokenError('ERR_JWT_TOO_LARGE', 'the token would be longer than the longest string JavaScript holds')
}

function fromNative(err) {
  const raw = err?.message
  if (typeof raw !== 'string') return err
  if (STRING_TOO_LONG.test(raw)) return tooLarge()
  const parts = raw.split(SEPARATOR)
  const code = parts[0]
  if (parts.length < 2 || !(code in codes)) return err
  const message = parts[1]
  if (code === 'ERR_JWT_EXPIRED') return new TokenExpiredError(message, new Date(Number(parts[2]) * 1000))
  if (code === 'ERR_JWT_NOT_ACTIVE') return new NotBeforeError(message, new Date(Number(parts[2]) * 1000))
  return tokenError(code, message)
}

// A value for a message: a string as it is, anything else by its type. String() of a caller's value can throw (a
// null-prototype object, a Symbol in a template) or recurse without end (a deeply nested array).
function textOf(value) {
  return typeof value === 'string' ? value : `(${typeof value})`
}

// What a key function's failure becomes: a ringjwt error keeps its code (a JWK Set without the token's key, say),
// anything else is ERR_KEY_FUNCTION_FAILED, with what the function threw as `inner`. `what` names the function in
// the message, as jsonwebtoken's "error in secret or public key callback: ..." does.
function keyFunctionError(err, what) {
  const code = err instanceof JsonWebTokenError ? err.code : 'ERR_KEY_FUNCTION_FAILED'
  const wrapped = tokenError(code, `error in ${what}: ${textOf(typeof err === 'string' ? err : err?.message)}`)
  wrapped.inner = err
  return wrapped
}

// An error of its own for each caller that receives one error (a cached refusal, a fetch's failure shared by
// concurrent callers), to change as it likes (a framework sets its status on it, say): the class, message, code and
// members of the first, and the stack of the caller's own call.
function copyError(err, caller) {
  if (!(err instanceof Error)) return err
  const copy = new Error(err.message)
  Object.setPrototypeOf(copy, Object.getPrototypeOf(err))
  for (const name of Reflect.ownKeys(err)) {
    if (name !== 'stack') Object.defineProperty(copy, name, Reflect.getOwnPropertyDescriptor(err, name))
  }
  Error.captureStackTrace(copy, caller)
  return copy
}

module.exports = {
  codes,
  copyError,
  tooLarge,
  keyFunctionError,
  textOf,
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  StoreUnavailableError,
  tokenError,
  optionError,
  factoryOptionsError,
  fromNative,
}
