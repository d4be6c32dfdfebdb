'use strict'
// The demo app: password login that starts a session (at most 10 live per user by default: a login past the cap
// ends the user's oldest), short-lived access tokens checked against the session store on every request, refresh
// tokens that rotate, the list of a user's sessions, logout of one session or of all of them, and a page at / that
// runs the whole flow in a browser (examples/public/).
//
// DPoP (RFC 9449): a client that sends a `DPoP` proof to /login or /refresh gets a session bound to its key.
// Its access tokens carry `cnf.jkt` (`token_type: "DPoP"`) and are accepted only with a fresh proof from that
// key, and its refresh token works only with one too; the page does this with a non-extractable WebCrypto key.
//
// createApp() only builds the Express app; server.js picks the key, the stores and the demo user and listens.

const crypto = require('node:crypto')
const path = require('node:path')
const express = require('express')
const jwt = require('ringjwt')
const { createSigner, verifyDpopProof, createDpopReplayCache } = jwt
const { expressjwt, fromCookie, UnauthorizedError } = require('ringjwt/express')
const { hashPassword, verifyPassword, needsRehash, hashParams, OWASP_SCRYPT } = require('./passwords')
const { loginLimits, refreshLimits } = require('./login-limits')

const ISSUER = 'ringjwt-demo'

// The refresh token's cookie, sent back only to /refresh: scripts cannot read it (HttpOnly), other sites cannot
// make the browser send it (SameSite=Strict), no other route ever sees it (Path), and it goes out only over HTTPS
// (Secure, whatever req.secure says: behind a TLS proxy without "trust proxy" too). The __Secure- prefix makes the
// browser refuse the name without Secure, so no page served over http:// on the same host can plant one. Browsers
// take Secure cookies from http://localhost and http://127.0.0.1 (trustworthy origins), so this works there too.
const REFRESH_COOKIE = 'ringjwt_refresh'
const SECURE_REFRESH_COOKIE = `__Secure-${REFRESH_COOKIE}`
const REFRESH_PATH = '/refresh'

const INVALID_CREDENTIALS = { error: 'invalid_credentials', message: 'Invalid email or password.' }
const MISSING_FIELDS = {
  error: 'invalid_request',
  message: 'Send a JSON object with "email" and "password" strings.',
}
const REFRESH_BODY = {
  error: 'invalid_request',
  message: 'Send a JSON object: {"refreshToken": "…"}, or {} with the refresh cookie.',
}
const NO_REFRESH_TOKEN = { error: 'refresh_token_required', message: 'No refresh token was sent.' }
const NO_SUCH_SESSION = { error: 'not_found', message: 'No such session.' }
const INVALID_PROOF = (err) => ({ error: 'invalid_dpop_proof', message: err.message })
// A proof's `iat` is the browser's clock, which is usually within a few seconds of ours (NTP): 30 seconds is plenty
// for a browser that makes each proof just before it sends it. ringjwt takes a proof whose `iat` is within its age
// limit (60 s) plus this tolerance of the server's clock, either way: 90 s. That is also how far ahead a proof can
// be made: a script that ran on the page could sign proofs dated up to 90 s ahead, each good for one request until
// 90 s past its `iat` (up to three minutes after it was signed). The replay cache keeps every proof for its whole
// window, so a longer tolerance costs memory too.
const DPOP_CLOCK_TOLERANCE = 30
// The replay cache is full: the server's capacity, not the client's fault. Entries leave as their window closes.
const REPLAY_CACHE_FULL = {
  error: 'temporarily_unavailable',
  message: 'The server cannot take more DPoP proofs now: try again shortly.',
}
// When the cache does not say when its oldest proof leaves it.
const REPLAY_CACHE_RETRY_SECONDS = 10
// RFC 3986's host[:port]: a name or an IP literal in brackets, and a port.
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]{1,5})?$/
// What the sessions page shows of a user agent; the store keeps at most 2 kB of metadata.
const USER_AGENT_LENGTH = 512
// Live sessions one user may hold: a login past it ends the user's oldest ones (see endOldestSessions).
const MAX_SESSIONS_PER_USER = 10
const STORE_UNAVAILABLE = {
  error: 'store_unavailable',
  message: 'The session store is unavailable: try again shortly.',
}

