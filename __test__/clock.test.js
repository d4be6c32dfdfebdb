'use strict'
// Time comes from the JS clock: jest's fake timers move token expiry, and callbacks need no timer to fire.

const jwt = require('..')
const { keys, secret } = require('./helpers/keys')

const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = jwt
const T0 = Date.UTC(2030, 0, 1) // milliseconds
const S0 = T0 / 1000

beforeEach(() => {
  jest.useFakeTimers()
  jest.setSystemTime(T0)
})
afterEach(() => jest.useRealTimers())

function verifyWithCallback(...args) {
  return new Promise((resolve, reject) => jwt.verify(...args, (err, payload) => (err ? reject(err) : resolve(payload))))
}

function signWithCallback(...args) {
  return new Promise((resolve, reject) => jwt.sign(...args, (err, token) => (err ? reject(err) : resolve(token))))
}

const expired = (at) => ({
  name: 'TokenExpiredError',
  code: 'ERR_JWT_EXPIRED',
  message: 'jwt expired',
  expiredAt: new Date(at * 1000),
})

// The three ways to verify, each resolving to the payload or rejecting with the error.
const forms = {
  sync: (...args) => new Promise((resolve) => resolve(jwt.verify(...args))),
  callback: verifyWithCallback,
  verifyAsync: (...args) => jwt.verifyAsync(...args),
}

describe.each(Object.keys(forms))('%s verify', (form) => {
  const verify = forms[form]

  test.each([
    ['HS256', secret, secret],
    ['ES256', keys.p256.privatePem, keys.p256.publicPem],
    ['RS256', keys.rsa.privateKey, keys.rsa.publicKey],
  ])('setSystemTime moves an %s token past exp', async (algorithm, signKey, verifyKey) => {
    const token = jwt.sign({ sub: 'u1' }, signKey, { algorithm, expiresIn: '1m' })
    await expect(verify(token, verifyKey)).resolves.toStrictEqual({ sub: 'u1', iat: S0, exp: S0 + 60 })

    jest.setSystemTime(T0 + 59_999)
    await expect(verify(token, verifyKey)).resolves.toMatchObject({ sub: 'u1' })

    jest.setSystemTime(T0 + 60_000)
    const err = await verify(token, verifyKey).catch((error) => error)
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject(expired(S0 + 60))
  })

  test('advanceTimersByTime moves the clock too', async () => {
    const token = jwt.sign({}, secret, { expiresIn: 30 })
    jest.advanceTimersByTime(30_000)
    await expect(verify(token, secret)).rejects.toMatchObject(expired(S0 + 30))
  })

  test('nbf becomes active as the clock moves', async () => {
    const token = jwt.sign({}, secret, { notBefore: '10s' })
    const err = await verify(token, secret).catch((error) => error)
    expect(err).toBeInstanceOf(NotBeforeError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_NOT_ACTIVE',
      message: 'jwt not active',
      date: new Date((S0 + 10) * 1000),
    })
    jest.setSystemTime(T0 + 10_000)
    await expect(verify(token, secret)).resolves.toStrictEqual({ iat: S0, nbf: S0 + 10 })
  })

  test('maxAge counts from iat with the fake clock', async () => {
    const token = jwt.sign({}, secret)
    jest.setSystemTime(T0 + 3_600_000)
    const err = await verify(token, secret, { maxAge: '1h' }).catch((error) => error)
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_EXPIRED',
      message: 'maxAge exceeded',
      expiredAt: new Date((S0 + 3600) * 1000),
    })
    await expect(verify(token, secret, { maxAge: '1h', clockTolerance: 1 })).resolves.toStrictEqual({ iat: S0 })
  })

  test('clockTimestamp takes the place of the clock', async () => {
    const token = jwt.sign({}, secret, { expiresIn: 60 })
    await expect(verify(token, secret, { clockTimestamp: S0 + 60 })).rejects.toMatchObject(expired(S0 + 60))
    jest.setSystemTime(T0 + 3_600_000)
    await expect(verify(token, secret, { clockTimestamp: S0 + 59 })).resolves.toStrictEqual({ iat: S0, exp: S0 + 60 })
  })
})

describe('sign reads the fake clock', () => {
  test('iat, exp and nbf', () => {
    jest.setSystemTime(T0 + 1500)
    const token = jwt.sign({}, secret, { expiresIn: '2h', notBefore: 5 })
    expect(jwt.decode(token)).toStrictEqual({ iat: S0 + 1, nbf: S0 + 6, exp: S0 + 7201 })
  })

  test('compiled signers and verifiers read it on every call', () => {
    const signer = jwt.createSigner({ key: secret, expiresIn: 10 })
    const verifier = jwt.createVerifier({ key: secret })
    const token = signer.sign({})
    expect(verifier.verify(token)).toStrictEqual({ iat: S0, exp: S0 + 10 })
    jest.setSystemTime(T0 + 10_000)
    expect(() => verifier.verify(token)).toThrow(TokenExpiredError)
    expect(jwt.decode(signer.sign({}))).toStrictEqual({ iat: S0 + 10, exp: S0 + 20 })
  })
})

// Every timer API is faked (setTimeout, setImmediate, nextTick, queueMicrotask): a callback that waited on one
// would never run, and these tests would time out instead of passing.
describe('callbacks fire without advancing fake timers', () => {
  afterEach(() => expect(jest.getTimerCount()).toBe(0))

  test.each([
    ['HS256', secret, secret],
    ['RS256', keys.rsa.privatePem, keys.rsa.publicPem],
    ['ES384', keys.p384.privatePem, keys.p384.publicPem],
    ['EdDSA', keys.ed25519.privateKey, keys.ed25519.publicKey],
  ])('sign with %s', async (algorithm, signKey, verifyKey) => {
    const token = await signWithCallback({ a: 1 }, signKey, { algorithm })
    expect(jwt.verify(token, verifyKey)).toStrictEqual({ a: 1, iat: S0 })
  })

  test('sign errors', async () => {
    const err = await signWithCallback({ exp: 1 }, secret, { expiresIn: 5 }).catch((error) => error)
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_PAYLOAD_INVALID',
      message: 'Bad "options.expiresIn" option the payload already has an "exp" property.',
    })
  })

  test('verify with a key function', async () => {
    const token = jwt.sign({ a: 1 }, keys.p256.privatePem, { algorithm: 'ES256', keyid: 'p256' })
    const getKey = (header, callback) => callback(null, header.kid === 'p256' ? keys.p256.publicPem : null)
    await expect(verifyWithCallback(token, getKey)).resolves.toStrictEqual({ a: 1, iat: S0 })
  })

  test('verifyAsync and signAsync on the thread pool', async () => {
    const token = await jwt.signAsync({ a: 1 }, keys.rsa.privateKey, { algorithm: 'PS256' })
    await expect(jwt.verifyAsync(token, keys.rsa.publicKey)).resolves.toStrictEqual({ a: 1, iat: S0 })
  })
})
