/// <reference types="node" />
// ringjwt/testing's types: test keys, a token for each case, and a JWK Set server on 127.0.0.1.
import type { KeyObject } from 'node:crypto'
import type { Algorithm, JsonWebKey, JwkSet, SignOptions } from './index'

export type TestAlgorithm = Exclude<Algorithm, 'none'>
export type TestAsymmetricAlgorithm = Exclude<TestAlgorithm, 'HS256' | 'HS384' | 'HS512'>

export interface TestKey<A extends TestAlgorithm = TestAlgorithm> {
  algorithm: A
  /** The RFC 7638 thumbprint of the public key (a random id for a secret). */
  kid: string
  /** The private key, or the secret for HS*. */
  signingKey: KeyObject
  /** The public key, or the secret for HS*. */
  verifyingKey: KeyObject
  /** The public JWK (undefined for a secret). */
  jwk: JsonWebKey | undefined
  /** The public key as a JWK Set (no keys for a secret). */
  jwks: JwkSet
}

export declare function createTestKey<A extends TestAlgorithm = 'ES256'>(
  algorithm?: A,
  options?: { kid?: string },
): TestKey<A>

export interface TestTokensOptions {
  /** Default: a new ES256 key. */
  key?: TestKey
  /** The algorithm of the key made when `key` is not given. Default 'ES256'. */
  algorithm?: TestAlgorithm
  issuer?: string
  audience?: string | string[]
  subject?: string
  /** The lifetime of the tokens that have one. Default '15m'. */
  expiresIn?: string | number
}

type Claims = Record<string, unknown>

export interface TestTokens {
  key: TestKey
  algorithm: TestAlgorithm
  jwks: JwkSet
  /** A token every check accepts. */
  valid(claims?: Claims, signOptions?: Omit<SignOptions, 'algorithm' | 'keyid'>): string
  /** Expired a minute ago (issued an hour ago), by Date.now(). */
  expired(claims?: Claims): string
  /** Valid from an hour from now (`nbf`). */
  notYetValid(claims?: Claims): string
  /** For another audience (default 'another-audience'). */
  otherAudience(claims?: Claims, audience?: string): string
  /** Right header and claims, signed by another key (same algorithm and kid). */
  badSignature(claims?: Claims): string
  /** `alg: "none"`, no signature. */
  unsigned(claims?: Claims): string
}

export declare function createTestTokens(options?: TestTokensOptions): TestTokens

export interface JwksServerOptions {
  /** Default 'ES256'. */
  algorithm?: TestAsymmetricAlgorithm
  /** Default 'no-store'. */
  cacheControl?: string
  /** issuer, audience, subject and expiresIn of the server's tokens. */
  tokens?: Omit<TestTokensOptions, 'key' | 'algorithm'>
}

export interface JwksServer {
  /** http://127.0.0.1:<port> */
  readonly url: string
  /** url + '/.well-known/jwks.json' */
  readonly jwksUri: string
  /** The current key. */
  readonly key: TestKey
  /** Tokens signed by the current key. */
  readonly tokens: TestTokens
  /** The set served now. */
  readonly jwks: JwkSet
  /** How many requests the server has answered. */
  readonly requests: number
  /** A valid token signed by the current key. */
  sign(claims?: Claims, signOptions?: Omit<SignOptions, 'algorithm' | 'keyid'>): string
  /** A new current key; the previous ones stay published unless `keep` is false. */
  rotate(options?: { keep?: boolean }): TestKey
  close(): Promise<void>
}

export declare function createJwksServer(options?: JwksServerOptions): Promise<JwksServer>

/** Spread into jest.useFakeTimers(): only Date is faked, so sockets and fetch keep real timers. */
export declare const fakeDateOnly: {
  doNotFake: Array<
    | 'hrtime'
    | 'nextTick'
    | 'performance'
    | 'queueMicrotask'
    | 'requestAnimationFrame'
    | 'cancelAnimationFrame'
    | 'requestIdleCallback'
    | 'cancelIdleCallback'
    | 'setImmediate'
    | 'clearImmediate'
    | 'setInterval'
    | 'clearInterval'
    | 'setTimeout'
    | 'clearTimeout'
  >
}
