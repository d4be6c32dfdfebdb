/// <reference types="node" />
import type { KeyObject } from 'node:crypto'

export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'none'

/** Every `code` an error from ringjwt can carry. */
export type ErrorCode =
  | 'ERR_JWT_INVALID_OPTION'
  | 'ERR_JWT_PAYLOAD_INVALID'
  | 'ERR_JWT_REQUIRED'
  | 'ERR_JWT_NOT_STRING'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_HEADER_INVALID'
  | 'ERR_JWT_INVALID_UTF8'
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
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWT_AUDIENCE_INVALID'
  | 'ERR_JWT_ISSUER_INVALID'
  | 'ERR_JWT_SUBJECT_INVALID'
  | 'ERR_JWT_JWTID_INVALID'
  | 'ERR_JWT_NONCE_INVALID'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWE_HEADER_INVALID'
  | 'ERR_JWE_PBES2_COUNT'
  | 'ERR_JWE_ZIP_NOT_ALLOWED'
  | 'ERR_JWE_INFLATE_LIMIT'
  | 'ERR_JWE_NESTED_KEY_REQUIRED'
  | 'ERR_JWE_NESTED_REQUIRED'
  | 'ERR_STORE_UNAVAILABLE'

/** One line per code, saying what failed. */
export declare const codes: Readonly<Record<ErrorCode, string>>

export declare class JsonWebTokenError extends Error {
  constructor(message: string, error?: Error, code?: ErrorCode)
  name: 'JsonWebTokenError' | 'TokenExpiredError' | 'NotBeforeError'
  code: ErrorCode
  inner?: Error
}

export declare class TokenExpiredError extends JsonWebTokenError {
  constructor(message: string, expiredAt: Date)
  name: 'TokenExpiredError'
  code: 'ERR_JWT_EXPIRED'
  expiredAt: Date
}

export declare class NotBeforeError extends JsonWebTokenError {
  constructor(message: string, date: Date)
  name: 'NotBeforeError'
  code: 'ERR_JWT_NOT_ACTIVE'
  date: Date
}

/** A key as node:crypto reads it: `{ key, passphrase }`, `{ key: jwk, format: 'jwk' }`, and so on. */
export interface KeyInput {
  key: string | Buffer | JsonWebKey
  format?: 'pem' | 'der' | 'jwk'
  type?: 'pkcs1' | 'pkcs8' | 'spki' | 'sec1'
  passphrase?: string | Buffer
  encoding?: BufferEncoding
}

export type Secret = string | Buffer | KeyObject | KeyInput

export interface JwtHeader {
  alg: Algorithm | string
  typ?: string
  kid?: string
  cty?: string
  jku?: string
  x5u?: string | string[]
  x5t?: string
  crit?: string[]
  [name: string]: unknown
}

export interface JwtPayload {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  nonce?: string
  [claim: string]: unknown
}

export interface Jwt {
  header: JwtHeader
  payload: JwtPayload | string
  signature: string
}

export interface SignOptions {
  /** Default `HS256`. */
  algorithm?: Algorithm
  /** Seconds, or a timespan string (`'2h'`, `'7d'`; a bare numeric string is milliseconds). */
  expiresIn?: number | string
  notBefore?: number | string
  audience?: string | string[]
  issuer?: string
  jwtid?: string
  subject?: string
  noTimestamp?: boolean
  header?: Partial<JwtHeader>
  keyid?: string
  mutatePayload?: boolean
  encoding?: BufferEncoding
  allowInsecureKeySizes?: boolean
  allowInvalidAsymmetricKeyTypes?: boolean
}

export interface VerifyOptions {
  /** Allowed `alg` values. Default: the algorithms the key can serve. `'none'` only when listed. */
  algorithms?: Algorithm[]
  audience?: string | RegExp | Array<string | RegExp>
  issuer?: string | string[]
  subject?: string
  jwtid?: string
  nonce?: string
  complete?: boolean
  ignoreExpiration?: boolean
  ignoreNotBefore?: boolean
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `maxAge`. */
  clockTolerance?: number
  maxAge?: number | string
  /** The current time in seconds; default `Math.floor(Date.now() / 1000)`. */
  clockTimestamp?: number
  allowInvalidAsymmetricKeyTypes?: boolean
  /** Accept RSA keys under 2048 bits (verified by node:crypto). */
  allowInsecureKeySizes?: boolean
  /**
   * The JWT profile of RFC 7519 and RFC 8725 (default false): the payload must be a JSON object, `exp`/`nbf`/`iat`
   * numbers, `aud` a string or array of strings, `iss`/`sub`/`jti` strings, and an HMAC secret at least as long
   * as the hash output (32, 48, 64 bytes).
   */
  strict?: boolean
}

