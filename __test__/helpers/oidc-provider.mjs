// An OpenID Provider (panva's oidc-provider) on 127.0.0.1 and a free port, for the discovery tests: one client
// that uses the client credentials grant with resource indicators, and JWT access tokens (RFC 9068) signed with
// ES256. Run as a child process (oidc-provider is an ES module); it prints `{ "issuer": ... }` once listening
// and stops when its stdin closes.
import http from 'node:http'
import crypto from 'node:crypto'
import Provider from 'oidc-provider'

export const CLIENT = { id: 'reporting-service', secret: 'a client secret long enough for any check' }
export const RESOURCE = 'https://orders.api.test'

const server = http.createServer()
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const issuer = `http://127.0.0.1:${server.address().port}`
const signingKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'orders:read',
      // The provider's only key is ES256, so its ID tokens would be too (the client gets none: no user logs in).
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'provider-es256', alg: 'ES256', use: 'sig' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  scopes: ['orders:read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== RESOURCE) throw new Error('unknown resource')
        return {
          scope: 'orders:read',
          audience: RESOURCE,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }
      },
    },
  },
})
server.on('request', provider.callback())
process.stdout.write(`${JSON.stringify({ issuer })}\n`)
process.stdin.resume()
process.stdin.on('end', () => server.close(() => process.exit(0)))
