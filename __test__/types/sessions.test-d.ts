// Compile-only checks of the session stores' types: what must type-check, and (with @ts-expect-error) what must not.
import { createClient, createCluster, createSentinel } from 'redis'
import { createClient as createClient5 } from 'redis5'
import Redis from 'ioredis'
import Redis5 from 'ioredis5'
import {
  createSessionStore,
  createRedisSessionStore,
  createRedisTokenStore,
  StoreUnavailableError,
  type ErrorCode,
  type IssuedSession,
  type Session,
  type SessionRefusalCode,
  type StoreUnavailableReason,
} from '../../index'
import { expressjwt, UnauthorizedError, type UnauthorizedErrorCode } from '../../express'

const sessions = createSessionStore({ accessTokenLifetime: '15m', idleLifetime: 86400, clockTolerance: 5 })
const login: IssuedSession = sessions.create('u1', { userAgent: 'Firefox', ip: '127.0.0.1' })
const sid: string = login.claims.sid
const exp: number = login.claims.exp
const next = sessions.refresh(login.refreshToken)
const when: Date = next.session.lastUsedAt
const listed: Session[] = sessions.list('u1')
const one: Session | null = sessions.get(sid)
const ended: boolean = sessions.end(sid)
const count: number = sessions.endAll('u1') + sessions.prune() + sessions.size
void [exp, when, listed, one, ended, count]

// Binding: the store signs, and hands the token back.
const signed: string = sessions.create('u1', undefined, {
  sign: (claims, session) => `${claims.sub}.${session.id}.x`,
}).token
const signedLater: Promise<string> = sessions
  .create('u1', undefined, { sign: async (claims) => claims.jti })
  .then((issued) => issued.token)
const rotatedToken: string = sessions.refresh(login.refreshToken, { sign: (claims) => claims.jti }).token
// @ts-expect-error sign returns the token, a string
sessions.create('u1', undefined, { sign: () => 42 })
// @ts-expect-error without sign there is no token
void sessions.create('u1').token
void [signed, signedLater, rotatedToken]
sessions.isRevoked({ header: { alg: 'HS256' }, payload: login.claims, signature: 'sig' })

// Typed metadata.
const typed = createSessionStore<{ userAgent: string }>()
const agent: string = typed.create('u1', { userAgent: 'curl' }).session.metadata.userAgent
void agent
// @ts-expect-error metadata of another shape
typed.create('u1', { userAgent: 1 })
// @ts-expect-error lifetimes are seconds or timespan strings
createSessionStore({ idleLifetime: true })

// One line in the middleware, for both stores.
expressjwt({ secret: 'secret', algorithms: ['HS256'], isRevoked: sessions.isRevoked })

const client = createClient()
const shared = createRedisSessionStore(client, { prefix: '{app}:', timeout: 500 })
expressjwt({ secret: 'secret', algorithms: ['HS256'], isRevoked: shared.isRevoked })
async function flow(): Promise<void> {
  const started = await shared.create('u1')
  const rotated: IssuedSession = await shared.refresh(started.refreshToken)
  const bound: string = (await shared.create('u1', undefined, { sign: async (claims) => claims.jti })).token
  void bound
  const all: Session[] = await shared.list('u1')
  const n: number = await shared.endAll('u1')
  void [rotated, all, n]
}
void flow

createRedisTokenStore(client, { timeout: 250, maxTokenLifetime: '15m' })
// @ts-expect-error the timeout is milliseconds, a number
createRedisTokenStore(client, { timeout: '1s' })

// Every client of both libraries, on every topology, with the durability options.
const durable = { minReplicas: 1, replicaTimeout: 200, waitAof: false }
createRedisSessionStore(createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }] }), durable)
createRedisTokenStore(createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] }))
createRedisSessionStore(createClient5(), durable)
createRedisSessionStore(new Redis(), durable)
createRedisTokenStore(new Redis({ sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' }), durable)
createRedisSessionStore(new Redis.Cluster([{ host: '127.0.0.1', port: 7000 }]))
createRedisTokenStore(new Redis5.Cluster([{ host: '127.0.0.1', port: 7000 }]))
// @ts-expect-error not a Redis client
createRedisSessionStore({ get: () => null })
// @ts-expect-error minReplicas is a count
createRedisSessionStore(client, { minReplicas: true })

function handle(err: unknown): number {
  if (err instanceof StoreUnavailableError) {
    const code: ErrorCode = err.code
    const status: 503 = err.status
    const reason: StoreUnavailableReason = err.reason
    void [code, reason]
    return status
  }
  if (err instanceof UnauthorizedError) {
    const code: UnauthorizedErrorCode = err.code
    const refusal: SessionRefusalCode | 'revoked_token' = err.code === 'session_ended' ? err.code : 'revoked_token'
    void [code, refusal]
    return err.status
  }
  return 500
}
void handle