export interface DecodeOptions {
  complete?: boolean
  json?: boolean
}

export type SignCallback = (error: Error | null, token?: string) => void
export type VerifyCallback<T = JwtPayload | string> = (error: JsonWebTokenError | null, decoded?: T) => void
export type GetPublicKeyOrSecret = (header: JwtHeader, callback: (error: Error | null, key?: Secret) => void) => void

export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | null,
  options?: SignOptions,
): string
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | null,
  callback: SignCallback,
): void
export declare function sign(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | null,
  options: SignOptions,
  callback: SignCallback,
): void

export declare function verify(
  token: string,
  secretOrPublicKey: Secret | null,
  options: VerifyOptions & { complete: true },
): Jwt
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | null,
  options?: VerifyOptions,
): JwtPayload | string
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | null | GetPublicKeyOrSecret,
  callback: VerifyCallback,
): void
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | null | GetPublicKeyOrSecret,
  options: VerifyOptions & { complete: true },
  callback: VerifyCallback<Jwt>,
): void
export declare function verify(
  token: string,
  secretOrPublicKey: Secret | null | GetPublicKeyOrSecret,
  options: VerifyOptions,
  callback: VerifyCallback,
): void

export declare function decode(token: string, options: DecodeOptions & { complete: true }): Jwt | null
export declare function decode(token: string, options?: DecodeOptions): JwtPayload | string | null

export interface AsyncOptions {
  /** Cancels work that has not started yet; the promise rejects with an `AbortError`. */
  signal?: AbortSignal
}

export declare function signAsync(
  payload: string | Buffer | object,
  secretOrPrivateKey: Secret | null,
  options?: SignOptions & AsyncOptions,
): Promise<string>

export declare function verifyAsync(
  token: string,
  secretOrPublicKey: Secret | null | GetPublicKeyOrSecret,
  options: VerifyOptions & AsyncOptions & { complete: true },
): Promise<Jwt>
export declare function verifyAsync(
  token: string,
  secretOrPublicKey: Secret | null | GetPublicKeyOrSecret,
  options?: VerifyOptions & AsyncOptions,
): Promise<JwtPayload | string>

export interface SignerOptions extends SignOptions {
  key: Secret | null
}

export interface Signer {
  readonly algorithm: Algorithm
  sign(payload: string | Buffer | object): string
  signAsync(payload: string | Buffer | object, options?: AsyncOptions): Promise<string>
}

export interface VerifierOptions extends VerifyOptions {
  key?: Secret | null
  /** Keep up to this many verified tokens (off by default). An entry never outlives the token's `exp`. */
  cache?: number
  /** Milliseconds an entry may live at most; default 600000. */
  cacheTTL?: number
  /** Also remember failures for `cacheTTL` (default false). */
  cacheErrors?: boolean
}

export interface Verifier<T> {
  verify(token: string): T
  verifyAsync(token: string, options?: AsyncOptions): Promise<T>
}

export declare function createSigner(options: SignerOptions): Signer
export declare function createVerifier(options: VerifierOptions & { complete: true }): Verifier<Jwt>
export declare function createVerifier(options: VerifierOptions): Verifier<JwtPayload | string>

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
 * middleware's `secret` `(req, { header, payload })`, and called directly with a header.
 */
export interface JwksKeyResolver<R> {
  (header: JwtHeader, callback: (error: Error | null, key?: KeyObject) => void): void
  (req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): R
  (header: JwtHeader): R
}

export interface LocalJwks extends JwksKeyResolver<KeyObject> {
  /** The verification keys the set holds. */
  readonly keys: KeyObject[]
}

