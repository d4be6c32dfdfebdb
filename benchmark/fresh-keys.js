'use strict'
// Keys handed over anew on every call, as apps often do (a secret decoded from the environment in the handler, a
// KeyObject or a PEM Buffer made per request, `{ key, passphrase }` built per call): each case against the same
// call with the key object reused, for ringjwt and jsonwebtoken side by side.
//
//   node benchmark/fresh-keys.js [--quick] [--filter <regex>] [--json <file>]
//
// "making the key alone" times what the app does before the call (Buffer.from, createSecretKey, createPublicKey):
// that cost is the app's whatever library it calls, so the last column is what ringjwt itself adds for a fresh
// key. Before anything is timed, every contender's output is checked against the others'.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const { parseArgs, isDeepStrictEqual } = require('node:util')
const ringjwt = require('..')
const jsonwebtoken = require('jsonwebtoken')
const { measure } = require('./measure')

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, filter: { type: 'string' }, json: { type: 'string' } },
})
const filter = flags.filter ? new RegExp(flags.filter, 'i') : null
const settings = flags.quick ? { rounds: 3, sampleMs: 40, warmupMs: 40 } : { rounds: 7, sampleMs: 120, warmupMs: 150 }

const claims = { sub: 'user-1234', iss: 'https://auth.example', aud: 'api', scope: 'read write', iat: 1_700_000_000 }

// [label, make (a fresh key), call(library, key) or a per-library table, check(output) -> comparable value]
function cases() {
  const secretBase64 = crypto.randomBytes(32).toString('base64')
  const secret = () => Buffer.from(secretBase64, 'base64')
  const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const p256Public = p256.publicKey.export({ type: 'spki', format: 'pem' })
  const p256Private = p256.privateKey.export({ type: 'pkcs8', format: 'pem' })
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rsaPublic = rsa.publicKey.export({ type: 'spki', format: 'pem' })
  const passphrase = 'correct horse battery staple'
  const rsaEncrypted = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })

  const hsToken = jsonwebtoken.sign(claims, secret())
  const esToken = jsonwebtoken.sign(claims, p256Private, { algorithm: 'ES256' })
  const rsToken = jsonwebtoken.sign(claims, rsa.privateKey, { algorithm: 'RS256' })
  const jwe = ringjwt.encrypt(claims, secret(), { algorithm: 'dir', encryption: 'A256GCM' })

  const verify = (token, alg) => (lib, key) => lib.verify(token, key, { algorithms: [alg] })
  const sign = (alg) => (lib, key) => lib.sign(claims, key, { algorithm: alg })
  const same = (output) => output
  const verified = (publicKey) => (token) => ringjwt.verify(token, publicKey)
  return [
    ['HS256 verify, a Buffer decoded from base64 per call', secret, verify(hsToken, 'HS256'), same],
    ['HS256 sign, a Buffer decoded from base64 per call', secret, sign('HS256'), same],
    ['HS256 verify, createSecretKey per call', () => crypto.createSecretKey(secret()), verify(hsToken, 'HS256'), same],
    [
      'dir + A256GCM decrypt, a Buffer decoded from base64 per call',
      secret,
      { ringjwt: (lib, key) => lib.decrypt(jwe, key, { algorithms: ['dir'] }) },
      same,
    ],
    [
      'ES256 verify, a PEM read into a new Buffer per call',
      () => Buffer.from(p256Public),
      verify(esToken, 'ES256'),
      same,
    ],
    [
      'ES256 verify, a new public KeyObject per call',
      () => crypto.createPublicKey(p256Public),
      verify(esToken, 'ES256'),
      same,
    ],
    [
      'ES256 sign, a new private KeyObject per call',
      () => crypto.createPrivateKey(p256Private),
      sign('ES256'),
      verified(p256.publicKey),
    ],
    [
      'RS256 verify, a PEM read into a new Buffer per call',
      () => Buffer.from(rsaPublic),
      verify(rsToken, 'RS256'),
      same,
    ],
    [
      'RS256 sign, { key, passphrase } built per call',
      () => ({ key: rsaEncrypted, passphrase }),
      sign('RS256'),
      verified(rsa.publicKey),
    ],
  ]
}

