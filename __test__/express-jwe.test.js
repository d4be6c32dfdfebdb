'use strict'
// expressjwt() with `decrypt`: encrypted tokens (nested: signed, then encrypted) reach the route over real HTTP
// with their claims on req.auth; everything outside the allow-lists, with the wrong key, expired or only encrypted
// (unless `requireSigned: false`) is a 401 with the decryption error as `inner`.
const crypto = require('node:crypto')
const jwt = require('..')
const { expressjwt } = require('../express')
const { startApp, bearer } = require('./helpers/express-apps')

const signingSecret = 'a shared secret that is long enough for HS256'
const encryptionPair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
const decrypt = { key: encryptionPair.privateKey, algorithms: ['ECDH-ES+A256KW'], encryptions: ['A256GCM'] }
const nested = (claims, options = {}) =>
  jwt.encrypt(claims, encryptionPair.publicKey, {
    algorithm: 'ECDH-ES+A256KW',
    sign: { key: signingSecret, algorithm: 'HS256' },
    audience: 'api',
    ...options,
  })

let app
let plainApp
beforeAll(async () => {
  const options = { secret: signingSecret, algorithms: ['HS256'], audience: 'api', decrypt }
  app = await startApp('Express 5', expressjwt(options))
  plainApp = await startApp('Express 5', expressjwt({ ...options, decrypt: { ...decrypt, requireSigned: false } }))
})
afterAll(async () => {
  await app.close()
  await plainApp.close()
})

async function refused(target, token, code, message) {
  const { status, body } = await target.request('/', bearer(token))
  expect(status).toBe(401)
  expect(body).toMatchObject({ name: 'UnauthorizedError', code: 'invalid_token', message })
  expect(body.inner).toMatchObject({ code, message })
}

test('a nested token reaches the route with the inner claims on req.auth', async () => {
  const { status, body } = await app.request('/', bearer(nested({ sub: 'u1' }, { expiresIn: 60 })))
  expect(status).toBe(200)
  expect(body.auth).toMatchObject({ sub: 'u1', aud: 'api' })
})

test('plain signed tokens are still accepted as before', async () => {
  const { status, body } = await app.request('/', bearer(jwt.sign({ sub: 'u2' }, signingSecret, { audience: 'api' })))
  expect(status).toBe(200)
  expect(body.auth.sub).toBe('u2')
})

