'use strict'
// The browser side of the ringjwt demo: sign in, call the API with the access token, renew it before it
// expires, list and end sessions, sign out.
//
// Where the tokens live:
// - the access token in the `session` variable below, in memory only: a reload forgets it, and /refresh gives
//   a new one; it is sent in the Authorization header (`DPoP`, or `Bearer` where the browser cannot do DPoP),
//   so no cookie can be replayed against the API;
// - the refresh token in an HttpOnly, Secure cookie the server sets, scoped to /refresh: this script never sees it.
//
// Both are bound to a key (DPoP, RFC 9449) where the browser has WebCrypto and IndexedDB: an ECDSA P-256 key pair
// whose private key is non-extractable (no script, this one included, can read it out), kept in IndexedDB so a
// reload keeps it. Every request carries a fresh proof signed with it, so a token copied out of the page, or a
// refresh cookie copied out of the browser, is refused without the key. The key cannot leave the browser, but a
// script running on the page can use it: it could sign proofs dated up to 90 s ahead (the server takes a proof
// whose time is within 90 s of its clock), each good for one request up to three minutes after it was signed.
// Binding limits what a stolen token is worth and for how long; it does not make an injected script harmless (the
// Content-Security-Policy keeps those out).

const REFRESH_LOCK = 'ringjwt-demo-refresh'
// Renew a minute before expiry (a quarter of the lifetime for tokens shorter than four minutes).
const RENEW_MARGIN_SECONDS = 60
const RETRY_SECONDS = 5

const session = { token: null, tokenType: null, claims: null, renewTimer: null, countdownTimer: null }

const DPOP = Boolean(globalThis.crypto?.subtle && globalThis.indexedDB)
const KEY_DATABASE = 'ringjwt-demo'
const encoder = new TextEncoder()

function keyStore(mode, run) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(KEY_DATABASE, 1)
    open.onupgradeneeded = () => open.result.createObjectStore('keys')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const transaction = open.result.transaction('keys', mode)
      const request = run(transaction.objectStore('keys'))
      transaction.oncomplete = () => resolve(request.result)
      transaction.onerror = () => reject(transaction.error)
    }
  })
}

// This browser's DPoP key: made once, then read back from IndexedDB (a CryptoKey is stored as it is, still
// non-extractable). The public half goes into every proof as a JWK.
let dpopKey
function proofKey() {
  dpopKey ??= (async () => {
    let pair = await keyStore('readonly', (store) => store.get('dpop'))
    if (pair === undefined) {
      pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
      await keyStore('readwrite', (store) => store.put(pair, 'dpop'))
    }
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
    return { privateKey: pair.privateKey, jwk: { kty, crv, x, y } }
  })()
  return dpopKey
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const jsonPart = (value) => base64url(encoder.encode(JSON.stringify(value)))

// A proof for one request (RFC 9449 §4.2): method and URL without query, a fresh id, and the access token's hash
// when one is sent. WebCrypto's ECDSA signature is the r‖s form JWS uses.
async function dpopProof(method, path, accessToken) {
  const { privateKey, jwk } = await proofKey()
  const url = new URL(path, location.origin)
  const claims = {
    jti: crypto.randomUUID(),
    htm: method,
    htu: url.origin + url.pathname,
    iat: Math.floor(Date.now() / 1000),
  }
  if (accessToken) claims.ath = base64url(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken)))
  const input = `${jsonPart({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${jsonPart(claims)}`
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, encoder.encode(input))
  return `${input}.${base64url(signature)}`
}

const byId = (id) => document.getElementById(id)

function log(text) {
  const item = document.createElement('li')
  const time = document.createElement('time')
  time.textContent = new Date().toLocaleTimeString()
  item.append(time, ` ${text}`)
  byId('activity').prepend(item)
  while (byId('activity').children.length > 8) byId('activity').lastElementChild.remove()
}

