'use strict'
// What every session store does, in memory or in Redis: one suite, run by session-store.test.js and
// redis-session-store.test.js against their store. `newStore(options)` returns a fresh, empty store. Only
// Date is faked, so Redis sockets and timers run for real while the test picks the time.

const { createSigner, verify } = require('../..')
const { UnauthorizedError } = require('../../express')
const { rejected } = require('./assert')
const { fakeDateOnly } = require('./clock')

const START = Date.UTC(2030, 0, 1, 12, 0, 0)
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
// A session id: a version 7 UUID, which carries the time its login began.
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const REFRESH_TOKEN = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{43}$/

const MESSAGES = {
  session_unknown: 'The session of this token is unknown.',
  session_expired: 'The session of this token has expired.',
  session_ended: 'The session has ended.',
  token_not_issued: 'This token was not issued by its session.',
  token_signature_required: "The session check needs the token's signature: its session binds the tokens it issued.",
  refresh_token_invalid: 'The refresh token is not valid.',
  refresh_token_expired: 'The refresh token has expired.',
  refresh_token_reused: 'The refresh token was already used: the session has ended.',
}

// What a call threw or rejected with, for stores that throw (memory) and stores that reject (Redis) alike.
const failure = (fn) => rejected(Promise.resolve().then(fn))

async function expectRefusal(fn, code) {
  const err = await failure(fn)
  expect(err).toBeInstanceOf(UnauthorizedError)
  expect(err).toMatchObject({ name: 'UnauthorizedError', code, status: 401, message: MESSAGES[code] })
  expect(err.inner).toEqual({ message: MESSAGES[code] })
}

async function expectOptionError(fn, message) {
  const err = await failure(fn)
  expect(err).toBeInstanceOf(TypeError)
  expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
}

const at = (ms) => jest.setSystemTime(START + ms)

