'use strict'
// DPoP primitives (RFC 9449): calculateJwkThumbprint, createDpopProof, verifyDpopProof and the replay caches. Every
// refusal is asserted by class, code and message; the clock is the `clockTimestamp` option.

const crypto = require('node:crypto')
const jwt = require('..')
const { keys, secret } = require('./helpers/keys')
const { thrown, rejected } = require('./helpers/assert')

const { JsonWebTokenError, calculateJwkThumbprint, createDpopProof, verifyDpopProof, createDpopReplayCache } = jwt

const NOW = 1_700_000_000
const HTU = 'https://api.example/resource'
const TOKEN = 'access.token.value'
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('base64url')
const publicJwk = ({ kty, crv, x, y, n, e }) => JSON.parse(JSON.stringify({ kty, crv, x, y, n, e }))

const proof = (options = {}, key = keys.p256.privateKey) =>
  createDpopProof(key, { htm: 'GET', htu: HTU, iat: NOW, accessToken: TOKEN, ...options })
// A proof with any header and claims, signed by `key` with `algorithm`.
const crafted = (header, claims, key = keys.p256.privateKey, algorithm = 'ES256') =>
  jwt.sign(JSON.stringify({ jti: 'j1', htm: 'GET', htu: HTU, iat: NOW, ath: sha256(TOKEN), ...claims }), key, {
    algorithm,
    header: { typ: 'dpop+jwt', jwk: publicJwk(keys.p256.publicJwk), ...header },
  })
const verifying = (token, options = {}) =>
  verifyDpopProof(token, { htm: 'GET', htu: HTU, accessToken: TOKEN, clockTimestamp: NOW, ...options })