// The payload of a JWT, read for display only: the server verifies every token it receives.
function claimsOf(token) {
  const base64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  return JSON.parse(new TextDecoder().decode(bytes))
}

async function request(path, { method = 'GET', body, bearer = true } = {}) {
  const headers = {}
  const bound = session.tokenType === 'DPoP'
  if (bearer) headers.Authorization = `${bound ? 'DPoP' : 'Bearer'} ${session.token}`
  // With DPoP, every request proves the key: the sign-in and refresh too, which bind the session to it.
  if (DPOP && (!bearer || bound)) headers.DPoP = await dpopProof(method, path, bearer ? session.token : undefined)
  // A JSON body on every POST: the server refuses /refresh without one, which keeps other sites' forms out.
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  })
  const data = response.status === 204 ? null : await response.json()
  return { status: response.status, data }
}

// An API call with the access token. A 401 gets one renewal and one retry: the token may have just expired. Not
// once the page has signed out meanwhile (a call sent before a sign-out, answered after it).
async function api(path, options) {
  const first = await request(path, options)
  if (first.status !== 401 || session.token === null || !(await renew())) return first
  return request(path, options)
}

// One renewal at a time across this browser's tabs: two tabs presenting the same refresh token at once would
// look like a stolen token and end the session.
function withRefreshLock(task) {
  return navigator.locks ? navigator.locks.request(REFRESH_LOCK, task) : task()
}

// A renewal that could not be done now (no network, 503 while the server's store is down or busy, 429 past the
// limit of requests) is tried again shortly; one the server refuses (401) means the session is over.
const TRY_AGAIN = [0, 429, 503]
async function renew() {
  let answer
  try {
    answer = await withRefreshLock(() => request('/refresh', { method: 'POST', body: {}, bearer: false }))
  } catch {
    answer = { status: 0 }
  }
  const { status, data } = answer
  if (TRY_AGAIN.includes(status)) {
    log(`Could not renew the access token now; trying again in ${RETRY_SECONDS} s.`)
    clearTimeout(session.renewTimer)
    session.renewTimer = setTimeout(renew, RETRY_SECONDS * 1000)
    return false
  }
  if (status !== 200) {
    signedOut(`Your session has ended (${data.error}). Please sign in again.`)
    return false
  }
  startSession(data)
  log(`Access token renewed (jti ${session.claims.jti.slice(0, 8)}…).`)
  return true
}

function startSession({ token, token_type: tokenType = 'Bearer', expiresIn }) {
  session.token = token
  session.tokenType = tokenType
  session.claims = claimsOf(token)
  clearTimeout(session.renewTimer)
  const margin = Math.min(RENEW_MARGIN_SECONDS, expiresIn / 4)
  session.renewTimer = setTimeout(renew, Math.max(1, expiresIn - margin) * 1000)
  showSignedIn()
}

function showSignedIn() {
  byId('signed-out').hidden = true
  byId('signed-in').hidden = false
  byId('who').textContent = session.claims.email
  const table = byId('claims')
  table.replaceChildren()
  for (const [name, value] of Object.entries(session.claims)) {
    const row = table.insertRow()
    row.insertCell().textContent = name
    const time = name === 'iat' || name === 'exp'
    const shown = time ? `${value} (${new Date(value * 1000).toLocaleTimeString()})` : value
    row.insertCell().textContent = typeof shown === 'object' ? JSON.stringify(shown) : shown
  }
  clearInterval(session.countdownTimer)
  session.countdownTimer = setInterval(showCountdown, 1000)
  showCountdown()
  loadSessions()
}

function showCountdown() {
  const left = Math.max(0, Math.round(session.claims.exp - Date.now() / 1000))
  byId('countdown').textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
  byId('refresh-note').textContent = '(renewed automatically before then)'
}

function signedOut(message) {
  clearTimeout(session.renewTimer)
  clearInterval(session.countdownTimer)
  Object.assign(session, { token: null, tokenType: null, claims: null })
  byId('signed-in').hidden = true
  byId('signed-out').hidden = false
  byId('login-message').textContent = message ?? ''
}