function sessionStoreBehaviour(newStore) {
  beforeEach(() => {
    fakeDateOnly(START)
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  describe('create', () => {
    test('starts a session and returns it with a refresh token and the claims to sign', async () => {
      const store = newStore()
      const { session, refreshToken, claims } = await store.create('u1', { userAgent: 'Firefox', ip: '127.0.0.1' })
      expect(session).toEqual({
        id: expect.stringMatching(SESSION_ID),
        subject: 'u1',
        createdAt: new Date(START),
        lastUsedAt: new Date(START),
        expiresAt: new Date(START + 7 * DAY),
        metadata: { userAgent: 'Firefox', ip: '127.0.0.1' },
      })
      expect(refreshToken).toMatch(REFRESH_TOKEN)
      expect(REFRESH_TOKEN.exec(refreshToken)[1]).toBe(session.id)
      expect(claims).toEqual({ sub: 'u1', sid: session.id, jti: expect.stringMatching(UUID), exp: START / 1000 + 900 })
      expect(await store.get(session.id)).toEqual(session)
    })

    test('each session has its own id, refresh token and jti', async () => {
      const store = newStore()
      const first = await store.create('u1')
      const second = await store.create('u1')
      expect(second.session.id).not.toBe(first.session.id)
      expect(second.refreshToken).not.toBe(first.refreshToken)
      expect(second.claims.jti).not.toBe(first.claims.jti)
      expect(first.session.metadata).toEqual({})
    })

    test('lifetimes are options, in seconds or timespans', async () => {
      const store = newStore({ accessTokenLifetime: '5m', idleLifetime: 3600, absoluteLifetime: '2h' })
      const { session, claims } = await store.create('u1')
      expect(claims.exp).toBe(START / 1000 + 300)
      expect(session.expiresAt).toEqual(new Date(START + 60 * MINUTE))
    })

    test('an access token never outlives its session', async () => {
      const store = newStore({ accessTokenLifetime: '1h', idleLifetime: '10m' })
      const { claims } = await store.create('u1')
      expect(claims.exp).toBe(START / 1000 + 600)
    })

    test.each([
      [undefined, '"subject" must be a non-empty string'],
      ['', '"subject" must be a non-empty string'],
      [42, '"subject" must be a non-empty string'],
    ])('a subject of %p is a TypeError', async (subject, message) => {
      await expectOptionError(() => newStore().create(subject), message)
    })

    test.each([
      ['a string', 'Chrome', '"metadata" must be a plain object'],
      ['an array', ['Chrome'], '"metadata" must be a plain object'],
      ['over 2 kB of JSON', { userAgent: 'x'.repeat(3000) }, '"metadata" must be at most 2048 bytes as JSON'],
      // What is stored is its JSON text: that must be an object's.
      ['an object whose toJSON gives a number', { toJSON: () => 5 }, '"metadata" must be a plain object'],
      ['an object whose toJSON gives nothing', { toJSON: () => undefined }, '"metadata" must be a plain object'],
      ['an object whose toJSON gives an array', { toJSON: () => [1] }, '"metadata" must be a plain object'],
      // JSON would drop a function unseen: most often the options given second, where the metadata goes.
      [
        'the options with sign',
        { sign: (claims) => JSON.stringify(claims) },
        '"sign" is an option: create(subject, metadata, { sign }) takes it third, after the metadata ({} for none)',
      ],
      [
        'an object holding a function',
        { device: 'phone', onEnd: () => {} },
        '"metadata" must be JSON: its "onEnd" is a function',
      ],
      [
        'an object holding a function deeper down',
        { device: { name: 'phone', onEnd: () => {} } },
        '"metadata" must be JSON: its "onEnd" is a function',
      ],
      [
        'an object holding a function in a list',
        { hooks: [() => {}] },
        '"metadata" must be JSON: its "0" is a function',
      ],
      ['an object holding a Symbol', { tag: Symbol('x') }, '"metadata" must be JSON: its "tag" is a symbol'],
    ])('metadata that is %s is a TypeError', async (_, metadata, message) => {
      await expectOptionError(() => newStore().create('u1', metadata), message)
    })

    test('a clock that answers no finite time is a TypeError, before the store is asked', async () => {
      const store = newStore()
      const { refreshToken } = await store.create('u1')
      const message = 'Date.now() must return a finite number of milliseconds: the store reads the time there'
      for (const value of [NaN, Infinity]) {
        const spy = jest.spyOn(Date, 'now').mockReturnValue(value)
        try {
          for (const [name, run] of [
            ['create', () => store.create('u1')],
            ['refresh', () => store.refresh(refreshToken)],
            ['list', () => store.list('u1')],
            ['end', () => store.end('an-id')],
            ['endAll', () => store.endAll('u1')],
          ]) {
            const err = await failure(run)
            expect({ name, error: err?.constructor.name, code: err?.code, message: err?.message }).toEqual({
              name,
              error: 'TypeError',
              code: 'ERR_JWT_INVALID_OPTION',
              message,
            })
          }
        } finally {
          spy.mockRestore()
        }
      }
    })
  })

  describe('isRevoked: the check the middleware runs', () => {
    test('accepts a token its session issued, in both call forms, and never returns true', async () => {
      const store = newStore()
      const { claims } = await store.create('u1')
      await expect(Promise.resolve(store.isRevoked(claims))).resolves.toBe(false)
      const { isRevoked } = store
      await expect(Promise.resolve(isRevoked({}, { header: { alg: 'HS256' }, payload: claims }))).resolves.toBe(false)
    })

    test('claims that hold members named header and payload are read as the claims they are', async () => {
      const store = newStore()
      const { session, claims } = await store.create('u1')
      const odd = { ...claims, header: { alg: 'HS256' }, payload: { sid: 'another', jti: 'another', sub: 'u2' } }
      await expect(Promise.resolve(store.isRevoked(odd))).resolves.toBe(false)
      await store.end(session.id)
      await expectRefusal(() => store.isRevoked(odd), 'session_ended')
    })

    test.each([
      ['no sid', (claims) => ({ ...claims, sid: undefined }), 'session_unknown'],
      [
        'a sid no login issued',
        (claims) => ({ ...claims, sid: '00000000-0000-4000-8000-000000000000' }),
        'session_unknown',
      ],
      ['a sid that is not a string', (claims) => ({ ...claims, sid: 7 }), 'session_unknown'],
      ['a payload that is a string', () => 'text', 'session_unknown'],
      ['a jti its session never issued', (claims) => ({ ...claims, jti: 'made-up' }), 'token_not_issued'],
      ['no jti', (claims) => ({ ...claims, jti: undefined }), 'token_not_issued'],
      ['another subject', (claims) => ({ ...claims, sub: 'u2' }), 'token_not_issued'],
      ['no subject', (claims) => ({ ...claims, sub: undefined }), 'token_not_issued'],
      ['an empty subject', (claims) => ({ ...claims, sub: '' }), 'token_not_issued'],
      ['a subject that is not a string', (claims) => ({ ...claims, sub: 1 }), 'token_not_issued'],
    ])('refuses a token with %s', async (_, change, code) => {
      const store = newStore()
      const { claims } = await store.create('u1')
      await expectRefusal(() => store.isRevoked(change(claims)), code)
    })

    test('refuses an access token once it has expired, and accepts it within the clock tolerance', async () => {
      const store = newStore()
      const { claims } = await store.create('u1')
      at(15 * MINUTE)
      await expectRefusal(() => store.isRevoked(claims), 'token_not_issued')
      const tolerant = newStore({ clockTolerance: 30 })
      at(0)
      const issued = await tolerant.create('u1')
      at(15 * MINUTE + 29_000)
      await expect(Promise.resolve(tolerant.isRevoked(issued.claims))).resolves.toBe(false)
    })
  })

  describe('sign: the record binds the token itself', () => {
    const SECRET = 'a-secret-of-at-least-thirty-two-bytes!'
    const signer = createSigner({ key: SECRET, algorithm: 'HS256' })
    const sign = (claims) => signer.sign({ ...claims, role: 'reader' })
    const complete = (token) => verify(token, SECRET, { algorithms: ['HS256'], complete: true })
    // What someone holding the app's key can make: the same sid, jti, sub and exp, another role.
    const resigned = (token) => signer.sign({ ...verify(token, SECRET), role: 'admin' })

    test('create and refresh sign the claims and return the token; every call form with it is accepted', async () => {
      const store = newStore()
      const seen = []
      const recording = (claims, session) => {
        seen.push({ claims, session })
        return sign(claims)
      }
      const login = await store.create('u1', { ip: '127.0.0.1' }, { sign: recording })
      expect(seen).toEqual([{ claims: login.claims, session: login.session }])
      expect(verify(login.token, SECRET)).toEqual({ ...login.claims, role: 'reader', iat: START / 1000 })
      const decoded = complete(login.token)
      for (const args of [[{}, decoded], [decoded], [login.token]]) {
        await expect(Promise.resolve(store.isRevoked(...args))).resolves.toBe(false)
      }
      at(MINUTE)
      const next = await store.refresh(login.refreshToken, { sign: recording })
      expect(seen[1]).toEqual({ claims: next.claims, session: next.session })
      expect(verify(next.token, SECRET).jti).toBe(next.claims.jti)
      await expect(Promise.resolve(store.isRevoked({}, complete(next.token)))).resolves.toBe(false)
      await expect(Promise.resolve(store.isRevoked({}, decoded))).resolves.toBe(false)
    })

    test('a token re-signed over other claims is refused, however it is presented', async () => {
      const store = newStore()
      const login = await store.create('u1', undefined, { sign })
      const next = await store.refresh(login.refreshToken, { sign })
      for (const { token } of [login, next]) {
        const forged = resigned(token)
        await expectRefusal(() => store.isRevoked({}, complete(forged)), 'token_not_issued')
        await expectRefusal(() => store.isRevoked(complete(forged)), 'token_not_issued')
        await expectRefusal(() => store.isRevoked(forged), 'token_not_issued')
        await expect(Promise.resolve(store.isRevoked(token))).resolves.toBe(false)
      }
    })

    test('the claims alone are refused once the token was bound (fail closed)', async () => {
      const store = newStore()
      const login = await store.create('u1', undefined, { sign })
      await expectRefusal(() => store.isRevoked(login.claims), 'token_signature_required')
      await expectRefusal(
        () => store.isRevoked({}, { header: { alg: 'HS256' }, payload: login.claims }),
        'token_signature_required',
      )
      // The inner signature of a decrypted nested token counts as the token's.
      const { signature } = complete(login.token)
      await expect(
        Promise.resolve(store.isRevoked({}, { header: {}, payload: login.claims, signed: { header: {}, signature } })),
      ).resolves.toBe(false)
    })

    test('sign may return a promise', async () => {
      const store = newStore()
      const login = await store.create('u1', undefined, { sign: async (claims) => sign(claims) })
      await expect(Promise.resolve(store.isRevoked(login.token))).resolves.toBe(false)
      const next = await store.refresh(login.refreshToken, { sign: async (claims) => sign(claims) })
      await expect(Promise.resolve(store.isRevoked(next.token))).resolves.toBe(false)
    })

    test('a sign that fails records nothing: no session, no rotation', async () => {
      const store = newStore()
      const boom = () => {
        throw new Error('no such user')
      }
      await expect(failure(() => store.create('u1', undefined, { sign: boom }))).resolves.toMatchObject({
        message: 'no such user',
      })
      expect(await store.list('u1')).toEqual([])
      const login = await store.create('u1', undefined, { sign })
      const rejects = async () => Promise.reject(new Error('offline'))
      await expect(failure(() => store.refresh(login.refreshToken, { sign: rejects }))).resolves.toMatchObject({
        message: 'offline',
      })
      // The refresh token was not retired: it still rotates, and does not look reused.
      const next = await store.refresh(login.refreshToken, { sign })
      await expect(Promise.resolve(store.isRevoked(next.token))).resolves.toBe(false)
    })

    test('a refresh token the session refuses is refused before sign is called', async () => {
      const store = newStore()
      const login = await store.create('u1', undefined, { sign })
      await store.refresh(login.refreshToken, { sign })
      const signs = jest.fn(sign)
      await expectRefusal(() => store.refresh(login.refreshToken, { sign: signs }), 'refresh_token_reused')
      await expectRefusal(
        () => store.refresh(`${login.session.id}.${'A'.repeat(43)}`, { sign: signs }),
        'session_ended',
      )
      expect(signs).not.toHaveBeenCalled()
    })

    test.each([
      [
        'not a function',
        { sign: 'HS256' },
        '"sign" must be a function that signs the claims it is given and returns the token',
      ],
      [
        'returning no token',
        { sign: () => undefined },
        '"sign" must return a signed token (compact JWS: header.payload.signature)',
      ],
      [
        'returning an unsigned token',
        { sign: () => 'e30.e30.' },
        '"sign" must return a signed token (compact JWS: header.payload.signature)',
      ],
      [
        'returning an encrypted token',
        { sign: () => 'a.b.c.d.e' },
        '"sign" must return a signed token (compact JWS: header.payload.signature)',
      ],
      ['with another option', { sign, jwt: true }, '"jwt" is not allowed in "options"'],
      ['in options that are not an object', sign, 'Expected "options" to be a plain object.'],
    ])('a sign %s is a TypeError', async (_, options, message) => {
      const store = newStore()
      await expectOptionError(() => store.create('u1', undefined, options), message)
      const login = await store.create('u1')
      await expectOptionError(() => store.refresh(login.refreshToken, options), message)
    })
  })

  describe('refresh', () => {
    test('rotates: a new refresh token and access token, the session last used now', async () => {
      const store = newStore()
      const login = await store.create('u1', { ip: '10.1.1.1' })
      at(10 * MINUTE)
      const next = await store.refresh(login.refreshToken)
      expect(next.refreshToken).toMatch(REFRESH_TOKEN)
      expect(next.refreshToken).not.toBe(login.refreshToken)
      expect(next.session).toEqual({
        ...login.session,
        lastUsedAt: new Date(START + 10 * MINUTE),
        expiresAt: new Date(START + 10 * MINUTE + 7 * DAY),
      })
      expect(next.claims).toEqual({
        sub: 'u1',
        sid: login.session.id,
        jti: expect.stringMatching(UUID),
        exp: (START + 25 * MINUTE) / 1000,
      })
      expect(next.claims.jti).not.toBe(login.claims.jti)
      // Both access tokens are the session's until each expires.
      await expect(Promise.resolve(store.isRevoked(next.claims))).resolves.toBe(false)
      await expect(Promise.resolve(store.isRevoked(login.claims))).resolves.toBe(false)
      const third = await store.refresh(next.refreshToken)
      expect(third.session.createdAt).toEqual(new Date(START))
    })

    test('a retired refresh token ends the whole session (RFC 9700 §4.14.2)', async () => {
      const store = newStore()
      const login = await store.create('u1')
      const next = await store.refresh(login.refreshToken)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_reused')
      // The newest refresh token and every access token of the session are refused from now on.
      await expectRefusal(() => store.refresh(next.refreshToken), 'session_ended')
      await expectRefusal(() => store.isRevoked(next.claims), 'session_ended')
      await expectRefusal(() => store.isRevoked(login.claims), 'session_ended')
      expect(await store.get(login.session.id)).toBeNull()
    })

    test('of two refreshes with the same token one wins, and the other ends the session', async () => {
      const store = newStore()
      const login = await store.create('u1')
      const race = () => Promise.resolve().then(() => store.refresh(login.refreshToken))
      const outcomes = await Promise.allSettled([race(), race()])
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const lost = outcomes.filter((outcome) => outcome.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect(lost[0].reason).toMatchObject({ name: 'UnauthorizedError', code: 'refresh_token_reused' })
      await expectRefusal(() => store.isRevoked(won[0].value.claims), 'session_ended')
    })

    test.each([
      ['not a string', 42],
      ['not a refresh token', 'abc'],
      ['of a session no login started', '00000000-0000-4000-8000-000000000000.' + 'A'.repeat(43)],
      ['with a padded secret', '00000000-0000-4000-8000-000000000000.' + 'A'.repeat(42) + '='],
    ])('a refresh token %s is invalid', async (_, refreshToken) => {
      await expectRefusal(() => newStore().refresh(refreshToken), 'refresh_token_invalid')
    })

    test('a forged secret for a live session is invalid, and does not end the session', async () => {
      const store = newStore()
      const login = await store.create('u1')
      const forged = `${login.session.id}.${'A'.repeat(43)}`
      await expectRefusal(() => store.refresh(forged), 'refresh_token_invalid')
      await expect(Promise.resolve(store.isRevoked(login.claims))).resolves.toBe(false)
      await expect(Promise.resolve(store.refresh(login.refreshToken))).resolves.toMatchObject({ claims: { sub: 'u1' } })
    })

    test('a session idle for its idle lifetime is over', async () => {
      const store = newStore({ idleLifetime: '1d' })
      const login = await store.create('u1')
      at(DAY)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_invalid')
      expect(await store.get(login.session.id)).toBeNull()
    })

    test('within the clock tolerance after its end, a session is refused as expired', async () => {
      const store = newStore({ idleLifetime: '1d', clockTolerance: 60 })
      const login = await store.create('u1')
      const { claims } = await store.refresh(login.refreshToken)
      at(DAY)
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_expired')
      await expectRefusal(() => store.isRevoked(claims), 'session_expired')
      at(DAY + MINUTE)
      await expectRefusal(() => store.isRevoked(claims), 'session_unknown')
    })

    test('a session ends at its absolute lifetime however often it is refreshed', async () => {
      const store = newStore({ idleLifetime: '1d', absoluteLifetime: '2d' })
      let { refreshToken } = await store.create('u1')
      at(DAY - MINUTE)
      ;({ refreshToken } = await store.refresh(refreshToken))
      at(2 * DAY - 5 * MINUTE)
      const last = await store.refresh(refreshToken)
      expect(last.session.expiresAt).toEqual(new Date(START + 2 * DAY))
      expect(last.claims.exp).toBe((START + 2 * DAY) / 1000)
      at(2 * DAY)
      await expectRefusal(() => store.refresh(last.refreshToken), 'refresh_token_invalid')
    })
  })

  describe('get, list, end and endAll', () => {
    test('list gives the live sessions of a subject, oldest first', async () => {
      const store = newStore()
      const a = await store.create('u1', { userAgent: 'A' })
      at(1000)
      const b = await store.create('u1', { userAgent: 'B' })
      await store.create('u2')
      expect(await store.list('u1')).toEqual([a.session, b.session])
      expect(await store.list('nobody')).toEqual([])
    })

    test('logins of one millisecond are listed in the order they were made', async () => {
      const store = newStore()
      const made = []
      for (let i = 0; i < 40; i++) made.push((await store.create('u1', { n: i })).session.id)
      expect((await store.list('u1')).map((session) => session.id)).toEqual(made)
    })

    test('end refuses the session tokens as ended, then forgets it once they have expired', async () => {
      const store = newStore()
      const login = await store.create('u1')
      const other = await store.create('u1')
      await expect(Promise.resolve(store.end(login.session.id))).resolves.toBe(true)
      await expect(Promise.resolve(store.end(login.session.id))).resolves.toBe(false)
      await expectRefusal(() => store.isRevoked(login.claims), 'session_ended')
      await expectRefusal(() => store.refresh(login.refreshToken), 'session_ended')
      expect(await store.get(login.session.id)).toBeNull()
      expect(await store.list('u1')).toEqual([other.session])
      at(15 * MINUTE)
      await expectRefusal(() => store.isRevoked(login.claims), 'session_unknown')
      await expectRefusal(() => store.refresh(login.refreshToken), 'refresh_token_invalid')
    })

    test('end of an id that is not a live session is false', async () => {
      const store = newStore()
      await expect(Promise.resolve(store.end('00000000-0000-4000-8000-000000000000'))).resolves.toBe(false)
      await expect(Promise.resolve(store.end(42))).resolves.toBe(false)
      expect(await store.get(42)).toBeNull()
    })

    test('endAll ends every session of the subject and only those', async () => {
      const store = newStore()
      const a = await store.create('u1')
      const b = await store.create('u1')
      const c = await store.create('u2')
      await store.end(a.session.id)
      await expect(Promise.resolve(store.endAll('u1'))).resolves.toBe(1)
      for (const { claims } of [a, b]) await expectRefusal(() => store.isRevoked(claims), 'session_ended')
      await expect(Promise.resolve(store.isRevoked(c.claims))).resolves.toBe(false)
      expect(await store.list('u1')).toEqual([])
      // A login after logout-everywhere works as before.
      const d = await store.create('u1')
      await expect(Promise.resolve(store.isRevoked(d.claims))).resolves.toBe(false)
    })

    test('list, endAll and create check the subject', async () => {
      const store = newStore()
      await expectOptionError(() => store.list(''), '"subject" must be a non-empty string')
      await expectOptionError(() => store.endAll(null), '"subject" must be a non-empty string')
    })
  })

  describe('options', () => {
    test.each([
      [
        'accessTokenLifetime',
        0,
        '"accessTokenLifetime" must be a positive number of seconds or a timespan string such as "15m"',
      ],
      [
        'idleLifetime',
        'soon',
        '"idleLifetime" must be a positive number of seconds or a timespan string such as "15m"',
      ],
      [
        'absoluteLifetime',
        -1,
        '"absoluteLifetime" must be a positive number of seconds or a timespan string such as "15m"',
      ],
      ['clockTolerance', '5s', '"clockTolerance" must be a number of seconds, 0 or more'],
      ['lifetime', 60, '"lifetime" is not allowed in "options"'],
    ])('%s: %p is a TypeError', async (name, value, message) => {
      await expectOptionError(() => newStore({ [name]: value }), message)
    })

    test('options that are not an object are a TypeError', async () => {
      await expectOptionError(() => newStore('15m'), 'Expected "options" to be a plain object.')
    })
  })
}

module.exports = { sessionStoreBehaviour, expectRefusal, START, MINUTE, DAY }
