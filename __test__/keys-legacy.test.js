'use strict'
// RSA keys under 2048 bits with `allowInsecureKeySizes: true`: signed and verified through node:crypto for every
// RS* and PS* algorithm, with jsonwebtoken's errors, their order, and its token bytes. Without the option they are
// refused (ERR_KEY_TOO_SMALL) on both sides. Keys of 2048 bits or more never take this path.

const crypto = require('node:crypto')
const jwt = require('..')
const reference = require('jsonwebtoken')
const { keys, secret } = require('./helpers/keys')
const { expectError, rejected } = require('./helpers/assert')

const { JsonWebTokenError } = jwt
const small = keys.rsa1024
const insecure = { allowInsecureKeySizes: true }
const NOW = 1_800_000_000
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
// PS512 needs a key of at least 1034 bits (see below).
const USABLE = RSA.filter((alg) => alg !== 'PS512')

function outcome(fn) {
  try {
    return { value: fn() }
  } catch (err) {
    return { name: err.name, message: err.message }
  }
}

describe.each(USABLE)('%s with a 1024-bit key', (alg) => {
  const payload = { sub: 'u1', iat: NOW }

  test('signing: jsonwebtoken’s tokens (the same bytes for RS*, verifiable both ways for PS*)', async () => {
    const options = { algorithm: alg, ...insecure }
    const tokens = [
      jwt.sign(payload, small.privatePem, options),
      jwt.createSigner({ key: small.privateKey, ...options }).sign(payload),
      await jwt.signAsync(payload, small.privateKey, options),
      await new Promise((resolve, reject) =>
        jwt.sign(payload, small.privatePem, options, (err, token) => (err ? reject(err) : resolve(token))),
      ),
    ]
    const theirs = reference.sign(payload, small.privatePem, options)
    for (const token of tokens) {
      if (alg.startsWith('RS')) expect(token).toBe(theirs)
      expect(token.split('.').slice(0, 2)).toEqual(theirs.split('.').slice(0, 2))
      expect(reference.verify(token, small.publicPem, { algorithms: [alg] })).toEqual(payload)
    }
  })

  test('verifying what jsonwebtoken signs, in every form', async () => {
    const token = reference.sign(payload, small.privatePem, { algorithm: alg, ...insecure })
    const options = { ...insecure, algorithms: [alg], clockTimestamp: NOW }
    expect(jwt.verify(token, small.publicPem, options)).toEqual(payload)
    expect(jwt.verify(token, small.publicKey, { ...options, complete: true })).toEqual(
      reference.verify(token, small.publicKey, { ...options, complete: true }),
    )
    await expect(jwt.verifyAsync(token, small.publicPem, options)).resolves.toEqual(payload)
    const verifier = jwt.createVerifier({ key: small.publicKey, ...options })
    expect(verifier.verify(token)).toEqual(payload)
    await expect(verifier.verifyAsync(token)).resolves.toEqual(payload)
    const viaKeyFunction = await new Promise((resolve, reject) =>
      jwt.verify(
        token,
        (header, cb) => cb(null, small.publicPem),
        options,
        (err, p) => (err ? reject(err) : resolve(p)),
      ),
    )
    expect(viaKeyFunction).toEqual(payload)
  })

  test('a tampered or re-encoded signature is invalid', () => {
    const token = jwt.sign(payload, small.privateKey, { algorithm: alg, ...insecure })
    const [head, body, signature] = token.split('.')
    const flipped = signature[5] === 'A' ? 'B' : 'A'
    for (const bad of [
      `${head}.${body}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`,
      `${head}.${jwt.sign({ sub: 'admin', iat: NOW }, secret).split('.')[1]}.${signature}`,
      // Node's base64 decoder ignores a trailing partial character; the native decoder refuses it.
      `${token}A`,
    ]) {
      expectError(
        () => jwt.verify(bad, small.publicKey, insecure),
        JsonWebTokenError,
        'ERR_JWS_SIGNATURE_INVALID',
        'invalid signature',
      )
    }
  })

  test('without allowInsecureKeySizes both sides refuse the key', async () => {
    const token = reference.sign(payload, small.privatePem, { algorithm: alg, ...insecure })
    const signMessage = `secretOrPrivateKey has a minimum key size of 2048 bits for ${alg}`
    expectError(
      () => jwt.sign(payload, small.privatePem, { algorithm: alg }),
      JsonWebTokenError,
      'ERR_KEY_TOO_SMALL',
      signMessage,
    )
    const verifyMessage = `secretOrPublicKey has a minimum key size of 2048 bits for ${alg}`
    expectError(() => jwt.verify(token, small.publicPem), JsonWebTokenError, 'ERR_KEY_TOO_SMALL', verifyMessage)
    const err = await rejected(jwt.verifyAsync(token, small.publicKey))
    expect(err).toMatchObject({ code: 'ERR_KEY_TOO_SMALL', message: verifyMessage })
    // jsonwebtoken 9 does not check key sizes in verify at all.
    expect(reference.verify(token, small.publicPem)).toEqual(payload)
  })
})