// A proof from the header's and the claims' JSON text as written, signed ES256 by the P-256 key.
function written(headerText, claimsText) {
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(claimsText).toString('base64url')}`
  const signature = crypto.sign('sha256', Buffer.from(input), { key: keys.p256.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

async function expectRefusal(promise, code, message, Class = JsonWebTokenError) {
  const err = await rejected(promise)
  expect(err).toBeInstanceOf(Class)
  expect(err).toMatchObject({ code, message })
  return err
}

describe('calculateJwkThumbprint (RFC 7638)', () => {
  test('the RFC 7638 §3.1 example', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5' +
        'hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    }
    expect(calculateJwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  })

  test('a KeyObject, public or private, and the JWK of its public half agree; other digests', () => {
    const fromJwk = calculateJwkThumbprint(keys.p256.publicJwk)
    expect(calculateJwkThumbprint(keys.p256.publicKey)).toBe(fromJwk)
    expect(calculateJwkThumbprint(keys.p256.privateKey)).toBe(fromJwk)
    expect(calculateJwkThumbprint(keys.ed25519.publicJwk)).toMatch(/^[\w-]{43}$/)
    expect(calculateJwkThumbprint(keys.p256.publicJwk, 'sha384')).toMatch(/^[\w-]{64}$/)
    expect(calculateJwkThumbprint(keys.p256.publicJwk, 'sha512')).toMatch(/^[\w-]{86}$/)
  })

  test('refusals', () => {
    let err = thrown(() => calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'a' }))
    expect(err).toBeInstanceOf(JsonWebTokenError)
    expect(err).toMatchObject({ code: 'ERR_KEY_INVALID', message: 'JWK "y" must be a string' })
    err = thrown(() => calculateJwkThumbprint({ kty: 'DSA' }))
    expect(err).toMatchObject({
      code: 'ERR_KEY_INVALID',
      message: 'JWK "kty" must be "EC", "RSA", "OKP" or "oct"',
    })
    err = thrown(() => calculateJwkThumbprint('{}'))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message: '"jwk" must be a JWK object or a KeyObject' })
    err = thrown(() => calculateJwkThumbprint(keys.p256.publicJwk, 'md5'))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message: '"digest" must be "sha256", "sha384" or "sha512"',
    })
  })
})

describe('createDpopProof', () => {
  test('a proof with the public JWK in its header, normalised htu, ath and nonce', () => {
    const token = createDpopProof(keys.p256.privateKey, {
      htm: 'POST',
      htu: 'HTTPS://API.Example:443/a/../resource?q=1#f',
      accessToken: TOKEN,
      nonce: 'n-1',
      jti: 'id-1',
      iat: NOW,
    })
    const { header, payload } = jwt.decode(token, { complete: true })
    expect(header).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk(keys.p256.publicJwk) })
    expect(payload).toEqual({ jti: 'id-1', htm: 'POST', htu: HTU, iat: NOW, ath: sha256(TOKEN), nonce: 'n-1' })
  })

  test('the algorithm follows the key; a JWK or PEM private key works', async () => {
    const alg = (key) => jwt.decode(createDpopProof(key, { htm: 'GET', htu: HTU }), { complete: true }).header.alg
    expect(alg(keys.p384.privateKey)).toBe('ES384')
    expect(alg(keys.p521.privatePem)).toBe('ES512')
    expect(alg(keys.ed25519.privateJwk)).toBe('EdDSA')
    expect(alg(keys.rsa.privateKey)).toBe('PS256')
    const rsa = createDpopProof(keys.rsa.privateKey, { htm: 'GET', htu: HTU, iat: NOW, algorithm: 'RS256' })
    await expect(verifying(rsa, { accessToken: undefined })).resolves.toMatchObject({
      jkt: calculateJwkThumbprint(keys.rsa.publicJwk),
    })
  })

  test('refusals are TypeErrors', () => {
    const cases = [
      [
        () => createDpopProof(keys.p256.publicKey, { htm: 'GET', htu: HTU }),
        'createDpopProof() needs the private key of the key pair',
      ],
      [
        () => createDpopProof('not a key', { htm: 'GET', htu: HTU }),
        'createDpopProof() needs a private key: a KeyObject, PEM or a private JWK',
      ],
      [
        () => createDpopProof(keys.p256.privateKey, { htm: 'GET', htu: '/relative' }),
        '"htu" must be an absolute http(s) URL',
      ],
      [() => createDpopProof(keys.p256.privateKey, { htm: '', htu: HTU }), '"htm" must be a non-empty string'],
      [
        () => createDpopProof(keys.p256.privateKey, { htm: 'GET', htu: HTU, algorithm: 'HS256' }),
        '"algorithm" must be one of: ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512, EdDSA',
      ],
      [
        () => createDpopProof(keys.p256.privateKey, { htm: 'GET', htu: HTU, extra: 1 }),
        '"extra" is not allowed in "options"',
      ],
    ]
    for (const [fn, message] of cases) {
      const err = thrown(fn)
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
  })
})

describe('verifyDpopProof', () => {
  test('a valid proof: header, claims and the key thumbprint', async () => {
    const result = await verifying(proof({ jti: 'a' }), { jkt: calculateJwkThumbprint(keys.p256.publicJwk) })
    expect(result).toEqual({
      header: { alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk(keys.p256.publicJwk) },
      payload: { jti: 'a', htm: 'GET', htu: HTU, iat: NOW, ath: sha256(TOKEN) },
      jkt: calculateJwkThumbprint(keys.p256.publicJwk),
    })
  })

  test('every asymmetric key type verifies', async () => {
    for (const name of ['p384', 'p521', 'ed25519', 'rsa']) {
      const result = await verifying(proof({}, keys[name].privateKey))
      expect(result.jkt).toBe(calculateJwkThumbprint(keys[name].publicJwk))
    }
  })

  test('htu is compared normalised: case of scheme and host, default port, query and fragment', async () => {
    const token = proof()
    for (const htu of ['HTTPS://API.EXAMPLE/resource', 'https://api.example:443/resource?x=1', `${HTU}#frag`]) {
      await expect(verifying(token, { htu })).resolves.toMatchObject({ payload: { htu: HTU } })
    }
    await expectRefusal(
      verifying(token, { htu: 'https://api.example:8443/resource' }),
      'ERR_DPOP_HTU_MISMATCH',
      'DPoP proof "htu" does not match the request URL',
    )
    await expectRefusal(
      verifying(token, { htu: 'https://api.example/Resource' }),
      'ERR_DPOP_HTU_MISMATCH',
      'DPoP proof "htu" does not match the request URL',
    )
  })

  test('htu is compared after RFC 3986 normalisation of percent-encodings', async () => {
    const token = crafted({}, { htu: 'https://api.example/%7Euser/%6frders/a%2fb' })
    const htu = 'https://api.example/~user/orders/a%2Fb'
    await expect(verifying(token, { htu })).resolves.toMatchObject({
      payload: { htu: 'https://api.example/%7Euser/%6frders/a%2fb' },
    })
    // An encoded "/" is not a "/": the path has another segment.
    await expectRefusal(
      verifying(token, { htu: 'https://api.example/~user/orders/a/b' }),
      'ERR_DPOP_HTU_MISMATCH',
      'DPoP proof "htu" does not match the request URL',
    )
  })

  test('the shape of the proof', async () => {
    await expectRefusal(verifying(undefined), 'ERR_DPOP_PROOF_REQUIRED', 'DPoP proof must be a non-empty string')
    await expectRefusal(verifying('a.b'), 'ERR_DPOP_PROOF_INVALID', 'DPoP proof is not a signed JWT')
    await expectRefusal(
      verifying(crafted({ typ: 'JWT' })),
      'ERR_DPOP_PROOF_INVALID',
      'DPoP proof "typ" must be "dpop+jwt"',
    )
    await expectRefusal(
      verifying(crafted({}, { jti: '' })),
      'ERR_DPOP_PROOF_INVALID',
      'DPoP proof "jti" must be a non-empty string',
    )
    await expectRefusal(
      verifying(crafted({}, { htu: 7 })),
      'ERR_DPOP_PROOF_INVALID',
      'DPoP proof "htu" must be a non-empty string',
    )
    await expectRefusal(
      verifying(crafted({}, { iat: '1700000000' })),
      'ERR_DPOP_PROOF_INVALID',
      'DPoP proof "iat" must be a number',
    )
  })

  test('only asymmetric algorithms from the allow-list', async () => {
    const message = 'DPoP proof "alg" is not an allowed algorithm'
    await expectRefusal(verifying(crafted({}, {}, secret, 'HS256')), 'ERR_JOSE_ALG_NOT_ALLOWED', message)
    await expectRefusal(verifying(crafted({}, {}, null, 'none')), 'ERR_JOSE_ALG_NOT_ALLOWED', message)
    await expectRefusal(verifying(proof(), { algorithms: ['EdDSA'] }), 'ERR_JOSE_ALG_NOT_ALLOWED', message)
  })

  test('only a public jwk that fits the algorithm, and the signature of its key', async () => {
    await expectRefusal(
      verifying(crafted({ jwk: undefined })),
      'ERR_DPOP_JWK_INVALID',
      'DPoP proof "jwk" must be a JSON object',
    )
    await expectRefusal(
      verifying(crafted({ jwk: keys.p256.privateJwk })),
      'ERR_DPOP_JWK_INVALID',
      'DPoP proof "jwk" must be a public key: it holds private key members',
    )
    await expectRefusal(
      verifying(crafted({ jwk: { kty: 'oct', k: 'c2VjcmV0' } })),
      'ERR_DPOP_JWK_INVALID',
      'DPoP proof "jwk" must be a public key: it holds private key members',
    )
    await expectRefusal(
      verifying(crafted({ jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } })),
      'ERR_DPOP_JWK_INVALID',
      'DPoP proof "jwk" is not a valid public key',
    )
    await expectRefusal(
      verifying(crafted({ jwk: publicJwk(keys.p384.publicJwk) })),
      'ERR_DPOP_JWK_INVALID',
      'DPoP proof "jwk" does not fit "alg" ES256',
    )
    // Signed by another P-256 key than the one in the header.
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    await expectRefusal(verifying(crafted({}, {}, other)), 'ERR_JWS_SIGNATURE_INVALID', 'invalid DPoP proof signature')
  })

  test('htm, iat window, nonce, ath and the token binding', async () => {
    await expectRefusal(
      verifying(proof(), { htm: 'POST' }),
      'ERR_DPOP_HTM_MISMATCH',
      'DPoP proof "htm" does not match the request method',
    )
    const window = 'DPoP proof "iat" is outside the accepted window'
    await expectRefusal(verifying(proof(), { clockTimestamp: NOW + 61 }), 'ERR_DPOP_IAT_INVALID', window)
    await expectRefusal(verifying(proof(), { clockTimestamp: NOW - 61 }), 'ERR_DPOP_IAT_INVALID', window)
    await expectRefusal(verifying(proof(), { clockTimestamp: NOW + 11, maxAge: 10 }), 'ERR_DPOP_IAT_INVALID', window)
    await expect(verifying(proof(), { clockTimestamp: NOW + 65, clockTolerance: 5 })).resolves.toBeTruthy()
    await expectRefusal(
      verifying(proof(), { nonce: 'n-1' }),
      'ERR_DPOP_NONCE_INVALID',
      'DPoP proof "nonce" is required',
    )
    await expectRefusal(
      verifying(proof({ nonce: 'n-0' }), { nonce: ['n-1', 'n-2'] }),
      'ERR_DPOP_NONCE_INVALID',
      'DPoP proof "nonce" is not the server\'s current nonce',
    )
    await expect(verifying(proof({ nonce: 'n-2' }), { nonce: ['n-1', 'n-2'] })).resolves.toBeTruthy()
    await expectRefusal(
      verifying(proof({ accessToken: undefined })),
      'ERR_DPOP_ATH_MISMATCH',
      'DPoP proof "ath" is required with an access token',
    )
    await expectRefusal(
      verifying(proof({ accessToken: 'another.token' })),
      'ERR_DPOP_ATH_MISMATCH',
      'DPoP proof "ath" does not match the access token',
    )
    await expectRefusal(
      verifying(proof(), { jkt: calculateJwkThumbprint(keys.p384.publicJwk) }),
      'ERR_DPOP_KEY_MISMATCH',
      "the access token is bound to another key than the DPoP proof's",
    )
  })

  // Readers that keep the first of two members and readers that keep the last would see two proofs in one.
  test('a member named twice, in the claims or the header, escaped or not, is refused', async () => {
    const header = JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk(keys.p256.publicJwk) })
    const claims = `"jti":"j1","htu":"${HTU}","iat":${NOW},"ath":"${sha256(TOKEN)}"`
    await expect(verifying(written(header, `{${claims},"htm":"GET"}`))).resolves.toMatchObject({
      jkt: expect.any(String),
    })
    for (const twice of [`{${claims},"htm":"POST","htm":"GET"}`, `{${claims},"htm":"POST","\u0068tm":"GET"}`]) {
      await expectRefusal(
        verifying(written(header, twice)),
        'ERR_DPOP_PROOF_INVALID',
        'DPoP proof claims name a member twice',
      )
    }
    // (A header with `alg`, `typ` or `crit` twice is no signed JWT at all.)
    const headerTwice = `${header.slice(0, -1)},"jwk":${JSON.stringify(publicJwk(keys.p384.publicJwk))}}`
    await expectRefusal(
      verifying(written(headerTwice, `{${claims},"htm":"GET"}`)),
      'ERR_DPOP_PROOF_INVALID',
      'DPoP proof header names a member twice',
    )
  })

  // RFC 7515 §4.1.11: a proof is a JWS, and none of its extensions is understood here.
  test('a proof with "crit" is refused, whatever it names', async () => {
    for (const header of [{ crit: ['foo'], foo: 1 }, { crit: 'x' }, { crit: [] }, { crit: ['exp'], exp: 1 }]) {
      await expectRefusal(
        verifying(crafted(header)),
        'ERR_DPOP_PROOF_INVALID',
        'DPoP proof "crit" names extensions that are not understood',
      )
    }
  })

  // RFC 7518 §6.3.1: the fewest bytes. A leading zero would be the same key under another thumbprint.
  test('an RSA key whose "n" or "e" has a leading zero byte is refused', async () => {
    const { n, e } = keys.rsa.publicJwk
    const padded = (value) => Buffer.concat([Buffer.alloc(1), Buffer.from(value, 'base64url')]).toString('base64url')
    for (const jwk of [
      { kty: 'RSA', n: padded(n), e },
      { kty: 'RSA', n, e: padded(e) },
    ]) {
      await expectRefusal(
        verifying(crafted({ jwk }, {}, keys.rsa.privateKey, 'RS256')),
        'ERR_DPOP_JWK_INVALID',
        'DPoP proof "jwk" is not a valid public key',
      )
    }
    await expect(
      verifying(crafted({ jwk: { kty: 'RSA', n, e } }, {}, keys.rsa.privateKey, 'RS256')),
    ).resolves.toMatchObject({ jkt: calculateJwkThumbprint({ kty: 'RSA', n, e }) })
  })

  test('a replay cache refuses a proof seen before, for as long as its window lasts', async () => {
    const replayCache = createDpopReplayCache()
    const token = proof({ jti: 'once' })
    await verifying(token, { replayCache })
    await expectRefusal(verifying(token, { replayCache }), 'ERR_DPOP_REPLAYED', 'DPoP proof "jti" has been used before')
    // Another key may use the same jti.
    await verifying(proof({ jti: 'once' }, keys.p384.privateKey), { replayCache })
    expect(replayCache.size).toBe(2)
  })

  // A proof is accepted up to the last instant of its window inclusive, so it is remembered a second past that.
  test.each([
    ['the end of its window', NOW + 60],
    ['the start of its window (iat ahead of the clock)', NOW - 60],
  ])('a proof replayed at %s is refused', async (_, at) => {
    const replayCache = createDpopReplayCache()
    const token = proof({ jti: 'edge' })
    await verifying(token, { replayCache, clockTimestamp: at })
    await expectRefusal(
      verifying(token, { replayCache, clockTimestamp: at }),
      'ERR_DPOP_REPLAYED',
      'DPoP proof "jti" has been used before',
    )
  })

  test('a full in-memory cache refuses new proofs rather than forget live ones', async () => {
    const replayCache = createDpopReplayCache({ maxEntries: 1 })
    await verifying(proof({ jti: 'a' }), { replayCache })
    await expectRefusal(
      verifying(proof({ jti: 'b' }), { replayCache }),
      'ERR_DPOP_REPLAY_CACHE_FULL',
      'the DPoP replay cache is full: the proof is refused',
    )
    // Once the first proof's window has closed, its room is free again.
    await verifying(proof({ jti: 'b', iat: NOW + 100 }), { replayCache, clockTimestamp: NOW + 100 })
  })

  // Proofs are held in the order they were recorded and leave from the front of that queue as the clock passes
  // them: a full cache takes new proofs again once its oldest have expired, with no scan of the whole cache.
  test('a full cache takes new proofs once the clock passes its oldest; an unexpired proof is still a replay', async () => {
    const replayCache = createDpopReplayCache({ maxEntries: 2 })
    const first = proof({ jti: 'first' })
    const second = proof({ jti: 'second', iat: NOW + 10 })
    await verifying(first, { replayCache })
    await verifying(second, { replayCache, clockTimestamp: NOW + 10 })
    const err = await expectRefusal(
      verifying(proof({ jti: 'third', iat: NOW + 30 }), { replayCache, clockTimestamp: NOW + 30 }),
      'ERR_DPOP_REPLAY_CACHE_FULL',
      'the DPoP replay cache is full: the proof is refused',
    )
    // The server's capacity, not the client's fault: 503, and the seconds until the first proof's room frees
    // (it is kept a second past its 60-second window: until NOW + 61).
    expect(err).toMatchObject({ status: 503, retryAfter: 31 })
    // At NOW + 61 the first proof's window has closed: its room goes to a new proof, and it is not a replay either.
    await verifying(proof({ jti: 'third', iat: NOW + 61 }), { replayCache, clockTimestamp: NOW + 61 })
    expect(replayCache.size).toBe(2)
    // The second is kept until NOW + 71: still refused as replayed, and the cache still full for a new one.
    await expectRefusal(
      verifying(second, { replayCache, clockTimestamp: NOW + 61 }),
      'ERR_DPOP_REPLAYED',
      'DPoP proof "jti" has been used before',
    )
    const full = await expectRefusal(
      verifying(proof({ jti: 'fourth', iat: NOW + 65 }), { replayCache, clockTimestamp: NOW + 65 }),
      'ERR_DPOP_REPLAY_CACHE_FULL',
      'the DPoP replay cache is full: the proof is refused',
    )
    expect(full).toMatchObject({ status: 503, retryAfter: 6 })
    await verifying(proof({ jti: 'fourth', iat: NOW + 71 }), { replayCache, clockTimestamp: NOW + 71 })
  })

  test('expired proofs leave the in-memory cache as the clock passes them, full or not', () => {
    const replayCache = createDpopReplayCache({ maxEntries: 100 })
    expect(replayCache.remember('a', NOW + 10, NOW)).toBe(true)
    expect(replayCache.remember('b', NOW + 20, NOW)).toBe(true)
    expect(replayCache.remember('c', NOW + 30, NOW)).toBe(true)
    expect(replayCache.remember('b', NOW + 40, NOW + 9)).toBe(false)
    expect(replayCache.size).toBe(3)
    // An entry is alive while `until` is ahead of the clock: at NOW + 20, "a" and "b" are gone.
    expect(replayCache.remember('d', NOW + 50, NOW + 20)).toBe(true)
    expect(replayCache.size).toBe(2)
    expect(replayCache.remember('c', NOW + 50, NOW + 29)).toBe(false)
    expect(replayCache.remember('e', NOW + 90, NOW + 60)).toBe(true)
    expect(replayCache.size).toBe(1)
  })

  test('bad options are TypeErrors', async () => {
    const cases = [
      [{ htm: undefined }, '"htm" must be a non-empty string'],
      [{ htu: 'not a url' }, '"htu" must be an absolute http(s) URL'],
      [{ htu: 'ftp://x/y' }, '"htu" must be an absolute http(s) URL'],
      [
        { algorithms: ['HS256'] },
        '"algorithms" must be a non-empty array of: ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512, EdDSA',
      ],
      [{ maxAge: -1 }, '"maxAge" must be a number of seconds, 0 or more'],
      [{ nonce: [] }, '"nonce" must be a non-empty string or array of them'],
      [{ clockTimestamp: '1' }, '"clockTimestamp" must be a number'],
      [
        { replayCache: {} },
        '"replayCache" must be a replay cache: createDpopReplayCache() or createRedisDpopReplayCache()',
      ],
      [{ iss: 'x' }, '"iss" is not allowed in "options"'],
    ]
    for (const [options, message] of cases) {
      const err = await rejected(verifying(proof(), options))
      expect(err).toBeInstanceOf(TypeError)
      expect(err).toMatchObject({ code: 'ERR_JWT_INVALID_OPTION', message })
    }
    const err = await rejected(verifyDpopProof(proof(), null))
    expect(err).toMatchObject({
      code: 'ERR_JWT_INVALID_OPTION',
      message: '"options" must be an object: { htm, htu, ... }',
    })
  })

  test('any value as the proof is a coded error, never a crash', async () => {
    for (const value of [null, 1, {}, [], Symbol('x'), 'a.b.c', '..', 'x'.repeat(10000)]) {
      const err = await rejected(verifying(value))
      expect(err).toBeInstanceOf(JsonWebTokenError)
      expect(['ERR_DPOP_PROOF_REQUIRED', 'ERR_DPOP_PROOF_INVALID']).toContain(err.code)
    }
  })
})
