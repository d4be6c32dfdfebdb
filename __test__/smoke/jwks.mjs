// JWK Sets: the issuer's public keys served over HTTP by the runtime's own server on 127.0.0.1, fetched by
// createRemoteJwks, and the key picked by kid.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import jwt, { JsonWebTokenError } from 'ringjwt'
import { test, expectError, serve } from './harness.mjs'

test('jwks: createRemoteJwks from a local server, the key chosen by kid', async () => {
  const current = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const next = generateKeyPairSync('ed25519').privateKey
  const set = jwt.exportJwks([
    { key: current, kid: 'current' },
    { key: next, kid: 'next' },
  ])
  let fetches = 0
  const server = await serve(() => {
    fetches += 1
    return Response.json(set)
  })
  try {
    const jwks = jwt.createRemoteJwks(`${server.url}/.well-known/jwks.json`)
    const a = jwt.sign({ sub: 'u1' }, current, { algorithm: 'ES256', keyid: 'current' })
    const b = jwt.sign({ sub: 'u2' }, next, { algorithm: 'EdDSA', keyid: 'next' })
    assert.equal((await jwt.verifyAsync(a, jwks, { algorithms: ['ES256', 'EdDSA'] })).sub, 'u1')
    assert.equal((await jwt.verifyAsync(b, jwks, { algorithms: ['ES256', 'EdDSA'] })).sub, 'u2')
    assert.equal(fetches, 1)
    const stranger = jwt.sign({ sub: 'u3' }, current, { algorithm: 'ES256', keyid: 'unknown' })
    await expectError(
      () => jwt.verifyAsync(stranger, jwks, { algorithms: ['ES256'] }),
      JsonWebTokenError,
      'ERR_JWKS_NO_MATCHING_KEY',
      'error in secret or public key callback: no applicable key found in the JSON Web Key Set',
    )
  } finally {
    await server.close()
  }
})

test("jwks: createLocalJwks with jsonwebtoken's callback form", async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwks = jwt.createLocalJwks(jwt.exportJwks([{ key: privateKey, kid: 'r1', alg: 'RS256' }]))
  const token = jwt.sign({ sub: 'u1' }, privateKey, { algorithm: 'RS256', keyid: 'r1' })
  const claims = await new Promise((resolve, reject) =>
    jwt.verify(token, jwks, { algorithms: ['RS256'] }, (err, c) => (err ? reject(err) : resolve(c))),
  )
  assert.equal(claims.sub, 'u1')
})
