/// <reference types="node" />
// ringjwt's types, in sections:
//   1. jsonwebtoken's API: the names, interfaces, overloads and generic parameters of @types/jsonwebtoken 9, so
//      code written against it compiles unchanged when it imports 'ringjwt'; ringjwt adds `code` to the errors
//      and EdDSA to the algorithms.
//   2. Error codes.
//   3. Promise forms.
//   4. Compiled signers and verifiers.
//   5. JWK Sets.
//   6. The Express middleware (ringjwt/express, re-exported here).
//   7. Token stores.
//   8. Encrypted tokens (JWE).
//   9. Sessions and refresh tokens.
// A new feature adds its own section at the end.
import type { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto'

/**
 * A JSON Web Key (RFC 7517): the members node:crypto and WebCrypto read and write, and any others. Declared here,
 * since node:crypto's own `JsonWebKey` type is not in every version of @types/node.
 */
export interface JsonWebKey {
  kty?: string | undefined
  crv?: string | undefined
  x?: string | undefined
  y?: string | undefined
  d?: string | undefined
  n?: string | undefined
  e?: string | undefined
  p?: string | undefined
  q?: string | undefined
  dp?: string | undefined
  dq?: string | undefined
  qi?: string | undefined
  k?: string | undefined
  alg?: string | undefined
  use?: string | undefined
  kid?: string | undefined
  key_ops?: string[] | undefined
  ext?: boolean | undefined
  [member: string]: unknown
}

// ─── 1. jsonwebtoken's API ─────────────────────────────────────────────────────────────────────────────────────

export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  /** Ed25519 (RFC 8037). Not in jsonwebtoken. */
  | 'EdDSA'
  | 'none'

export declare class JsonWebTokenError extends Error {
  constructor(message: string, error?: Error, code?: ErrorCode)
  /** What failed, stable across versions: switch on this rather than on `message`. */
  code: ErrorCode
  /** The error that caused this one, when there is one (typed as always present, as in jsonwebtoken). */
  inner: Error
  /** Only on ERR_DPOP_REPLAY_CACHE_FULL: 503, the server's capacity rather than the client's fault. */
  status?: 503
  /** Only on ERR_DPOP_REPLAY_CACHE_FULL: whole seconds until the earliest the replay cache can free a room. */
  retryAfter?: number
}

export declare class TokenExpiredError extends JsonWebTokenError {
  constructor(message: string, expiredAt: Date)
  code: 'ERR_JWT_EXPIRED'
  expiredAt: Date
}

/** Thrown if current time is before the nbf claim. */
export declare class NotBeforeError extends JsonWebTokenError {
  constructor(message: string, date: Date)
  code: 'ERR_JWT_NOT_ACTIVE'
  date: Date
}

export type VerifyErrors = JsonWebTokenError | NotBeforeError | TokenExpiredError

/** Registered header parameters (RFC 7515 §4.1). */
export interface JwtHeader {
  alg: string | Algorithm
  typ?: string | undefined
  cty?: string | undefined
  crit?: Array<string | Exclude<keyof JwtHeader, 'crit'>> | undefined
  kid?: string | undefined
  jku?: string | undefined
  x5u?: string | string[] | undefined
  'x5t#S256'?: string | undefined
  x5t?: string | undefined
  x5c?: string | string[] | undefined
}

/** Header parameters for sign(): `alg` comes from `algorithm` when left out, and others may be added. */
export interface SignHeader extends Partial<JwtHeader> {
  [parameter: string]: unknown
}

/** Registered claims (RFC 7519 §4.1), and any others. */
export interface JwtPayload {
  [key: string]: any
  iss?: string | undefined
  sub?: string | undefined
  aud?: string | string[] | undefined
  exp?: number | undefined
  nbf?: number | undefined
  iat?: number | undefined
  jti?: string | undefined
}

export interface Jwt {
  header: JwtHeader
  payload: JwtPayload | string
  signature: string
}

/** A public key in any form node:crypto's createPublicKey() reads. */
export type PublicKey = Parameters<typeof createPublicKey>[0]

/** A private key in any form node:crypto's createPrivateKey() reads. */
export type PrivateKey = Parameters<typeof createPrivateKey>[0]

export type Secret = string | Buffer | KeyObject | { key: string | Buffer; passphrase: string }

export interface SignOptions {
  /** Default `HS256`. */
  algorithm?: Algorithm | undefined
  keyid?: string | undefined
  /** Seconds, or a timespan string (`'2h'`, `'7d'`; a bare numeric string is milliseconds). */
  expiresIn?: string | number | undefined
  notBefore?: string | number | undefined
  audience?: string | string[] | undefined
  subject?: string | undefined
  issuer?: string | undefined
  jwtid?: string | undefined
  mutatePayload?: boolean | undefined
  noTimestamp?: boolean | undefined
  /** Header parameters to add; `alg` may be left out (it comes from `algorithm`). */
  header?: Partial<JwtHeader> | SignHeader | undefined
  encoding?: string | undefined
  allowInsecureKeySizes?: boolean | undefined
  allowInvalidAsymmetricKeyTypes?: boolean | undefined
}

export interface VerifyOptions {
  /** Allowed `alg` values. Default: the algorithms the key can serve. `'none'` only when listed. */
  algorithms?: Algorithm[] | undefined
  audience?: string | RegExp | Array<string | RegExp> | undefined
  /** The current time in seconds; default `Math.floor(Date.now() / 1000)`. */
  clockTimestamp?: number | undefined
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `maxAge`. */
  clockTolerance?: number | undefined
  /** Return `{ header, payload, signature }` instead of the payload. */
  complete?: boolean | undefined
  issuer?: string | string[] | undefined
  ignoreExpiration?: boolean | undefined
  ignoreNotBefore?: boolean | undefined
  jwtid?: string | undefined
  /** The `nonce` claim an OpenID Connect ID token must carry. */
  nonce?: string | undefined
  /**
   * The header `typ` required (RFC 8725 §3.11), compared as a media type: without case, `application/` optional.
   * For instance 'at+jwt'. ERR_JWT_TYPE_INVALID otherwise.
   */
  typ?: string | undefined
  /**
   * RFC 9068's JWT access-token profile: `typ` 'at+jwt' (unless `typ` says otherwise) and the claims iss, exp, aud,
   * sub, client_id, iat and jti required (ERR_JWT_CLAIM_MISSING). Needs `audience` and `issuer`.
   */
  accessToken?: boolean | undefined
  subject?: string | undefined
  maxAge?: string | number | undefined
  allowInvalidAsymmetricKeyTypes?: boolean | undefined
  /** Accept RSA keys under 2048 bits. Not in jsonwebtoken's verify. */
  allowInsecureKeySizes?: boolean | undefined
  /** The JWT profile of RFC 7519 and RFC 8725 where jsonwebtoken is lenient (see the README). Default false. */
  strict?: boolean | undefined
}

export interface DecodeOptions {
  complete?: boolean | undefined
  json?: boolean | undefined
}

export type VerifyCallback<T = Jwt | JwtPayload | string> = (
  error: VerifyErrors | null,
  decoded?: T | undefined,
) => void

export type SignCallback = (error: Error | null, encoded?: string | undefined) => void

export type SigningKeyCallback = (error: Error | null, signingKey?: Secret | PublicKey) => void

/** A key function: verify() (callback and Promise forms) asks it for the key of each token. */
/**
 * A key function: it calls back with the key, or (ringjwt's) returns a promise of it, as an `async` function does.
 * A promise that resolves with nothing waits for the callback.
 */
export type GetPublicKeyOrSecret = (
  header: JwtHeader,
  callback: SigningKeyCallback,
) => void | Promise<Secret | PublicKey | undefined | void>

export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | PrivateKey,
  options?: SignOptions,
): string
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: null,
  options?: SignOptions & { algorithm: 'none' },
): string
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | PrivateKey,
  callback: SignCallback,
): void
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | PrivateKey,
  options: SignOptions,
  callback: SignCallback,
): void
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: null,
  options: SignOptions & { algorithm: 'none' },
  callback: SignCallback,
): void

