'use strict'
/* global document, session, proofKey -- the functions given to page.evaluate and waitForFunction run in the page */
// The demo page at / in a real browser: Debian's chromium driven by playwright-core (no browser download). Sign
// in, see /me, watch the access token renew itself, refresh, sign another session out, sign out. With
// RINGJWT_SCREENSHOT=<file.png> set, the signed-in page is written there for a person to look at.
const fs = require('node:fs')
const { generateKeyPairSync } = require('node:crypto')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')
const jwt = require('..')
const { createSessionStore } = jwt
const { createApp } = require('../examples/app')
const { program } = require('./helpers/system')
const { SECRET, EMAIL, PASSWORD, CHEAP_SCRYPT, listen, call, login, demoUsers } = require('./helpers/demo')

// Access tokens of 8 seconds: the page renews them 2 seconds before they expire, while the test watches.
const ACCESS_TOKEN_SECONDS = 8
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

jest.setTimeout(90_000)

let app
let sessions
let browser
let page
let userDataDir

beforeAll(async () => {
  sessions = createSessionStore({ accessTokenLifetime: ACCESS_TOKEN_SECONDS })
  app = await listen(createApp({ secret: SECRET, sessions, users: await demoUsers(), passwordHashing: CHEAP_SCRYPT }))
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-chromium-'))
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: program('chromium'),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1000, height: 1100 },
  })
  page = browser.pages()[0] ?? (await browser.newPage())
})
afterAll(async () => {
  await browser?.close()
  await app?.close()
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true })
})

const shown = (selector) => page.waitForSelector(`${selector}:not([hidden])`)
const text = (selector) => page.textContent(selector)
// A row of the claims table. The `jti` changes with every new access token.
const claimOnPage = (name) =>
  page.$eval(
    '#claims',
    (table, claim) => [...table.rows].find((row) => row.cells[0].textContent === claim).cells[1].textContent,
    name,
  )
const activityContains = (words) =>
  page.waitForFunction((expected) => document.getElementById('activity').textContent.includes(expected), words)
const refreshCookie = async () =>
  (await browser.cookies(`${app.base}/refresh`)).find((cookie) => cookie.name === '__Secure-ringjwt_refresh')
// Opens the page signed out and signs in with the form.
async function signInOnPage() {
  await page.goto(app.base)
  await shown('#signed-out')
  await page.fill('input[name=email]', EMAIL)
  await page.fill('input[name=password]', PASSWORD)
  await page.click('button[type=submit]')
  await shown('#signed-in')
}
// The access token the page holds in memory.
const tokenOnPage = () => page.evaluate(() => session.token)

test('sign in, call /me, renew, sign another session out, sign out', async () => {
  // Signed out: the login form.
  await page.goto(app.base)
  await shown('#signed-out')
  expect(await page.isHidden('#signed-in')).toBe(true)

  // Wrong password: the server's message.
  await page.fill('input[name=email]', EMAIL)
  await page.fill('input[name=password]', 'wrong')
  await page.click('button[type=submit]')
  await page.waitForFunction(() => document.getElementById('login-message').textContent !== '')
  expect(await text('#login-message')).toBe('Invalid email or password.')

  // Signed in: claims, countdown, and the refresh token where no script can read it.
  await page.fill('input[name=password]', PASSWORD)
  await page.click('button[type=submit]')
  await shown('#signed-in')
  expect(await text('#who')).toBe(EMAIL)
  expect(await text('#countdown')).toMatch(/^0:0\d$/)
  const firstJti = await claimOnPage('jti')
  expect(firstJti).toMatch(/^[0-9a-f-]{36}$/)
  expect(await page.evaluate(() => document.cookie)).toBe('')
  expect(await refreshCookie()).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/refresh', secure: true })
  expect(await page.evaluate(() => Object.keys(localStorage).length + Object.keys(sessionStorage).length)).toBe(0)

  // /me with the access token.
  await page.click('#call-me')
  await page.waitForFunction(() => document.getElementById('me-result').textContent.startsWith('200'))
  expect(JSON.parse((await text('#me-result')).slice(4))).toMatchObject({ email: EMAIL, jti: firstJti })

  // Silent renewal before expiry, then one on demand: a new access token each time, same session.
  await activityContains('Access token renewed')
  const renewedJti = await claimOnPage('jti')
  expect(renewedJti).not.toBe(firstJti)
  await page.click('#refresh-now')
  await page.waitForFunction((before) => !document.getElementById('claims').textContent.includes(before), renewedJti)
  const sid = await claimOnPage('sid')

  // A reload keeps the session: the cookie gets a new access token.
  await page.reload()
  await shown('#signed-in')
  await activityContains('Session restored from the refresh cookie.')

  // Another session (a phone) shows in the list; sign it out from here.
  const phone = await call(app.base, '/login', {
    method: 'POST',
    json: { email: EMAIL, password: PASSWORD },
    headers: { 'user-agent': 'Mozilla/5.0 (Android) Firefox/128.0' },
  }).then((res) => res.body)
  await page.click('#refresh-now')
  await page.waitForFunction(() => document.querySelectorAll('#sessions li').length === 2)
  expect(
    await page.$$eval('#sessions li', (items) => items.map((item) => item.querySelector('strong').textContent)),
  ).toEqual(['HeadlessChrome', 'Firefox'])
  expect(await text('#sessions li:first-child .badge')).toBe('this browser')
  await page.click('#call-me')
  await page.waitForFunction(() => document.getElementById('me-result').textContent.startsWith('200'))
  if (process.env.RINGJWT_SCREENSHOT) await page.screenshot({ path: process.env.RINGJWT_SCREENSHOT, fullPage: true })
  await page.click('#sessions li:nth-child(2) button.sign-out')
  await page.waitForFunction(() => document.querySelectorAll('#sessions li').length === 1)
  await activityContains('Signed out session')
  expect(await call(app.base, '/me', { token: phone.token })).toMatchObject({
    status: 401,
    body: { error: 'session_ended' },
  })
  expect(await page.$eval('#sessions li', (item) => item.dataset.id)).toBe(sid)

  // Sign out: the form again, the cookie gone, and a reload stays signed out.
  const token = await tokenOnPage()
  await page.click('#logout')
  await shown('#signed-out')
  expect(await text('#login-message')).toBe('You signed out.')
  expect(await refreshCookie()).toBeUndefined()
  expect(await call(app.base, '/me', { token })).toMatchObject({ status: 401, body: { error: 'session_ended' } })
  await page.reload()
  await shown('#signed-out')
  expect(await page.isHidden('#signed-in')).toBe(true)

  // A second sign-in works as the first did.
  expect((await login(app.base)).token).toEqual(expect.any(String))
})

