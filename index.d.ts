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
// A new feature adds its own section at the end.
import type { JsonWebKey, KeyObject, createPrivateKey, createPublicKey } from 'node:crypto'

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
export type GetPublicKeyOrSecret = (header: JwtHeader, callback: SigningKeyCallback) => void

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
  /** Keep up to this many verified tokens (off by default). An entry never outlives the token's `exp`. */
  cache?: number | undefined
  /** Milliseconds an entry may live at most; default 600000. */
  cacheTTL?: number | undefined
  /** Also remember failures for `cacheTTL` (default false). */
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
  /** Fetches the set now; on failure the promise rejects and the last good set stays in use. */
  reload(): Promise<void>
}

export declare function exportJwks(entries: JwksEntry[]): JwkSet
export declare function createLocalJwks(jwks: JwkSet): LocalJwks
export declare function createRemoteJwks(url: string | URL, options?: RemoteJwksOptions): RemoteJwks

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
