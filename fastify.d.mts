// The types of `import … from 'ringjwt/fastify'` (fastify.mjs): fastify.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export is the
// plugin, as in @fastify/jwt; fastify.d.ts is `export =`, so its names are listed here one by one.
import fastifyJwt from './fastify.js'

export { TokenError, fastifyJwt } from './fastify.js'
export type {
  DecodeCallback,
  DecodePayloadType,
  DpopOptions,
  FastifyJWT,
  FastifyJWTOptions,
  FastifyJwtDecodeOptions,
  FastifyJwtNamespace,
  FastifyJwtSignOptions,
  FastifyJwtVerifyOptions,
  JWT,
  JwtDecodeFunction,
  JwtDecorator,
  JwtHeader,
  JwtSignFunction,
  JwtVerifyFunction,
  Secret,
  SignOptions,
  SignPayloadType,
  TokenOrHeader,
  UserType,
  VerifyOptions,
  VerifyPayloadType,
} from './fastify.js'
export default fastifyJwt
