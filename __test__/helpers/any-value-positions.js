'use strict'
// Every export of ringjwt and ringjwt/express, every argument and every option, as positions a value can take:
// `{ label, arbitrary, call, kind }`. `call(value)` makes the call with `value` in that position and valid values
// elsewhere. `kind` says how a call answers: 'sync' returns or throws; 'promise' must return a promise and never
// throw; 'callback' (the call gets `done`) must report through `done` exactly once and never throw.

const jwt = require('../..')
const express = require('../../express')
const { fc, anyValue, optionsOf, CallerError, callerThrows, KEYS, SECRET, DIR_KEY, TOKENS } = require('./any-value')

// `passesThrough`: what the caller's own function threw reaches the caller unchanged (express-jwt passes the errors
// of `secret`, `getToken`, `isRevoked` and `onExpired` to next()), so the value itself is an allowed error.
const position = (label, arbitrary, call, kind = 'sync', passesThrough = false) => ({
  label,
  arbitrary,
  call,
  kind,
  passesThrough,
})

// Where sign() and verify() take a callback or a key function, a function is one: what it does when called (throw,
// or never call back) is the caller's business, as in jsonwebtoken; key functions have positions of their own.
// Those positions get any other value.
const notCallback = anyValue.filter((v) => typeof v !== 'function')

// Valid values per option, so that option bags mix good and bad.
const SIGN_VALID = {
  algorithm: ['HS256', 'RS256', 'ES256', 'EdDSA', 'none'],
  expiresIn: [60, '1h'],
  notBefore: [0, '2s'],
  audience: ['a', ['a', 'b']],
  issuer: ['i'],
  subject: ['s'],
  jwtid: ['j'],
  keyid: ['k'],
  header: [{ kid: 'k' }, { typ: 'at+jwt' }, { alg: 'HS512' }],
  encoding: ['utf8', 'latin1', 'base64', 'hex'],
  noTimestamp: [true, false],
  mutatePayload: [true, false],
  allowInsecureKeySizes: [true],
  allowInvalidAsymmetricKeyTypes: [true],
}
const SIGN_OPTIONS = Object.keys(SIGN_VALID)

const VERIFY_VALID = {
  algorithms: [['HS256'], ['RS256', 'ES256', 'EdDSA', 'none'], ['HS256', 'RS256']],
  audience: ['a', /a/, ['a', /b/g]],
  issuer: ['i', ['i', 'j']],
  subject: ['u1'],
  jwtid: ['j1'],
  nonce: ['n'],
  complete: [true, false],
  ignoreExpiration: [true],
  ignoreNotBefore: [true],
  clockTolerance: [5],
  maxAge: [60, '1h'],
  clockTimestamp: [1, 1e10],
  allowInvalidAsymmetricKeyTypes: [true],
  allowInsecureKeySizes: [true],
  strict: [true, false],
}
const VERIFY_OPTIONS = Object.keys(VERIFY_VALID)
const CACHE_VALID = { cache: [10, false], cacheTTL: [1000], cacheErrors: [true] }

const JWE_ALGS = ['dir', 'A128KW', 'A256GCMKW', 'ECDH-ES', 'ECDH-ES+A128KW', 'RSA-OAEP', 'RSA1_5', 'PBES2-HS256+A128KW']
const ENCRYPT_VALID = {
  algorithm: JWE_ALGS,
  encryption: ['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'],
  zip: ['DEF'],
  pbes2Count: [1000],
  expiresIn: [60],
  notBefore: ['1s'],
  audience: ['a'],
  issuer: ['i'],
  subject: ['s'],
  jwtid: ['j'],
  noTimestamp: [true],
  header: [{ kid: 'k' }, { apu: 'QWxpY2U' }],
  keyid: ['k'],
  sign: [{ key: SECRET }, { key: KEYS.p256.privateKey, algorithm: 'ES256' }],
}
const ENCRYPT_OPTIONS = Object.keys(ENCRYPT_VALID)
const SIGN_IN_ENCRYPT = ['key', 'algorithm', 'header', 'keyid', 'allowInsecureKeySizes']

const DECRYPT_VALID = {
  algorithms: [['dir'], ['RSA-OAEP', 'ECDH-ES', 'PBES2-HS256+A128KW']],
  encryptions: [['A256GCM'], ['A128CBC-HS256']],
  maxPbes2Count: [1000, 10000],
  maxInflatedSize: [1024, 1 << 20],
  verify: [{ key: SECRET }, { key: SECRET, algorithms: ['HS256'] }],
  complete: [true],
  clockTimestamp: [1],
  audience: ['a', /a/],
  issuer: ['i'],
  subject: ['u1'],
  jwtid: ['j'],
  nonce: ['n'],
  ignoreExpiration: [true],
  ignoreNotBefore: [true],
  clockTolerance: [5],
  maxAge: ['1h'],
  strict: [true],
}
const DECRYPT_OPTIONS = Object.keys(DECRYPT_VALID)

const REMOTE_OPTIONS = ['cacheMaxAge', 'cooldown', 'staleIfError', 'timeout', 'maxResponseBytes', 'headers', 'fetch']
const MIDDLEWARE_VALID = {
  secret: [SECRET, KEYS.rsa.publicKey],
  algorithms: [['HS256'], ['RS256']],
  credentialsRequired: [false, true],
  getToken: [() => TOKENS[0], () => Promise.resolve(TOKENS[0])],
  isRevoked: [() => false, async () => true],
  onExpired: [() => undefined],
  requestProperty: ['auth', 'user.claims', 'a[0].b'],
  decrypt: [
    { key: DIR_KEY, algorithms: ['dir'] },
    { key: DIR_KEY, algorithms: ['dir'], requireSigned: false },
  ],
  ...Object.fromEntries(Object.entries(VERIFY_VALID).filter(([name]) => name !== 'complete')),
  ...CACHE_VALID,
}
const MIDDLEWARE_OPTIONS = Object.keys(MIDDLEWARE_VALID)
const DECRYPT_IN_MIDDLEWARE = ['key', 'algorithms', 'encryptions', 'maxPbes2Count', 'maxInflatedSize', 'requireSigned']