const LIBRARIES = { ringjwt, jsonwebtoken }

function contendersOf(make, call) {
  const calls = typeof call === 'function' ? { ringjwt: call, jsonwebtoken: call } : call
  const contenders = [['making the key alone', make]]
  for (const [name, fn] of Object.entries(calls)) {
    const reused = make()
    contenders.push([`${name}, key reused`, () => fn(LIBRARIES[name], reused)])
    contenders.push([`${name}, fresh key`, () => fn(LIBRARIES[name], make())])
  }
  return contenders
}

function checkOutputs(label, contenders, check) {
  let expected
  for (const [name, fn] of contenders.slice(1)) {
    const output = check(fn())
    if (expected === undefined) expected = output
    else if (!isDeepStrictEqual(output, expected)) throw new Error(`${label}: ${name} gives another result`)
  }
}

const formatOps = (value) =>
  value === undefined
    ? '-'
    : value >= 100_000
      ? `${Math.round(value / 1000)}k`
      : value >= 10_000
        ? `${(value / 1000).toFixed(1)}k`
        : Math.round(value).toLocaleString('en-US')
const formatRatio = (value) => (value === undefined ? '-' : `${value.toFixed(2)}×`)

async function main() {
  console.log(
    `node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores; ` +
      `medians of ${settings.rounds} rounds, order rotated each round (ops/s)\n`,
  )
  const rows = []
  for (const [label, make, call, check] of cases()) {
    if (filter && !filter.test(label)) continue
    const contenders = contendersOf(make, call)
    checkOutputs(label, contenders, check)
    const results = await measure(contenders, undefined, settings)
    const ops = (name) => results[name]?.median
    const time = (name) => 1 / ops(name)
    const ratio = (lib) =>
      ops(`${lib}, fresh key`) === undefined ? undefined : time(`${lib}, fresh key`) / time(`${lib}, key reused`)
    const row = {
      label,
      results,
      ringjwtRatio: ratio('ringjwt'),
      jsonwebtokenRatio: ratio('jsonwebtoken'),
      // What ringjwt adds for a fresh key, beyond making it: (fresh call − making the key) ÷ reused call.
      ringjwtOwnRatio: (time('ringjwt, fresh key') - time('making the key alone')) / time('ringjwt, key reused'),
    }
    rows.push(row)
    console.log(
      `${label}: ${contenders.map(([name]) => `${name} ${formatOps(ops(name))}`).join(', ')}; ` +
        `ringjwt fresh ÷ reused ${formatRatio(row.ringjwtRatio)}`,
    )
  }

  const head = [
    'call',
    'making the key',
    'ringjwt reused',
    'ringjwt fresh',
    'jsonwebtoken reused',
    'jsonwebtoken fresh',
    'ringjwt fresh ÷ reused',
    'ringjwt, beyond making the key',
    'jsonwebtoken fresh ÷ reused',
  ]
  console.log(
    `\n| ${head.join(' | ')} |\n| --- | ${head
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  )
  for (const row of rows) {
    const ops = (name) => formatOps(row.results[name]?.median)
    const cells = [
      row.label,
      ops('making the key alone'),
      ops('ringjwt, key reused'),
      ops('ringjwt, fresh key'),
      ops('jsonwebtoken, key reused'),
      ops('jsonwebtoken, fresh key'),
      formatRatio(row.ringjwtRatio),
      formatRatio(row.ringjwtOwnRatio),
      formatRatio(row.jsonwebtokenRatio),
    ]
    console.log(`| ${cells.join(' | ')} |`)
  }
  if (flags.json) {
    fs.writeFileSync(flags.json, JSON.stringify({ node: process.version, settings, rows }, null, 2))
    console.log(`\nResults written to ${flags.json}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
