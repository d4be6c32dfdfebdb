/// <reference types="node" />
// ringjwt/fastify's types: @fastify/jwt 10's API (the plugin's options, the decorators it adds to Fastify's
// instance, request and reply, the `FastifyJWT` interface apps extend), so code written against @fastify/jwt
// compiles unchanged when it imports 'ringjwt/fastify'. The option types are fast-jwt's, written out here: fast-jwt
// is not a dependency of ringjwt.
import type { KeyObject } from 'node:crypto'
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import type { Algorithm, JwtHeader, VerifiedDpopProof } from './index'
import type { ExpressJwtDpopOptions } from './express'

declare module 'fastify' {
  interface FastifyInstance {
    jwt: fastifyJwt.JwtDecorator
  }

  interface FastifyReply {
    jwtSign: fastifyJwt.JwtSignFunction
  }

  interface FastifyRequest {
    jwtVerify: fastifyJwt.JwtVerifyFunction
    jwtDecode: fastifyJwt.JwtDecodeFunction
    user: fastifyJwt.UserType
    /** With the `dpop` option: the proof that passed, and its key's thumbprint (`jkt`). */
    dpop?: VerifiedDpopProof
  }
}

type FastifyJwt = FastifyPluginCallback<fastifyJwt.FastifyJWTOptions>

declare namespace fastifyJwt {
  /** fast-jwt's error codes: those the plugin's verifier, signer and decoder throw. */
  type TokenErrorCode =
    | 'FAST_JWT_INVALID_TYPE'
    | 'FAST_JWT_INVALID_OPTION'
    | 'FAST_JWT_INVALID_ALGORITHM'
    | 'FAST_JWT_INVALID_CLAIM_TYPE'
    | 'FAST_JWT_INVALID_CLAIM_VALUE'
    | 'FAST_JWT_INVALID_KEY'
    | 'FAST_JWT_INVALID_SIGNATURE'
    | 'FAST_JWT_INVALID_PAYLOAD'
    | 'FAST_JWT_MALFORMED'
    | 'FAST_JWT_INACTIVE'
    | 'FAST_JWT_EXPIRED'
    | 'FAST_JWT_MISSING_KEY'
    | 'FAST_JWT_KEY_FETCHING_ERROR'
    | 'FAST_JWT_VERIFY_ERROR'
    | 'FAST_JWT_MISSING_REQUIRED_CLAIM'
    | 'FAST_JWT_MISSING_SIGNATURE'
    | 'FAST_JWT_INVALID_CRIT_HEADER'

  /** fast-jwt's TokenError: `code` says what failed; a refused token carries `statusCode` 401 in a request. */
  class TokenError extends Error {
    constructor(code: TokenErrorCode, message: string, cause?: unknown)
    code: TokenErrorCode
    statusCode?: number
    static codes: {
      invalidType: 'FAST_JWT_INVALID_TYPE'
      invalidOption: 'FAST_JWT_INVALID_OPTION'
      invalidAlgorithm: 'FAST_JWT_INVALID_ALGORITHM'
      invalidClaimType: 'FAST_JWT_INVALID_CLAIM_TYPE'
      invalidClaimValue: 'FAST_JWT_INVALID_CLAIM_VALUE'
      invalidKey: 'FAST_JWT_INVALID_KEY'
      invalidSignature: 'FAST_JWT_INVALID_SIGNATURE'
      invalidPayload: 'FAST_JWT_INVALID_PAYLOAD'
      malformed: 'FAST_JWT_MALFORMED'
      inactive: 'FAST_JWT_INACTIVE'
      expired: 'FAST_JWT_EXPIRED'
      missingKey: 'FAST_JWT_MISSING_KEY'
      keyFetchingError: 'FAST_JWT_KEY_FETCHING_ERROR'
      verifyError: 'FAST_JWT_VERIFY_ERROR'
      missingRequiredClaim: 'FAST_JWT_MISSING_REQUIRED_CLAIM'
      missingSignature: 'FAST_JWT_MISSING_SIGNATURE'
      invalidCritHeader: 'FAST_JWT_INVALID_CRIT_HEADER'
    }
  }

  type SignerCallback = (error: TokenError | Error | null, token?: string) => void
  type VerifierCallback = (error: TokenError | Error | null, payload?: any) => void
  type KeyFetcher =
    | ((decoded: { header: JwtHeader; payload: any; signature?: string }) => Promise<string | Buffer>)
    | ((
        decoded: { header: JwtHeader; payload: any; signature?: string },
        cb: (err: Error | TokenError | null, key?: string | Buffer) => void,
      ) => void)

  /** A claim matcher: a value, a RegExp, or an object with a `test` method. */
  type ClaimMatcher = string | RegExp | { test(value: string): boolean }

  /** fast-jwt's decoder options. */
  interface DecoderOptions {
    complete: boolean
    checkTyp: string
  }

