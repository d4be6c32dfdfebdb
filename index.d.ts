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
  | 'ERR_JWS_SIGNATURE_REQUIRED'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JWS_UNSIGNED_NOT_ALLOWED'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_KEY_REQUIRED'
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_TYPE_MISMATCH'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_KEY_UNSUPPORTED'
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
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_JWKS_TOO_LARGE'

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
  /** Accept RSA keys under 2048 bits (only RS256 and RS512 can then be verified). */
  allowInsecureKeySizes?: boolean
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