test('DPoP: the page binds its session to a non-extractable key; its tokens are refused without that key', async () => {
  await signInOnPage()

  // The key: made by WebCrypto, its private half out of reach of every script, kept in IndexedDB.
  const key = await page.evaluate(async () => {
    const { privateKey, jwk } = await proofKey()
    const exported = await crypto.subtle.exportKey('jwk', privateKey).then(
      () => 'exported',
      (err) => err.name,
    )
    return { extractable: privateKey.extractable, exported, jwk, tokenType: session.tokenType }
  })
  expect(key).toMatchObject({ extractable: false, exported: 'InvalidAccessError', tokenType: 'DPoP' })
  const jkt = jwt.calculateJwkThumbprint(key.jwk)
  expect(JSON.parse(await claimOnPage('cnf'))).toEqual({ jkt })

  // The page's calls carry proofs and pass.
  await page.click('#call-me')
  await page.waitForFunction(() => document.getElementById('me-result').textContent.startsWith('200'))
  expect(JSON.parse((await text('#me-result')).slice(4))).toMatchObject({ cnf: { jkt } })

  // A token copied out of the page: refused as Bearer, without a proof, and with a proof from another key.
  const token = await tokenOnPage()
  expect(await call(app.base, '/me', { token })).toMatchObject({ status: 401, body: { error: 'invalid_token' } })
  const scheme = { authorization: `DPoP ${token}` }
  expect(await call(app.base, '/me', { headers: scheme })).toMatchObject({
    status: 401,
    body: { error: 'invalid_dpop_proof', message: 'no DPoP proof (the DPoP header)' },
  })
  const thief = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const forged = jwt.createDpopProof(thief, { htm: 'GET', htu: `${app.base}/me`, accessToken: token })
  const refused = await call(app.base, '/me', { headers: { ...scheme, dpop: forged } })
  expect(refused).toMatchObject({
    status: 401,
    body: { error: 'invalid_dpop_proof', message: "the access token is bound to another key than the DPoP proof's" },
  })
  expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof", /)

  // The refresh cookie copied out of the browser is refused without a proof of the key; the page still renews.
  const cookie = await refreshCookie()
  const stolen = await call(app.base, '/refresh', {
    method: 'POST',
    json: {},
    headers: { cookie: `${cookie.name}=${cookie.value}` },
  })
  expect(stolen).toMatchObject({ status: 401, body: { error: 'refresh_token_invalid' } })
  const before = await claimOnPage('jti')
  await page.click('#refresh-now')
  await page.waitForFunction((jti) => !document.getElementById('claims').textContent.includes(jti), before)
  expect(JSON.parse(await claimOnPage('cnf'))).toEqual({ jkt })

  // A reload keeps the key (IndexedDB), so the cookie, refreshed with a proof of it, restores the session.
  await page.reload()
  await activityContains('Session restored from the refresh cookie.')
  expect(JSON.parse(await claimOnPage('cnf'))).toEqual({ jkt })
  await page.click('#logout')
  await shown('#signed-out')
})

// A tab left in the background (or a laptop asleep) stops renewing: its access token expires. Signing out then is
// still signing out: the page renews the token first, the server ends the session, and a reload stays signed out.
test('sign out after the access token has expired ends the session', async () => {
  await signInOnPage()
  const sid = await claimOnPage('sid')
  await page.evaluate(() => clearTimeout(session.renewTimer))
  await page.waitForTimeout((ACCESS_TOKEN_SECONDS + 1) * 1000)
  await page.click('#logout')
  await shown('#signed-out')
  expect(await text('#login-message')).toBe('You signed out.')
  expect(await refreshCookie()).toBeUndefined()
  expect(sessions.get(sid)).toBeNull()
  await page.reload()
  await shown('#signed-out')
  expect(await page.isHidden('#signed-in')).toBe(true)
})