  /** fast-jwt's signer options (times in milliseconds; the plugin's own options take seconds, see SignOptions). */
  interface SignerOptions {
    algorithm: Algorithm
    mutatePayload: boolean
    clockTimestamp: number
    expiresIn: number
    notBefore: number
    jti: string
    aud: string | string[]
    iss: string
    sub: string
    nonce: string
    kid: string
    typ: string
    header: Record<string, any>
    noTimestamp: boolean
  }

  /** fast-jwt's verifier options (times in milliseconds). */
  interface VerifierOptions {
    algorithms: Algorithm[]
    complete: boolean
    cache: boolean | number
    cacheTTL: number
    errorCacheTTL: number | ((tokenError: TokenError) => number)
    allowedJti: ClaimMatcher | ClaimMatcher[]
    allowedAud: ClaimMatcher | ClaimMatcher[]
    allowedIss: ClaimMatcher | ClaimMatcher[]
    allowedSub: ClaimMatcher | ClaimMatcher[]
    allowedNonce: ClaimMatcher | ClaimMatcher[]
    ignoreExpiration: boolean
    ignoreNotBefore: boolean
    maxAge: number
    clockTimestamp: number
    clockTolerance: number
    requiredClaims: string[]
    checkTyp: string
    /**
     * Extensions a token's `crit` may list. ringjwt implements none and refuses every token with `crit`, so only
     * an empty list is accepted; a name is refused when the plugin is registered (FAST_JWT_INVALID_OPTION).
     */
    allowedCritHeaders: string[]
    /** Taken and not used: the verified-token cache keys by the whole token, so no key is built. */
    cacheKeyBuilder: (token: string) => string
  }

  export interface JwtSignFunction {
    (payload: SignPayloadType, options?: FastifyJwtSignOptions): Promise<string>
    (payload: SignPayloadType, callback: SignerCallback): void
    (payload: SignPayloadType, options: FastifyJwtSignOptions, callback: SignerCallback): void
    (payload: SignPayloadType, options?: Partial<SignOptions>): Promise<string>
    (payload: SignPayloadType, options: Partial<SignOptions>, callback: SignerCallback): void
  }

  export interface JwtVerifyFunction {
    <Decoded extends VerifyPayloadType>(options?: FastifyJwtVerifyOptions): Promise<Decoded>
    <Decoded extends VerifyPayloadType>(callback: VerifierCallback): void
    <Decoded extends VerifyPayloadType>(options: FastifyJwtVerifyOptions, callback: VerifierCallback): void
    <Decoded extends VerifyPayloadType>(options?: Partial<VerifyOptions>): Promise<Decoded>
    <Decoded extends VerifyPayloadType>(options: Partial<VerifyOptions>, callback: VerifierCallback): void
  }

  export interface JwtDecodeFunction {
    <Decoded extends DecodePayloadType>(options?: FastifyJwtDecodeOptions): Promise<Decoded>
    <Decoded extends DecodePayloadType>(callback: DecodeCallback<Decoded>): void
    <Decoded extends DecodePayloadType>(options: FastifyJwtDecodeOptions, callback: DecodeCallback<Decoded>): void
  }

  /** The request and reply methods a `namespace` (or `jwtDecode`, `jwtVerify`, `jwtSign`) names. */
  export type FastifyJwtNamespace<
    C extends { namespace?: string; jwtDecode?: string; jwtVerify?: string; jwtSign?: string },
  > = Record<
    C extends { jwtDecode: string }
      ? C['jwtDecode']
      : C extends { namespace: string }
        ? `${C['namespace']}JwtDecode`
        : never,
    JwtDecodeFunction
  > &
    Record<
      C extends { jwtSign: string }
        ? C['jwtSign']
        : C extends { namespace: string }
          ? `${C['namespace']}JwtSign`
          : never,
      JwtSignFunction
    > &
    Record<
      C extends { jwtVerify: string }
        ? C['jwtVerify']
        : C extends { namespace: string }
          ? `${C['namespace']}JwtVerify`
          : never,
      JwtVerifyFunction
    >

  /**
   * Extended by apps (declaration merging) to type the payload, the user and the namespaces:
   * `declare module 'ringjwt/fastify' { interface FastifyJWT { payload: { sub: string }; user: User } }`.
   */
  export interface FastifyJWT {}

  /** `fastify.jwt`: the plugin's methods, or one set per namespace when FastifyJWT declares `namespaces`. */
  export type JwtDecorator = FastifyJWT extends { namespaces: infer Namespaces }
    ? [Namespaces] extends [string]
      ? Record<Namespaces, JWT>
      : JWT
    : JWT

  export type SignPayloadType = FastifyJWT extends { payload: infer T }
    ? T extends string | object | Buffer
      ? T
      : string | object | Buffer
    : string | object | Buffer

  export type UserType = FastifyJWT extends { user: infer T } ? T : SignPayloadType

  export type TokenOrHeader = JwtHeader | { header: JwtHeader; payload: any }