test('everything not allowed is refused', async () => {
  await refused(app, nested({ sub: 'u1' }, { encryption: 'A128GCM' }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'invalid encryption')
  await refused(
    app,
    nested({ sub: 'u1' }, { audience: 'web' }),
    'ERR_JWT_AUDIENCE_INVALID',
    'jwt audience invalid. expected: api',
  )
  await refused(app, nested({ sub: 'u1', exp: 1 }, {}), 'ERR_JWT_EXPIRED', 'jwt expired')
  const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const wrongKey = jwt.encrypt({ sub: 'u1' }, other.publicKey, {
    algorithm: 'ECDH-ES+A256KW',
    sign: { key: signingSecret, algorithm: 'HS256' },
  })
  await refused(app, wrongKey, 'ERR_JWE_DECRYPTION_FAILED', 'decryption failed')
  const badSignature = jwt.encrypt({ sub: 'u1' }, encryptionPair.publicKey, {
    algorithm: 'ECDH-ES+A256KW',
    sign: { key: 'another secret that is long enough for HS256', algorithm: 'HS256' },
    audience: 'api',
  })
  await refused(app, badSignature, 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature')
})

test('a token that is only encrypted needs requireSigned: false', async () => {
  const token = jwt.encrypt({ sub: 'u3', aud: 'api' }, encryptionPair.publicKey, { algorithm: 'ECDH-ES+A256KW' })
  await refused(
    app,
    token,
    'ERR_JWE_NESTED_REQUIRED',
    'a nested JWT (cty: "JWT") was required, but the token\'s payload is not one',
  )
  const { status, body } = await plainApp.request('/', bearer(token))
  expect(status).toBe(200)
  expect(body.auth).toMatchObject({ sub: 'u3' })
  await refused(
    plainApp,
    jwt.encrypt({ sub: 'u3', aud: 'web' }, encryptionPair.publicKey, { algorithm: 'ECDH-ES+A256KW' }),
    'ERR_JWT_AUDIENCE_INVALID',
    'jwt audience invalid. expected: api',
  )
})

test('with a JWK Set as secret, the signed token inside picks its key by kid', async () => {
  const signing = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwks = jwt.createLocalJwks(jwt.exportJwks([{ key: signing.publicKey, kid: 'sig-1', alg: 'ES256' }]))
  const keyed = await startApp(
    'Express 5',
    expressjwt({ secret: jwks, algorithms: ['ES256'], audience: 'api', decrypt: { ...decrypt, requireSigned: false } }),
  )
  const make = (keyid, claims = { sub: 'u4', aud: 'api' }) =>
    jwt.encrypt(claims, encryptionPair.publicKey, {
      algorithm: 'ECDH-ES+A256KW',
      sign: { key: signing.privateKey, algorithm: 'ES256', keyid },
    })
  try {
    const { status, body } = await keyed.request('/', bearer(make('sig-1')))
    expect(status).toBe(200)
    expect(body.auth).toMatchObject({ sub: 'u4', aud: 'api' })
    await refused(keyed, make('sig-2'), 'ERR_JWKS_NO_MATCHING_KEY', 'no applicable key found in the JSON Web Key Set')
    await refused(
      keyed,
      make('sig-1', { sub: 'u4', aud: 'web' }),
      'ERR_JWT_AUDIENCE_INVALID',
      'jwt audience invalid. expected: api',
    )
    const onlyEncrypted = jwt.encrypt({ sub: 'u5', aud: 'api' }, encryptionPair.publicKey, {
      algorithm: 'ECDH-ES+A256KW',
    })
    const plain = await keyed.request('/', bearer(onlyEncrypted))
    expect(plain.status).toBe(200)
    expect(plain.body.auth).toMatchObject({ sub: 'u5' })
  } finally {
    await keyed.close()
  }
})

test('without decrypt, encrypted tokens are malformed tokens', async () => {
  const plain = await startApp('Express 5', expressjwt({ secret: signingSecret, algorithms: ['HS256'] }))
  try {
    await refused(plain, nested({ sub: 'u1' }), 'ERR_JWT_MALFORMED', 'jwt malformed')
  } finally {
    await plain.close()
  }
})

test('decrypt options are checked when the middleware is made', () => {
  const base = { secret: signingSecret, algorithms: ['HS256'] }
  const cases = [
    [{ decrypt: 'key' }, '"decrypt" must be an object: { key, algorithms, encryptions }'],
    [{ decrypt: { ...decrypt, algorithms: undefined } }, '"decrypt.algorithms" must be an array'],
    [{ decrypt: { ...decrypt, extra: 1 } }, '"extra" is not allowed in "decrypt"'],
    [{ decrypt: { ...decrypt, requireSigned: 'yes' } }, '"decrypt.requireSigned" must be a boolean'],
  ]
  for (const [options, message] of cases) {
    let error
    try {
      expressjwt({ ...base, ...options })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
  }
})

test('PEM text is never a decryption secret, whether the secret is a key or a key function', () => {
  const pem = encryptionPair.publicKey.export({ type: 'spki', format: 'pem' })
  const pemDecrypt = { key: pem, algorithms: ['dir'], encryptions: ['A256GCM'] }
  for (const secret of [signingSecret, () => signingSecret]) {
    let error
    try {
      expressjwt({ secret, algorithms: ['HS256'], decrypt: pemDecrypt })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(jwt.JsonWebTokenError)
    expect(error).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'decryption key is not valid key material' })
  }
})

test('a token that is only encrypted is decrypted once, a nested one too', async () => {
  // The decrypters the middleware makes, counted: expressjwt is loaded afresh with createDecrypter wrapped.
  let decryptions = 0
  let isolated
  jest.isolateModules(() => {
    const decryption = require('../lib/decrypt')
    const original = decryption.createDecrypter
    jest.spyOn(decryption, 'createDecrypter').mockImplementation((options) => {
      const decrypter = original(options)
      return {
        ...decrypter,
        decrypt(token) {
          decryptions += 1
          return decrypter.decrypt(token)
        },
      }
    })
    isolated = require('../lib/express').expressjwt
  })
  const options = { secret: signingSecret, algorithms: ['HS256'], audience: 'api' }
  const server = await startApp('Express 5', isolated({ ...options, decrypt: { ...decrypt, requireSigned: false } }))
  try {
    const plain = jwt.encrypt({ sub: 'u3', aud: 'api' }, encryptionPair.publicKey, { algorithm: 'ECDH-ES+A256KW' })
    let answer = await server.request('/', bearer(plain))
    expect(answer.status).toBe(200)
    expect(answer.body.auth).toMatchObject({ sub: 'u3' })
    expect(decryptions).toBe(1)
    answer = await server.request('/', bearer(nested({ sub: 'u1' })))
    expect(answer.status).toBe(200)
    expect(answer.body.auth).toMatchObject({ sub: 'u1' })
    expect(decryptions).toBe(2)
  } finally {
    await server.close()
  }
})
