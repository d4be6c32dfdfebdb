// Compile-only checks for a project without @types/express (a node:http server, or no middleware at all):
// index.d.ts and express.d.ts compile, and the request the middleware's callbacks see is Node's.
import http from 'node:http'
import { createRemoteJwks, sign, verify } from '../../../index'
import { expressjwt, type GetVerificationKey, type Request } from '../../../express'

const secret = 'a-shared-secret-of-at-least-32-bytes!'
const key: GetVerificationKey = (req, token) => (req.headers.host !== undefined && token ? secret : undefined)
const auth = expressjwt({
  secret: key,
  algorithms: ['HS256', 'ES256'],
  isRevoked: (req, token) => req.url === '/logout' || token.payload === '',
})
expressjwt({ secret: createRemoteJwks('https://auth.example/.well-known/jwks.json'), algorithms: ['ES256'] })

http.createServer((req, res) => {
  void auth(req, res, (err) => {
    const authed = req as Request<{ sub: string }>
    res.statusCode = err ? 401 : 200
    res.end(authed.auth?.sub ?? verify(sign({}, secret), secret).toString())
  })
})

declare const request: Request<{ sub: string }>
const url: string | undefined = request.url
const sub: string | undefined = request.auth?.sub
// A framework's fields are `any` here; with @types/express, `hostname` would be a string.
const hostname: number = request.hostname
void [url, sub, hostname]

// @ts-expect-error: Node's url is a string
const notANumber: number = request.url
// @ts-expect-error: auth holds the payload type given
const notAString: string | undefined = request.auth?.sub.length
void [notANumber, notAString]
