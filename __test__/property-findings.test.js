'use strict'
// What the property tests (any-value.test.js) found, each kept as a plain case: a value that once gave an error
// without a ringjwt code, an uncaught exception or a call that checked one thing and used another now gives the
// documented outcome.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const jwt = require('..')
const express = require('../express')
const { thrown, rejected, expectError } = require('./helpers/assert')
const { keys, secret } = require('./helpers/keys')

const { JsonWebTokenError, StoreUnavailableError } = jwt
const INVALID_OPTION = 'ERR_JWT_INVALID_OPTION'
const token = jwt.sign({ sub: 'u1', aud: 'x' }, secret)

describe('JSON.stringify failures carry a code, as a TypeError with its message', () => {
  const cyclic = { a: 1 }
  cyclic.self = cyclic

  test.each([
    [
      'a BigInt claim',
      () => jwt.sign({ n: 1n }, secret),
      'ERR_JWT_PAYLOAD_INVALID',
      'Do not know how to serialize a BigInt',
    ],
    [
      'a BigInt header member',
      () => jwt.sign({}, secret, { header: { kid: 1n } }),
      INVALID_OPTION,
      'Do not know how to serialize a BigInt',
    ],
    [
      'a BigInt header in createSigner',
      () => jwt.createSigner({ key: secret, header: { x: 1n } }),
      INVALID_OPTION,
      'Do not know how to serialize a BigInt',
    ],
    [
      'a BigInt encrypted-token header',
      () => jwt.encrypt({}, Buffer.alloc(32), { algorithm: 'dir', header: { x: 1n } }),
      INVALID_OPTION,
      'Do not know how to serialize a BigInt',
    ],
    [
      'BigInt session metadata',
      () => jwt.createSessionStore().create('alice', { n: 1n }),
      INVALID_OPTION,
      'Do not know how to serialize a BigInt',
    ],
  ])('%s', (_, fn, code, message) => {
    expectError(fn, TypeError, code, message)
  })

  test('a cycle keeps JSON.stringify message and gets ERR_JWT_PAYLOAD_INVALID', () => {
    const error = thrown(() => jwt.sign(cyclic, secret))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.code).toBe('ERR_JWT_PAYLOAD_INVALID')
    expect(error.message).toMatch(/^Converting circular structure to JSON/)
  })
})

describe('options', () => {
  test("an encoding Buffer does not know: Buffer's TypeError and message, with the option code", () => {
    const message = 'Unknown encoding: no-such'
    expectError(() => jwt.sign({}, secret, { encoding: 'no-such' }), TypeError, INVALID_OPTION, message)
    expectError(() => jwt.createSigner({ key: secret, encoding: 'no-such' }), TypeError, INVALID_OPTION, message)
    expect(jwt.decode(jwt.sign('aGk', secret, { encoding: 'base64' }))).toBe('hi')
  })

  test.each([
    ['audience', { audience: new Array(2) }, '"audience" must be a string, a RegExp or an array of them'],
    ['issuer', { issuer: ['i', , 'j'] }, '"issuer" must be a string or an array of strings'], // eslint-disable-line no-sparse-arrays
  ])('a sparse %s array is refused, holes included (Array methods skip them)', (_, options, message) => {
    expectError(() => jwt.verify(token, secret, options), JsonWebTokenError, INVALID_OPTION, message)
  })

  test('sparse lists elsewhere: decrypt algorithms, fromExtractors', () => {
    const message =
      '"algorithms" must be a non-empty array of: dir, A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW, A256GCMKW, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A192KW, ECDH-ES+A256KW, RSA-OAEP, RSA-OAEP-256, RSA1_5, PBES2-HS256+A128KW, PBES2-HS384+A192KW, PBES2-HS512+A256KW'
    expectError(
      () => jwt.createDecrypter({ key: Buffer.alloc(32), algorithms: new Array(1) }),
      TypeError,
      INVALID_OPTION,
      message,
    )
    expectError(
      () => express.fromExtractors(new Array(1)),
      TypeError,
      INVALID_OPTION,
      'fromExtractors expects an array of functions',
    )
  })

  test('a signal is read once: the one checked is the one used', async () => {
    let reads = 0
    const options = {
      get signal() {
        reads++
        return reads === 1 ? undefined : {}
      },
    }
    const rsaToken = jwt.sign({ sub: 'u1' }, keys.rsa.privateKey, { algorithm: 'RS256' })
    await expect(jwt.verifyAsync(rsaToken, keys.rsa.publicKey, options)).resolves.toMatchObject({ sub: 'u1' })
    expect(reads).toBe(1)
  })

  test('options that are not an object, in signAsync: a rejection, not a TypeError of the `in` operator', async () => {
    const error = await rejected(jwt.signAsync({}, secret, 'options'))
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({ code: INVALID_OPTION, message: 'Expected "options" to be a plain object.' })
  })

  test.each([
    [
      'an empty timespan',
      { accessTokenLifetime: '' },
      '"accessTokenLifetime" must be a positive number of seconds or a timespan string such as "15m"',
    ],
    [
      'a lifetime past 1000 years',
      { idleLifetime: 1e300 },
      '"idleLifetime" must be a positive number of seconds or a timespan string such as "15m"',
    ],
    [
      'a clock tolerance past 1000 years',
      { clockTolerance: 1e300 },
      '"clockTolerance" must be a number of seconds, 0 or more',
    ],
  ])('session lifetimes: %s', (_, options, message) => {
    // Once the `ms` package's own Error, or the native store's encoded message.
    expectError(() => jwt.createSessionStore(options), TypeError, INVALID_OPTION, message)
  })

  test('an empty maxAge with the token cache: no check, as without the cache', () => {
    const verifier = jwt.createVerifier({ key: secret, maxAge: '', cache: 5 })
    expect(verifier.verify(token)).toMatchObject({ sub: 'u1' })
  })
})