const payload = () => ({ sub: 'u1', jti: 'j1' })
const options = (arbitrary, base = {}) => arbitrary.map((extra) => ({ ...base, ...extra }))

// One position per option name: `{ ...base, [name]: value }`.
function eachOption(label, names, base, call, kind) {
  return names.map((name) => position(`${label}.${name}`, anyValue, (v) => call({ ...base, [name]: v }), kind))
}

function signGroup() {
  const hs = (v) => jwt.sign(v, SECRET)
  return [
    position('sign(payload)', anyValue, hs),
    position('sign(payload) RS256', anyValue, (v) => jwt.sign(v, KEYS.rsa.privateKey, { algorithm: 'RS256' })),
    position('sign(payload) with claim options', anyValue, (v) =>
      jwt.sign(v, SECRET, { expiresIn: 60, audience: 'a', issuer: 'i' }),
    ),
    position('sign(_, key)', anyValue, (v) => jwt.sign(payload(), v)),
    position('sign(_, key, { algorithm })', fc.tuple(anyValue, fc.constantFrom(...SIGN_VALID.algorithm)), ([v, alg]) =>
      jwt.sign(payload(), v, { algorithm: alg }),
    ),
    position('sign(_, _, options)', notCallback, (v) => jwt.sign(payload(), SECRET, v)),
    ...eachOption('sign options', SIGN_OPTIONS, {}, (o) => jwt.sign(payload(), SECRET, o)),
    position('sign options (several)', optionsOf(SIGN_OPTIONS, SIGN_VALID), (o) => jwt.sign(payload(), SECRET, o)),
    ...['alg', 'typ', 'kid', 'crit', 'b64', 'jku'].map((name) =>
      position(`sign options.header.${name}`, anyValue, (v) => jwt.sign(payload(), SECRET, { header: { [name]: v } })),
    ),
    ...['iat', 'exp', 'nbf', 'aud', 'iss', 'sub', 'jti', '__proto__'].map((name) =>
      position(`sign payload.${name}`, anyValue, (v) => jwt.sign({ [name]: v }, SECRET)),
    ),
    position('sign(payload, _, _, callback)', anyValue, (v) => (done) => jwt.sign(v, SECRET, {}, done), 'callback'),
    position('sign(_, key, _, callback)', anyValue, (v) => (done) => jwt.sign(payload(), v, {}, done), 'callback'),
    position(
      'sign(_, _, options, callback)',
      optionsOf(SIGN_OPTIONS, SIGN_VALID),
      (o) => (done) => jwt.sign(payload(), SECRET, o, done),
      'callback',
    ),
    position('sign(_, _, _, callback)', notCallback, (v) => jwt.sign(payload(), SECRET, {}, v)),
    position(
      'signAsync(payload)',
      anyValue,
      (v) => jwt.signAsync(v, KEYS.p256.privateKey, { algorithm: 'ES256' }),
      'promise',
    ),
    position('signAsync(_, key)', anyValue, (v) => jwt.signAsync(payload(), v), 'promise'),
    position('signAsync(_, _, options)', anyValue, (v) => jwt.signAsync(payload(), SECRET, v), 'promise'),
    ...eachOption(
      'signAsync options',
      [...SIGN_OPTIONS, 'signal'],
      {},
      (o) => jwt.signAsync(payload(), SECRET, o),
      'promise',
    ),
    position(
      'signAsync options (several)',
      optionsOf([...SIGN_OPTIONS, 'signal'], SIGN_VALID),
      (o) => jwt.signAsync(payload(), KEYS.rsa.privateKey, { algorithm: 'RS256', ...o }),
      'promise',
    ),
  ]
}

function verifyGroup() {
  const [hsToken, rsToken] = TOKENS
  const keyFunction = (key, error) => (_header, callback) => callback(error, key)
  const laterKeyFunction = (key, error) => (_header, callback) => setImmediate(callback, error, key)
  return [
    position('verify(token)', anyValue, (v) => jwt.verify(v, SECRET)),
    position('verify(token) RS256', anyValue, (v) => jwt.verify(v, KEYS.rsa.publicKey)),
    position('verify(token) any of the tokens', fc.constantFrom(...TOKENS), (t) => jwt.verify(t, SECRET)),
    position('verify(_, key)', notCallback, (v) => jwt.verify(hsToken, v)),
    position('verify(_, key) RS256 token', notCallback, (v) => jwt.verify(rsToken, v)),
    position('verify(_, _, options)', notCallback, (v) => jwt.verify(hsToken, SECRET, v)),
    ...eachOption('verify options', VERIFY_OPTIONS, {}, (o) => jwt.verify(hsToken, SECRET, o)),
    position(
      'verify options (several)',
      fc.tuple(fc.constantFrom(...TOKENS), optionsOf(VERIFY_OPTIONS, VERIFY_VALID)),
      ([t, o]) => jwt.verify(t, KEYS.rsa.publicKey, o),
    ),
    position('verify(token, _, _, callback)', anyValue, (v) => (done) => jwt.verify(v, SECRET, {}, done), 'callback'),
    position('verify(_, key, _, callback)', notCallback, (v) => (done) => jwt.verify(hsToken, v, {}, done), 'callback'),
    position('verify(_, _, _, callback)', notCallback, (v) => jwt.verify(hsToken, SECRET, {}, v)),
    position(
      'verify key function: the key it gives',
      anyValue,
      (v) => (done) => jwt.verify(hsToken, keyFunction(v, null), {}, done),
      'callback',
    ),
    position(
      'verify key function: the error it gives',
      anyValue.filter((v) => v !== undefined && v !== null && v !== false && v !== 0 && v !== ''),
      (v) => (done) => jwt.verify(hsToken, keyFunction(SECRET, v), {}, done),
      'callback',
    ),
    position(
      'verify key function: the error it gives later',
      anyValue.filter((v) => v !== undefined && v !== null && v !== false && v !== 0 && v !== ''),
      (v) => (done) => jwt.verify(hsToken, laterKeyFunction(SECRET, v), {}, done),
      'callback',
    ),
    position(
      'verify key function that throws',
      anyValue,
      (v) => (done) =>
        jwt.verify(
          hsToken,
          () => {
            throw v
          },
          {},
          done,
        ),
      'callback',
    ),
    position(
      'verify with a class as the key function',
      fc.constant(class Klass {}),
      (K) => (done) => jwt.verify(hsToken, K, {}, done),
      'callback',
    ),
    position('verifyAsync(token)', anyValue, (v) => jwt.verifyAsync(v, KEYS.rsa.publicKey), 'promise'),
    position('verifyAsync(_, key)', notCallback, (v) => jwt.verifyAsync(rsToken, v), 'promise'),
    position('verifyAsync(_, _, options)', anyValue, (v) => jwt.verifyAsync(rsToken, KEYS.rsa.publicKey, v), 'promise'),
    ...eachOption(
      'verifyAsync options',
      [...VERIFY_OPTIONS, 'signal'],
      {},
      (o) => jwt.verifyAsync(rsToken, KEYS.rsa.publicKey, o),
      'promise',
    ),
    position(
      'verifyAsync key function: the key it gives',
      anyValue,
      (v) => jwt.verifyAsync(hsToken, keyFunction(v, null)),
      'promise',
    ),
    position('decode(token)', anyValue, (v) => jwt.decode(v)),
    position('decode(_, options)', anyValue, (v) => jwt.decode(hsToken, v)),
    ...eachOption('decode options', ['complete', 'json'], {}, (o) => jwt.decode(TOKENS[3], o)),
  ]
}

