// ringjwt/hono's types: hono/jwt's API with Hono's own types (MiddlewareHandler, SignatureKey, VerifyOptions, ...),
// so code written against hono/jwt compiles unchanged when it imports 'ringjwt/hono'. The error classes are
// ringjwt's JsonWebTokenError with hono's names, constructors and messages.
import type { KeyObject } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { CookiePrefixOptions } from 'hono/utils/cookie'
import type { AsymmetricAlgorithm, SignatureAlgorithm } from 'hono/utils/jwt/jwa'
import type { HonoJsonWebKey, SignatureKey } from 'hono/utils/jwt/jws'
import type { TokenHeader, VerifyOptions, VerifyOptionsWithAlg } from 'hono/utils/jwt/jwt'
import type { JWTPayload } from 'hono/utils/jwt/types'
import type { JsonWebTokenError, VerifiedDpopProof } from './index'
import type { ExpressJwtDpopOptions } from './express'

export type { HonoJsonWebKey, JWTPayload, SignatureAlgorithm, SignatureKey, TokenHeader, VerifyOptions }

/** The variable the middleware sets: `c.get('jwtPayload')`. */
export type JwtVariables<T = any> = {
  jwtPayload: T
}

/** The variable the jwt and jwk middleware set with their `dpop` option: `c.get('dpop')`, the proof that passed. */
export type DpopVariables = {
  dpop: VerifiedDpopProof | undefined
}

/** The jwt and jwk middleware's `dpop` option: the same as ringjwt/express's. */
export type DpopOptions = ExpressJwtDpopOptions

declare module 'hono' {
  interface ContextVariableMap extends JwtVariables<unknown>, DpopVariables {}
}

/** The token `isRevoked` is given: its header, the verified claims, and its signature segment. */
export type VerifiedHonoToken = { header: TokenHeader; payload: JWTPayload; signature: string }

/**
 * ringjwt's: asked once the token (and its DPoP proof) passed; truthy refuses it (401 "token revoked"). An error it
 * throws with a status (the session store's refusals, 401; a store that cannot answer, 503) is an HTTPException of
 * that status. The session and token stores' `isRevoked` fit as they are.
 */
export type HonoIsRevoked = (c: Context, token: VerifiedHonoToken) => boolean | Promise<boolean>

/** Where the token may come from when the header has none: a cookie name, or a (signed) cookie's options. */
export type JwtCookieOption =
  | string
  | {
      key: string
      /** The secret of a cookie signed with Hono's setSignedCookie. */
      secret?: string | BufferSource
      prefixOptions?: CookiePrefixOptions
    }

export declare const jwt: (options: {
  secret: SignatureKey
  cookie?: JwtCookieOption
  alg: SignatureAlgorithm
  /** Default: 'Authorization'. */
  headerName?: string
  /** The `realm` of the `WWW-Authenticate` challenge; default: the request URL. */
  realm?: string
  verification?: VerifyOptions
  /**
   * ringjwt's: DPoP (RFC 9449): `Authorization: DPoP <token>` with a `DPoP` proof header for c.req.url; refusals
   * are 401s with the `WWW-Authenticate: DPoP ...` challenge. Not with `cookie` or another `headerName`.
   */
  dpop?: DpopOptions
  isRevoked?: HonoIsRevoked
}) => MiddlewareHandler

export declare const jwk: (
  options: {
    keys?: HonoJsonWebKey[] | ((ctx: Context) => Promise<HonoJsonWebKey[]> | HonoJsonWebKey[])
    /** Fetched through createRemoteJwks(): cached, fetched again for an unknown `kid`. */
    jwks_uri?: string | ((ctx: Context) => Promise<string> | string)
    allow_anon?: boolean
    cookie?: JwtCookieOption
    headerName?: string
    alg: AsymmetricAlgorithm[]
    realm?: string
    verification?: VerifyOptions
    /** ringjwt's: DPoP (RFC 9449), as for `jwt`: tokens from a JWK Set bound to the client's key. */
    dpop?: DpopOptions
    isRevoked?: HonoIsRevoked
  },
  init?: RequestInit,
) => MiddlewareHandler

/** hono's key forms, and (ringjwt's) node's KeyObject and a Buffer secret. */
export type HonoKey = SignatureKey | KeyObject | Buffer

export declare const sign: (payload: JWTPayload, privateKey: HonoKey, alg?: SignatureAlgorithm) => Promise<string>
export declare const verify: (
  token: string,
  publicKey: HonoKey,
  algOrOptions: SignatureAlgorithm | VerifyOptionsWithAlg,
) => Promise<JWTPayload>
export declare const decode: (token: string) => { header: TokenHeader; payload: JWTPayload }
export declare const decodeHeader: (token: string) => TokenHeader
export declare function isTokenHeader(obj: unknown, typ?: string | string[]): obj is TokenHeader
export declare const verifyWithJwks: (
  token: string,
  options: {
    keys?: HonoJsonWebKey[]
    jwks_uri?: string
    verification?: VerifyOptions
    allowedAlgorithms: readonly AsymmetricAlgorithm[]
  },
  init?: RequestInit,
) => Promise<JWTPayload>

/** hono's `Jwt` utility object. */
export declare const Jwt: {
  readonly sign: typeof sign
  readonly verify: typeof verify
  readonly decode: typeof decode
  readonly verifyWithJwks: typeof verifyWithJwks
}

export declare const AlgorithmTypes: { readonly [A in SignatureAlgorithm]: A }

// hono's error classes. `code` is ringjwt's: the table in docs/hono.md says which each carries.
export declare class JwtAlgorithmNotImplemented extends JsonWebTokenError {
  constructor(alg: string)
}
export declare class JwtAlgorithmRequired extends JsonWebTokenError {
  constructor()
}
export declare class JwtAlgorithmMismatch extends JsonWebTokenError {
  constructor(expected: string, actual: string)
}
export declare class JwtTokenInvalid extends JsonWebTokenError {
  constructor(token: string)
}
export declare class JwtTokenNotBefore extends JsonWebTokenError {
  constructor(token: string)
}
export declare class JwtTokenExpired extends JsonWebTokenError {
  constructor(token: string)
}
export declare class JwtTokenIssuedAt extends JsonWebTokenError {
  constructor(currentTimestamp: number, iat: number)
}
export declare class JwtTokenIssuer extends JsonWebTokenError {
  constructor(expected: string | RegExp, iss: string | null)
}
export declare class JwtHeaderInvalid extends JsonWebTokenError {
  constructor(header: object)
}
export declare class JwtHeaderRequiresKid extends JsonWebTokenError {
  constructor(header: object)
}
export declare class JwtSymmetricAlgorithmNotAllowed extends JsonWebTokenError {
  constructor(alg: string)
}
export declare class JwtAlgorithmNotAllowed extends JsonWebTokenError {
  constructor(alg: string, allowedAlgorithms: readonly string[])
}
export declare class JwtTokenSignatureMismatched extends JsonWebTokenError {
  constructor(token: string)
}
export declare class JwtPayloadRequiresAud extends JsonWebTokenError {
  constructor(payload: object)
}
export declare class JwtTokenAudience extends JsonWebTokenError {
  constructor(expected: string | string[] | RegExp, aud: string | string[])
}
