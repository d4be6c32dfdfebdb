// The core API: sign, verify and decode, sync, callback and Promise forms, compiled signers and verifiers, and the
// errors a caller switches on.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHmac, generateKeyPairSync } from 'node:crypto'
import jwt, { JsonWebTokenError, TokenExpiredError, NotBeforeError } from 'ringjwt'
import { test, expectError } from './harness.mjs'

const secret = 'a shared secret of at least 32 bytes for HS256'
const now = 1_800_000_000
const b64 = (json) => Buffer.from(JSON.stringify(json)).toString('base64url')
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })

test('core: sign, verify and decode (HS256, sync)', () => {
  const token = jwt.sign({ sub: 'u1', role: 'admin' }, secret, { expiresIn: '15m', issuer: 'smoke' })
  const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'smoke' })
  assert.equal(claims.sub, 'u1')
  assert.equal(claims.role, 'admin')
  assert.equal(claims.exp - claims.iat, 900)
  const { header, payload } = jwt.decode(token, { complete: true })
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' })
  assert.deepEqual(payload, claims)
})

test("core: an HS256 token is byte for byte the one node:crypto's HMAC gives", () => {
  const token = jwt.sign({ sub: 'u1', iat: now }, secret)
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'u1', iat: now })}`
  assert.equal(token, `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`)
})

test('core: an expired token is a TokenExpiredError with its code and expiry', async () => {
  const token = jwt.sign({ sub: 'u1', iat: now, exp: now + 60 }, secret)
  const err = await expectError(
    () => jwt.verify(token, secret, { clockTimestamp: now + 61 }),
    TokenExpiredError,
    'ERR_JWT_EXPIRED',
    'jwt expired',
  )
  assert.ok(err instanceof JsonWebTokenError)
  assert.deepEqual(err.expiredAt, new Date((now + 60) * 1000))
  await expectError(
    () => jwt.verifyAsync(token, secret, { clockTimestamp: now + 61 }),
    TokenExpiredError,
    'ERR_JWT_EXPIRED',
    'jwt expired',
  )
})

test('core: a token not yet valid, a bad signature and a refused algorithm have their own codes', async () => {
  const early = jwt.sign({ iat: now, nbf: now + 60 }, secret)
  await expectError(
    () => jwt.verify(early, secret, { clockTimestamp: now }),
    NotBeforeError,
    'ERR_JWT_NOT_ACTIVE',
    'jwt not active',
  )
  const forged = jwt.sign({ sub: 'u1' }, 'another secret of at least 32 bytes for HS256')
  await expectError(
    () => jwt.verify(forged, secret),
    JsonWebTokenError,
    'ERR_JWS_SIGNATURE_INVALID',
    'invalid signature',
  )
  const token = jwt.sign({ sub: 'u1' }, secret)
  await expectError(
    () => jwt.verify(token, secret, { algorithms: ['HS512'] }),
    JsonWebTokenError,
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'invalid algorithm',
  )
})

test('core: signAsync and verifyAsync (ES256, on the thread pool)', async () => {
  const token = await jwt.signAsync({ sub: 'u2' }, privateKey, { algorithm: 'ES256', keyid: 'k1' })
  assert.deepEqual(jwt.decode(token, { complete: true }).header, { alg: 'ES256', typ: 'JWT', kid: 'k1' })
  const claims = await jwt.verifyAsync(token, publicKey, { algorithms: ['ES256'] })
  assert.equal(claims.sub, 'u2')
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
  await expectError(
    () => jwt.verifyAsync(token, other),
    JsonWebTokenError,
    'ERR_JWS_SIGNATURE_INVALID',
    'invalid signature',
  )
})

test("core: jsonwebtoken's callback forms", async () => {
  const token = await new Promise((resolve, reject) =>
    jwt.sign({ sub: 'u3' }, secret, { expiresIn: 60 }, (err, t) => (err ? reject(err) : resolve(t))),
  )
  const claims = await new Promise((resolve, reject) =>
    jwt.verify(token, secret, (err, c) => (err ? reject(err) : resolve(c))),
  )
  assert.equal(claims.sub, 'u3')
})

test('core: compiled signer and verifier', () => {
  const signer = jwt.createSigner({ key: privateKey, algorithm: 'ES256', issuer: 'smoke' })
  const verifier = jwt.createVerifier({ key: publicKey, algorithms: ['ES256'], issuer: 'smoke' })
  assert.equal(verifier.verify(signer.sign({ sub: 'u4' })).sub, 'u4')
})