// ringjwt also takes `null` as the key of an unsigned token (`algorithms: ['none']`).
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | null,
  options: VerifyOptions & { complete: true },
): Jwt
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | null,
  options?: VerifyOptions & { complete?: false },
): JwtPayload | string
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | null,
  options?: VerifyOptions,
): Jwt | JwtPayload | string
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  callback?: VerifyCallback<JwtPayload | string>,
): void
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options: VerifyOptions & { complete: true },
  callback?: VerifyCallback<Jwt>,
): void
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options?: VerifyOptions & { complete?: false },
  callback?: VerifyCallback<JwtPayload | string>,
): void
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options?: VerifyOptions,
  callback?: VerifyCallback,
): void

/** Reads a token without verifying it: never trust what it returns. */
export declare function decode(token: string, options: DecodeOptions & { complete: true }): null | Jwt
export declare function decode(token: string, options: DecodeOptions & { json: true }): null | JwtPayload
export declare function decode(token: string, options?: DecodeOptions): null | JwtPayload | string

// ─── 2. Error codes ────────────────────────────────────────────────────────────────────────────────────────────

/** Every `code` an error from ringjwt can carry. */
export type ErrorCode =
  | 'ERR_JWT_INVALID_OPTION'
  | 'ERR_JWT_PAYLOAD_INVALID'
  | 'ERR_JWT_REQUIRED'
  | 'ERR_JWT_NOT_STRING'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_HEADER_INVALID'
  | 'ERR_JWT_INVALID_UTF8'
  | 'ERR_JWT_TOO_LARGE'
  | 'ERR_JWT_PAYLOAD_NOT_OBJECT'
  | 'ERR_JWS_SIGNATURE_REQUIRED'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JWS_UNSIGNED_NOT_ALLOWED'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JWS_CRIT_INVALID'
  | 'ERR_JWS_CRIT_UNSUPPORTED'
  | 'ERR_KEY_REQUIRED'
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_TYPE_MISMATCH'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_SECRET_TOO_SHORT'
  | 'ERR_KEY_CURVE_UNKNOWN'
  | 'ERR_KEY_FUNCTION_SYNC'
  | 'ERR_KEY_FUNCTION_FAILED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_ACTIVE'
  | 'ERR_JWT_ISSUED_IN_FUTURE'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWT_AUDIENCE_INVALID'
  | 'ERR_JWT_ISSUER_INVALID'
  | 'ERR_JWT_SUBJECT_INVALID'
  | 'ERR_JWT_JWTID_INVALID'
  | 'ERR_JWT_NONCE_INVALID'
  | 'ERR_JWT_TYPE_INVALID'
  | 'ERR_JWT_CLAIM_MISSING'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_JWKS_TOO_LARGE'
  | 'ERR_DISCOVERY_INVALID'
  | 'ERR_DISCOVERY_ISSUER_MISMATCH'
  | 'ERR_KEY_RING_STATE_INVALID'
  | 'ERR_KEY_RING_CONTENDED'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWE_HEADER_INVALID'
  | 'ERR_JWE_PBES2_COUNT'
  | 'ERR_JWE_ZIP_NOT_ALLOWED'
  | 'ERR_JWE_INFLATE_LIMIT'
  | 'ERR_JWE_NESTED_KEY_REQUIRED'
  | 'ERR_JWE_NESTED_REQUIRED'
  | 'ERR_DPOP_PROOF_REQUIRED'
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_JWK_INVALID'
  | 'ERR_DPOP_HTM_MISMATCH'
  | 'ERR_DPOP_HTU_MISMATCH'
  | 'ERR_DPOP_IAT_INVALID'
  | 'ERR_DPOP_NONCE_INVALID'
  | 'ERR_DPOP_ATH_MISMATCH'
  | 'ERR_DPOP_KEY_MISMATCH'
  | 'ERR_DPOP_TOKEN_BOUND'
  | 'ERR_DPOP_REPLAYED'
  | 'ERR_DPOP_REPLAY_CACHE_FULL'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_HOOK_FAILED'

