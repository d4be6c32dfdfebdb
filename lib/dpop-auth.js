'use strict'
// The DPoP step of a request, the same for every framework: given what the request presented (method, absolute
// URL, Authorization scheme and token, the DPoP header values) and the claims of its verified token, it checks the
// proof and the token's binding, and answers as RFC 9449 §7.1 says: a 401 with a `WWW-Authenticate: DPoP
// error=..., algs=...` challenge, and the `DPoP-Nonce` header when server nonces are on. An adapter (lib/express.js,
// lib/adapters/fastify.js, lib/adapters/hono.js) reads the request and writes the headers; nothing here knows a framework.

const crypto = require('node:crypto')
const { createProofChecker, normaliseHtu } = require('./dpop')
const { tokenError, optionError } = require('./errors')

const MODES = ['required', 'allowed']
const DPOP_OPTIONS = ['mode', 'algorithms', 'maxAge', 'clockTolerance', 'replayCache', 'nonce']
// Seconds a server nonce is handed out before the next one; the one before stays accepted for as long again, so a
// client that fetched a nonce just before the change is not refused.
const DEFAULT_NONCE_LIFETIME = 300

// The RFC 6750 error for each of the middleware's own refusals, when one applies.
const CHALLENGE_ERRORS = {
  credentials_bad_format: 'invalid_request',
  credentials_bad_scheme: 'invalid_request',
  invalid_token: 'invalid_token',
  revoked_token: 'invalid_token',
  invalid_dpop_proof: 'invalid_dpop_proof',
  use_dpop_nonce: 'use_dpop_nonce',
}

// An error_description holds printable ASCII but `"` and `\` (RFC 6750 §3).
function description(text) {
  return String(text)
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7e]/g, '')
}

function nonceSource(option) {
  if (option === undefined || option === false) return null
  const lifetime = option === true ? DEFAULT_NONCE_LIFETIME : option?.lifetime
  if (typeof lifetime !== 'number' || !(lifetime > 0) || !Number.isFinite(lifetime)) {
    throw optionError('"dpop.nonce" must be true or { lifetime: seconds }')
  }
  let current = null
  let previous = null
  let issuedAt = 0
  function rotate(now) {
    if (current !== null && now - issuedAt < lifetime) return
    previous = current !== null && now - issuedAt < 2 * lifetime ? current : null
    current = crypto.randomBytes(16).toString('base64url')
    issuedAt = now
  }
  return {
    current(now) {
      rotate(now)
      return current
    },
    accepted(now) {
      rotate(now)
      return previous === null ? [current] : [current, previous]
    },
  }
}

// The header values of `DPoP` as a list of proofs: Node joins repeated headers with ", " (a JWT has no comma).
function proofList(values) {
  if (values === undefined || values === null) return []
  const list = Array.isArray(values) ? values : [values]
  return list.flatMap((value) => (typeof value === 'string' ? value.split(',') : [''])).map((value) => value.trim())
}

// RFC 3986's `host [ ":" port ]`: an IP literal in brackets, or a name of unreserved characters, percent escapes
// and sub-delims. Nothing in it can end the authority (`/`, `?`, `#`, `@`, a backslash, a space).
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]{1,5})?$/

// The absolute URL of a request from its scheme, its host (the Host header, or a forwarded host the framework
// trusts) and its target, or null when they make none: a host that is not an authority, or a target that is not a
// path, would move the path the proof's `htu` is compared with (`Host: api.example/orders?` turns any path into
// `/orders`). A null URL matches no proof.
function requestUrl(protocol, host, target) {
  if (typeof host !== 'string' || !AUTHORITY.test(host)) return null
  if (typeof target !== 'string' || target[0] !== '/') return null
  return `${protocol}://${host}${target}`
}

// What the DPoP step needs of a request, from the parts every framework has: the method, the absolute URL the
// client asked for (the adapter builds it as its framework's proxy settings say), the Authorization header (one
// scheme, one space, the token) and the DPoP header value or values.
function dpopRequest(method, url, authorization, proofs) {
  const space = authorization.indexOf(' ')
  return {
    method,
    url,
    scheme: authorization.slice(0, space).toLowerCase(),
    token: authorization.slice(space + 1),
    proofs,
  }
}

// The in-memory replay cache's ERR_DPOP_REPLAY_CACHE_FULL (lib/dpop-replay.js) as every middleware answers it:
// status 503 (Express and Fastify read `status`) and `Retry-After` in `headers` (which their error handlers send;
// hono's middleware makes it an HTTPException).
function capacityRefusal(err) {
  err.status ??= 503
  const seconds = Number.isSafeInteger(err.retryAfter) && err.retryAfter > 0 ? err.retryAfter : 1
  err.headers = { 'Retry-After': String(seconds) }
  return err
}

