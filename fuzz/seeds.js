'use strict'
// Writes the fuzz targets' fixed keys (once: tokens and corpora depend on them) and their seed corpora, from real
// keys (node:crypto, the OpenSSL fixtures with explicit curve parameters) and real tokens (ringjwt and jose).
// Run from the repository root after `npm run build`: `node fuzz/seeds.js`.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const jwt = require('..')

const FUZZ = __dirname
const KEYS = path.join(FUZZ, 'keys')
const CORPUS = path.join(FUZZ, 'corpus')
const FIXTURES = path.join(FUZZ, '..', '__test__', 'fixtures', 'ec-explicit')

// The clock the verify and JWE targets check claims at (unix seconds).
const NOW = 1_700_000_000
// Must match fuzz/src/keys.rs.
const HS256_SECRET = Buffer.from('ringjwt fuzzing secret, 32 bytes')
const DIR_SECRET = Buffer.from('ringjwt fuzzing dir secret 256b!')
const A128KW_SECRET = Buffer.from('fuzz A128KW kek!')

function keyFile(name, make) {
  const file = path.join(KEYS, name)
  if (!fs.existsSync(file)) fs.writeFileSync(file, make())
  return fs.readFileSync(file)
}

// The keys are made once and kept: the JWE target knows its seed tokens by heart, and a new key would orphan them.
function fixedKeys() {
  fs.mkdirSync(KEYS, { recursive: true })
  const pairs = {}
  const made = {}
  const make = (name, type, options) => () => {
    made[name] ??= crypto.generateKeyPairSync(type, options)
    return made[name]
  }
  for (const [name, type, options] of [
    ['rsa-2048', 'rsa', { modulusLength: 2048 }],
    ['p256', 'ec', { namedCurve: 'P-256' }],
    ['ed25519', 'ed25519', {}],
  ]) {
    const pair = make(name, type, options)
    const pkcs8 = keyFile(`${name}.pkcs8.der`, () => pair().privateKey.export({ type: 'pkcs8', format: 'der' }))
    const spki = keyFile(`${name}.spki.der`, () => pair().publicKey.export({ type: 'spki', format: 'der' }))
    pairs[name] = {
      privateKey: crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
      publicKey: crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    }
  }
  return pairs
}

function writeCorpus(target, seeds) {
  const dir = path.join(CORPUS, target)
  fs.mkdirSync(dir, { recursive: true })
  // Seeds already written are kept, so that running this again changes nothing (delete one to write it anew).
  for (const [name, bytes] of Object.entries(seeds)) {
    const file = path.join(dir, `seed-${name}`)
    if (!fs.existsSync(file)) fs.writeFileSync(file, bytes)
  }
}

const bytes = (...parts) =>
  Buffer.concat(parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : Buffer.from(part))))
const b64 = (text) => Buffer.from(text).toString('base64url')

// Tokens with the claims and headers the checks act on, signed by each key.
function signedTokens(keys) {
  const signers = {
    HS256: HS256_SECRET,
    RS256: keys['rsa-2048'].privateKey,
    ES256: keys.p256.privateKey,
    EdDSA: keys.ed25519.privateKey,
  }
  const payloads = {
    plain: { sub: 'u1', iat: NOW - 10 },
    live: { sub: 'u1', iat: NOW - 10, exp: NOW + 3600, nbf: NOW - 60, aud: ['a', 'b'], iss: 'i', jti: 'j1' },
    expired: { sub: 'u1', iat: NOW - 7200, exp: NOW - 3600 },
    'not-yet': { sub: 'u1', nbf: NOW + 3600 },
    'edge-exp': { exp: NOW, iat: NOW - 1 },
    'typed-wrong': { iss: 5, aud: [1], sub: null },
    text: 'a string payload',
    nested: { a: { b: [1, 2, { c: null }] }, n: 1.5e300, u: 'é€😀' },
  }
  const headers = {
    none: {},
    kid: { kid: 'k1' },
    crit: { crit: ['b64'], b64: false },
    'crit-empty': { crit: [] },
  }
  const tokens = {}
  for (const [alg, key] of Object.entries(signers)) {
    for (const [name, payload] of Object.entries(payloads)) {
      const options = typeof payload === 'string' ? { algorithm: alg } : { algorithm: alg, noTimestamp: true }
      tokens[`${alg}-${name}`] = jwt.sign(payload, key, options)
    }
    for (const [name, header] of Object.entries(headers)) {
      tokens[`${alg}-header-${name}`] = jwt.sign({ sub: 'u1' }, key, { algorithm: alg, header, noTimestamp: true })
    }
  }
  return tokens
}