describe('values that pose as something else', () => {
  const fakeBuffer = Object.create(Buffer.prototype)

  test('an object made from Buffer.prototype is not bytes', () => {
    expectError(
      () => jwt.sign(fakeBuffer, secret),
      JsonWebTokenError,
      'ERR_JWT_PAYLOAD_INVALID',
      'Expected "payload" to be a plain object.',
    )
    expect(jwt.decode(fakeBuffer)).toBeNull()
  })

  test('an own "__proto__" claim is left out and never becomes the prototype of the claims', () => {
    const payload = JSON.parse('{"__proto__":{"iat":5},"sub":"x"}')
    const claims = jwt.decode(jwt.sign(payload, secret, { expiresIn: 60 }))
    expect(Object.keys(claims)).toEqual(['sub', 'iat', 'exp'])
    expect(claims.iat).toBeGreaterThan(1e9)
    expect(claims.exp).toBe(claims.iat + 60)
  })
})

describe('callbacks and key functions', () => {
  test('sign with a callback reports a payload JSON cannot write through the callback', () => {
    const results = []
    expect(() => jwt.sign(Symbol('s'), secret, {}, (err) => results.push(err))).not.toThrow()
    return new Promise((resolve) => setImmediate(resolve)).then(() => {
      expect(results).toHaveLength(1)
      expect(results[0]).toMatchObject({
        code: 'ERR_JWT_PAYLOAD_INVALID',
        message: 'payload must be an object, string, Buffer or number',
      })
    })
  })

  test('a key function that calls back later with an unreadable error reaches the callback, not the process', async () => {
    const unreadable = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('message getter')
      },
    })
    const keyFunction = (_header, callback) => setImmediate(callback, unreadable)
    const error = await new Promise((resolve) => jwt.verify(token, keyFunction, {}, (err) => resolve(err)))
    expect(error).toMatchObject({ message: 'message getter' })
  })

  test.each([
    [
      'a key function that throws',
      () => {
        throw new Error('key store down')
      },
      'error in secret or public key callback: key store down',
    ],
    [
      'a class where the key function goes',
      class NotAFunction {},
      "error in secret or public key callback: Class constructor NotAFunction cannot be invoked without 'new'",
    ],
  ])('verify with a callback: %s reaches the callback, not the caller', async (_, keyFunction, message) => {
    let error
    expect(() => jwt.verify(token, keyFunction, {}, (err) => (error = err))).not.toThrow()
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({ code: 'ERR_KEY_FUNCTION_FAILED', message })
  })

  test.each([
    [
      'encrypt',
      () => jwt.encrypt({}, class NotAFunction {}, { algorithm: 'dir' }),
      "error in encryption key function: Class constructor NotAFunction cannot be invoked without 'new'",
    ],
    [
      'decrypt',
      () =>
        jwt.decrypt(jwt.encrypt({}, Buffer.alloc(32), { algorithm: 'dir' }), () => {
          throw Object.create(null)
        }),
      'error in decryption key function: (undefined)',
    ],
  ])('what a key function of %s throws, even no Error, becomes ERR_KEY_FUNCTION_FAILED', (_, fn, message) => {
    const error = expectError(fn, JsonWebTokenError, 'ERR_KEY_FUNCTION_FAILED', message)
    expect(error.inner).toBeDefined()
  })
})

