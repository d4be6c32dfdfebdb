// Compile-only checks of index.d.ts: what must type-check, and (with @ts-expect-error) what must not.
import { generateKeyPairSync } from 'node:crypto'
import {
  sign,
  verify,
  decode,
  signAsync,
  verifyAsync,
  createSigner,
  createVerifier,
  expressjwt,
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  type ErrorCode,
  type Jwt,
  type JwtPayload,
  type VerifyErrors,
  type JsonWebKey,
} from '../../index'

const token: string = sign({ sub: 'u1' }, 'secret', { expiresIn: '1h', audience: ['a', 'b'] })
sign('text', Buffer.from('secret'))
sign({ a: 1 }, 'secret', (err: Error | null, t?: string) => void [err, t])
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
sign({}, privateKey, { algorithm: 'ES256', keyid: 'k1', header: { cty: 'x' } })
sign({}, { key: 'pem', passphrase: 'pw' }, { algorithm: 'RS256' })
// Header parameters of your own, beside the registered ones.
sign({}, 'secret', { header: { typ: 'at+jwt', 'https://example.com/tenant': 't1' } })
sign({}, privateKey, { algorithm: 'EdDSA' })

const payload = verify(token, 'secret', { algorithms: ['HS256'], audience: /^a/ })
if (typeof payload !== 'string') {
  const sub: string | undefined = payload.sub
  void sub
}
const complete: Jwt = verify(token, publicKey, { complete: true })
void complete.header.alg
verify(
  token,
  (header, cb) => cb(null, header.kid ?? 'secret'),
  (err, decoded) => void [err, decoded],
)
const decoded = decode(token, { complete: true })
if (decoded) void decoded.signature

async function promises(): Promise<void> {
  const t: string = await signAsync({ a: 1 }, 'secret', { signal: AbortSignal.timeout(1000) })
  const p: JwtPayload | string = await verifyAsync(t, 'secret')
  const j: Jwt = await verifyAsync(t, 'secret', { complete: true })
  // A key function that calls back, or an async one that returns the key.
  await verifyAsync(t, (header, callback) => callback(null, header.kid ?? 'secret'))
  await verifyAsync(t, async (header) => (header.alg === 'HS256' ? 'secret' : undefined))
  const either: Jwt | JwtPayload | string = await verifyAsync(t, 'secret', { complete: Math.random() > 0.5 })
  const strict: JwtPayload | string = await verifyAsync(t, 'secret', { strict: true, algorithms: ['HS256'] })
  await signAsync({}, null, { algorithm: 'none' })
  void [p, j, either, strict]
}
void promises

const signer = createSigner({ key: 'secret', algorithm: 'HS384', expiresIn: 60 })
const verifier = createVerifier({ key: 'secret', algorithms: ['HS384'], cache: 1000, cacheTTL: 60_000 })
const claims: JwtPayload | string = verifier.verify(signer.sign({ a: 1 }))
const completeVerifier = createVerifier({ key: publicKey, complete: true })
const header = completeVerifier.verify(token).header
void [claims, header]

verify(token, 'secret', (err: VerifyErrors | null) => {
  if (err !== null) {
    const code: ErrorCode = err.code
    void code
  }
})

try {
  verify(token, 'secret')
} catch (err) {
  if (err instanceof TokenExpiredError) {
    const when: Date = err.expiredAt
    void when
  } else if (err instanceof NotBeforeError) {
    void err.date
  } else if (err instanceof JsonWebTokenError) {
    const code: ErrorCode = err.code
    switch (code) {
      case 'ERR_JWS_SIGNATURE_INVALID':
      case 'ERR_JWT_EXPIRED':
        break
    }
  }
}

// @ts-expect-error: not an algorithm
sign({}, 'secret', { algorithm: 'HS999' })
// @ts-expect-error: expiresIn is seconds or a timespan string
sign({}, 'secret', { expiresIn: true })
// @ts-expect-error: a token is a string
verify(42, 'secret')
// @ts-expect-error: unknown option
createVerifier({ key: 'secret', cacheSize: 5 })
// The cache is a number of tokens, or off with `false`; `true` is not a size.
createVerifier({ key: 'secret', cache: false })
expressjwt({ secret: 'secret', algorithms: ['HS256'], cache: false })
// @ts-expect-error: not a size
createVerifier({ key: 'secret', cache: true })
// @ts-expect-error: the same in the middleware's options
expressjwt({ secret: 'secret', algorithms: ['HS256'], cache: true })
// @ts-expect-error: not an error code
const bad: ErrorCode = 'ERR_NOPE'
void bad
// @ts-expect-error: a header's alg is a string
sign({}, 'secret', { header: { alg: 5 } })
// @ts-expect-error: a null key signs only unsigned tokens
sign({}, null, { algorithm: 'HS256' })

// ringjwt's own JsonWebKey (node:crypto's is not in every @types/node): what node:crypto exports fits it, and it
// is a key input.
const exportedJwk: JsonWebKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })
verify('token', { key: exportedJwk, format: 'jwk' })