const HEADERS = [
  '{"alg":"HS256","typ":"JWT"}',
  '{"typ":"JWT","alg":"RS256","kid":"k"}',
  '{"alg":"ES256","crit":["exp"],"exp":1}',
  '{"alg":"EdDSA","crit":["b64"],"b64":false}',
  '{"alg":"HS256","crit":["alg"]}',
  '{"alg":"HS256","crit":["x","x"],"x":1}',
  '{"alg":"HS256","crit":[]}',
  '{"alg":"HS256","crit":null}',
  '{"alg":"HS256","alg":"none"}',
  '["HS256","JWT"]',
  '"{\\"alg\\":\\"HS256\\"}"',
  'null',
  ' \t\r\n{"alg":"HS256"} ',
  '{"alg":"HS256","x":1e999}',
  '{"alg":1e999}',
  '{"alg":"dir","enc":"A256GCM","cty":"JWT","zip":"DEF"}',
  '{"alg":"ECDH-ES","enc":"A128GCM","epk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"},"apu":"QWxpY2U","apv":"Qm9i"}',
  '{"alg":"A128GCMKW","enc":"A128CBC-HS256","iv":"AAAAAAAAAAAAAAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA"}',
  '{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAAAAAAAAA","p2c":1000}',
  '{"alg":"dir","enc":"A128GCM","iv":5}',
]
const PAYLOADS = [
  '{"sub":"u1","iat":1699999990,"exp":1700003600,"nbf":1699999940}',
  '{"aud":["a","b"],"iss":"i","sub":"s","jti":"j","nonce":"n"}',
  '{"exp":null}',
  '{"exp":"1700000000","nbf":[1]}',
  '{"exp":1,"exp":9999999999}',
  '{"iat":0}',
  '{"exp":1.7e9,"nbf":-1e308,"iat":1e308}',
  '[{"exp":1}]',
  '"{\\"exp\\":1}"',
  'plain text',
  '3',
  '\u00a0{"exp":1}',
  '{"a":"\\ud800"}',
  '{"deep":' + '['.repeat(100) + ']'.repeat(100) + '}',
]

function decodeSeeds(tokens) {
  const seeds = {}
  for (const [name, token] of Object.entries(tokens))
    if (name.startsWith('HS256') || name.endsWith('plain')) seeds[name] = token
  seeds.unsigned = jwt.sign({ sub: 'u1' }, null, { algorithm: 'none' })
  seeds['two-parts'] = 'eyJhbGciOiJub25lIn0.e30'
  seeds['bad-utf8'] =
    `${b64('{"alg":"HS256"}')}.${Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]).toString('base64url')}.c2ln`
  HEADERS.forEach((header, i) => {
    seeds[`structured-${i}`] = bytes(0x01, header, 0x00, PAYLOADS[i % PAYLOADS.length])
  })
  return seeds
}

function headerClaimsSeeds() {
  const seeds = {}
  HEADERS.forEach((text, i) => {
    seeds[`header-${i}`] = text
  })
  PAYLOADS.forEach((text, i) => {
    seeds[`payload-${i}`] = text
  })
  return seeds
}