/** One line per code, saying what failed. */
export declare const codes: Readonly<Record<ErrorCode, string>>

// ─── 3. Promise forms ──────────────────────────────────────────────────────────────────────────────────────────

export interface AsyncOptions {
  /** Cancels work that has not started yet; the promise rejects with an `AbortError`. */
  signal?: AbortSignal | undefined
}

export declare function signAsync(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | PrivateKey,
  options?: SignOptions & AsyncOptions,
): Promise<string>
export declare function signAsync(
  payload: string | Buffer | object,
  secretOrPrivateKey: null,
  options: SignOptions & AsyncOptions & { algorithm: 'none' },
): Promise<string>

export declare function verifyAsync(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options: VerifyOptions & AsyncOptions & { complete: true },
): Promise<Jwt>
export declare function verifyAsync(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options?: VerifyOptions & AsyncOptions & { complete?: false },
): Promise<JwtPayload | string>
export declare function verifyAsync(
  token: string,
  secretOrPublicKey: Secret | PublicKey | GetPublicKeyOrSecret | null,
  options?: VerifyOptions & AsyncOptions,
): Promise<Jwt | JwtPayload | string>

// ─── 4. Compiled signers and verifiers ─────────────────────────────────────────────────────────────────────────

export interface SignerOptions extends SignOptions {
  /** `null` only with `algorithm: 'none'`. */
  key: Secret | PrivateKey | null
}

export interface Signer {
  readonly algorithm: Algorithm
  sign(payload: string | Buffer | object): string
  signAsync(payload: string | Buffer | object, options?: AsyncOptions): Promise<string>
}

export interface VerifierOptions extends VerifyOptions {
  key?: Secret | PublicKey | null | undefined
  /** Keep up to this many verified tokens (off by default, or with `false`). An entry never outlives the token's `exp`. */
  cache?: number | false | undefined
  /** Milliseconds an entry may live at most; default 600000. */
  cacheTTL?: number | undefined
  /**
   * Also remember failures for `cacheTTL` (default false): those of a token whose signature verified (an expired
   * token, a claim not allowed), never a malformed token or a bad signature. Each caller gets a copy of the first
   * error.
   */
  cacheErrors?: boolean | undefined
}

export interface Verifier<T> {
  verify(token: string): T
  verifyAsync(token: string, options?: AsyncOptions): Promise<T>
}

export declare function createSigner(options: SignerOptions): Signer
export declare function createVerifier(options: VerifierOptions & { complete: true }): Verifier<Jwt>
export declare function createVerifier(options: VerifierOptions & { complete?: false }): Verifier<JwtPayload | string>
export declare function createVerifier(options: VerifierOptions): Verifier<Jwt | JwtPayload | string>

// ─── 5. JWK Sets ───────────────────────────────────────────────────────────────────────────────────────────────

/** A key as node:crypto reads it: `{ key, passphrase }`, `{ key: jwk, format: 'jwk' }`, and so on. */
export interface KeyInput {
  key: string | Buffer | JsonWebKey
  format?: 'pem' | 'der' | 'jwk' | undefined
  type?: 'pkcs1' | 'pkcs8' | 'spki' | 'sec1' | undefined
  passphrase?: string | Buffer | undefined
  encoding?: BufferEncoding | undefined
}

/** A public JWK as published in a JWK Set. */
export interface PublicJwk extends JsonWebKey {
  kid?: string
  alg?: Algorithm
  use?: string
}

export interface JwkSet {
  keys: PublicJwk[]
}

export interface JwksEntry {
  /** A public or private key in any form node:crypto reads; only its public half is written. */
  key: string | Buffer | KeyObject | KeyInput
  kid?: string
  /** Checked against the key's type and curve; defaults to the curve's algorithm for EC and Ed25519 keys. */
  alg?: Algorithm
  use?: string
}

/**
 * Picks the verification key for a token header. Works as verify()'s key function `(header, callback)`, as the
 * middleware's `secret` `(req, token)`, and called directly with a header.
 */
export interface JwksKeyResolver<R> {
  (header: JwtHeader, callback: (error: Error | null, key?: KeyObject) => void): void
  (req: unknown, token: Jwt | undefined): R
  (header: JwtHeader): R
}

export interface LocalJwks extends JwksKeyResolver<KeyObject> {
  /** The verification keys the set holds, each read with node:crypto when this is first read. */
  readonly keys: KeyObject[]
}

