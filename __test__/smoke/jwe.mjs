// Encrypted tokens: a shared secret (dir) and a recipient's key (ECDH-ES), sync and async, and a changed token.
import assert from 'node:assert/strict'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import jwt, { JsonWebTokenError, TokenExpiredError } from 'ringjwt'
import { test, expectError } from './harness.mjs'

const secret = randomBytes(32)
const now = 1_800_000_000

test('jwe: dir with A256GCM, encrypt and decrypt', () => {
  const token = jwt.encrypt({ sub: 'u1', email: 'ann@example.com' }, secret, { algorithm: 'dir', expiresIn: '15m' })
  assert.equal(token.split('.').length, 5)
  const { header, payload } = jwt.decrypt(token, secret, { complete: true })
  assert.deepEqual(header, { alg: 'dir', enc: 'A256GCM' })
  assert.equal(payload.email, 'ann@example.com')
})

test('jwe: ECDH-ES+A256KW to a P-256 key, encryptAsync and decryptAsync', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const token = await jwt.encryptAsync({ sub: 'u2' }, publicKey, { algorithm: 'ECDH-ES+A256KW', audience: 'api' })
  const claims = await jwt.decryptAsync(token, privateKey, { algorithms: ['ECDH-ES+A256KW'], audience: 'api' })
  assert.equal(claims.sub, 'u2')
})

test('jwe: a changed ciphertext and an expired token are refused with their codes', async () => {
  const token = jwt.encrypt({ sub: 'u1', iat: now, exp: now + 60 }, secret, { algorithm: 'dir' })
  const parts = token.split('.')
  parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1)
  await expectError(
    () => jwt.decrypt(parts.join('.'), secret),
    JsonWebTokenError,
    'ERR_JWE_DECRYPTION_FAILED',
    'decryption failed',
  )
  await expectError(
    () => jwt.decryptAsync(token, secret, { clockTimestamp: now + 61 }),
    TokenExpiredError,
    'ERR_JWT_EXPIRED',
    'jwt expired',
  )
})
