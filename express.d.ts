/// <reference types="node" />
// ringjwt/express's types, in sections:
//   1. express-jwt 8's API: the names, types and generic parameters of its bundled index.d.ts, so code written
//      against it compiles unchanged when it imports 'ringjwt/express'. ringjwt adds a request type parameter to
//      the callback types and the middleware's options (default: the request below).
//   2. Token extractors.
import type { IncomingMessage, ServerResponse } from 'node:http'
// @types/express is optional. Express users have it, and the request type is then Express's, as in express-jwt;
// without it (a node:http server, or no middleware at all) this import finds nothing and the request is Node's.
// @ts-ignore
import type * as express from 'express'
import type {
  Algorithm,
  ContentEncryptionAlgorithm,
  DecryptedJwe,
  DpopAlgorithm,
  DpopReplayCache,
  JweKey,
  Jwt,
  JwtPayload,
  KeyManagementAlgorithm,
  PublicKey,
  Secret,
  SessionRefusalCode,
  VerifiedDpopProof,
  VerifierOptions,
  VerifyOptions,
} from './index'

// ─── 1. express-jwt's API ──────────────────────────────────────────────────────────────────────────────────────

// `keyof` of a module that was not found is `string | number | symbol`; Express's request has named members only.
type HasExpressTypes = string extends keyof express.Request ? false : true

/** Node's request and whatever a framework adds to it (`params`, `query`, `body`, `cookies` …). */
interface NodeRequest extends IncomingMessage {
  [property: string]: any
}

/** The request as the middleware's callbacks see it: Express's when @types/express is installed, else Node's. */
export type BaseRequest = HasExpressTypes extends true ? express.Request : NodeRequest

/** The request with the decoded token's payload under `auth` (Express's request when @types/express is there). */
export type Request<T = JwtPayload> = BaseRequest & { auth?: T }

/** @deprecated express-jwt's old name, with `auth` always present; use Request<T>. */
export type ExpressJwtRequest<T = JwtPayload> = BaseRequest & { auth: T }

/** @deprecated express-jwt's old name; use Request<T>. */
export type ExpressJwtRequestUnrequired<T = JwtPayload> = BaseRequest & { auth?: T }

/** The key for a token, from the request and the decoded token (`undefined` when it cannot be decoded). */
export type GetVerificationKey<R = Request> = (
  req: R,
  token: Jwt | undefined,
) => Secret | undefined | Promise<Secret | undefined>
/** @deprecated express-jwt's old name; use GetVerificationKey. */
export type SecretCallback<R = Request> = GetVerificationKey<R>
/** @deprecated express-jwt's old name; use GetVerificationKey. */
export type SecretCallbackLong<R = Request> = GetVerificationKey<R>

/**
 * Whether a verified token has been revoked. ringjwt calls it only with a token, never with `undefined`: a `Jwt`,
 * or with the `decrypt` option also an encrypted token as decrypted (`RevocationToken`).
 */
export type IsRevoked<R = Request, T = Jwt> = (req: R, token: T) => boolean | Promise<boolean>

/**
 * What `isRevoked` gets with the `decrypt` option: a signed token as a `Jwt`, an encrypted one as decrypt() reads
 * it with `complete` (`header` the JWE's, `signed` the header and signature of the JWT inside; no `signed` with
 * `requireSigned: false` for a token that is only encrypted). With a key function as `secret`, the JWT inside a
 * nested token is a `Jwt`.
 */
export type RevocationToken = Jwt | DecryptedJwe

/** Called for an expired token; if it returns (or resolves), the request goes on with the token's payload. */
export type ExpirationHandler<R = Request> = (req: R, err: UnauthorizedError) => void | Promise<void>

/** Finds the token in a request; a falsy result means there is none. */
export type TokenGetter<R = Request> = (req: R) => string | Promise<string | undefined> | undefined