export interface RemoteJwksOptions {
  /** How long a fetched set is used before it is fetched again, in ms. Default 600000 (10 minutes). */
  cacheMaxAge?: number
  /**
   * The least time between two fetches triggered by an unknown `kid`, and between retries while a stale set is
   * served, in ms. Default 30000.
   */
  cooldown?: number
  /** How long past `cacheMaxAge` the last good set is still used while fetches fail, in ms. Default 3600000. */
  staleIfError?: number
  /** Time allowed for a whole request, body included, in ms. Default 5000. */
  timeout?: number
  /** The largest response body read, in bytes. Default 524288 (512 KiB). */
  maxResponseBytes?: number
  headers?: Record<string, string> | Headers
  fetch?: typeof fetch
}

export interface RemoteJwks extends JwksKeyResolver<Promise<KeyObject>> {
  /**
   * Fetches the set now (after a fetch already under way, which began before the call); on failure the promise
   * rejects and the last good set stays in use.
   */
  reload(): Promise<void>
}

export declare function exportJwks(entries: JwksEntry[]): JwkSet
export declare function createLocalJwks(jwks: JwkSet): LocalJwks
export declare function createRemoteJwks(url: string | URL, options?: RemoteJwksOptions): RemoteJwks
/**
 * Discovery: the set's address is the `jwks_uri` of the issuer's metadata (/.well-known/openid-configuration, or
 * RFC 8414's /.well-known/oauth-authorization-server), whose `issuer` must equal the one given.
 */
export declare function createRemoteJwks(options: RemoteJwksOptions & { issuer: string }): RemoteJwks

// ─── 6. The Express middleware ─────────────────────────────────────────────────────────────────────────────────

export * from './express'

// ─── 7. Token stores ───────────────────────────────────────────────────────────────────────────────────────────

/** What revoke() takes: a token string (decoded, not verified), a payload, or `{ header, payload }`. */
export type RevocableToken = string | JwtPayload | { header: JwtHeader; payload: JwtPayload }

export interface TokenStoreOptions {
  /** Seconds entries are kept past `exp`: the `clockTolerance` your verifier allows. Default 0. */
  clockTolerance?: number
  /** The longest life of any token you issue (seconds, or a timespan such as `'1d'`). Default 30 days. */
  maxTokenLifetime?: number | string
}

/** How both Redis stores use their client (docs/redis.md). */
export interface RedisClientOptions {
  /** Milliseconds a call may take before it is refused with StoreUnavailableError. Default 1000. */
  timeout?: number
  /**
   * Replicas that must have each write that takes access away (end, endAll, a refresh's rotation, revoke,
   * revokeAllFor) before it resolves; fewer within `replicaTimeout` reject with StoreUnavailableError (reason
   * `'replicas'`). Uses WAIT on the primary that took the write. Default 0 (no wait).
   */
  minReplicas?: number
  /** Milliseconds to wait for the replicas. Default 250. */
  replicaTimeout?: number
  /**
   * WAITAOF instead of WAIT: the write is fsynced to the append-only files of the primary and of `minReplicas`
   * replicas (Redis 7.2+, `appendonly yes`). Default false.
   */
  waitAof?: boolean
}

export interface RedisTokenStoreOptions extends TokenStoreOptions, RedisClientOptions {
  /** Key prefix. Default `'ringjwt:revoked:'`. */
  prefix?: string
}

/**
 * The in-process store. Methods return plain values (which `await` also accepts). `isRevoked` works both as
 * `isRevoked(payload)` and as the middleware's `isRevoked(req, { header, payload })`; alone, it also takes what
 * `revoke` takes (a token string, decoded: one that is not a token is a TypeError, or `{ header, payload }`).
 */
export interface TokenStore {
  /** Revokes the token until its `exp`; false when it has already expired. A TypeError without `jti` or `exp`. */
  revoke(token: RevocableToken): boolean
  isRevoked(token: RevocableToken): boolean
  isRevoked(req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): boolean
  /** Revokes every token of `sub` issued before `when` (a Date or epoch ms; default now). */
  revokeAllFor(sub: string, when?: Date | number): boolean
  /** Drops entries whose tokens have expired; returns how many went. */
  prune(): number
  /** Entries held. */
  readonly size: number
}

/** The same interface on Redis, every method returning a promise. */
export interface RedisTokenStore {
  revoke(token: RevocableToken): Promise<boolean>
  isRevoked(token: RevocableToken): Promise<boolean>
  isRevoked(req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): Promise<boolean>
  revokeAllFor(sub: string, when?: Date | number): Promise<boolean>
}

/**
 * A node-redis 5 or 6 client (the `redis` package): `createClient()`, `createCluster()` or `createSentinel()`,
 * connected. Calls are refused at once while it (or, on a Cluster, the key's primary) is not ready.
 */
export interface NodeRedisClientLike {
  hmGet(...args: never[]): unknown
  sAdd(...args: never[]): unknown
  evalSha(...args: never[]): unknown
  withCommandOptions(...args: never[]): unknown
}

/** An ioredis 5 or 6 client: `new Redis()` (with `sentinels` and `name` for Sentinel) or `new Redis.Cluster()`. */
export interface IORedisClientLike {
  hmget(...args: never[]): unknown
  sadd(...args: never[]): unknown
  evalsha(...args: never[]): unknown
  call(...args: never[]): unknown
  readonly status: string
}

/** Any client both Redis stores accept; the stores use it but never create or close it. */
export type RedisClientLike = NodeRedisClientLike | IORedisClientLike

