// ESM entry for ringjwt/fastify: the same plugin as fastify.js, as the default export and by name.
import plugin from './fastify.js'

export const { fastifyJwt, TokenError } = plugin
export default plugin