function compiledGroup() {
  const signer = jwt.createSigner({ key: KEYS.p256.privateKey, algorithm: 'ES256', expiresIn: 60 })
  const hsVerifier = jwt.createVerifier({ key: SECRET, cache: 5, cacheErrors: true })
  const rsVerifier = jwt.createVerifier({ key: KEYS.rsa.publicKey, complete: true })
  const all = [...SIGN_OPTIONS]
  return [
    position('createSigner(options)', anyValue, (v) => jwt.createSigner(v)),
    position('createSigner options.key', anyValue, (v) => jwt.createSigner({ key: v })),
    position('createSigner options.key with ES256', anyValue, (v) => jwt.createSigner({ key: v, algorithm: 'ES256' })),
    ...eachOption('createSigner options', all, { key: SECRET }, (o) => jwt.createSigner(o)),
    position('createSigner options (several)', options(optionsOf(all, SIGN_VALID), { key: SECRET }), (o) =>
      jwt.createSigner(o).sign(payload()),
    ),
    position('signer.sign(payload)', anyValue, (v) => signer.sign(v)),
    position('signer.signAsync(payload)', anyValue, (v) => signer.signAsync(v), 'promise'),
    position('signer.signAsync(_, options)', anyValue, (v) => signer.signAsync(payload(), v), 'promise'),
    position(
      'signer.signAsync(_, options.signal)',
      anyValue,
      (v) => signer.signAsync(payload(), { signal: v }),
      'promise',
    ),
    position('createVerifier(options)', anyValue, (v) => jwt.createVerifier(v)),
    position('createVerifier options.key', anyValue, (v) => jwt.createVerifier({ key: v })),
    ...eachOption('createVerifier options', [...VERIFY_OPTIONS, ...Object.keys(CACHE_VALID)], { key: SECRET }, (o) =>
      jwt.createVerifier(o),
    ),
    position(
      'createVerifier options (several)',
      fc.tuple(
        options(optionsOf([...VERIFY_OPTIONS, ...Object.keys(CACHE_VALID)], { ...VERIFY_VALID, ...CACHE_VALID }), {
          key: SECRET,
        }),
        fc.constantFrom(...TOKENS),
      ),
      ([o, t]) => jwt.createVerifier(o).verify(t),
    ),
    position('verifier.verify(token)', anyValue, (v) => hsVerifier.verify(v)),
    position('verifier.verify(token) twice (cached)', fc.constantFrom(...TOKENS), (t) => {
      for (let i = 0; i < 2; i++) {
        try {
          hsVerifier.verify(t)
        } catch (err) {
          if (i === 1) throw err
        }
      }
    }),
    position('verifier.verifyAsync(token)', anyValue, (v) => rsVerifier.verifyAsync(v), 'promise'),
    position('verifier.verifyAsync(_, options)', anyValue, (v) => rsVerifier.verifyAsync(TOKENS[1], v), 'promise'),
    position(
      'verifier.verifyAsync(_, options.signal)',
      anyValue,
      (v) => rsVerifier.verifyAsync(TOKENS[1], { signal: v }),
      'promise',
    ),
  ]
}

// A key for each JWE algorithm: the recipient's public key or the shared secret.
const ENCRYPTION_KEYS = {
  dir: DIR_KEY,
  A128KW: Buffer.alloc(16, 1),
  A256GCMKW: Buffer.alloc(32, 1),
  'ECDH-ES': KEYS.p256.publicKey,
  'ECDH-ES+A128KW': KEYS.p256.publicKey,
  'RSA-OAEP': KEYS.rsa.publicKey,
  RSA1_5: KEYS.rsa.publicKey,
  'PBES2-HS256+A128KW': 'a password',
}