export declare function createTokenStore(options?: TokenStoreOptions): TokenStore
export declare function createRedisTokenStore(
  client: RedisClientLike,
  options?: RedisTokenStoreOptions,
): RedisTokenStore

// ─── 8. Encrypted tokens (JWE, RFC 7516) ───────────────────────────────────────────────────────────────────────

/** JWE key management (`alg`). `RSA1_5` and PBES2 are decrypted only when listed by name. */
export type KeyManagementAlgorithm =
  | 'dir'
  | 'A128KW'
  | 'A192KW'
  | 'A256KW'
  | 'A128GCMKW'
  | 'A192GCMKW'
  | 'A256GCMKW'
  | 'ECDH-ES'
  | 'ECDH-ES+A128KW'
  | 'ECDH-ES+A192KW'
  | 'ECDH-ES+A256KW'
  | 'RSA-OAEP'
  | 'RSA-OAEP-256'
  | 'RSA1_5'
  | 'PBES2-HS256+A128KW'
  | 'PBES2-HS384+A192KW'
  | 'PBES2-HS512+A256KW'

/** JWE content encryption (`enc`). */
export type ContentEncryptionAlgorithm =
  'A128GCM' | 'A192GCM' | 'A256GCM' | 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512'

export interface JweHeader {
  alg: KeyManagementAlgorithm | string
  enc: ContentEncryptionAlgorithm | string
  zip?: 'DEF'
  cty?: string
  kid?: string
  typ?: string
  epk?: Record<string, string>
  [name: string]: unknown
}

/**
 * Key material for encrypted tokens: every form sign() and verify() take (a secret, PEM, DER, a KeyObject,
 * `{ key, passphrase }`, `{ key: jwk, format: 'jwk' }` …). encrypt() uses a private key through its public half.
 */
export type JweKey = Secret | PublicKey | PrivateKey
/** A key function for encrypt() and decrypt(): it returns the key for the header being written or read. */
export type SyncJweKeyFunction = (header: JweHeader) => JweKey
/** A key function for the Async forms, which may also return a promise of the key. */
export type JweKeyFunction = (header: JweHeader) => JweKey | Promise<JweKey>
/**
 * A key for encrypt() and decrypt(): key material, a key function that returns the key, or a local JWK Set (a
 * LocalJwks is such a function). A key function returning a promise, and a remote JWK Set, need the Async forms
 * (ERR_KEY_FUNCTION_SYNC otherwise).
 */
export type SyncJweKeyInput = JweKey | SyncJweKeyFunction
/** A key for encryptAsync() and decryptAsync(): also a key function returning a promise, or a RemoteJwks. */
export type JweKeyInput = JweKey | JweKeyFunction

export interface EncryptOptions {
  /** Key management; required. */
  algorithm: KeyManagementAlgorithm
  /** Content encryption. Default `A256GCM`. */
  encryption?: ContentEncryptionAlgorithm
  /** Compress the payload before encrypting; recipients must set `maxInflatedSize`. */
  zip?: 'DEF'
  /** PBKDF2 iterations for PBES2 (at least 1000). Default 100000. */
  pbes2Count?: number
  expiresIn?: number | string
  notBefore?: number | string
  audience?: string | string[]
  issuer?: string
  subject?: string
  jwtid?: string
  noTimestamp?: boolean
  /** More protected header members; those encryption writes (alg, enc, zip, epk, iv, tag, p2s, p2c, crit) are refused. */
  header?: Record<string, unknown>
  keyid?: string
  /** Sign the claims first and encrypt the signed token (a nested JWT, `cty: "JWT"`). */
  sign?: {
    key: Secret | PrivateKey
    algorithm: Algorithm
    header?: Partial<JwtHeader>
    keyid?: string
    allowInsecureKeySizes?: boolean
  }
}

export interface DecryptOptions {
  /** Allowed `alg` values. Default: those the key can serve, never `RSA1_5` or PBES2. */
  algorithms?: KeyManagementAlgorithm[]
  /** Allowed `enc` values. Default: all six. */
  encryptions?: ContentEncryptionAlgorithm[]
  /** The highest PBES2 `p2c` accepted; required when `algorithms` lists a PBES2 algorithm. */
  maxPbes2Count?: number
  /** The largest payload a compressed token may inflate to, in bytes; compressed tokens are refused without it. */
  maxInflatedSize?: number
  /** For nested tokens: the key and algorithms that verify the signed JWT inside. */
  verify?: { key: Secret | PublicKey; algorithms?: Algorithm[]; allowInsecureKeySizes?: boolean }
  audience?: string | RegExp | Array<string | RegExp>
  issuer?: string | string[]
  subject?: string
  jwtid?: string
  nonce?: string
  ignoreExpiration?: boolean
  ignoreNotBefore?: boolean
  clockTolerance?: number
  maxAge?: number | string
  clockTimestamp?: number
  complete?: boolean
  /** The claims' `typ` header the token must carry, as for verify(). */
  typ?: string
  /** ringjwt's `strict`, as for verify(). */
  strict?: boolean
  /** RFC 9068 access tokens, as for verify(): needs `audience` and `issuer`. */
  accessToken?: boolean
}

export interface DecryptedJwe {
  header: JweHeader
  payload: JwtPayload | string
  /** For nested tokens: the inner JWS header and signature. */
  signed?: { header: JwtHeader; signature: string }
}