// `options`: the middleware's `dpop` option. `unauthorized(code, inner)` makes the framework's 401 error.
// Returns null when DPoP is off.
function createDpopAuth(options, unauthorized) {
  if (options === undefined || options === null || options === false) return null
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw optionError('"dpop" must be an object: { mode: "required" | "allowed", ... }')
  }
  for (const name of Object.keys(options)) {
    if (!DPOP_OPTIONS.includes(name)) throw optionError(`"${name}" is not allowed in "dpop"`)
  }
  const mode = options.mode ?? 'allowed'
  if (!MODES.includes(mode)) throw optionError('"dpop.mode" must be "required" or "allowed"')
  const { nonce: _nonce, mode: _mode, ...checkerOptions } = options
  const checker = createProofChecker(checkerOptions)
  const nonces = nonceSource(options.nonce)
  const algs = `algs="${checker.algorithms.join(' ')}"`

  function headers(error, message, now) {
    const parts = error === undefined ? [] : [`error="${error}"`, `error_description="${description(message)}"`]
    const dpop = `DPoP ${[...parts, algs].join(', ')}`
    const out = { 'WWW-Authenticate': mode === 'allowed' && error === undefined ? `Bearer, ${dpop}` : dpop }
    if (nonces !== null) out['DPoP-Nonce'] = nonces.current(now)
    return out
  }

  function refuse(code, inner, now) {
    const err = unauthorized(code, inner)
    err.headers = headers(CHALLENGE_ERRORS[code], inner.message, now)
    return err
  }

  function fromProofError(err, now) {
    if (err?.code === 'ERR_DPOP_NONCE_INVALID') return refuse('use_dpop_nonce', err, now)
    // A store that cannot answer (503) is not the client's fault: it goes on unchanged. Nor is a full in-memory
    // cache: a 503 too, with `Retry-After` (the seconds until its oldest proof's window closes).
    if (typeof err?.code !== 'string' || !err.code.startsWith('ERR_DPOP_')) return err
    if (err.code === 'ERR_DPOP_REPLAY_CACHE_FULL') return capacityRefusal(err)
    return refuse('invalid_dpop_proof', err, now)
  }

  return {
    mode,
    // Whether the Authorization scheme (lowercase) is one this mode takes.
    accepts(scheme) {
      return scheme === 'dpop' || (scheme === 'bearer' && mode === 'allowed')
    },

    // request: { method, url, scheme ('dpop' | 'bearer'), token, proofs (DPoP header value or values) };
    // claims: the verified token's payload. Returns null for an unbound Bearer token, or { jkt, header, payload }
    // for a checked proof, or a promise of it when the replay cache answers with one.
    check(request, claims) {
      const now = Date.now() / 1000
      const bound = typeof claims === 'object' && claims !== null ? claims.cnf?.jkt : undefined
      if (request.scheme !== 'dpop') {
        if (bound === undefined) return null
        const inner = tokenError('ERR_DPOP_TOKEN_BOUND', 'a DPoP-bound token must be presented with the DPoP scheme')
        throw refuse('invalid_token', inner, now)
      }
      const proofs = proofList(request.proofs)
      if (proofs.length !== 1 || proofs[0] === '') {
        const message = proofs.length > 1 ? 'more than one DPoP proof' : 'no DPoP proof (the DPoP header)'
        throw refuse('invalid_dpop_proof', tokenError('ERR_DPOP_PROOF_REQUIRED', message), now)
      }
      if (typeof bound !== 'string') {
        const inner = tokenError('ERR_DPOP_KEY_MISMATCH', 'the access token is not bound to a DPoP key (no "cnf.jkt")')
        throw refuse('invalid_token', inner, now)
      }
      const expected = {
        htm: request.method,
        htu: normaliseHtu(request.url),
        accessToken: request.token,
        jkt: bound,
        nonces: nonces?.accepted(now),
        now,
      }
      let result
      try {
        result = checker.check(proofs[0], expected)
      } catch (err) {
        throw fromProofError(err, now)
      }
      if (typeof result?.then !== 'function') return result
      return result.catch((err) => Promise.reject(fromProofError(err, now)))
    },

    // The challenge for a refusal made before the DPoP step (no token, a bad scheme, an invalid token): `error` is
    // its RFC 6750 code (by default the one for the refusal's code), none when the request had no credentials.
    challenge(err, error = CHALLENGE_ERRORS[err.code]) {
      return headers(error, err.message, Date.now() / 1000)
    },

    // Headers for a request that passed: the current nonce, when nonces are on.
    responseHeaders() {
      return nonces === null ? null : { 'DPoP-Nonce': nonces.current(Date.now() / 1000) }
    },
  }
}

module.exports = { createDpopAuth, dpopRequest, requestUrl }