function encryptGroup() {
  const dir = { algorithm: 'dir' }
  const encrypter = jwt.createEncrypter({ key: KEYS.p256.publicKey, algorithm: 'ECDH-ES' })
  const algKey = fc.constantFrom(...JWE_ALGS).map((alg) => [alg, ENCRYPTION_KEYS[alg]])
  return [
    position('encrypt(payload)', anyValue, (v) => jwt.encrypt(v, DIR_KEY, dir)),
    position('encrypt(payload) RSA-OAEP', anyValue, (v) =>
      jwt.encrypt(v, KEYS.rsa.publicKey, { algorithm: 'RSA-OAEP' }),
    ),
    position('encrypt(_, key, { algorithm })', fc.tuple(anyValue, fc.constantFrom(...JWE_ALGS)), ([v, alg]) =>
      jwt.encrypt(payload(), v, { algorithm: alg }),
    ),
    position('encrypt(_, _, options)', anyValue, (v) => jwt.encrypt(payload(), DIR_KEY, v)),
    ...eachOption('encrypt options', ENCRYPT_OPTIONS, dir, (o) => jwt.encrypt(payload(), DIR_KEY, o)),
    position(
      'encrypt options (several)',
      fc.tuple(algKey, optionsOf(ENCRYPT_OPTIONS, ENCRYPT_VALID)),
      ([[alg, key], o]) => jwt.encrypt(payload(), key, { algorithm: alg, ...o }),
    ),
    ...SIGN_IN_ENCRYPT.map((name) =>
      position(`encrypt options.sign.${name}`, anyValue, (v) =>
        jwt.encrypt(payload(), DIR_KEY, { ...dir, sign: { key: SECRET, [name]: v } }),
      ),
    ),
    ...['kid', 'cty', 'apu', 'apv', 'x5c', 'b64'].map((name) =>
      position(`encrypt options.header.${name}`, anyValue, (v) =>
        jwt.encrypt(payload(), KEYS.p256.publicKey, { algorithm: 'ECDH-ES', header: { [name]: v } }),
      ),
    ),
    position('encrypt key function', anyValue, (v) => jwt.encrypt(payload(), () => v, dir)),
    position(
      'encryptAsync(payload)',
      anyValue,
      (v) => jwt.encryptAsync(v, KEYS.rsa.publicKey, { algorithm: 'RSA-OAEP' }),
      'promise',
    ),
    position(
      'encryptAsync(_, key)',
      fc.tuple(anyValue, fc.constantFrom(...JWE_ALGS)),
      ([v, alg]) => jwt.encryptAsync(payload(), v, { algorithm: alg }),
      'promise',
    ),
    position('encryptAsync(_, _, options)', anyValue, (v) => jwt.encryptAsync(payload(), DIR_KEY, v), 'promise'),
    ...eachOption(
      'encryptAsync options',
      [...ENCRYPT_OPTIONS, 'signal'],
      dir,
      (o) => jwt.encryptAsync(payload(), DIR_KEY, o),
      'promise',
    ),
    position('encryptAsync key function', anyValue, (v) => jwt.encryptAsync(payload(), () => v, dir), 'promise'),
    position(
      'encryptAsync key function that throws',
      anyValue,
      (v) =>
        jwt.encryptAsync(
          payload(),
          () => {
            throw v
          },
          dir,
        ),
      'promise',
    ),
    position('createEncrypter(options)', anyValue, (v) => jwt.createEncrypter(v)),
    position('createEncrypter options.key', fc.tuple(anyValue, fc.constantFrom(...JWE_ALGS)), ([v, alg]) =>
      jwt.createEncrypter({ key: v, algorithm: alg }),
    ),
    ...eachOption('createEncrypter options', ENCRYPT_OPTIONS, { key: DIR_KEY, ...dir }, (o) => jwt.createEncrypter(o)),
    position('encrypter.encrypt(payload)', anyValue, (v) => encrypter.encrypt(v)),
    position('encrypter.encryptAsync(payload)', anyValue, (v) => encrypter.encryptAsync(v), 'promise'),
    position('encrypter.encryptAsync(_, options)', anyValue, (v) => encrypter.encryptAsync(payload(), v), 'promise'),
    position(
      'encrypter.encryptAsync(_, options.signal)',
      anyValue,
      (v) => encrypter.encryptAsync(payload(), { signal: v }),
      'promise',
    ),
  ]
}

const DECRYPTION_KEYS = [DIR_KEY, KEYS.p256.privateKey, KEYS.rsa.privateKey, 'a password']

function decryptGroup() {
  const [dirToken, ecdhToken, rsaToken] = TOKENS.slice(5)
  const decrypter = jwt.createDecrypter({ key: KEYS.rsa.privateKey, verify: { key: SECRET } })
  const pbes2 = { algorithms: ['PBES2-HS256+A128KW'], maxPbes2Count: 1000, maxInflatedSize: 1 << 16 }
  return [
    position('decrypt(token)', anyValue, (v) => jwt.decrypt(v, DIR_KEY)),
    position(
      'decrypt(token) any of the tokens',
      fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...DECRYPTION_KEYS)),
      ([t, key]) => jwt.decrypt(t, key, pbes2),
    ),
    position('decrypt(_, key)', anyValue, (v) => jwt.decrypt(dirToken, v)),
    position('decrypt(_, key) ECDH-ES', anyValue, (v) => jwt.decrypt(ecdhToken, v)),
    position('decrypt(_, _, options)', anyValue, (v) => jwt.decrypt(dirToken, DIR_KEY, v)),
    ...eachOption('decrypt options', DECRYPT_OPTIONS, {}, (o) => jwt.decrypt(dirToken, DIR_KEY, o)),
    position(
      'decrypt options (several)',
      fc.tuple(
        fc.constantFrom(...TOKENS),
        fc.constantFrom(...DECRYPTION_KEYS),
        optionsOf(DECRYPT_OPTIONS, DECRYPT_VALID),
      ),
      ([t, key, o]) => jwt.decrypt(t, key, o),
    ),
    ...['key', 'algorithms', 'allowInsecureKeySizes'].map((name) =>
      position(`decrypt options.verify.${name}`, anyValue, (v) =>
        jwt.decrypt(rsaToken, KEYS.rsa.privateKey, { verify: { key: SECRET, [name]: v } }),
      ),
    ),
    position('decrypt key function', anyValue, (v) => jwt.decrypt(dirToken, () => v)),
    position('decrypt key function that throws', anyValue, (v) =>
      jwt.decrypt(dirToken, () => {
        throw v
      }),
    ),
    position('decryptAsync(token)', anyValue, (v) => jwt.decryptAsync(v, KEYS.rsa.privateKey), 'promise'),
    position('decryptAsync(_, key)', anyValue, (v) => jwt.decryptAsync(rsaToken, v), 'promise'),
    position(
      'decryptAsync(_, _, options)',
      anyValue,
      (v) => jwt.decryptAsync(ecdhToken, KEYS.p256.privateKey, v),
      'promise',
    ),
    ...eachOption(
      'decryptAsync options',
      [...DECRYPT_OPTIONS, 'signal'],
      {},
      (o) => jwt.decryptAsync(ecdhToken, KEYS.p256.privateKey, o),
      'promise',
    ),
    position('decryptAsync key function', anyValue, (v) => jwt.decryptAsync(dirToken, () => v), 'promise'),
    position(
      'decryptAsync key function that rejects',
      anyValue,
      (v) => jwt.decryptAsync(dirToken, () => Promise.reject(v)),
      'promise',
    ),
    position('createDecrypter(options)', anyValue, (v) => jwt.createDecrypter(v)),
    position('createDecrypter options.key', anyValue, (v) => jwt.createDecrypter({ key: v })),
    ...eachOption('createDecrypter options', DECRYPT_OPTIONS, { key: DIR_KEY }, (o) => jwt.createDecrypter(o)),
    position('decrypter.decrypt(token)', anyValue, (v) => decrypter.decrypt(v)),
    position('decrypter.decryptAsync(token)', anyValue, (v) => decrypter.decryptAsync(v), 'promise'),
    position('decrypter.decryptAsync(_, options)', anyValue, (v) => decrypter.decryptAsync(rsaToken, v), 'promise'),
    position(
      'decrypter.decryptAsync(_, options.signal)',
      anyValue,
      (v) => decrypter.decryptAsync(rsaToken, { signal: v }),
      'promise',
    ),
  ]
}