// `T`, in a place TypeScript does not infer a type argument from: the request type comes from `isRevoked` and
// `onExpired` (or the default), not from a JWK Set or an extractor, which take any request (TypeScript 5.4's
// NoInfer, written so that earlier versions read it too).
type NotInferred<T> = [T][T extends unknown ? 0 : never]

/** The options but `decrypt` and `isRevoked`, whose token type depends on `decrypt`. */
type CommonParams<R> = {
  /** A key (every form verify() takes), or a function returning one per request. */
  secret: Secret | PublicKey | GetVerificationKey<NotInferred<R>>
  /** Default: the `Authorization: Bearer <token>` header. */
  getToken?: TokenGetter<NotInferred<R>> | undefined
  /** Default true: a request without a token is refused with `credentials_required`. */
  credentialsRequired?: boolean | undefined
  /** Where the payload goes; dotted paths such as `'auth.payload'` work. Default `'auth'`. */
  requestProperty?: string | undefined
  /** Required, as in express-jwt. */
  algorithms: Algorithm[]
  onExpired?: ExpirationHandler<R> | undefined
  /** DPoP (RFC 9449): `Authorization: DPoP <token>` with a `DPoP` proof header. Off by default. */
  dpop?: ExpressJwtDpopOptions | undefined
} & VerifyOptions &
  Pick<VerifierOptions, 'cache' | 'cacheTTL' | 'cacheErrors'>

/** The options without `decrypt`, as express-jwt's: `isRevoked` gets a `Jwt`. */
export type SignedTokenParams<R = Request> = CommonParams<R> & {
  isRevoked?: IsRevoked<R> | undefined
  decrypt?: undefined
}

/** The options with `decrypt`: `isRevoked` gets a `Jwt` or a decrypted token (RevocationToken). */
export type EncryptedTokenParams<R = Request> = CommonParams<R> & {
  isRevoked?: IsRevoked<R, RevocationToken> | undefined
  /** Accept encrypted tokens (JWE) too: decrypted with `key`, the signed JWT inside verified with `secret`. */
  decrypt: ExpressJwtDecryptOptions
}

/**
 * The middleware's options: express-jwt's, and ringjwt's (`decrypt`, `dpop`, the cache). Given to expressjwt()
 * directly, an `isRevoked` written inline gets its token type from whether `decrypt` is there; in a variable typed
 * `Params` with a `decrypt` object written inline, type it `EncryptedTokenParams` (or its token parameter).
 */
export type Params<R = Request> = SignedTokenParams<R> | EncryptedTokenParams<R>

/** ringjwt's name for express-jwt's `Params`. */
export type ExpressJwtOptions<R = Request> = Params<R>

export interface ExpressJwtDecryptOptions {
  /** Key material, in any form decrypt() takes. */
  key: JweKey
  algorithms: KeyManagementAlgorithm[]
  encryptions?: ContentEncryptionAlgorithm[] | undefined
  maxPbes2Count?: number | undefined
  maxInflatedSize?: number | undefined
  /** Default true: only nested tokens (signed, then encrypted); false also accepts tokens that are only encrypted. */
  requireSigned?: boolean | undefined
}

export interface ExpressJwtDpopOptions {
  /** `required`: only DPoP-bound tokens with proofs; `allowed` (default): unbound Bearer tokens too. */
  mode?: 'required' | 'allowed' | undefined
  algorithms?: DpopAlgorithm[] | undefined
  /** Seconds a proof is accepted after its `iat`. Default 60. */
  maxAge?: number | undefined
  clockTolerance?: number | undefined
  /** createDpopReplayCache() or createRedisDpopReplayCache(client). */
  replayCache?: DpopReplayCache | undefined
  /** Server nonces (`DPoP-Nonce`, `use_dpop_nonce`): true, or `{ lifetime }` in seconds (default 300). */
  nonce?: boolean | { lifetime: number } | undefined
}

/** What `req.dpop` holds once a proof passed. */
export type DpopRequestProof = VerifiedDpopProof