const SELECTOR = { HS256: 0, RS256: 1, ES256: 2, EdDSA: 3 }

function verifySeeds(tokens) {
  const seeds = {}
  for (const [name, token] of Object.entries(tokens)) {
    const alg = name.split('-')[0]
    seeds[name] = bytes(SELECTOR[alg], token)
    if (name.endsWith('-live')) seeds[`${name}-strict-tolerant`] = bytes(SELECTOR[alg] | 0b1100, token)
  }
  for (const [alg, selector] of Object.entries(SELECTOR)) {
    for (const [i, payload] of PAYLOADS.slice(0, 8).entries()) {
      const header = i % 2 === 0 ? `{"alg":"${alg}","typ":"JWT"}` : `{"alg":"${alg}"}`
      seeds[`structured-${alg}-${i}`] = bytes(0x80 | selector, header, 0x00, payload, 0x00, [0, 7 * i + 3, i])
    }
  }
  return seeds
}

// Each curve's explicit parameters, as OpenSSL writes them, are inside these SPKIs.
function pemDer(file) {
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8')
  return Buffer.from(
    text
      .split('\n')
      .filter((line) => !line.startsWith('-----'))
      .join(''),
    'base64',
  )
}

function derSeeds() {
  const seeds = {}
  const pairs = {
    'rsa-1024': crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }),
    'rsa-2048': crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }),
    'rsa-pss': crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 }),
    p256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    p384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    p521: crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }),
    secp256k1: crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
    ed25519: crypto.generateKeyPairSync('ed25519'),
    x25519: crypto.generateKeyPairSync('x25519'),
  }
  for (const [name, { privateKey, publicKey }] of Object.entries(pairs)) {
    seeds[`${name}-pkcs8`] = privateKey.export({ type: 'pkcs8', format: 'der' })
    seeds[`${name}-spki`] = publicKey.export({ type: 'spki', format: 'der' })
    if (privateKey.asymmetricKeyType === 'ec')
      seeds[`${name}-sec1`] = privateKey.export({ type: 'sec1', format: 'der' })
    if (privateKey.asymmetricKeyType === 'rsa') {
      seeds[`${name}-pkcs1`] = privateKey.export({ type: 'pkcs1', format: 'der' })
      seeds[`${name}-pkcs1-public`] = publicKey.export({ type: 'pkcs1', format: 'der' })
    }
  }
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pem'))) {
    const der = pemDer(file)
    seeds[`explicit-${path.basename(file, '.pem')}`] = der
    // A SEC 1 key with explicit parameters, inside PKCS#8 as node:crypto exports it.
    if (file.includes('private')) {
      const key = crypto.createPrivateKey({ key: der, format: 'der', type: 'sec1' })
      seeds[`explicit-${path.basename(file, '.pem')}-pkcs8`] = key.export({ type: 'pkcs8', format: 'der' })
    }
  }
  return seeds
}

function curveSeeds() {
  const seeds = {}
  // The target's bases: nine built from SEC 2 (with seed, without, G compressed; per curve), three from OpenSSL.
  for (let base = 0; base < 12; base++) seeds[`base-${base}`] = bytes(base)
  seeds['base-0-one-edit'] = bytes(0, [0, 0, 20, 1])
  seeds['base-9-insert'] = bytes(9, [1, 0, 3, 0])
  for (const file of ['p256-public.pem', 'p256-other-generator-public.pem', 'secp256k1-public.pem']) {
    const der = pemDer(file)
    // SPKI → AlgorithmIdentifier → parameters: the SEQUENCE after the ecPublicKey OID.
    const at = der.indexOf(Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01])) + 9
    const [tag, first] = [der[at], der[at + 1]]
    if (tag !== 0x30) continue
    const lengthBytes = first & 0x80 ? first & 0x7f : 0
    const length = lengthBytes ? der.readUIntBE(at + 2, lengthBytes) : first
    const start = at + 2 + lengthBytes
    seeds[`raw-${path.basename(file, '.pem')}`] = bytes(0x80, der.subarray(start, start + length))
  }
  return seeds
}

