// ringjwt/fastify from an ES module: the default export is the plugin, TokenError a named export.
import Fastify from 'fastify'
import fastifyJwt, { TokenError } from 'ringjwt/fastify'

const app = Fastify()
await app.register(fastifyJwt, { secret: 'secret' })
const token: string = app.jwt.sign({ sub: 'u1' })
void [token, TokenError.codes.malformed]