/**
 * Express's `NextFunction` as the middleware calls it. The error is `any`, as in Express's own type, so a callback
 * written for express-jwt (`function (err) { err.code }`) compiles unchanged.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NextFunction = (err?: any) => void

/**
 * The middleware. It returns a promise, as express-jwt's does, that resolves once `next` has run (at once when no
 * callback made it wait); it never rejects: failures go to `next`.
 */
export interface ExpressJwtMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): Promise<void>
  /** express-unless: skip the middleware for some paths, methods, extensions or a custom test. */
  unless(options: UnlessOptions): ExpressJwtMiddleware
}

export type UnlessPath = string | RegExp | { url: string | RegExp; method?: string; methods?: string | string[] }
export type UnlessOptions =
  | {
      method?: string | string[]
      path?: UnlessPath | UnlessPath[]
      ext?: string | string[]
      useOriginalUrl?: boolean
      custom?: (req: Request) => boolean | Promise<boolean>
    }
  | ((req: Request) => boolean | Promise<boolean>)

/** Returns an Express (or node:http) middleware that verifies the request's token. */
export declare function expressjwt<R = Request>(options: SignedTokenParams<R>): ExpressJwtMiddleware
export declare function expressjwt<R = Request>(
  options: Omit<EncryptedTokenParams<R>, 'decrypt'> & { decrypt: ExpressJwtDecryptOptions | undefined },
): ExpressJwtMiddleware
export declare function expressjwt<R = Request>(options: Params<R>): ExpressJwtMiddleware

export type ErrorLike = Error | { message: string }

/** express-jwt's `ErrorCode` (not exported there), and the session store's refusals (`isRevoked: sessions.isRevoked`). */
export type UnauthorizedErrorCode =
  | 'credentials_bad_scheme'
  | 'credentials_bad_format'
  | 'credentials_required'
  | 'invalid_token'
  | 'revoked_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | SessionRefusalCode

export declare class UnauthorizedError extends Error {
  constructor(code: UnauthorizedErrorCode, error: ErrorLike)
  readonly status: 401
  readonly code: UnauthorizedErrorCode
  /** For `invalid_token`, the verify error (a JsonWebTokenError with its own `code`); else `{ message }`. */
  readonly inner: ErrorLike
  /** With `dpop`: the RFC 9449 challenge (`WWW-Authenticate`, and `DPoP-Nonce` when nonces are on). */
  headers?: Record<string, string>
}

// ─── 2. Token extractors ───────────────────────────────────────────────────────────────────────────────────────

/** Finds a token in a request, for `getToken`. */
export type JwtFromRequest = (req: IncomingMessage) => string | undefined
export type AsyncJwtFromRequest = (req: IncomingMessage) => string | undefined | Promise<string | undefined>

export declare function fromAuthHeaderAsBearerToken(): JwtFromRequest
export declare function fromAuthHeaderWithScheme(scheme: string): JwtFromRequest
export declare function fromHeader(headerName: string): JwtFromRequest
export declare function fromUrlQueryParameter(parameterName: string): JwtFromRequest
/** Needs a body parser that sets `req.body`. */
export declare function fromBodyField(fieldName: string): JwtFromRequest
/** Reads `req.cookies` when cookie-parser set it, else the Cookie header. */
export declare function fromCookie(cookieName: string): JwtFromRequest
export declare function fromExtractors(extractors: JwtFromRequest[]): JwtFromRequest
export declare function fromExtractors(extractors: AsyncJwtFromRequest[]): AsyncJwtFromRequest

export declare const ExtractJwt: {
  readonly fromAuthHeaderAsBearerToken: typeof fromAuthHeaderAsBearerToken
  readonly fromAuthHeaderWithScheme: typeof fromAuthHeaderWithScheme
  readonly fromHeader: typeof fromHeader
  readonly fromUrlQueryParameter: typeof fromUrlQueryParameter
  readonly fromBodyField: typeof fromBodyField
  readonly fromCookie: typeof fromCookie
  readonly fromExtractors: typeof fromExtractors
}

// Only what is exported above is public (HasExpressTypes and NodeRequest are not).
export {}