// The page allows only its own scripts, styles and requests: an injected script could otherwise read the
// access token held in memory.
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}

// The id is derived from the email, so that every instance of the demo agrees on who a session belongs to.
async function createUser(email, password, params = OWASP_SCRYPT) {
  const id = `user-${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`
  return { id, email, passwordHash: await hashPassword(password, params) }
}

function isNonEmptyString(value) {
  return typeof value === 'string' && value !== ''
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

// Every error becomes a short JSON answer; nothing from the error object but its code reaches the client.
function errorHandler(log, refreshCookie) {
  return (err, req, res, _next) => {
    if (err.name === 'UnauthorizedError') {
      if (req.path === REFRESH_PATH) refreshCookie.clear(res)
      else res.set(err.headers ?? { 'WWW-Authenticate': 'Bearer' })
      return res.status(401).json({ error: err.code, message: err.message })
    }
    if (err.code === 'ERR_STORE_UNAVAILABLE') {
      log(`${req.method} ${req.path} refused: ${err.message}`)
      return res.status(503).set('Retry-After', '1').json(STORE_UNAVAILABLE)
    }
    // From the app's own proof checks or from the middleware's: the server's capacity, not the client's fault.
    if (err.code === 'ERR_DPOP_REPLAY_CACHE_FULL') {
      log(`${req.method} ${req.path} refused: ${err.message}`)
      const retryAfter = err.retryAfter ?? REPLAY_CACHE_RETRY_SECONDS
      return res.status(503).set('Retry-After', String(retryAfter)).json(REPLAY_CACHE_FULL)
    }
    if (err.type === 'entity.parse.failed') {
      return res.status(400).json({ error: 'invalid_json', message: 'The request body is not valid JSON.' })
    }
    if (Number.isInteger(err.status) && err.status >= 400 && err.status < 500) {
      return res.status(err.status).json({ error: 'bad_request', message: 'The request could not be read.' })
    }
    log(`${req.method} ${req.path} failed: ${err.message}`)
    res.status(500).json({ error: 'internal_error', message: 'Something went wrong.' })
  }
}

// The refresh cookie: `secure` false (plain-HTTP development on another host than localhost) drops both Secure
// and the prefix, which the browser would refuse without it.
function refreshCookieOf(secure) {
  const name = secure ? SECURE_REFRESH_COOKIE : REFRESH_COOKIE
  const options = { httpOnly: true, sameSite: 'strict', path: REFRESH_PATH, secure }
  return {
    name,
    read: fromCookie(name),
    set(res, refreshToken, session) {
      res.cookie(name, refreshToken, { ...options, expires: session.expiresAt })
    },
    clear(res) {
      res.clearCookie(name, options)
    },
  }
}

// Caps the sessions of `subject` at `max` once a login has made its own (`own`, a session id): the oldest past the
// cap are ended, as DELETE /sessions/:id ends one, so the newest login always keeps its session, and an ended one's
// tokens are refused as any ended session's are (`session_ended`).
//
// The store has no call that finds a subject's oldest sessions and ends them in one step: this lists the live
// sessions (oldest first, one read per session on Redis) and ends them one by one. On Redis, sign-ins of one user
// on several instances (or several at once on one) can interleave between those steps, so:
// - a login ends only sessions listed before its own (older ones), never its own nor a newer one: of the logins
//   racing, the newest in the list's order is ended by none, and the user is never left without a session;
// - a login whose own session is gone already (a newer one ended it) ends nothing.
// The cap can then be exceeded for a while: between a login's create and its list, and when a newer login listed
// before an older one's session was written (or the instances' clocks disagree: the list orders by the times they
// gave). The newer did not count that session, and the older ends nothing newer than itself. The excess is at most
// one session per other login in the race (one, for two at once), and the user's next sign-in ends it. Two logins
// ending the same session is harmless: the second `end` answers false.
async function endOldestSessions(sessions, subject, own, max) {
  const live = await sessions.list(subject)
  const excess = live.length - max
  const position = live.findIndex((session) => session.id === own)
  if (excess <= 0 || position <= 0) return
  const oldest = live.slice(0, Math.min(excess, position))
  await Promise.all(oldest.map((session) => sessions.end(session.id)))
}

// A proof that fails a check is the client's: 400 `invalid_dpop_proof`. A full replay cache, or a store that
// cannot answer, is thrown on (503).
function refuseProof(err, res) {
  if (err.name !== 'JsonWebTokenError' || err.code === 'ERR_DPOP_REPLAY_CACHE_FULL') throw err
  res.status(400).json(INVALID_PROOF(err))
}

/**
 * @param {object} options
 * @param {string | Buffer} options.secret HS256 signing key.
 * @param {object} options.sessions a session store (createSessionStore() or createRedisSessionStore(client)).
 * @param {Array<{id: string, email: string, passwordHash: string}>} options.users from createUser().
 * @param {object} [options.loginLimits] failed sign-ins allowed: see login-limits.js (default in 15 minutes: 5 per
 *   account from one address, 50 per account from all, 20 per address; counted in memory).
 * @param {object} [options.refreshLimits] /refresh requests allowed: see login-limits.js (default 60 a minute
 *   per address, counted in memory).
 * @param {boolean} [options.secureCookie] false sends the refresh cookie without Secure and its __Secure- prefix,
 *   for plain-HTTP development on a host other than localhost; default true.
 * @param {{ln: number, r: number, p: number}} [options.passwordHashing] scrypt parameters a stored hash must
 *   have; a weaker one is replaced at the user's next sign-in. Default OWASP's (ln 17, r 8, p 1).
 * @param {(line: string) => void} [options.log] where server errors are reported; default console.error.
 * @param {object} [options.dpopReplayCache] where DPoP proofs are remembered against replay: default in this
 *   process (createDpopReplayCache()); createRedisDpopReplayCache(client) for several instances.
 * @param {number} [options.maxSessionsPerUser] live sessions one user may hold; a login past it ends the user's
 *   oldest sessions. Default 10.
 */
function createApp({
  secret,
  sessions,
  users,
  loginLimits: limits,
  refreshLimits: refreshLimitOptions,
  secureCookie = true,
  passwordHashing = OWASP_SCRYPT,
  log = console.error,
  dpopReplayCache = createDpopReplayCache(),
  maxSessionsPerUser = MAX_SESSIONS_PER_USER,
}) {
  if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1) {
    throw new TypeError('maxSessionsPerUser must be a whole number of sessions, at least 1')
  }
  const refreshCookie = refreshCookieOf(secureCookie)
  const byEmail = new Map(users.map((user) => [user.email.toLowerCase(), user]))
  const byId = new Map(users.map((user) => [user.id, user]))
  // The session store sets each token's `exp` (its access token lifetime, never past the session's end).
  const signer = createSigner({ key: secret, algorithm: 'HS256', issuer: ISSUER })
  // strict: the JWT profile of RFC 7519 and RFC 8725 (claims set an object, registered claims of their types, an
  // HMAC secret at least as long as the hash), which every token this app signs meets.
  const authenticate = expressjwt({
    secret,
    algorithms: ['HS256'],
    issuer: ISSUER,
    strict: true,
    isRevoked: sessions.isRevoked,
    dpop: { mode: 'allowed', replayCache: dpopReplayCache, clockTolerance: DPOP_CLOCK_TOLERANCE },
  })

  // The thumbprint of the key that signed the request's DPoP proof; undefined without one. Throws for a proof
  // that fails a check. `req.protocol` and `req.host` follow Express's "trust proxy" setting. With `record`, the
  // proof is also remembered in the replay cache (and refused if it is there already).
  async function proofKey(req, record) {
    const proof = req.get('dpop')
    if (proof === undefined) return undefined
    // A Host that is not host[:port] would move the path the proof is held to (`Host: h/login?` makes every
    // path read as /login): such a request matches no proof.
    if (!AUTHORITY.test(req.host)) {
      throw new jwt.JsonWebTokenError('DPoP proof "htu" does not match the request URL')
    }
    const htu = `${req.protocol}://${req.host}${req.originalUrl}`
    const options = { htm: req.method, htu, clockTolerance: DPOP_CLOCK_TOLERANCE }
    if (record) options.replayCache = dpopReplayCache
    const { jkt } = await verifyDpopProof(proof, options)
    return jkt
  }

  // A login or refresh with a proof: its signature and claims are checked now, and it is remembered against replay
  // only by `record()`, once the request has shown it is worth the room (the right password, a live session's
  // refresh token): requests that fail anyway cannot fill the replay cache. `{ options: { jkt }, record }` binds
  // the session; without a proof, `options` is undefined; null when a 400 was sent.
  async function binding(req, res) {
    let jkt
    try {
      jkt = await proofKey(req, false)
    } catch (err) {
      refuseProof(err, res)
      return null
    }
    if (jkt === undefined) return { options: undefined, record: async () => {} }
    // Throws what verifyDpopProof throws: a replayed proof, one whose window closed meanwhile, a full cache.
    return { options: { jkt }, record: () => proofKey(req, true) }
  }

  // An unknown email still costs one hash with the users' parameters, so response times do not tell which
  // emails have accounts. The decoy is made now, not at the first unknown email, which would pay for it twice.
  const decoyHash = hashPassword(crypto.randomBytes(16).toString('hex'), hashParams(users[0]?.passwordHash))
  decoyHash.catch(() => {}) // a failure is the login's to report, when it awaits the decoy
  const decoy = () => decoyHash

  // Signs a session's access token: the store's claims, plus the app's own. The store calls it and records the
  // token's signature with the session, so a token re-signed over other claims (another email) is refused.
  function signFor(user) {
    return (claims) => signer.sign({ ...claims, iat: Math.floor(Date.now() / 1000), email: user.email })
  }
  // A bound session's tokens are DPoP tokens (`token_type: "DPoP"`); others are answered as before.
  function answer({ token, claims }) {
    const reply = { token, expiresIn: claims.exp - jwt.decode(token).iat }
    if (claims.cnf !== undefined) reply.token_type = 'DPoP'
    return reply
  }

  const app = express()
  app.disable('x-powered-by')
  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS)
    next()
  })
  app.use(express.static(path.join(__dirname, 'public'), { index: 'index.html' }))
  app.use(express.json({ limit: '10kb' }))

  app.get('/health', (req, res) => {
    res.json({ status: 'ok' })
  })

  // `{ email, password }` → `{ token, refreshToken, expiresIn }`. A browser sends `cookie: true` and gets the
  // refresh token as an HttpOnly cookie instead, out of reach of the page's scripts.
  app.post('/login', ...loginLimits({ log, ...limits }), async (req, res) => {
    const { email, password, cookie = false } = isObject(req.body) ? req.body : {}
    if (!isNonEmptyString(email) || !isNonEmptyString(password) || typeof cookie !== 'boolean') {
      return res.status(400).json(MISSING_FIELDS)
    }
    const bound = await binding(req, res)
    if (bound === null) return undefined
    const user = byEmail.get(email.toLowerCase())
    const valid = await verifyPassword(password, user ? user.passwordHash : await decoy())
    if (!user || !valid) return res.status(401).json(INVALID_CREDENTIALS)
    try {
      await bound.record()
    } catch (err) {
      return refuseProof(err, res)
    }
    if (needsRehash(user.passwordHash, passwordHashing)) {
      user.passwordHash = await hashPassword(password, passwordHashing)
    }
    const metadata = { userAgent: (req.get('user-agent') ?? '').slice(0, USER_AGENT_LENGTH), ip: req.ip }
    const issued = await sessions.create(user.id, metadata, { ...bound.options, sign: signFor(user) })
    // The login has its session: a store that fails now costs the cap (until the next login), not the sign-in.
    try {
      await endOldestSessions(sessions, user.id, issued.session.id, maxSessionsPerUser)
    } catch (err) {
      log(`${req.method} ${req.path}: the oldest sessions past the cap were not ended: ${err.message}`)
    }
    res.set('Cache-Control', 'no-store')
    if (cookie) {
      refreshCookie.set(res, issued.refreshToken, issued.session)
      return res.json(answer(issued))
    }
    res.json({ ...answer(issued), refreshToken: issued.refreshToken })
  })

  // `{ refreshToken }` → a new pair, the old refresh token retired. Or `{}` with the cookie: the new refresh token
  // goes back in the cookie only, never in the body, so a script on the page can never hold one. Only a JSON
  // body is read, and a page on another site cannot send one without a CORS preflight this app never grants:
  // with SameSite=Strict, that keeps cross-site requests from using the cookie.
  //
  // Every request counts against a limit per address. A proof is remembered against replay only once the store has
  // checked the refresh token (the current one of a live session, for this key): the store calls `sign` after its
  // checks and before it rotates, and a `sign` that throws leaves the session as it was. So a refresh token that
  // is not a live session's costs no room in the replay cache, and a replayed proof rotates nothing.
  app.post(REFRESH_PATH, refreshLimits({ log, ...refreshLimitOptions }), async (req, res) => {
    if (!req.is('application/json') || !isObject(req.body)) return res.status(400).json(REFRESH_BODY)
    const fromBody = req.body.refreshToken
    if (fromBody !== undefined && !isNonEmptyString(fromBody)) return res.status(400).json(REFRESH_BODY)
    const presented = fromBody ?? refreshCookie.read(req)
    if (presented === undefined) return res.status(401).json(NO_REFRESH_TOKEN)
    const bound = await binding(req, res)
    if (bound === null) return undefined
    let orphan = null
    let proofRefused = null
    let issued
    try {
      issued = await sessions.refresh(presented, {
        ...bound.options,
        sign: async (claims, session) => {
          const user = byId.get(session.subject)
          if (user === undefined) {
            orphan = session.subject
            throw new UnauthorizedError('session_ended', { message: 'The session has ended.' })
          }
          try {
            await bound.record()
          } catch (err) {
            proofRefused = err
            throw err
          }
          return signFor(user)(claims)
        },
      })
    } catch (err) {
      // The account is gone: so is every session of it.
      if (orphan !== null) await sessions.endAll(orphan)
      if (err === proofRefused) return refuseProof(err, res)
      throw err
    }
    res.set('Cache-Control', 'no-store')
    if (fromBody === undefined) {
      refreshCookie.set(res, issued.refreshToken, issued.session)
      return res.json(answer(issued))
    }
    res.json({ ...answer(issued), refreshToken: issued.refreshToken })
  })

  // Personal data: no cache, shared or the browser's, keeps a copy.
  app.get('/me', authenticate, (req, res) => {
    res.set('Cache-Control', 'no-store')
    res.json(req.auth)
  })

  app.get('/sessions', authenticate, async (req, res) => {
    const list = await sessions.list(req.auth.sub)
    res.set('Cache-Control', 'no-store')
    res.json({
      sessions: list.map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        userAgent: session.metadata.userAgent ?? '',
        ip: session.metadata.ip ?? '',
        current: session.id === req.auth.sid,
      })),
    })
  })

  // Only the caller's own sessions: another user's id is answered as if it did not exist.
  app.delete('/sessions/:id', authenticate, async (req, res) => {
    const session = await sessions.get(req.params.id)
    if (session === null || session.subject !== req.auth.sub) return res.status(404).json(NO_SUCH_SESSION)
    await sessions.end(session.id)
    if (session.id === req.auth.sid) refreshCookie.clear(res)
    res.status(204).end()
  })

  app.post('/logout', authenticate, async (req, res) => {
    await sessions.end(req.auth.sid)
    refreshCookie.clear(res)
    res.json({ message: 'Signed out: this session has ended.' })
  })

  app.post('/logout-all', authenticate, async (req, res) => {
    const ended = await sessions.endAll(req.auth.sub)
    refreshCookie.clear(res)
    res.json({ message: 'Signed out everywhere: every session of this user has ended.', ended })
  })

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such route.' })
  })
  app.use(errorHandler(log, refreshCookie))
  return app
}

module.exports = { createApp, createUser }