function jwksGroup() {
  const publicKey = KEYS.p256.publicKey
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }
  const local = jwt.createLocalJwks({ keys: [jwk, { ...KEYS.rsa.publicKey.export({ format: 'jwk' }), kid: 'r1' }] })
  const response = (body, init) => async () => new Response(body, init)
  const remote = (fetch, extra = {}) =>
    jwt.createRemoteJwks('http://127.0.0.1:9/jwks.json', { fetch, timeout: 200, ...extra })
  const header = { alg: 'ES256', kid: 'k1' }
  return [
    position('exportJwks(entries)', anyValue, (v) => jwt.exportJwks(v)),
    position('exportJwks([entry])', anyValue, (v) => jwt.exportJwks([v])),
    position('exportJwks([{ key }])', anyValue, (v) => jwt.exportJwks([{ key: v }])),
    ...['kid', 'alg', 'use'].map((name) =>
      position(`exportJwks entry.${name}`, anyValue, (v) => jwt.exportJwks([{ key: publicKey, [name]: v }])),
    ),
    position(
      'exportJwks([{ key, alg }]) every key',
      fc.tuple(
        fc.constantFrom(...KEYS.keyObjects),
        fc.constantFrom(undefined, 'ES256', 'RS256', 'EdDSA', 'ECDH-ES', 'dir'),
      ),
      ([key, alg]) => jwt.exportJwks([{ key, alg }]),
    ),
    position('createLocalJwks(jwks)', anyValue, (v) => jwt.createLocalJwks(v)),
    position('createLocalJwks({ keys })', anyValue, (v) => jwt.createLocalJwks({ keys: v })),
    position('createLocalJwks({ keys: [jwk] })', anyValue, (v) => jwt.createLocalJwks({ keys: [v] })),
    ...['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'k', 'kid', 'alg', 'use', 'key_ops', 'x5c'].map((name) =>
      position(`createLocalJwks jwk.${name}`, anyValue, (v) =>
        jwt.createLocalJwks({ keys: [{ ...jwk, [name]: v }] })(header),
      ),
    ),
    position('jwks(header)', anyValue, (v) => local(v)),
    position('jwks(header, callback)', anyValue, (v) => (done) => local(v, done), 'callback'),
    // A function there is a callback (verify()'s call): its own throws are the caller's business.
    position('jwks(req, decoded)', notCallback, (v) => local({}, v)),
    position('jwks(req, { header })', anyValue, (v) => local({}, { header: v })),
    position('jwks in verify', fc.constantFrom(...TOKENS), (t) => (done) => jwt.verify(t, local, {}, done), 'callback'),
    position('createRemoteJwks(url)', anyValue, (v) => jwt.createRemoteJwks(v, { fetch: response('{"keys":[]}') })),
    position('createRemoteJwks(_, options)', anyValue, (v) => jwt.createRemoteJwks('http://127.0.0.1:9/', v)),
    ...REMOTE_OPTIONS.map((name) =>
      // Options are checked when the resolver is made (a synchronous TypeError); the resolver returns a promise.
      position(`createRemoteJwks options.${name}`, anyValue, (v) =>
        remote(response('{"keys":[]}'), { [name]: v })(header),
      ),
    ),
    position('remote jwks: fetch answers anything', anyValue, (v) => remote(async () => v)(header), 'promise'),
    position(
      'remote jwks: fetch throws anything',
      anyValue,
      (v) =>
        remote(async () => {
          throw v
        })(header),
      'promise',
    ),
    position(
      'remote jwks: a body of anything',
      anyValue,
      (v) => {
        let body
        try {
          body = JSON.stringify(v)
        } catch {
          body = String(typeof v)
        }
        return remote(response(body ?? ''))(header)
      },
      'promise',
    ),
    position(
      'remote jwks: a { keys } body',
      anyValue,
      (v) => {
        let body
        try {
          body = JSON.stringify({ keys: [v, jwk] })
        } catch {
          body = '{"keys":[]}'
        }
        return remote(response(body))(v !== null && typeof v === 'object' ? v : header)
      },
      'promise',
    ),
    position(
      'remote jwks: a status and headers',
      fc.tuple(fc.integer({ min: 200, max: 599 }), fc.constantFrom('1', '-1', 'x', '99999999')),
      ([status, length]) =>
        remote(
          response(status === 204 || status === 205 || status === 304 ? null : '{"keys":[]}', {
            status,
            headers: { 'content-length': length },
          }),
        )(header),
      'promise',
    ),
    position('remote jwks(header)', anyValue, (v) => remote(response(JSON.stringify({ keys: [jwk] })))(v), 'promise'),
    position('remote jwks.reload()', anyValue, (v) => remote(async () => v).reload(), 'promise'),
  ]
}