  /** @fastify/jwt's key forms, and (ringjwt's) node's KeyObject, given or returned. */
  export type Secret =
    | string
    | Buffer
    | KeyObject
    | KeyFetcher
    | { key: Secret; passphrase: string }
    | ((
        request: FastifyRequest,
        tokenOrHeader: TokenOrHeader,
        cb: (e: Error | null, secret: string | Buffer | KeyObject | undefined) => void,
      ) => void)
    | ((request: FastifyRequest, tokenOrHeader: TokenOrHeader) => Promise<string | Buffer | KeyObject>)

  export type VerifyPayloadType = object | string
  export type DecodePayloadType = object | string

  export interface DecodeCallback<Decoded extends DecodePayloadType> {
    (err: Error, decoded: Decoded): void
  }

  /** Sign options: `expiresIn` and `notBefore` in seconds when numbers, or timespan strings ('2 days', '10h'). */
  export interface SignOptions extends Omit<SignerOptions, 'expiresIn' | 'notBefore'> {
    expiresIn: number | string
    notBefore: number | string
    key?: string | Buffer
  }

  /** Verify options: `maxAge` in seconds when a number, or a timespan string; `clockTolerance` in milliseconds. */
  export interface VerifyOptions extends Omit<VerifierOptions, 'maxAge'> {
    maxAge: number | string
    onlyCookie: boolean
    key?: string | Buffer
  }

  export interface FastifyJWTOptions {
    secret: Secret | { public: Secret; private?: Secret }
    decode?: Partial<DecoderOptions>
    sign?: Partial<SignOptions>
    verify?: Partial<VerifyOptions> & {
      extractToken?: (request: FastifyRequest) => string | void
    }
    cookie?: {
      cookieName: string
      signed: boolean
    }
    messages?: {
      badRequestErrorMessage?: string
      badCookieRequestErrorMessage?: string
      noAuthorizationInHeaderMessage?: string
      noAuthorizationInCookieMessage?: string
      authorizationTokenExpiredMessage?: string
      authorizationTokenInvalid?: ((err: Error) => string) | string
      authorizationTokenUntrusted?: string
      authorizationTokenUnsigned?: string
    }
    trusted?: (request: FastifyRequest, decodedToken: { [k: string]: any }) => boolean | Promise<boolean>
    /**
     * ringjwt's: asked after `trusted` with the verified token, `{ header, payload, signature }` (the complete
     * result when `complete`). A truthy answer refuses the request (401 FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED); an
     * error it throws is the answer, as a session store's refusals (`session_ended`, …). `sessions.isRevoked` fits.
     */
    isRevoked?: (
      request: FastifyRequest,
      token: { header: JwtHeader; payload: any; signature: string },
    ) => boolean | undefined | Promise<boolean | undefined>
    formatUser?: (payload: SignPayloadType) => UserType
    jwtDecode?: string
    namespace?: string
    jwtVerify?: string
    jwtSign?: string
    decoratorName?: string
    /**
     * ringjwt's: DPoP (RFC 9449) in request.jwtVerify: `Authorization: DPoP <token>` with a `DPoP` proof header,
     * the URL from Fastify's protocol, host and url (as `trustProxy` says). Refusals are 401s with the
     * `WWW-Authenticate: DPoP ...` challenge in `headers`. Not with `cookie` or `extractToken`. Off by default.
     */
    dpop?: DpopOptions
  }

  /** The `dpop` option: the same as ringjwt/express's. */
  export type DpopOptions = ExpressJwtDpopOptions

  export interface JWT {
    options: {
      decode: Partial<DecoderOptions>
      sign: Partial<SignOptions>
      verify: Partial<VerifyOptions>
    }
    cookie?: {
      cookieName: string
      signed: boolean
    }

    sign(payload: SignPayloadType, options?: Partial<SignOptions>): string
    sign(payload: SignPayloadType, callback: SignerCallback): void
    sign(payload: SignPayloadType, options: Partial<SignOptions>, callback: SignerCallback): void

    verify<Decoded extends VerifyPayloadType>(token: string, options?: Partial<VerifyOptions>): Decoded
    verify<Decoded extends VerifyPayloadType>(token: string, callback: VerifierCallback): void
    verify<Decoded extends VerifyPayloadType>(
      token: string,
      options: Partial<VerifyOptions>,
      callback: VerifierCallback,
    ): void

    decode<Decoded extends DecodePayloadType>(token: string, options?: Partial<DecoderOptions>): null | Decoded

    lookupToken(request: FastifyRequest, options?: FastifyJWTOptions['verify']): string
  }

  export type { JwtHeader }

  export interface FastifyJwtSignOptions {
    sign?: Partial<SignOptions>
  }

  export interface FastifyJwtVerifyOptions {
    decode: Partial<DecoderOptions>
    verify: Partial<VerifyOptions>
  }

  export interface FastifyJwtDecodeOptions {
    decode: Partial<DecoderOptions>
    verify: Partial<VerifyOptions>
  }

  export { TokenError }
  export const fastifyJwt: FastifyJwt
  export { fastifyJwt as default }
}

declare function fastifyJwt(...params: Parameters<FastifyJwt>): ReturnType<FastifyJwt>
export = fastifyJwt