// A short name for a user agent string; the whole string is in the tooltip.
function browserName(userAgent) {
  const known = /(HeadlessChrome|Edg|Firefox|Chrome|Safari|curl|node)\b/.exec(userAgent)
  return known ? known[1] : userAgent || 'Unknown client'
}

async function loadSessions() {
  const { status, data } = await api('/sessions')
  if (status !== 200) return
  const list = byId('sessions')
  list.replaceChildren()
  for (const item of data.sessions) {
    const entry = document.createElement('li')
    entry.dataset.id = item.id
    const name = document.createElement('strong')
    name.textContent = browserName(item.userAgent)
    name.title = item.userAgent
    const details = document.createElement('span')
    details.className = 'muted'
    const started = new Date(item.createdAt).toLocaleTimeString()
    const used = new Date(item.lastUsedAt).toLocaleTimeString()
    details.textContent = ` ${item.ip} · signed in ${started} · last renewed ${used}`
    entry.append(name, details)
    if (item.current) {
      const badge = document.createElement('span')
      badge.className = 'badge'
      badge.textContent = 'this browser'
      entry.append(badge)
    } else {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'sign-out'
      button.textContent = 'Sign out'
      button.addEventListener('click', () => endSession(item.id))
      entry.append(button)
    }
    list.append(entry)
  }
}

async function endSession(id) {
  const { status } = await api(`/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' })
  log(status === 204 ? `Signed out session ${id.slice(0, 8)}….` : `Could not sign out session ${id.slice(0, 8)}….`)
  loadSessions()
}

byId('login-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = new FormData(event.target)
  const body = { email: form.get('email'), password: form.get('password'), cookie: true }
  let answer
  try {
    answer = await request('/login', { method: 'POST', body, bearer: false })
  } catch {
    byId('login-message').textContent = 'Could not reach the server. Try again.'
    return
  }
  const { status, data } = answer
  if (status !== 200) {
    byId('login-message').textContent = data.message
    return
  }
  event.target.reset()
  startSession(data)
  log('Signed in.')
})

byId('call-me').addEventListener('click', async () => {
  const { status, data } = await api('/me')
  byId('me-result').textContent = `${status} ${JSON.stringify(data, null, 2)}`
  byId('me-result').classList.toggle('muted', status !== 200)
  log(`GET /me → ${status}.`)
})

byId('refresh-now').addEventListener('click', () => renew())

// Signing out is a call like any other: an access token that has expired meanwhile is renewed first. The page
// says "signed out" only once the server has ended the session (or a renewal found it over already); otherwise
// the session and its refresh cookie are still there, and the page says so.
async function signOut(path, message, logged) {
  let status
  try {
    ;({ status } = await api(path, { method: 'POST' }))
  } catch {
    status = 0
  }
  if (status >= 200 && status < 300) {
    signedOut(message)
    log(logged)
  } else if (session.token !== null) {
    log(`Could not sign out (${status === 0 ? 'no answer from the server' : `HTTP ${status}`}); try again.`)
  }
}

byId('logout').addEventListener('click', () => signOut('/logout', 'You signed out.', 'Signed out.'))
byId('logout-all').addEventListener('click', () =>
  signOut('/logout-all', 'You signed out of every session.', 'Signed out everywhere.'),
)

// A reload keeps you signed in: the refresh cookie gets a new access token.
withRefreshLock(() => request('/refresh', { method: 'POST', body: {}, bearer: false })).then(
  ({ status, data }) => {
    if (status === 200) {
      startSession(data)
      log('Session restored from the refresh cookie.')
    } else {
      signedOut(TRY_AGAIN.includes(status) ? 'The server is busy. Reload the page shortly to try again.' : undefined)
    }
  },
  () => signedOut('Could not reach the server. Reload the page to try again.'),
)