export interface RemoteJwksOptions {
  /** How long a fetched set is used before it is fetched again, in ms. Default 600000. */
  cacheMaxAge?: number
  /** The least time between two fetches triggered by an unknown `kid`, in ms. Default 30000. */
  cooldown?: number
  /** Request timeout in ms. Default 5000. */
  timeout?: number
  headers?: Record<string, string>
  fetch?: typeof fetch
}

export interface RemoteJwks extends JwksKeyResolver<Promise<KeyObject>> {
  /** Fetches the set now. */
  reload(): Promise<void>
}

export declare function exportJwks(entries: JwksEntry[]): JwkSet
export declare function createLocalJwks(jwks: JwkSet): LocalJwks
export declare function createRemoteJwks(url: string | URL, options?: RemoteJwksOptions): RemoteJwks

export * from './express'

/** What revoke() takes: a token string (decoded, not verified), a payload, or `{ header, payload }`. */
export type RevocableToken = string | JwtPayload | { header: JwtHeader; payload: JwtPayload }

export interface TokenStoreOptions {
  /** Seconds entries are kept past `exp`: the `clockTolerance` your verifier allows. Default 0. */
  clockTolerance?: number
  /** The longest life of any token you issue (seconds, or a timespan such as `'1d'`). Default 30 days. */
  maxTokenLifetime?: number | string
}

export interface RedisTokenStoreOptions extends TokenStoreOptions {
  /** Key prefix. Default `'ringjwt:revoked:'`. */
  prefix?: string
}

/**
 * The in-process store. Methods return plain values (which `await` also accepts). `isRevoked` works both as
 * `isRevoked(payload)` and as the middleware's `isRevoked(req, { header, payload })`.
 */
export interface TokenStore {
  /** Revokes the token until its `exp`; false when it has already expired. A TypeError without `jti` or `exp`. */
  revoke(token: RevocableToken): boolean
  isRevoked(payload: JwtPayload | string): boolean
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
  isRevoked(payload: JwtPayload | string): Promise<boolean>
  isRevoked(req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): Promise<boolean>
  revokeAllFor(sub: string, when?: Date | number): Promise<boolean>
}

/** The node-redis v5 client methods the Redis store uses (a `createClient()` result, connected). */
export interface RedisClientLike {
  set(key: string, value: string, options: { expiration: { type: 'EX'; value: number } }): Promise<unknown>
  mGet(keys: string[]): Promise<ReadonlyArray<unknown>>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

export declare function createTokenStore(options?: TokenStoreOptions): TokenStore
export declare function createRedisTokenStore(
  client: RedisClientLike,
  options?: RedisTokenStoreOptions,
): RedisTokenStore

// ---------------------------------------------------------------------------------------------------------------
// Encrypted tokens (JWE, RFC 7516)

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

/** The key a resolver (a JWK Set, say) is asked for: the header being written or read. */
export type JweKeyFunction = (header: Partial<JweHeader>) => Secret | Promise<Secret>
/** A key for encrypt() and decrypt(): key material, a key function, or a JWK Set resolver. */
export type JweKeyInput = Secret | JweKeyFunction | JwksKeyResolver<KeyObject> | JwksKeyResolver<Promise<KeyObject>>

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
    key: Secret
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
  verify?: { key: Secret; algorithms?: Algorithm[]; allowInsecureKeySizes?: boolean }
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
}

export interface DecryptedJwe {
  header: JweHeader
  payload: JwtPayload | string
  /** For nested tokens: the inner JWS header and signature. */
  signed?: { header: JwtHeader; signature: string }
}

export declare function encrypt(payload: string | Buffer | object, key: JweKeyInput, options: EncryptOptions): string
export declare function encryptAsync(
  payload: string | Buffer | object,
  key: JweKeyInput,
  options: EncryptOptions & AsyncOptions,
): Promise<string>
export declare function decrypt(
  token: string,
  key: JweKeyInput,
  options: DecryptOptions & { complete: true },
): DecryptedJwe
export declare function decrypt(token: string, key: JweKeyInput, options?: DecryptOptions): JwtPayload | string
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
export declare function createEncrypter(options: EncryptOptions & { key: Secret }): Encrypter
export declare function createDecrypter(
  options: DecryptOptions & { key: Secret; complete: true },
): Decrypter<DecryptedJwe>
export declare function createDecrypter(options: DecryptOptions & { key: Secret }): Decrypter

