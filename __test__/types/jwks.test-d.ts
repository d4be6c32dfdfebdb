import { generateKeyPairSync, KeyObject } from 'node:crypto'
import { createLocalJwks, createRemoteJwks, exportJwks, verify, JwkSet, type ErrorCode } from '../..'
import { expressjwt } from '../../express'

const { publicKey } = generateKeyPairSync('ed25519')
const set: JwkSet = exportJwks([{ key: publicKey, kid: 'k1', alg: 'EdDSA' }])

const local = createLocalJwks(set)
const key: KeyObject = local({ alg: 'EdDSA', kid: 'k1' })
const keys: KeyObject[] = local.keys
void key
void keys
verify('token', local, (err, payload) => void [err, payload])

const remote = createRemoteJwks('https://auth.example/.well-known/jwks.json', { cacheMaxAge: 60_000 })
const pending: Promise<KeyObject> = remote({ alg: 'RS256' })
void pending
void remote.reload()
createRemoteJwks(new URL('https://auth.example/jwks'), {
  cacheMaxAge: 600_000,
  cooldown: 30_000,
  staleIfError: 3_600_000,
  timeout: 5_000,
  maxResponseBytes: 512 * 1024,
  headers: new Headers({ accept: 'application/json' }),
  fetch,
})

// Either resolver is a middleware secret.
expressjwt({ secret: remote, algorithms: ['RS256'] })
expressjwt({ secret: local, algorithms: ['EdDSA'] })

const failures: ErrorCode[] = ['ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_TOO_LARGE', 'ERR_JWKS_INVALID']
void failures

// @ts-expect-error: an entry needs a key
exportJwks([{ kid: 'k1' }])
// @ts-expect-error: not an algorithm
exportJwks([{ key: publicKey, alg: 'ES999' }])
// @ts-expect-error: a remote set's key is a Promise
const notSync: KeyObject = remote({ alg: 'RS256' })
void notSync
// @ts-expect-error: unknown option
createRemoteJwks('https://auth.example/jwks', { maxAge: 5 })
// @ts-expect-error: a number of bytes
createRemoteJwks('https://auth.example/jwks', { maxResponseBytes: '512k' })