// The JWE target's keys and seed tokens: four configurations, each with tokens from ringjwt and from jose.
async function jweTokens(keys) {
  const list = path.join(KEYS, 'jwe-tokens.txt')
  if (fs.existsSync(list)) return fs.readFileSync(list, 'utf8')
  const jose = await import('jose')
  const configs = [
    { alg: 'dir', enc: 'A256GCM', key: DIR_SECRET },
    { alg: 'A128KW', enc: 'A128CBC-HS256', key: A128KW_SECRET },
    { alg: 'ECDH-ES', enc: 'A256GCM', key: keys.p256.publicKey },
    { alg: 'RSA-OAEP', enc: 'A256GCM', key: keys['rsa-2048'].publicKey },
  ]
  const payloads = [
    { sub: 'u1', iat: NOW - 10, exp: NOW + 3600 },
    { sub: 'u1', exp: NOW - 1 },
    { nbf: NOW + 60 },
    // A string payload is encrypted as it is: these are claims with a wrongly typed `exp`.
    '{"exp":"soon"}',
  ]
  const lines = []
  for (const [index, { alg, enc, key }] of configs.entries()) {
    for (const payload of payloads) {
      const options = { algorithm: alg, encryption: enc, ...(typeof payload !== 'string' && { noTimestamp: true }) }
      lines.push(`${index} ${jwt.encrypt(payload, key, options)}`)
    }
    lines.push(`${index} ${jwt.encrypt('plain text', key, { algorithm: alg, encryption: enc })}`)
    lines.push(`${index} ${jwt.encrypt({ sub: 'u1' }, key, { algorithm: alg, encryption: enc, zip: 'DEF' })}`)
    const nested = jwt.sign({ sub: 'u1' }, HS256_SECRET, { noTimestamp: true })
    const joseKey = key instanceof Buffer ? new Uint8Array(key) : key
    const nestedToken = await new jose.CompactEncrypt(new TextEncoder().encode(nested))
      .setProtectedHeader({ alg, enc, cty: 'JWT' })
      .encrypt(joseKey)
    lines.push(`${index} ${nestedToken}`)
    lines.push(
      `${index} ${await new jose.EncryptJWT({ sub: 'jose', exp: NOW + 60 })
        .setProtectedHeader({ alg, enc })
        .encrypt(joseKey)}`,
    )
  }
  const text = `${lines.join('\n')}\n`
  fs.writeFileSync(list, text)
  return text
}

function jweSeeds(text) {
  const seeds = {}
  text
    .trim()
    .split('\n')
    .forEach((line, i) => {
      const [index, token] = line.split(' ')
      seeds[`token-${i}`] = bytes(Number(index), token)
    })
  for (let index = 0; index < 4; index++) {
    seeds[`round-trip-${index}`] = bytes(0x80 | index, PAYLOADS[index], 0x00, [0, 40, 3])
    seeds[`round-trip-zip-${index}`] = bytes(0xc0 | index, PAYLOADS[0], 0x00, [1, 2, 5])
  }
  return seeds
}

function sessionSeeds() {
  const seeds = {}
  for (let i = 0; i < 8; i++) seeds[`random-${i}`] = crypto.randomBytes(64 + 32 * i)
  return seeds
}

async function main() {
  const keys = fixedKeys()
  const tokens = signedTokens(keys)
  writeCorpus('decode', decodeSeeds(tokens))
  writeCorpus('header_claims', headerClaimsSeeds())
  writeCorpus('verify', verifySeeds(tokens))
  writeCorpus('der_keys', derSeeds())
  writeCorpus('curve_parameters', curveSeeds())
  writeCorpus('jwe_decrypt', jweSeeds(await jweTokens(keys)))
  writeCorpus('session', sessionSeeds())
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