export declare function encrypt(
  payload: string | Buffer | object,
  key: SyncJweKeyInput,
  options: EncryptOptions,
): string
export declare function encryptAsync(
  payload: string | Buffer | object,
  key: JweKeyInput,
  options: EncryptOptions & AsyncOptions,
): Promise<string>
export declare function decrypt(
  token: string,
  key: SyncJweKeyInput,
  options: DecryptOptions & { complete: true },
): DecryptedJwe
export declare function decrypt(token: string, key: SyncJweKeyInput, options?: DecryptOptions): JwtPayload | string
export declare function decryptAsync(
  token: string,
  key: JweKeyInput,
  options: DecryptOptions & AsyncOptions & { complete: true },
): Promise<DecryptedJwe>
export declare function decryptAsync(
  token: string,
  key: JweKeyInput,
  options?: DecryptOptions & AsyncOptions,
): Promise<JwtPayload | string>

export interface Encrypter {
  readonly algorithm: KeyManagementAlgorithm
  readonly encryption: ContentEncryptionAlgorithm
  encrypt(payload: string | Buffer | object): string
  encryptAsync(payload: string | Buffer | object, options?: AsyncOptions): Promise<string>
}
export interface Decrypter<Result = JwtPayload | string> {
  decrypt(token: string): Result
  decryptAsync(token: string, options?: AsyncOptions): Promise<Result>
}
/** `key` is key material (a key function is for encrypt()). */
export declare function createEncrypter(options: EncryptOptions & { key: JweKey }): Encrypter
/** `key` is key material (a key function is for decrypt()). */
export declare function createDecrypter(
  options: DecryptOptions & { key: JweKey; complete: true },
): Decrypter<DecryptedJwe>
export declare function createDecrypter(options: DecryptOptions & { key: JweKey }): Decrypter

// ─── 9. Sessions and refresh tokens ────────────────────────────────────────────────────────────────────────────
// createSessionStore(), createRedisSessionStore(client), and the Redis stores' behaviour when Redis is down
// (StoreUnavailableError).

/** Lifetimes are seconds or timespan strings such as `'15m'`. */
export interface SessionStoreOptions {
  /** An access token's life (capped by its session's end). Default `'15m'`. */
  accessTokenLifetime?: number | string
  /** A session ends this long after its last login or refresh. Default `'7d'`. */
  idleLifetime?: number | string
  /** A session ends this long after its login, however often refreshed. Default `'30d'`. */
  absoluteLifetime?: number | string
  /** Seconds records are kept past expiry: the `clockTolerance` your verifier allows. Default 0. */
  clockTolerance?: number
}

export interface RedisSessionStoreOptions extends SessionStoreOptions, RedisClientOptions {
  /** Key prefix. Default `'ringjwt:session:'`. A hash tag in it (`'{ringjwt}:'`) puts every key in one Cluster slot. */
  prefix?: string
}

/** A live session. `metadata` is what the app gave at login (`{}` when nothing). */
export interface Session<M extends object = Record<string, unknown>> {
  id: string
  subject: string
  createdAt: Date
  /** The last login or refresh. */
  lastUsedAt: Date
  expiresAt: Date
  metadata: M
}

/** The claims of a new access token, to sign as they are (plus the app's own); `exp` is whole seconds. */
export interface SessionClaims {
  sub: string
  sid: string
  jti: string
  exp: number
  /** For a session bound to a DPoP key: the key's thumbprint, for the access token's `cnf`. */
  cnf?: { jkt: string }
}

/** Binds a session to a DPoP key: the `jkt` of a verified proof (verifyDpopProof). */
export interface SessionBindingOptions {
  jkt?: string | undefined
}

/** What a login (`create`) or a `refresh` hands out. */
export interface IssuedSession<M extends object = Record<string, unknown>> {
  session: Session<M>
  /** `<session id>.<256 random bits, base64url>`; the store keeps only its SHA-256. */
  refreshToken: string
  claims: SessionClaims
}

/** What `create` or `refresh` hands out when given `sign`: also the signed access token, bound to the session. */
export interface SignedSession<M extends object = Record<string, unknown>> extends IssuedSession<M> {
  token: string
}

/**
 * Signs a session's access token: the store's claims (as they are) plus the app's own, returning the compact JWS.
 * The store records a fingerprint of its signature in the same write, so the check refuses a token re-signed over
 * other claims.
 */
export type SessionSigner<M extends object = Record<string, unknown>> = (
  claims: SessionClaims,
  session: Session<M>,
) => string
export type AsyncSessionSigner<M extends object = Record<string, unknown>> = (
  claims: SessionClaims,
  session: Session<M>,
) => Promise<string>

/** The options of `create` and `refresh`. */
export interface SessionIssueOptions<M extends object = Record<string, unknown>> extends SessionBindingOptions {
  /** Signs the access token; the store binds it (see SignedSession). Without it, the token is not bound. */
  sign?: SessionSigner<M> | AsyncSessionSigner<M>
}
export type SessionSignOptions<M extends object = Record<string, unknown>> = SessionBindingOptions & {
  sign: SessionSigner<M>
}
export type AsyncSessionSignOptions<M extends object = Record<string, unknown>> = SessionBindingOptions & {
  sign: AsyncSessionSigner<M>
}

/**
 * What the session check is given: the decoded token the middleware passes (`signature`, or a decrypted nested
 * token's `signed.signature`), verify({ complete: true })'s result, or the verified token string. The claims
 * alone (a payload) are refused for a token bound with its signature (`token_signature_required`).
 */
export interface SessionCheckedToken {
  header: JwtHeader | Record<string, unknown>
  payload: JwtPayload | string
  signature?: string
  signed?: { signature: string }
}

