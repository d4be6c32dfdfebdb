// Type-level checks for encrypted tokens: this file only has to compile.
import { generateKeyPairSync } from 'node:crypto'
import {
  createDecrypter,
  createEncrypter,
  createLocalJwks,
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

// @ts-expect-error the algorithm is required
encrypt({}, secret, {})
// @ts-expect-error not a JWE algorithm
encrypt({}, secret, { algorithm: 'HS256' })
// @ts-expect-error not a content encryption
decrypt(token, secret, { encryptions: ['A512GCM'] })

void [claims, complete, result, code]
