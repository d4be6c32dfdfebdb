// Type-level checks for encrypted tokens: this file only has to compile.
import { generateKeyPairSync } from 'node:crypto'
import {
  createDecrypter,
  createEncrypter,
  createLocalJwks,
  createRemoteJwks,
  decrypt,
  decryptAsync,
  encrypt,
  encryptAsync,
  type DecryptedJwe,
  type ErrorCode,
  type JwtPayload,
} from '../..'
import { expressjwt } from '../../express'

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const secret = Buffer.alloc(32)

const token: string = encrypt({ sub: 'a' }, secret, { algorithm: 'dir', encryption: 'A256GCM', expiresIn: '1h' })
const claims: JwtPayload | string = decrypt(token, secret, { algorithms: ['dir'] })
const complete: DecryptedJwe = decrypt(token, secret, { complete: true })
const nested: string = encrypt({ sub: 'a' }, publicKey, {
  algorithm: 'ECDH-ES+A256KW',
  sign: { key: privateKey, algorithm: 'ES256' },
})
decrypt(nested, privateKey, { verify: { key: publicKey, algorithms: ['ES256'] }, maxPbes2Count: 10000 })
// JWKs in options objects, and the verify options that apply to the claims.
const publicJwk = { key: publicKey.export({ format: 'jwk' }), format: 'jwk' as const }
encrypt({ sub: 'a' }, publicKey, {
  algorithm: 'ECDH-ES',
  sign: { key: { key: privateKey.export({ format: 'jwk' }), format: 'jwk' }, algorithm: 'ES256' },
})
decrypt(nested, privateKey, { verify: { key: publicJwk, algorithms: ['ES256'] } })
decrypt(token, secret, { typ: 'at+jwt', strict: true, accessToken: true, audience: 'api', issuer: 'me' })
void encryptAsync('text', publicKey, { algorithm: 'ECDH-ES', signal: new AbortController().signal })
void decryptAsync(token, secret).then((value: JwtPayload | string) => value)
const jwks = createLocalJwks({ keys: [] })
decrypt(token, jwks)

const encrypter = createEncrypter({ key: publicKey, algorithm: 'RSA-OAEP-256' })
const out: string = encrypter.encrypt({ a: 1 })
const decrypter = createDecrypter({ key: privateKey, complete: true })
const result: DecryptedJwe = decrypter.decrypt(out)
const code: ErrorCode = 'ERR_JWE_DECRYPTION_FAILED'

expressjwt({
  secret: 'shared',
  algorithms: ['HS256'],
  decrypt: { key: privateKey, algorithms: ['ECDH-ES+A256KW'], requireSigned: true },
})

// Keys in every form sign() and verify() take, JWKs included, for the sync, Async and compiled forms.
const privateJwk = { key: privateKey.export({ format: 'jwk' }), format: 'jwk' as const }
encrypt({ sub: 'a' }, publicJwk, { algorithm: 'ECDH-ES' })
encrypt({ sub: 'a' }, privateJwk, { algorithm: 'ECDH-ES' })
decrypt(token, privateJwk)
decrypt(token, { key: privateKey.export({ type: 'pkcs8', format: 'pem' }), passphrase: '' })
decrypt(token, () => privateJwk, { complete: true })
void encryptAsync({ sub: 'a' }, publicJwk, { algorithm: 'ECDH-ES' })
void decryptAsync(token, privateJwk)
createEncrypter({ key: publicJwk, algorithm: 'ECDH-ES' })
createDecrypter({ key: privateJwk, complete: true })
expressjwt({ secret: 'shared', algorithms: ['HS256'], decrypt: { key: privateJwk, algorithms: ['ECDH-ES'] } })
// @ts-expect-error a bare JWK is not a key (node:crypto needs `{ key: jwk, format: 'jwk' }`)
decrypt(token, privateKey.export({ format: 'jwk' }))

// Key functions: the sync forms take those that return the key, the Async forms also those that return a promise
// (the sync forms refuse them at run time with ERR_KEY_FUNCTION_SYNC), and a remote JWK Set.
const remote = createRemoteJwks('https://issuer.example/jwks.json')
encrypt({ sub: 'a' }, (header) => (header.kid === 'a' ? publicKey : publicJwk), { algorithm: 'ECDH-ES' })
encrypt({ sub: 'a' }, jwks, { algorithm: 'ECDH-ES' })
void encryptAsync({ sub: 'a' }, async () => publicKey, { algorithm: 'ECDH-ES' })
void encryptAsync({ sub: 'a' }, remote, { algorithm: 'ECDH-ES' })
void decryptAsync(token, async () => privateKey)
void decryptAsync(token, remote, { complete: true })
// @ts-expect-error a key function returning a promise needs encryptAsync()
encrypt({ sub: 'a' }, async () => publicKey, { algorithm: 'ECDH-ES' })
// @ts-expect-error a remote JWK Set answers with a promise: encryptAsync()
encrypt({ sub: 'a' }, remote, { algorithm: 'ECDH-ES' })
// @ts-expect-error a key function returning a promise needs decryptAsync()
decrypt(token, async () => privateKey)
// @ts-expect-error the same with `complete`
decrypt(token, () => Promise.resolve(privateKey), { complete: true })
// @ts-expect-error a remote JWK Set answers with a promise: decryptAsync()
decrypt(token, remote)
// @ts-expect-error the compiled forms take key material, not a key function
createDecrypter({ key: () => privateKey })

// @ts-expect-error the algorithm is required
encrypt({}, secret, {})
// @ts-expect-error not a JWE algorithm
encrypt({}, secret, { algorithm: 'HS256' })
// @ts-expect-error not a content encryption
decrypt(token, secret, { encryptions: ['A512GCM'] })

void [claims, complete, result, code]
