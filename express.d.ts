/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http'
import type {
  Algorithm,
  ContentEncryptionAlgorithm,
  Jwt,
  JwtPayload,
  KeyManagementAlgorithm,
  Secret,
  SessionRefusalCode,
  VerifyOptions,
} from './index'

/**
 * The request as the middleware and its callbacks see it: Node's request plus whatever the framework adds
 * (`params`, `query`, `body`, `cookies` ...), and the payload under `auth`. Framework types such as Express's
 * `Request` are assignable to it, and a callback typed with Express's `Request` is accepted as well.
 */
export interface Request<T = JwtPayload> extends IncomingMessage {
  auth?: T
  [property: string]: any
}

/** The key for a token, from the request and the decoded token (`undefined` when it cannot be decoded). */
export type GetVerificationKey<R = Request> = (
  req: R,
  token: Jwt | undefined,
) => Secret | undefined | Promise<Secret | undefined>
/** @deprecated express-jwt's old name; use GetVerificationKey. */
export type SecretCallback<R = Request> = GetVerificationKey<R>
/** @deprecated express-jwt's old name; use GetVerificationKey. */
export type SecretCallbackLong<R = Request> = GetVerificationKey<R>

/** Whether a verified token has been revoked. */
export type IsRevoked<R = Request> = (req: R, token: Jwt) => boolean | Promise<boolean>

/** Called for an expired token; if it returns (or resolves), the request goes on with the token's payload. */
export type ExpirationHandler<R = Request> = (req: R, err: UnauthorizedError) => void | Promise<void>

/** Finds the token in a request; a falsy result means there is none. */
export type TokenGetter<R = Request> = (req: R) => string | Promise<string | undefined> | undefined

export type ExpressJwtOptions<R = Request> = {
  /** A key (every form verify() takes), or a function returning one per request. */
  secret: Secret | GetVerificationKey<R>
  /** Default: the `Authorization: Bearer <token>` header. */
  getToken?: TokenGetter<R>
  isRevoked?: IsRevoked<R>
  /** Default true: a request without a token is refused with `credentials_required`. */
  credentialsRequired?: boolean
  /** Where the payload goes; dotted paths such as `'auth.payload'` work. Default `'auth'`. */
  requestProperty?: string
  /** Required, as in express-jwt. */
  algorithms: Algorithm[]
  onExpired?: ExpirationHandler<R>
  /** Accept encrypted tokens (JWE) too: decrypted with `key`, the signed JWT inside verified with `secret`. */
  decrypt?: ExpressJwtDecryptOptions
} & Omit<VerifyOptions, 'algorithms' | 'complete'>

export interface ExpressJwtDecryptOptions {
  key: Secret
  algorithms: KeyManagementAlgorithm[]
  encryptions?: ContentEncryptionAlgorithm[]
  maxPbes2Count?: number
  maxInflatedSize?: number
  /** Default true: only nested tokens (signed, then encrypted); false also accepts tokens that are only encrypted. */
  requireSigned?: boolean
}
/** express-jwt's name for the options. */
export type Params<R = Request> = ExpressJwtOptions<R>

export type NextFunction = (err?: unknown) => void

export interface ExpressJwtMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): void | Promise<void>
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

export declare function expressjwt<R = Request>(options: ExpressJwtOptions<R>): ExpressJwtMiddleware

export type UnauthorizedErrorCode =
  | 'credentials_bad_scheme'
  | 'credentials_bad_format'
  | 'credentials_required'
  | 'invalid_token'
  | 'revoked_token'
  | SessionRefusalCode

export type ErrorLike = Error | { message: string }

export declare class UnauthorizedError extends Error {
  constructor(code: UnauthorizedErrorCode, error: ErrorLike)
  name: 'UnauthorizedError'
  readonly status: 401
  readonly code: UnauthorizedErrorCode
  /** For `invalid_token`, the verify error (a JsonWebTokenError with its own `code`); else `{ message }`. */
  readonly inner: ErrorLike
}

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
