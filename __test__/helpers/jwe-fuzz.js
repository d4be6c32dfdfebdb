'use strict'
// Random JWE inputs in a process of its own (run by jwe-bad-input.test.js): tokens of every algorithm with bytes
// changed, headers with hostile members (epk points, p2c, zip, crit), random keys and options. The exit status is
// the verdict; it prints one JSON line of counts. Usage: node jwe-fuzz.js <package dir> <seed> <iterations>
const crypto = require('node:crypto')
const jwt = require(process.argv[2])
const seed = Number(process.argv[3])
const iterations = Number(process.argv[4])

const { pick, int, counts, fail, judge } = require('./fuzz-run').fuzzRun(jwt, seed)
const b64 = (x) => Buffer.from(x).toString('base64url')

const secret32 = crypto.randomBytes(32)
const secret16 = crypto.randomBytes(16)
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
const x25519 = crypto.generateKeyPairSync('x25519')
const RECIPIENTS = [
  ['dir', secret32, secret32],
  ['A128KW', secret16, secret16],
  ['A256GCMKW', secret32, secret32],
  ['ECDH-ES', p256.publicKey, p256.privateKey],
  ['ECDH-ES+A128KW', x25519.publicKey, x25519.privateKey],
  ['RSA-OAEP-256', rsa.publicKey, rsa.privateKey],
  ['RSA1_5', rsa.publicKey, rsa.privateKey],
  ['PBES2-HS256+A128KW', 'password', 'password'],
]
const ENCS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512']
const KEYS = RECIPIENTS.flatMap(([, a, b]) => [a, b]).concat(['', 'x', null, 5, {}, { key: {}, format: 'jwk' }])
const tokens = []
for (const [alg, encryptionKey] of RECIPIENTS) {
  for (const enc of alg === 'dir' ? ['A256GCM', 'A128CBC-HS256'] : ENCS) {
    const options = { algorithm: alg, encryption: enc, pbes2Count: 1000, zip: int(3) === 0 ? 'DEF' : undefined }
    tokens.push(jwt.encrypt({ sub: 'u', exp: 4102444800 }, encryptionKey, options))
  }
}
const CHARS = 'abcXYZ019-_.=+/ \u0000\u00e9\ud800"\\{}[]:,'
const string = () => Array.from({ length: int(4) === 0 ? int(100) : int(10) }, () => CHARS[int(CHARS.length)]).join('')
const HEADER_VALUES = () =>
  pick([
    undefined,
    null,
    5,
    -1,
    2 ** 40,
    1e300,
    'DEF',
    string(),
    b64(crypto.randomBytes(int(40))),
    [],
    ['exp'],
    {},
    { kty: 'EC', crv: 'P-256', x: b64(crypto.randomBytes(32)), y: b64(crypto.randomBytes(32)) },
    { kty: 'OKP', crv: 'X25519', x: b64(Buffer.alloc(32)) },
    { kty: 'EC', crv: 'P-384', x: 5 },
  ])

function token() {
  const valid = pick(tokens)
  const parts = valid.split('.')
  switch (int(5)) {
    case 0: {
      const i = int(valid.length)
      return valid.slice(0, i) + CHARS[int(CHARS.length)] + valid.slice(i + 1)
    }
    case 1: {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url'))
      for (const name of ['alg', 'enc', 'zip', 'epk', 'iv', 'tag', 'p2s', 'p2c', 'crit', 'cty', 'apu']) {
        if (int(4) === 0) header[name] = HEADER_VALUES()
      }
      return [b64(JSON.stringify(header)), ...parts.slice(1)].join('.')
    }
    case 2:
      return parts.map((p) => (int(3) === 0 ? pick(['', 'AAAA', b64(crypto.randomBytes(int(300)))]) : p)).join('.')
    case 3:
      return Array.from({ length: int(8) }, () => pick(['', string(), b64(string())])).join('.')
    default:
      return valid
  }
}

// Mostly valid options (so that tokens get as far as decryption), with a wrong value now and then.
function options() {
  const o = { algorithms: RECIPIENTS.map(([alg]) => alg), maxPbes2Count: 10_000, maxInflatedSize: 10_000 }
  if (int(8) === 0) o.algorithms = pick([undefined, [pick(RECIPIENTS)[0]], ['x'], 5, []])
  if (int(8) === 0) o.encryptions = pick([undefined, ENCS, [pick(ENCS)], [], 'A128GCM'])
  if (int(8) === 0) o.maxPbes2Count = pick([undefined, 1000, 0, -5, 'x'])
  if (int(8) === 0) o.maxInflatedSize = pick([undefined, 1, 2 ** 32, NaN])
  if (int(8) === 0) o.verify = pick([{ key: secret32, algorithms: ['HS256'] }, {}, 5])
  if (int(8) === 0) o.complete = pick([true, false, 'yes'])
  return o
}

;(async () => {
  for (let i = 0; i < iterations; i++) {
    counts.calls++
    const key = int(4) === 0 ? pick(KEYS) : pick(RECIPIENTS)[2]
    const t = token()
    const o = options()
    if (int(4) === 0) {
      let promise
      try {
        promise = jwt.decryptAsync(t, key, o)
      } catch (err) {
        fail('decryptAsync threw synchronously', [], err)
      }
      judge(
        'decryptAsync',
        [],
        await promise.then(
          () => undefined,
          (err) => err ?? new Error('rejected with nothing'),
        ),
      )
      continue
    }
    let error
    try {
      jwt.decrypt(t, key, o)
    } catch (err) {
      error = err
    }
    judge('decrypt', [], error)
  }
  process.stdout.write(JSON.stringify(counts) + '\n')
})()