describe('decrypt caches decrypters by the type of each option value', () => {
  const key = Buffer.alloc(32, 3)
  const encrypted = jwt.encrypt({ aud: 'x' }, key, { algorithm: 'dir' })

  // The string "/x/" and the RegExp /x/ once shared a cache key: a decrypter made for the RegExp, which leaves the
  // audience to JavaScript, then accepted any audience for the string.
  test.each([
    ['RegExp first', [/x/, '/x/']],
    ['string first', ['/x/', /x/]],
  ])('%s', (_, [first, second]) => {
    const attempt = (audience) => {
      try {
        return jwt.decrypt(encrypted, key, { audience }).aud
      } catch (err) {
        return err.code
      }
    }
    const expected = (audience) => (audience instanceof RegExp ? 'x' : 'ERR_JWT_AUDIENCE_INVALID')
    expect([attempt(first), attempt(second)]).toEqual([expected(first), expected(second)])
  })
})

describe('JWK Sets', () => {
  const fixtures = path.join(__dirname, 'fixtures', 'ec-explicit')

  test.each([
    ['a DSA key', crypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey, 'dsa'],
    [
      'an EC key on a curve of its own',
      crypto.createPublicKey(fs.readFileSync(path.join(fixtures, 'p256-other-generator-public.pem'))),
      'ec',
    ],
  ])('exportJwks: %s, which node:crypto cannot write as a JWK', (_, key, type) => {
    expectError(
      () => jwt.exportJwks([{ key }]),
      TypeError,
      INVALID_OPTION,
      `exportJwks(): entry 0 cannot be written as a JWK: node:crypto has no JWK form for its "${type}" key`,
    )
  })

  test.each([
    ['alg', { alg: Symbol('alg') }, 'exportJwks(): entry 0 cannot be used with "(symbol)"'],
    ['use', { use: 5 }, 'exportJwks(): entry 0 has a "use" that is not a string'],
    ['kid', { kid: {} }, 'exportJwks(): entry 0 has a "kid" that is not a string'],
  ])('exportJwks: an entry %s of the wrong type', (_, entry, message) => {
    expectError(() => jwt.exportJwks([{ key: keys.p256.publicKey, ...entry }]), TypeError, INVALID_OPTION, message)
  })

  test('a remote set whose fetch throws what is not an Error', async () => {
    const jwks = jwt.createRemoteJwks('http://127.0.0.1:9/jwks.json', {
      fetch: async () => {
        throw Object.create(null)
      },
    })
    const error = await rejected(jwks({ alg: 'RS256' }))
    expect(error).toBeInstanceOf(JsonWebTokenError)
    expect(error).toMatchObject({
      code: 'ERR_JWKS_FETCH_FAILED',
      message: 'JSON Web Key Set request failed: (undefined)',
    })
  })
})