/** The codes of the UnauthorizedError a session store refuses with (status 401). */
export type SessionRefusalCode =
  | 'session_unknown'
  | 'session_expired'
  | 'session_ended'
  | 'token_not_issued'
  | 'token_signature_required'
  | 'refresh_token_invalid'
  | 'refresh_token_expired'
  | 'refresh_token_reused'

/**
 * The in-process store. Methods return plain values (which `await` also accepts). Refusals throw an
 * UnauthorizedError whose `code` is a SessionRefusalCode; bad arguments a TypeError (`ERR_JWT_INVALID_OPTION`).
 */
export interface SessionStore<M extends object = Record<string, unknown>> {
  /**
   * Starts a session for `subject` (a login). `metadata`: a plain object, at most 2 kB as JSON. With `sign`, the
   * store signs the access token and binds it (a promise when `sign` returns one). With `jkt`, the session is
   * bound to that DPoP key.
   */
  create(subject: string, metadata: M | undefined, options: SessionSignOptions<M>): SignedSession<M>
  create(subject: string, metadata: M | undefined, options: AsyncSessionSignOptions<M>): Promise<SignedSession<M>>
  create(subject: string, metadata?: M, options?: SessionIssueOptions<M>): IssuedSession<M>
  /**
   * Rotates the refresh token. A retired one ends the session (`refresh_token_reused`). A session bound to a DPoP
   * key refreshes only with the same `jkt`; an unbound one given a `jkt` is bound from then on.
   */
  refresh(refreshToken: string, options: SessionSignOptions<M>): SignedSession<M>
  refresh(refreshToken: string, options: AsyncSessionSignOptions<M>): Promise<SignedSession<M>>
  refresh(refreshToken: string, options?: SessionIssueOptions<M>): IssuedSession<M>
  /** The middleware check: `false` for a token its live session issued, else throws. Never `true`. */
  isRevoked(token: JwtPayload | SessionCheckedToken | string): false
  isRevoked(req: unknown, token: SessionCheckedToken): false
  /** The live session `id`, or null. */
  get(id: string): Session<M> | null
  /** The live sessions of `subject`, oldest first. */
  list(subject: string): Session<M>[]
  /** Ends a live session; false when there is none. */
  end(id: string): boolean
  /** Ends every live session of `subject`; returns how many. */
  endAll(subject: string): number
  /** Drops records that can no longer matter; returns how many. Optional: inserts prune as they go. */
  prune(): number
  /** Records held: live sessions and recent tombstones. */
  readonly size: number
}

/** The same interface on Redis, every method returning a promise. Redis down: StoreUnavailableError. */
export interface RedisSessionStore<M extends object = Record<string, unknown>> {
  create(
    subject: string,
    metadata: M | undefined,
    options: SessionSignOptions<M> | AsyncSessionSignOptions<M>,
  ): Promise<SignedSession<M>>
  create(subject: string, metadata?: M, options?: SessionIssueOptions<M>): Promise<IssuedSession<M>>
  refresh(refreshToken: string, options: SessionSignOptions<M> | AsyncSessionSignOptions<M>): Promise<SignedSession<M>>
  refresh(refreshToken: string, options?: SessionIssueOptions<M>): Promise<IssuedSession<M>>
  isRevoked(token: JwtPayload | SessionCheckedToken | string): Promise<false>
  isRevoked(req: unknown, token: SessionCheckedToken): Promise<false>
  get(id: string): Promise<Session<M> | null>
  list(subject: string): Promise<Session<M>[]>
  end(id: string): Promise<boolean>
  endAll(subject: string): Promise<number>
}

/** The same as RedisClientLike: one client type serves both Redis stores. */
export type RedisSessionClientLike = RedisClientLike

/** What made a Redis store refuse (docs/errors.md): the client's state, the time, or Redis's reply. */
export type StoreUnavailableReason =
  | 'not_connected'
  | 'timeout'
  | 'replicas'
  | 'unreadable'
  | 'error'
  | 'crossslot'
  | 'moved'
  | 'ask'
  | 'tryagain'
  | 'clusterdown'
  | 'readonly'
  | 'masterdown'
  | 'loading'
  | 'noreplicas'
  | 'busy'
  | 'oom'
  | 'unavailable'

/**
 * A Redis store that cannot answer: not connected, no answer within `timeout`, too few replicas, or an error
 * reply. Requests fail closed; `status` 503 makes Express (and the demo) answer 503 rather than 401. `cause` is
 * the Redis error; `reason` says what happened.
 */
export declare class StoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown, reason?: StoreUnavailableReason)
  name: 'StoreUnavailableError'
  readonly code: 'ERR_STORE_UNAVAILABLE'
  readonly status: 503
  readonly reason: StoreUnavailableReason
}

// ─── DPoP (RFC 9449) ───────────────────────────────────────────────────────────────────────────────────────────

/** The algorithms a DPoP proof may be signed with: asymmetric only. */
export type DpopAlgorithm =
  'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512' | 'EdDSA'

/** Remembers proofs until their window closes: `true` for one not seen before. Times are unix seconds. */
export interface DpopReplayCache {
  remember(id: string, until: number, now: number): boolean | Promise<boolean>
}