// The options both Redis stores add to their store's.
const REDIS_OPTIONS = ['prefix', 'timeout', 'minReplicas', 'replicaTimeout', 'waitAof']

// A node-redis-shaped client whose every command answers `answer()`: what a broken or foreign server might give.
function fakeRedis(answer) {
  const command = async () => answer()
  const client = {
    isReady: true,
    withCommandOptions: () => client,
    get: command,
    set: command,
    evalSha: command,
    eval: command,
    hmGet: command,
    sendCommand: command, // the stores' reads without client-side caching
    sAdd: command,
    pExpire: command,
    sMembers: command,
    sRem: command,
  }
  return client
}

function storesGroup() {
  const store = jwt.createTokenStore()
  const STORE_OPTIONS = ['clockTolerance', 'maxTokenLifetime']
  const redis = (v) =>
    jwt.createRedisTokenStore(
      fakeRedis(() => v),
      { timeout: 50 },
    )
  return [
    position('createTokenStore(options)', anyValue, (v) => jwt.createTokenStore(v)),
    ...eachOption('createTokenStore options', STORE_OPTIONS, {}, (o) => jwt.createTokenStore(o)),
    position('store.revoke(token)', anyValue, (v) => store.revoke(v)),
    position('store.revoke(a token)', fc.constantFrom(...TOKENS), (t) => store.revoke(t)),
    position('store.isRevoked(payload)', anyValue, (v) => store.isRevoked(v)),
    position('store.isRevoked(req, decoded)', anyValue, (v) => store.isRevoked({}, v)),
    position('store.isRevoked(req, { payload })', anyValue, (v) => store.isRevoked({}, { payload: v })),
    position('store.revokeAllFor(sub)', anyValue, (v) => store.revokeAllFor(v)),
    position('store.revokeAllFor(_, when)', anyValue, (v) => store.revokeAllFor('u1', v)),
    position('store.prune() and size', anyValue, () => [store.prune(), store.size]),
    position('createRedisTokenStore(client)', anyValue, (v) => jwt.createRedisTokenStore(v)),
    position('createRedisTokenStore(_, options)', anyValue, (v) =>
      jwt.createRedisTokenStore(
        fakeRedis(() => null),
        v,
      ),
    ),
    ...eachOption('createRedisTokenStore options', [...STORE_OPTIONS, ...REDIS_OPTIONS], {}, (o) =>
      jwt.createRedisTokenStore(
        fakeRedis(() => null),
        o,
      ),
    ),
    position('redis store.revoke(token)', anyValue, (v) => redis('OK').revoke(v), 'promise'),
    position('redis store.isRevoked(payload)', anyValue, (v) => redis(null).isRevoked(v), 'promise'),
    position('redis store.revokeAllFor(_, when)', anyValue, (v) => redis(1).revokeAllFor('u1', v), 'promise'),
    position(
      'redis store: the server answers anything',
      anyValue,
      (v) => {
        const store = redis(v)
        return Promise.all([
          store.revoke({ jti: 'j', exp: 2e9 }),
          store.isRevoked({ jti: 'j', sub: 's', iat: 1 }),
          store.revokeAllFor('s'),
        ])
      },
      'promise',
    ),
  ]
}

function sessionsGroup() {
  const store = jwt.createSessionStore()
  const SESSION_OPTIONS = ['accessTokenLifetime', 'idleLifetime', 'absoluteLifetime', 'clockTolerance']
  const issued = store.create('alice', { device: 'd' })
  const sign = (claims) => jwt.sign(claims, 'a session signing key of 32 bytes or more')
  const bound = store.create('alice', undefined, { sign })
  const redis = (v) =>
    jwt.createRedisSessionStore(
      fakeRedis(() => v),
      { timeout: 50 },
    )
  return [
    position('createSessionStore(options)', anyValue, (v) => jwt.createSessionStore(v)),
    ...eachOption('createSessionStore options', SESSION_OPTIONS, {}, (o) => jwt.createSessionStore(o)),
    position('sessions.create(subject)', anyValue, (v) => store.create(v)),
    position('sessions.create(_, metadata)', anyValue, (v) => store.create('alice', v)),
    position('sessions.create(_, _, options)', anyValue, (v) => store.create('alice', undefined, v)),
    position('sessions.create(_, _, { sign })', anyValue, (v) => store.create('alice', undefined, { sign: v })),
    position('sessions.create: what sign returns', anyValue, (v) =>
      store.create('alice', undefined, { sign: () => v }),
    ),
    position('sessions.refresh(token)', anyValue, (v) => store.refresh(v)),
    position('sessions.refresh(_, { sign })', anyValue, (v) =>
      store.refresh(store.create('bob').refreshToken, { sign: v }),
    ),
    position('sessions.refresh: what sign returns', anyValue, (v) =>
      store.refresh(store.create('bob').refreshToken, { sign: () => v }),
    ),
    position('sessions.isRevoked(req, { payload, signature })', anyValue, (v) =>
      store.isRevoked({}, { header: {}, payload: bound.claims, signature: v }),
    ),
    position('sessions.isRevoked(req, decoded) of any shape', anyValue, (v) => store.isRevoked({}, v)),
    position('sessions.refresh(a refresh token)', fc.constant(null), () =>
      store.refresh(store.create('bob').refreshToken),
    ),
    position('sessions.isRevoked(payload)', anyValue, (v) => store.isRevoked(v)),
    position('sessions.isRevoked(req, { payload })', anyValue, (v) => store.isRevoked({}, { payload: v })),
    ...['sid', 'jti', 'sub'].map((name) =>
      position(`sessions.isRevoked claims.${name}`, anyValue, (v) => store.isRevoked({ ...issued.claims, [name]: v })),
    ),
    position('sessions.get(id)', anyValue, (v) => store.get(v)),
    position('sessions.list(subject)', anyValue, (v) => store.list(v)),
    position('sessions.end(id)', anyValue, (v) => store.end(v)),
    position('sessions.endAll(subject)', anyValue, (v) => store.endAll(v)),
    position('sessions.prune() and size', anyValue, () => [store.prune(), store.size]),
    position('createRedisSessionStore(client)', anyValue, (v) => jwt.createRedisSessionStore(v)),
    ...eachOption('createRedisSessionStore options', [...SESSION_OPTIONS, ...REDIS_OPTIONS], {}, (o) =>
      jwt.createRedisSessionStore(
        fakeRedis(() => null),
        o,
      ),
    ),
    position(
      'redis sessions.create(subject, metadata)',
      fc.tuple(anyValue, anyValue),
      ([s, m]) => redis(1).create(s, m),
      'promise',
    ),
    position(
      'redis sessions.create: what sign returns',
      anyValue,
      (v) => redis(1).create('alice', undefined, { sign: () => v }),
      'promise',
    ),
    position('redis sessions.refresh(token)', anyValue, (v) => redis(['refresh_token_invalid']).refresh(v), 'promise'),
    position(
      'redis sessions.isRevoked(payload)',
      anyValue,
      (v) => redis([null, null, null, null, null, null]).isRevoked(v),
      'promise',
    ),
    position(
      'redis sessions: the server answers anything',
      anyValue,
      (v) => {
        const sessions = redis(v)
        const refreshToken = issued.refreshToken
        return Promise.all([
          sessions.create('alice'),
          sessions.refresh(refreshToken),
          sessions.isRevoked(issued.claims),
          sessions.get(issued.session.id),
          sessions.list('alice'),
          sessions.end(issued.session.id),
          sessions.endAll('alice'),
        ])
      },
      'promise',
    ),
  ]
}