test('PS512 cannot be made with a 1024-bit key: refused once, with a code', () => {
  const message = 'a 1024-bit RSA key is too small for PS512'
  const options = { algorithm: 'PS512', ...insecure }
  expectError(() => jwt.sign({}, small.privatePem, options), JsonWebTokenError, 'ERR_KEY_TOO_SMALL', message)
  expectError(
    () => jwt.createSigner({ key: small.privateKey, ...options }),
    JsonWebTokenError,
    'ERR_KEY_TOO_SMALL',
    message,
  )
  // jsonwebtoken passes OpenSSL's error on.
  expect(() => reference.sign({}, small.privatePem, options)).toThrow(/data too large for key size/)
  // No PS512 signature exists for the key, so none verifies.
  const forged = `${jwt
    .sign({}, small.privateKey, { ...options, algorithm: 'PS384' })
    .split('.')
    .slice(0, 2)
    .join('.')}.AAAA`
  expectError(
    () =>
      jwt.verify(
        forged.replace(/^[^.]+/, Buffer.from('{"alg":"PS512"}').toString('base64url')),
        small.publicKey,
        insecure,
      ),
    JsonWebTokenError,
    'ERR_JWS_SIGNATURE_INVALID',
    'invalid signature',
  )
})

describe('the checks around the signature keep jsonwebtoken’s order', () => {
  const options = { ...insecure, clockTimestamp: NOW }

  test.each([
    ['expired', { sub: 'u1', exp: NOW - 1 }, {}],
    ['not yet active', { sub: 'u1', nbf: NOW + 60 }, {}],
    ['another audience', { aud: 'web' }, { audience: 'api' }],
    ['a RegExp audience', { aud: 'web' }, { audience: /^ap/ }],
    ['another issuer', { iss: 'x' }, { issuer: 'auth' }],
    ['maxAge', { iat: NOW - 100 }, { maxAge: 10 }],
  ])('%s: the same error as jsonwebtoken', (_, claims, extra) => {
    const token = reference.sign(claims, small.privatePem, { algorithm: 'RS256', noTimestamp: true, ...insecure })
    const ours = outcome(() => jwt.verify(token, small.publicPem, { ...options, ...extra }))
    expect(ours).toEqual(outcome(() => reference.verify(token, small.publicPem, { ...options, ...extra })))
    expect(ours.name).toMatch(/Error$/)
  })

  test('an HS256 token against the RSA key', () => {
    const token = jwt.sign({ sub: 'u1' }, secret)
    expectError(
      () => jwt.verify(token, small.publicPem, { ...insecure, algorithms: ['HS256'] }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      'secretOrPublicKey must be a symmetric key when using HS256',
    )
    expectError(
      () => jwt.verify(token, small.publicPem, insecure),
      JsonWebTokenError,
      'ERR_JOSE_ALG_NOT_ALLOWED',
      'invalid algorithm',
    )
  })

  test('an RSA-PSS key serves PS* only', () => {
    const pss = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024 })
    const token = jwt.sign({ sub: 'u1' }, pss.privateKey, { algorithm: 'PS256', ...insecure })
    expect(jwt.verify(token, pss.publicKey, insecure)).toMatchObject({ sub: 'u1' })
    expectError(
      () => jwt.sign({}, pss.privateKey, { algorithm: 'RS256', ...insecure }),
      JsonWebTokenError,
      'ERR_KEY_TYPE_MISMATCH',
      '"alg" parameter for "rsa-pss" key type must be one of: PS256, PS384, PS512.',
    )
  })
})

test('keys of 2048 bits never reach node:crypto', async () => {
  const signSpy = jest.spyOn(crypto, 'sign')
  const verifySpy = jest.spyOn(crypto, 'verify')
  try {
    for (const alg of RSA) {
      const token = jwt.sign({ sub: 'u1' }, keys.rsa.privateKey, { algorithm: alg, ...insecure })
      expect(jwt.verify(token, keys.rsa.publicKey, insecure)).toMatchObject({ sub: 'u1' })
      await expect(jwt.verifyAsync(token, keys.rsa.publicKey, insecure)).resolves.toMatchObject({ sub: 'u1' })
    }
    expect(signSpy).not.toHaveBeenCalled()
    expect(verifySpy).not.toHaveBeenCalled()
    jwt.verify(jwt.sign({}, small.privateKey, { algorithm: 'RS256', ...insecure }), small.publicKey, insecure)
    expect(signSpy).toHaveBeenCalledTimes(1)
    expect(verifySpy).toHaveBeenCalledTimes(1)
  } finally {
    signSpy.mockRestore()
    verifySpy.mockRestore()
  }
})

test('a token signed with a small key does not verify with a normal key', () => {
  const token = jwt.sign({ sub: 'u1' }, small.privateKey, { algorithm: 'RS256', ...insecure })
  expectError(
    () => jwt.verify(token, keys.rsa.publicKey),
    JsonWebTokenError,
    'ERR_JWS_SIGNATURE_INVALID',
    'invalid signature',
  )
  expect(jwt.verify(token, small.publicKey, insecure)).toMatchObject({ sub: 'u1' })
})
