// ESM entry for ringjwt/hono: the token functions of hono.js, and the middleware made with Hono's ESM build (an app
// that imports hono gets its HTTPException, not the CommonJS build's).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const cjs = require('./hono.js')
const { honoMiddleware, honoMissing } = require('./lib/adapters/hono.js')

// hono is an optional peer: without it the token functions work and the middleware says what is missing.
let parts = null
let missing
try {
  const [{ HTTPException }, { getCookie, getSignedCookie }] = await Promise.all([
    import('hono/http-exception'),
    import('hono/cookie'),
  ])
  parts = { HTTPException, getCookie, getSignedCookie }
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
  missing = err
}

export const { jwt, jwk } = honoMiddleware(() => {
  if (parts === null) throw honoMissing(missing)
  return parts
})

// The token functions and error classes, named as in the CommonJS module (by name: `export *` of a CommonJS module
// also passes on the `module.exports` name that Node 24 and later add).
export const {
  sign,
  verify,
  decode,
  decodeHeader,
  isTokenHeader,
  verifyWithJwks,
  Jwt,
  AlgorithmTypes,
  JwtAlgorithmNotImplemented,
  JwtAlgorithmRequired,
  JwtAlgorithmMismatch,
  JwtTokenInvalid,
  JwtTokenNotBefore,
  JwtTokenExpired,
  JwtTokenIssuedAt,
  JwtTokenIssuer,
  JwtHeaderInvalid,
  JwtHeaderRequiresKid,
  JwtSymmetricAlgorithmNotAllowed,
  JwtAlgorithmNotAllowed,
  JwtTokenSignatureMismatched,
  JwtPayloadRequiresAud,
  JwtTokenAudience,
} = cjs
export default { ...cjs, jwt, jwk }