// A request as node:http makes one, with `headers` and `url` (the middleware and extractors read nothing else).
function request(headers = {}, extra = {}) {
  return { method: 'GET', url: '/?token=x', headers, ...extra }
}

// Runs the middleware; `done` gets what it passed to next().
function run(middleware, req) {
  return (done) => middleware(req, {}, (err) => done(err))
}

// What an Authorization header can hold: text (tokens, near-tokens, anything, the huge).
const headerText = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  anyValue.filter((v) => typeof v === 'string'),
)

function expressGroup() {
  const base = { secret: SECRET, algorithms: ['HS256'] }
  const middleware = express.expressjwt({ ...base, isRevoked: () => false })
  const bearer = (token) => request({ authorization: `Bearer ${token}` })
  return [
    position('expressjwt(options)', anyValue, (v) => express.expressjwt(v)),
    ...eachOption('expressjwt options', MIDDLEWARE_OPTIONS, base, (o) => express.expressjwt(o)),
    position(
      'expressjwt options (several)',
      fc.tuple(optionsOf(MIDDLEWARE_OPTIONS, MIDDLEWARE_VALID), fc.constantFrom(...TOKENS)),
      ([o, t]) => run(express.expressjwt({ ...base, ...o }), bearer(t)),
      'callback',
    ),
    ...DECRYPT_IN_MIDDLEWARE.map((name) =>
      position(`expressjwt options.decrypt.${name}`, anyValue, (v) =>
        express.expressjwt({ ...base, decrypt: { key: DIR_KEY, algorithms: ['dir'], [name]: v } }),
      ),
    ),
    position('middleware(req)', anyValue, (v) => run(middleware, v), 'callback'),
    position('middleware(req.headers)', anyValue, (v) => run(middleware, request(v)), 'callback'),
    position(
      'middleware Authorization header',
      anyValue,
      (v) => run(middleware, request({ authorization: v })),
      'callback',
    ),
    position('middleware Bearer token', headerText, (v) => run(middleware, bearer(v)), 'callback'),
    ...['secret', 'getToken', 'isRevoked', 'onExpired'].map((name) =>
      position(
        `middleware: the ${name} function answers anything`,
        anyValue,
        (v) =>
          run(
            express.expressjwt({ ...base, [name]: () => v }),
            bearer(name === 'onExpired' ? jwt.sign({ exp: 1 }, SECRET) : TOKENS[0]),
          ),
        'callback',
      ),
    ),
    ...['secret', 'getToken', 'isRevoked', 'onExpired'].map((name) =>
      position(
        `middleware: the ${name} function throws anything`,
        anyValue,
        (v) =>
          run(
            express.expressjwt({
              ...base,
              [name]: () => {
                throw v
              },
            }),
            bearer(name === 'onExpired' ? jwt.sign({ exp: 1 }, SECRET) : TOKENS[0]),
          ),
        'callback',
        true,
      ),
    ),
    position(
      'middleware with decrypt: an encrypted token',
      headerText,
      (v) =>
        run(
          express.expressjwt({ ...base, decrypt: { key: DIR_KEY, algorithms: ['dir'], requireSigned: false } }),
          bearer(v),
        ),
      'callback',
    ),
    position(
      'new UnauthorizedError(code, error)',
      fc.tuple(anyValue, anyValue),
      ([code, error]) => new express.UnauthorizedError(code, error),
    ),
  ]
}

