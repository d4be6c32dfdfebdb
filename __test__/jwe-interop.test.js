'use strict'
// Interoperability with jose, the reference JWE implementation for Node: for every key management algorithm,
// every content encryption and every curve, jose decrypts ringjwt's tokens and ringjwt decrypts jose's, plain and
// nested (signed, then encrypted).

const { spawnSync } = require('node:child_process')
const path = require('node:path')
const jwt = require('..')
const { combinations, forJose, pairs, secrets, CURVES } = require('./helpers/jwe-keys')
const { keys } = require('./helpers/keys')

const NOW = Math.floor(Date.now() / 1000)
const claims = { sub: 'user-1', scope: 'read', iat: NOW, exp: NOW + 3600 }
const rows = combinations()

function runJose(tasks) {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'jose-child.mjs')], {
    input: JSON.stringify(tasks),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout)
}

// Inner signatures of the nested cases: one per signing family.
const signers = [
  { alg: 'HS256', sign: secrets[32], verify: secrets[32] },
  { alg: 'RS256', sign: keys.rsa.privateKey, verify: keys.rsa.publicKey },
  { alg: 'ES256', sign: keys.p256.privateKey, verify: keys.p256.publicKey },
  { alg: 'EdDSA', sign: keys.ed25519.privateKey, verify: keys.ed25519.publicKey },
]
// Nested tokens for every algorithm and curve, each with a different encryption and inner signature.
const nestedRows = rows
  .filter(([, enc]) => enc === 'A256GCM' || enc === 'A128CBC-HS256')
  .map((row, i) => ({ row, signer: signers[i % signers.length] }))

const decryptOptions = (alg, enc) => ({
  algorithms: [alg],
  encryptions: [enc],
  maxPbes2Count: 10_000,
  clockTimestamp: NOW + 10,
})
const encryptOptions = (alg, enc) => ({ algorithm: alg, encryption: enc, pbes2Count: 1000 })

let results
beforeAll(() => {
  const ours = rows.map(([alg, enc, , encryptionKey]) => jwt.encrypt(claims, encryptionKey, encryptOptions(alg, enc)))
  const oursNested = nestedRows.map(({ row: [alg, enc, , encryptionKey], signer }) =>
    jwt.encrypt(claims, encryptionKey, {
      ...encryptOptions(alg, enc),
      sign: { key: signer.sign, algorithm: signer.alg },
    }),
  )
  const jose = runJose({
    decrypt: [
      ...rows.map(([, , , , decryptionKey], i) => ({ token: ours[i], key: forJose(decryptionKey) })),
      ...nestedRows.map(({ row: [, , , , decryptionKey], signer }, i) => ({
        token: oursNested[i],
        key: forJose(decryptionKey),
        nested: { key: forJose(signer.verify), alg: signer.alg },
      })),
    ],
    encrypt: [
      ...rows.map(([alg, enc, , encryptionKey]) => ({ alg, enc, key: forJose(encryptionKey), payload: claims })),
      ...nestedRows.map(({ row: [alg, enc, , encryptionKey], signer }) => ({
        alg,
        enc,
        key: forJose(encryptionKey),
        payload: claims,
        nested: { key: forJose(signer.sign), alg: signer.alg },
      })),
    ],
  })
  results = { jose }
})

describe('every algorithm x encryption x curve', () => {
  test.each(rows.map((row, i) => [row[0], row[1], row[2], i]))(
    '%s %s (%s): jose decrypts ringjwt',
    (alg, enc, _, i) => {
      const { payload, header, error } = results.jose.decrypted[i]
      expect(error).toBeUndefined()
      expect(payload).toEqual(claims)
      expect(header).toMatchObject({ alg, enc })
    },
  )

  test.each(rows.map((row, i) => [row[0], row[1], row[2], i]))(
    '%s %s (%s): ringjwt decrypts jose',
    (alg, enc, _, i) => {
      const token = results.jose.encrypted[i]
      const decryptionKey = rows[i][4]
      expect(jwt.decrypt(token, decryptionKey, decryptOptions(alg, enc))).toEqual(claims)
    },
  )
})

describe('nested tokens (signed, then encrypted)', () => {
  test.each(nestedRows.map(({ row, signer }, i) => [row[0], row[1], row[2], signer.alg, i]))(
    '%s %s (%s) around %s: jose decrypts and verifies ringjwt',
    (alg, enc, _, signAlg, i) => {
      const { payload, header, error } = results.jose.decrypted[rows.length + i]
      expect(error).toBeUndefined()
      expect(payload).toEqual(claims)
      expect(header).toMatchObject({ alg, enc, cty: 'JWT' })
    },
  )

  test.each(nestedRows.map(({ row, signer }, i) => [row[0], row[1], row[2], signer.alg, i]))(
    '%s %s (%s) around %s: ringjwt decrypts and verifies jose in one call',
    (alg, enc, _, signAlg, i) => {
      const token = results.jose.encrypted[rows.length + i]
      const { row, signer } = nestedRows[i]
      const result = jwt.decrypt(token, row[4], {
        ...decryptOptions(alg, enc),
        verify: { key: signer.verify, algorithms: [signAlg] },
        complete: true,
      })
      expect(result.payload).toEqual(claims)
      expect(result.header).toMatchObject({ alg, enc, cty: 'JWT' })
      expect(result.signed.header).toEqual({ alg: signAlg, typ: 'JWT' })
    },
  )
})

test('the curves covered are P-256, P-384, P-521 and X25519', () => {
  expect(CURVES.map((curve) => pairs[curve].publicKey.asymmetricKeyType)).toEqual(['ec', 'ec', 'ec', 'x25519'])
  expect(rows).toHaveLength(6 * (1 + 3 + 3 + 3 + 2 + 4 * 4))
})