export interface VerifyDpopProofOptions {
  /** The request method, compared exactly (`"GET"`). */
  htm: string
  /** The request URL, absolute; compared without query and fragment, scheme and host lowercase, no default port. */
  htu: string
  /** The access token presented with the proof: the proof's `ath` must be its SHA-256. */
  accessToken?: string | undefined
  /** The thumbprint the access token is bound to (its `cnf.jkt`): the proof key must have it. */
  jkt?: string | undefined
  /** The server nonce(s) the proof must carry one of. */
  nonce?: string | string[] | undefined
  /** Default: every asymmetric algorithm. */
  algorithms?: DpopAlgorithm[] | undefined
  /** Seconds a proof is accepted after its `iat` (and before it). Default 60. */
  maxAge?: number | undefined
  /** Seconds added to `maxAge` for clock skew. Default 0. */
  clockTolerance?: number | undefined
  /** The time to check against, in unix seconds. Default: now. */
  clockTimestamp?: number | undefined
  /** Refuses a proof seen before (ERR_DPOP_REPLAYED). Without one, replays are not detected. */
  replayCache?: DpopReplayCache | undefined
}

export interface VerifiedDpopProof {
  header: JwtHeader & { typ: 'dpop+jwt'; jwk: PublicJwk }
  payload: {
    jti: string
    htm: string
    htu: string
    iat: number
    ath?: string
    nonce?: string
    [claim: string]: unknown
  }
  /** The RFC 7638 SHA-256 thumbprint of the proof key: the `cnf.jkt` of tokens bound to it. */
  jkt: string
}

export interface CreateDpopProofOptions {
  htm: string
  htu: string
  /** The access token the request carries: sets `ath`. */
  accessToken?: string | undefined
  /** The server's nonce (from its `DPoP-Nonce` header). */
  nonce?: string | undefined
  /** Default: a random UUID. */
  jti?: string | undefined
  /** Default: now, in whole seconds. */
  iat?: number | undefined
  /** Default: from the key (ES256 for P-256, EdDSA for Ed25519, PS256 for RSA). */
  algorithm?: DpopAlgorithm | undefined
}

export declare function calculateJwkThumbprint(
  jwk: JsonWebKey | KeyObject,
  digest?: 'sha256' | 'sha384' | 'sha512',
): string
export declare function verifyDpopProof(proof: string, options: VerifyDpopProofOptions): Promise<VerifiedDpopProof>
export declare function createDpopProof(
  key: KeyObject | string | Buffer | JsonWebKey,
  options: CreateDpopProofOptions,
): string
export declare function createDpopReplayCache(options?: { maxEntries?: number | undefined }): DpopReplayCache & {
  readonly size: number
}
export declare function createRedisDpopReplayCache(
  client: RedisClientLike,
  options?: { prefix?: string | undefined; timeout?: number | undefined },
): DpopReplayCache

export declare function createSessionStore<M extends object = Record<string, unknown>>(
  options?: SessionStoreOptions,
): SessionStore<M>
export declare function createRedisSessionStore<M extends object = Record<string, unknown>>(
  client: RedisSessionClientLike,
  options?: RedisSessionStoreOptions,
): RedisSessionStore<M>

// ─── 10. Issuer key rings ──────────────────────────────────────────────────────────────────────────────────────

export type KeyRingAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'

/**
 * Where a key ring keeps its state: one text record. `compareAndSet` writes `value` only while the record is
 * still `expected` (null: no record yet) and says whether it wrote.
 */
export interface KeyRingStore {
  get(): Promise<string | null>
  compareAndSet(expected: string | null, value: string): Promise<boolean>
}

export interface KeyRingOptions {
  /** Default 'ES256'. */
  algorithm?: KeyRingAlgorithm
  /** How long a key signs, and how long before that its successor is published: seconds or a timespan. Default '30d'. */
  rotateEvery?: number | string
  /** How long a key stays published after it stopped signing: at least the longest token lifetime. Default '1d'. */
  overlap?: number | string
  /** Default: in this process only (createKeyRingMemoryStore()). */
  store?: KeyRingStore
  /** A 32-byte key-encryption key: private keys are stored as JWEs wrapped with A256KW. */
  kek?: Buffer | Uint8Array | KeyObject
}

export interface KeyRing {
  /** Signs with the current key (alg and kid set by the ring); tokens without `exp` live for `overlap`. */
  sign(payload: string | Buffer | object, options?: Omit<SignOptions, 'algorithm' | 'keyid'>): Promise<string>
  /** The current key, for sign() or a signer of your own. */
  signingKey(): Promise<{ key: KeyObject; kid: string; algorithm: KeyRingAlgorithm }>
  /** The published set: previous keys still in their overlap, the current key, the next key. */
  jwks(): Promise<JwkSet>
  /** For Express and node:http: serves jwks() with Cache-Control. */
  handler(): (req: unknown, res: import('node:http').ServerResponse, next?: (err?: unknown) => void) => void
  /** For Fastify: `(request, reply)`. */
  fastifyHandler(): (
    request: unknown,
    reply: { header(name: string, value: string): unknown; type(value: string): unknown },
  ) => Promise<string>
  /** For Hono and other fetch-style frameworks: returns a Response. */
  honoHandler(): (c?: unknown) => Promise<Response>
  /** The Cache-Control the handlers send. */
  readonly cacheControl: string
  readonly algorithm: KeyRingAlgorithm
}

/** The clients the Redis stores take (node-redis or ioredis, one node, Sentinel or Cluster). */
export type RedisKeyRingClientLike = RedisClientLike

export declare function createKeyRing(options?: KeyRingOptions): KeyRing
export declare function createKeyRingMemoryStore(): KeyRingStore
export declare function createRedisKeyRingStore(
  client: RedisKeyRingClientLike,
  options?: { key?: string; timeout?: number },
): KeyRingStore