function dpopGroup() {
  const key = KEYS.p256.privateKey
  const htu = 'https://api.example/r'
  const proof = () => jwt.createDpopProof(key, { htm: 'GET', htu, accessToken: TOKENS[0] })
  const verifyBase = { htm: 'GET', htu }
  const VERIFY_OPTIONS = ['htm', 'htu', 'accessToken', 'jkt', 'nonce', 'algorithms', 'maxAge', 'clockTolerance']
  const DPOP_OPTIONS = ['mode', 'algorithms', 'maxAge', 'clockTolerance', 'replayCache', 'nonce']
  const base = { secret: SECRET, algorithms: ['HS256'] }
  const cache = jwt.createDpopReplayCache()
  const redis = (v) =>
    jwt.createRedisDpopReplayCache(
      fakeRedis(() => v),
      { timeout: 50 },
    )
  const middleware = express.expressjwt({ ...base, dpop: { mode: 'allowed', nonce: true, replayCache: cache } })
  const dpopRequest = (authorization, dpop) =>
    request({ authorization, dpop, host: 'api.example' }, { protocol: 'https', originalUrl: '/r' })
  return [
    position('calculateJwkThumbprint(jwk)', anyValue, (v) => jwt.calculateJwkThumbprint(v)),
    position('calculateJwkThumbprint(_, digest)', anyValue, (v) => jwt.calculateJwkThumbprint(KEYS.p256.publicJwk, v)),
    position('createDpopProof(key)', anyValue, (v) => jwt.createDpopProof(v, verifyBase)),
    position('createDpopProof(_, options)', anyValue, (v) => jwt.createDpopProof(key, v)),
    ...eachOption(
      'createDpopProof options',
      ['htm', 'htu', 'accessToken', 'nonce', 'jti', 'iat', 'algorithm'],
      verifyBase,
      (o) => jwt.createDpopProof(key, o),
    ),
    position('verifyDpopProof(proof)', anyValue, (v) => jwt.verifyDpopProof(v, verifyBase), 'promise'),
    position('verifyDpopProof(near-proofs)', headerText, (v) => jwt.verifyDpopProof(v, verifyBase), 'promise'),
    position('verifyDpopProof(_, options)', anyValue, (v) => jwt.verifyDpopProof(proof(), v), 'promise'),
    ...eachOption(
      'verifyDpopProof options',
      VERIFY_OPTIONS,
      verifyBase,
      (o) => jwt.verifyDpopProof(proof(), o),
      'promise',
    ),
    position('createDpopReplayCache(options)', anyValue, (v) => jwt.createDpopReplayCache(v)),
    position('replay cache.remember(id, until, now)', fc.tuple(anyValue, anyValue, anyValue), ([id, until, now]) =>
      cache.remember(id, until, now),
    ),
    position('createRedisDpopReplayCache(client)', anyValue, (v) => jwt.createRedisDpopReplayCache(v)),
    position('createRedisDpopReplayCache(_, options)', anyValue, (v) =>
      jwt.createRedisDpopReplayCache(
        fakeRedis(() => 'OK'),
        v,
      ),
    ),
    position(
      'redis replay cache: the server answers anything',
      anyValue,
      (v) => redis(v).remember('id', 2e9, 1),
      'promise',
    ),
    position('expressjwt options.dpop', anyValue, (v) => express.expressjwt({ ...base, dpop: v })),
    ...eachOption('expressjwt options.dpop', DPOP_OPTIONS, {}, (o) => express.expressjwt({ ...base, dpop: o })),
    position(
      'middleware DPoP token',
      headerText,
      (v) => run(middleware, dpopRequest(`DPoP ${v}`, proof())),
      'callback',
    ),
    position(
      'middleware DPoP header',
      anyValue,
      (v) => run(middleware, dpopRequest(`DPoP ${TOKENS[0]}`, v)),
      'callback',
    ),
    position(
      'middleware DPoP near-proof',
      headerText,
      (v) => run(middleware, dpopRequest(`DPoP ${TOKENS[0]}`, v)),
      'callback',
    ),
  ]
}

function extractorsGroup() {
  const factories = ['fromAuthHeaderWithScheme', 'fromHeader', 'fromUrlQueryParameter', 'fromBodyField', 'fromCookie']
  const made = [
    express.fromAuthHeaderAsBearerToken(),
    express.fromAuthHeaderWithScheme('JWT'),
    express.fromHeader('x-token'),
    express.fromUrlQueryParameter('token'),
    express.fromBodyField('token'),
    express.fromCookie('token'),
    express.fromExtractors([express.fromHeader('x-token'), async () => 'x']),
  ]
  return [
    ...factories.map((name) => position(`${name}(name)`, anyValue, (v) => express[name](v))),
    ...factories.map((name) => position(`ExtractJwt.${name}(name)`, anyValue, (v) => express.ExtractJwt[name](v))),
    position('fromAuthHeaderAsBearerToken()', anyValue, (v) => express.fromAuthHeaderAsBearerToken(v)),
    position('fromExtractors(list)', anyValue, (v) => express.fromExtractors(v)),
    position('fromExtractors([extractor])', anyValue, (v) => express.fromExtractors([() => v])(request())),
    position('extractor(req)', fc.tuple(fc.constantFrom(...made), anyValue), ([extract, v]) => extract(v)),
    ...['headers', 'url', 'body', 'cookies'].map((name) =>
      position(`extractor(req.${name})`, fc.tuple(fc.constantFrom(...made), anyValue), ([extract, v]) =>
        extract({ ...request({ authorization: 'Bearer x', cookie: 'token=x', 'x-token': 'x' }), [name]: v }),
      ),
    ),
    ...['authorization', 'cookie', 'x-token'].map((name) =>
      position(`extractor(req.headers.${name})`, fc.tuple(fc.constantFrom(...made), anyValue), ([extract, v]) =>
        extract(request({ [name]: v })),
      ),
    ),
  ]
}

function errorsGroup() {
  const classes = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError', 'StoreUnavailableError']
  return classes.map((name) =>
    position(`new ${name}(...)`, fc.tuple(anyValue, anyValue, anyValue), (args) => {
      const err = new jwt[name](...args)
      if (!(err instanceof Error)) throw new CallerError('not an Error')
      return err
    }),
  )
}

const GROUPS = {
  sign: signGroup,
  verify: verifyGroup,
  compiled: compiledGroup,
  encrypt: encryptGroup,
  decrypt: decryptGroup,
  jwks: jwksGroup,
  stores: storesGroup,
  sessions: sessionsGroup,
  express: expressGroup,
  dpop: dpopGroup,
  extractors: extractorsGroup,
  errors: errorsGroup,
}

module.exports = { GROUPS, callerThrows }
