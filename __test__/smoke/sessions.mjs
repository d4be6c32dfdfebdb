// The session store in memory: a login, a refresh that rotates, the reuse of a retired refresh token.
import assert from 'node:assert/strict'
import jwt, { UnauthorizedError } from 'ringjwt'
import { test, expectError } from './harness.mjs'

const secret = 'a shared secret of at least 32 bytes for HS256'

test('sessions: create, refresh, and a reused refresh token ends the session', async () => {
  const sessions = jwt.createSessionStore({ accessTokenLifetime: '15m', idleLifetime: '7d', absoluteLifetime: '30d' })
  const login = await sessions.create('u1', { userAgent: 'smoke' })
  const token = jwt.sign(login.claims, secret)
  const claims = jwt.verify(token, secret)
  assert.equal(claims.sub, 'u1')
  assert.equal(await sessions.isRevoked(claims), false)
  const rotated = await sessions.refresh(login.refreshToken)
  assert.equal(rotated.session.id, login.session.id)
  assert.notEqual(rotated.refreshToken, login.refreshToken)
  assert.deepEqual(
    (await sessions.list('u1')).map((s) => s.metadata),
    [{ userAgent: 'smoke' }],
  )
  await expectError(
    () => sessions.refresh(login.refreshToken),
    UnauthorizedError,
    'refresh_token_reused',
    'The refresh token was already used: the session has ended.',
  )
  await expectError(() => sessions.isRevoked(claims), UnauthorizedError, 'session_ended', 'The session has ended.')
  assert.equal(await sessions.get(login.session.id), null)
})
