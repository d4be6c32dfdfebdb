'use strict'
// `npm run bench` (second part): encrypted tokens, ringjwt against jose (the only other JWE library for Node), with
// the same keys and claims in one run.
//
//   node benchmark/jwe.js [--quick] [--filter <regex>] [--json <file>]
//
// Before anything is timed, each library decrypts the other's tokens. Each case then runs in rounds; the order of
// the implementations is rotated every round and the median ops/s is reported. Promise forms keep 32 calls in
// flight; jose has only Promise forms, so the ratio is taken against ringjwt's Promise form as well as its sync one.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const { parseArgs, isDeepStrictEqual } = require('node:util')
const ringjwt = require('..')
const { measure } = require('./measure')

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, filter: { type: 'string' }, json: { type: 'string' } },
})
const filter = flags.filter ? new RegExp(flags.filter, 'i') : null
const settings = flags.quick ? { rounds: 3, sampleMs: 40, warmupMs: 40 } : { rounds: 7, sampleMs: 150, warmupMs: 150 }
const IN_FLIGHT = 32

const claims = { sub: 'user-1234', iss: 'https://auth.example', aud: 'api', scope: 'read write', iat: 1_700_000_000 }

// [name, alg, enc, keys, targets: { operation: minimum ratio over jose }]
function cases() {
  const secret = crypto.randomBytes(32)
  const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return [
    ['dir + A256GCM', 'dir', 'A256GCM', { encrypt: secret, decrypt: secret }, { encrypt: 3, decrypt: 3 }],
    [
      'ECDH-ES+A256KW P-256',
      'ECDH-ES+A256KW',
      'A256GCM',
      { encrypt: p256.publicKey, decrypt: p256.privateKey },
      { encrypt: 1.5, decrypt: 1.5 },
    ],
    ['RSA-OAEP-256', 'RSA-OAEP-256', 'A256GCM', { encrypt: rsa.publicKey, decrypt: rsa.privateKey }, { decrypt: 1.2 }],
  ]
}

async function implementations(alg, enc, keys) {
  const jose = await import('jose')
  const encrypter = ringjwt.createEncrypter({ key: keys.encrypt, algorithm: alg, encryption: enc })
  const decrypter = ringjwt.createDecrypter({
    key: keys.decrypt,
    algorithms: [alg],
    encryptions: [enc],
    clockTimestamp: claims.iat,
  })
  const options = { algorithm: alg, encryption: enc }
  const decryptOptions = { algorithms: [alg], encryptions: [enc], clockTimestamp: claims.iat }
  // jose gets its fastest key form: CryptoKeys imported once.
  const joseKeys =
    alg === 'dir'
      ? {
          encrypt: await crypto.webcrypto.subtle.importKey('raw', keys.encrypt, 'AES-GCM', false, [
            'encrypt',
            'decrypt',
          ]),
        }
      : {
          encrypt: await jose.importSPKI(keys.encrypt.export({ type: 'spki', format: 'pem' }), alg),
          decrypt: await jose.importPKCS8(keys.decrypt.export({ type: 'pkcs8', format: 'pem' }), alg),
        }
  joseKeys.decrypt ??= joseKeys.encrypt
  const joseOptions = {
    keyManagementAlgorithms: [alg],
    contentEncryptionAlgorithms: [enc],
    currentDate: new Date(claims.iat * 1000),
  }
  return {
    'ringjwt compiled': { encrypt: (p) => encrypter.encrypt(p), decrypt: (t) => decrypter.decrypt(t) },
    'ringjwt compiled (Promise)': {
      encrypt: (p) => encrypter.encryptAsync(p),
      decrypt: (t) => decrypter.decryptAsync(t),
      async: true,
    },
    ringjwt: {
      encrypt: (p) => ringjwt.encrypt(p, keys.encrypt, options),
      decrypt: (t) => ringjwt.decrypt(t, keys.decrypt, decryptOptions),
    },
    jose: {
      encrypt: (p) => new jose.EncryptJWT(p).setProtectedHeader({ alg, enc }).encrypt(joseKeys.encrypt),
      decrypt: (t) => jose.jwtDecrypt(t, joseKeys.decrypt, joseOptions).then((r) => r.payload),
      async: true,
    },
  }
}

async function crossCheck(name, impls) {
  const tokens = {}
  for (const [impl, fns] of Object.entries(impls)) tokens[impl] = await fns.encrypt(claims)
  for (const [maker, token] of Object.entries(tokens)) {
    for (const [impl, fns] of Object.entries(impls)) {
      const payload = await fns.decrypt(token)
      if (!isDeepStrictEqual({ ...payload }, claims))
        throw new Error(`${name}: ${impl} cannot decrypt ${maker}'s token`)
    }
  }
  return tokens.jose
}

async function measureMedians(contenders, arg) {
  const results = await measure(contenders, arg, { ...settings, inFlight: IN_FLIGHT })
  return Object.fromEntries(Object.entries(results).map(([name, { median }]) => [name, median]))
}

async function main() {
  console.log(
    `node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores; medians of ${settings.rounds} rounds (ops/s)\n`,
  )
  const report = []
  let missed = 0
  for (const [name, alg, enc, keys, targets] of cases()) {
    if (filter && !filter.test(name)) continue
    const impls = await implementations(alg, enc, keys)
    const joseToken = await crossCheck(name, impls)
    for (const operation of ['encrypt', 'decrypt']) {
      const arg = operation === 'encrypt' ? claims : joseToken
      const contenders = Object.entries(impls).map(([impl, fns]) => [impl, fns[operation], !!fns.async])
      const result = await measureMedians(contenders, arg)
      const best = Math.max(result['ringjwt compiled'], result['ringjwt compiled (Promise)'])
      const ratio = best / result.jose
      const target = targets[operation]
      const verdict =
        target === undefined ? '' : ratio >= target ? ` (target ${target}x: met)` : ` (target ${target}x: MISSED)`
      if (target !== undefined && ratio < target) missed++
      console.log(`${name} ${operation}${verdict}`)
      for (const [impl, ops] of Object.entries(result)) {
        console.log(
          `  ${impl.padEnd(28)} ${Math.round(ops).toLocaleString('en-US').padStart(10)}  ${(ops / result.jose).toFixed(2)}x jose`,
        )
      }
      report.push({ case: name, operation, result, target, ratio })
    }
  }
  if (flags.json) fs.writeFileSync(flags.json, JSON.stringify(report, null, 2))
  if (missed > 0) console.log(`\n${missed} target(s) missed`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