// ---------------------------------------------------------------------------------------------------------------
// Sessions and refresh tokens: createSessionStore(), createRedisSessionStore(client), and the Redis stores'
// behaviour when Redis is down (StoreUnavailableError).
// ---------------------------------------------------------------------------------------------------------------

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

export interface RedisSessionStoreOptions extends SessionStoreOptions {
  /** Key prefix. Default `'ringjwt:session:'`. A hash tag in it (`'{ringjwt}:'`) puts every key in one Cluster slot. */
  prefix?: string
  /** Milliseconds a call may take before it is refused with StoreUnavailableError. Default 1000. */
  timeout?: number
}

/** The Redis token store takes the same `timeout`. */
export interface RedisTokenStoreOptions {
  /** Milliseconds a call may take before it is refused with StoreUnavailableError. Default 1000. */
  timeout?: number
}

/** The Redis token store runs its script with EVALSHA, and refuses at once while `isReady` is false. */
export interface RedisClientLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  readonly isReady?: boolean
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
}

/** What a login (`create`) or a `refresh` hands out. */
export interface IssuedSession<M extends object = Record<string, unknown>> {
  session: Session<M>
  /** `<session id>.<256 random bits, base64url>`; the store keeps only its SHA-256. */
  refreshToken: string
  claims: SessionClaims
}

/** The codes of the UnauthorizedError a session store refuses with (status 401). */
export type SessionRefusalCode =
  | 'session_unknown'
  | 'session_expired'
  | 'session_ended'
  | 'token_not_issued'
  | 'refresh_token_invalid'
  | 'refresh_token_expired'
  | 'refresh_token_reused'

/**
 * The in-process store. Methods return plain values (which `await` also accepts). Refusals throw an
 * UnauthorizedError whose `code` is a SessionRefusalCode; bad arguments a TypeError (`ERR_JWT_INVALID_OPTION`).
 */
export interface SessionStore<M extends object = Record<string, unknown>> {
  /** Starts a session for `subject` (a login). `metadata`: a plain object, at most 2 kB as JSON. */
  create(subject: string, metadata?: M): IssuedSession<M>
  /** Rotates the refresh token. A retired one ends the session (`refresh_token_reused`). */
  refresh(refreshToken: string): IssuedSession<M>
  /** The middleware check: `false` for a token its live session issued, else throws. Never `true`. */
  isRevoked(payload: JwtPayload | string): false
  isRevoked(req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): false
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
  create(subject: string, metadata?: M): Promise<IssuedSession<M>>
  refresh(refreshToken: string): Promise<IssuedSession<M>>
  isRevoked(payload: JwtPayload | string): Promise<false>
  isRevoked(req: unknown, token: { header: JwtHeader; payload: JwtPayload | string }): Promise<false>
  get(id: string): Promise<Session<M> | null>
  list(subject: string): Promise<Session<M>[]>
  end(id: string): Promise<boolean>
  endAll(subject: string): Promise<number>
}

/** The node-redis v5 client methods the Redis session store uses (a `createClient()` result, connected). */
export interface RedisSessionClientLike {
  hmGet(key: string, fields: string[]): Promise<ReadonlyArray<string | null>>
  sAdd(key: string, member: string): Promise<unknown>
  sRem(key: string, members: string[]): Promise<unknown>
  sMembers(key: string): Promise<string[]>
  pExpire(key: string, milliseconds: number): Promise<unknown>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  readonly isReady?: boolean
}

/**
 * A Redis store that cannot answer: not connected, no answer within `timeout`, or an error reply. Requests fail
 * closed; `status` 503 makes Express (and the demo) answer 503 rather than 401. `cause` is the Redis error.
 */
export declare class StoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown)
  name: 'StoreUnavailableError'
  readonly code: 'ERR_STORE_UNAVAILABLE'
  readonly status: 503
}

export declare function createSessionStore<M extends object = Record<string, unknown>>(
  options?: SessionStoreOptions,
): SessionStore<M>
export declare function createRedisSessionStore<M extends object = Record<string, unknown>>(
  client: RedisSessionClientLike,
  options?: RedisSessionStoreOptions,
): RedisSessionStore<M>