describe('Redis replies the stores cannot read fail closed', () => {
  // A Redis that answers what Redis never sends cannot run here: a client-shaped object stands in for one.
  const answering = (reply) => {
    const command = async () => reply
    const client = {
      isReady: true,
      withCommandOptions: () => client,
      get: command,
      set: command,
      hmGet: command,
      sendCommand: command, // the stores' reads without client-side caching
      sMembers: command,
      evalSha: command,
      eval: command,
      sAdd: command,
      pExpire: command,
    }
    return client
  }
  const message = 'Redis sent a reply the store cannot read: the request is refused.'
  const tokenCheck = (cutoff) => jwt.createRedisTokenStore(answering(cutoff)).isRevoked({ sub: 's', iat: 1 })
  const confirmedRevoke = (reply) =>
    jwt.createRedisTokenStore(answering(reply), { minReplicas: 1 }).revoke({ jti: 'j', exp: Date.now() / 1000 + 60 })

  test.each([
    ['token store isRevoked', () => jwt.createRedisTokenStore(answering(7)).isRevoked({ jti: 'j', sub: 's' })],
    [
      'session store isRevoked',
      () => jwt.createRedisSessionStore(answering({})).isRevoked({ sid: 's', jti: 'j', sub: 'u' }),
    ],
    [
      'session store get',
      () => jwt.createRedisSessionStore(answering(['u1', null, '9e15', '1', '1', 'not json'])).get('s'),
    ],
    [
      'session store refresh',
      () =>
        jwt.createRedisSessionStore(answering(['no_such_refusal'])).refresh(`${crypto.randomUUID()}.${'A'.repeat(43)}`),
    ],
    ['session store list', () => jwt.createRedisSessionStore(answering([1, 2])).list('alice')],
    // A number every comparison would let through (NaN) is never read from a reply.
    ['token store isRevoked, a cut-off that is not a number', () => tokenCheck('garbage')],
    ['token store isRevoked, an empty cut-off', () => tokenCheck('')],
    ['a revocation with minReplicas, WAIT answered with text', () => confirmedRevoke('OK')],
    ['a revocation with minReplicas, WAIT answered with a list', () => confirmedRevoke([1])],
    ['a revocation with minReplicas, WAIT answered with a fraction', () => confirmedRevoke(1.5)],
  ])('%s', async (_, call) => {
    const error = await rejected(call())
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', message, status: 503 })
  })

  // The four fields of a session check: sub, expires, the token's expiry, its fingerprint.
  const later = String(Date.now() + 60_000)
  const check = (reply) => jwt.createRedisSessionStore(answering(reply)).isRevoked({ sid: 's', jti: 'j', sub: 'u' })

  test('Buffers among the fields are read as UTF-8, into a copy: the reply the client gave stays as it was', async () => {
    const reply = Object.freeze([Buffer.from('u'), Buffer.from(later), later, null])
    await expect(check(reply)).resolves.toBe(false)
    expect(Buffer.isBuffer(reply[0]) && Buffer.isBuffer(reply[1])).toBe(true)
  })

  test.each([
    ['a number', ['u', later, later, 7]],
    ['undefined', ['u', later, later, undefined]],
    ['a hole', Object.assign(new Array(4), { 0: 'u', 1: later, 2: later })],
    ['an object', ['u', { toString: () => later }, later, null]],
    ['three fields', ['u', later, later]],
    ['an expiry that is not a number', ['u', 'not-a-number', later, null]],
    ['an empty expiry', ['u', '', later, null]],
    ["a token's expiry that is not a number", ['u', later, 'NaN', null]],
  ])('a session check whose reply holds %s is refused', async (_, reply) => {
    const error = await rejected(check(reply))
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', reason: 'unreadable', message, status: 503 })
  })
})

describe('the middleware and its errors', () => {
  test.each([
    ['secret', {}, 'express-jwt: `secret` is a required option'],
    ['algorithms', { secret }, 'express-jwt: `algorithms` is a required option'],
  ])("express-jwt's RangeError for a missing %s has the option code", (_, options, message) => {
    expectError(() => express.expressjwt(options), RangeError, INVALID_OPTION, message)
  })

  // A request made by hand, as only a call from code (not over HTTP) can make one.
  const middleware = express.expressjwt({ secret, algorithms: ['HS256'] })
  const nextOf = (req) => new Promise((resolve) => middleware(req, {}, resolve))

  test('an Authorization value that is not a string carries no token', async () => {
    const error = await nextOf({ method: 'GET', headers: { authorization: ['Bearer', token] } })
    expect(error).toMatchObject({ name: 'UnauthorizedError', code: 'credentials_required', status: 401 })
  })

  test('no request object at all', async () => {
    const error = await nextOf(undefined)
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toMatchObject({ code: INVALID_OPTION, message: 'the middleware takes a request object' })
  })

  test('extractors given something that is not a request find nothing', () => {
    for (const extract of [express.fromAuthHeaderAsBearerToken(), express.fromHeader('x'), express.fromCookie('t')]) {
      expect(extract(undefined)).toBeUndefined()
      expect(extract({ headers: 'x' })).toBeUndefined()
    }
  })

  test('error constructors take any value without throwing', () => {
    expect(new express.UnauthorizedError('invalid_token', undefined).message).toBe('')
    expect(new StoreUnavailableError(Symbol('s')).message).toBe('')
  })
})
