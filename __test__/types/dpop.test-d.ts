// Compile-only checks of the DPoP types: what must type-check, and (with @ts-expect-error) what must not.
import { generateKeyPairSync } from 'node:crypto'
import { createClient } from 'redis'
import { Redis, Cluster } from 'ioredis'
import {
  calculateJwkThumbprint,
  createDpopProof,
  verifyDpopProof,
  createDpopReplayCache,
  createRedisDpopReplayCache,
  createSessionStore,
  type ErrorCode,
  type VerifiedDpopProof,
  JsonWebTokenError,
} from '../../index'
import { expressjwt, UnauthorizedError, type UnauthorizedErrorCode } from '../../express'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const jkt: string = calculateJwkThumbprint(publicKey.export({ format: 'jwk' }), 'sha256')
calculateJwkThumbprint(publicKey)
// @ts-expect-error: no such digest
calculateJwkThumbprint(publicKey, 'md5')

const proof: string = createDpopProof(privateKey, { htm: 'GET', htu: 'https://a.example/r', accessToken: 't' })
// @ts-expect-error: htu is required
createDpopProof(privateKey, { htm: 'GET' })
// @ts-expect-error: proofs are never HMAC
createDpopProof(privateKey, { htm: 'GET', htu: 'https://a.example/r', algorithm: 'HS256' })

const replayCache = createDpopReplayCache({ maxEntries: 1000 })
const held: number = replayCache.size
async function check(): Promise<string> {
  const verified: VerifiedDpopProof = await verifyDpopProof(proof, {
    htm: 'GET',
    htu: 'https://a.example/r',
    accessToken: 't',
    jkt,
    nonce: ['n1', 'n2'],
    algorithms: ['ES256', 'EdDSA'],
    replayCache,
  })
  const htu: string = verified.payload.htu
  void htu
  return verified.jkt
}
void [held, check]

// A full in-memory cache's refusal: status 503 and the seconds to wait, for a token endpoint's own answer.
function retryAfterOf(err: unknown): string | undefined {
  if (!(err instanceof JsonWebTokenError) || err.code !== 'ERR_DPOP_REPLAY_CACHE_FULL') return undefined
  const status: 503 | undefined = err.status
  void status
  return String(err.retryAfter ?? 1)
}
void retryAfterOf

const redis = createClient()
createRedisDpopReplayCache(redis, { prefix: 'dpop:', timeout: 500 })
createRedisDpopReplayCache(new Redis())
createRedisDpopReplayCache(new Cluster([{ host: '127.0.0.1', port: 7000 }]))
// @ts-expect-error: not a Redis client
createRedisDpopReplayCache({ set: async () => 'OK' })

expressjwt({ secret: 's', algorithms: ['HS256'], dpop: { mode: 'required', replayCache, nonce: true } })
expressjwt({ secret: 's', algorithms: ['HS256'], dpop: { mode: 'allowed', nonce: { lifetime: 60 } } })
// @ts-expect-error: no such mode
expressjwt({ secret: 's', algorithms: ['HS256'], dpop: { mode: 'sometimes' } })

const code: ErrorCode = 'ERR_DPOP_REPLAYED'
const refusal: UnauthorizedErrorCode = 'use_dpop_nonce'
const err = new UnauthorizedError('invalid_dpop_proof', { message: 'x' })
const challenge: string | undefined = err.headers?.['WWW-Authenticate']
void [code, refusal, challenge]

const sessions = createSessionStore()
const bound = sessions.create('u1', {}, { jkt })
const cnf: string | undefined = bound.claims.cnf?.jkt
sessions.refresh(bound.refreshToken, { jkt })
void cnf

// Both bindings at once: the signed token comes back, with cnf in the claims `sign` is given.
const signedBound: string = sessions.create('u1', {}, { jkt, sign: (claims) => `${claims.cnf?.jkt}.x.y` }).token
const rotated: Promise<string> = sessions
  .refresh(bound.refreshToken, { jkt, sign: async (claims) => claims.jti })
  .then((issued) => issued.token)
// @ts-expect-error jkt is a string
sessions.create('u1', {}, { jkt: 1, sign: () => 'x.y.z' })
void [signedBound, rotated]
