// The default export of each ESM entry, from an ES module: the CommonJS module, whose members are the named exports
// and which has no `default` member (jwt.default.sign would compile and then throw).
import jwt from 'ringjwt'
import express from 'ringjwt/express'
import hono from 'ringjwt/hono'
import testing from 'ringjwt/testing'
import { sign, type JwtPayload } from 'ringjwt'

const token: string = jwt.sign({ sub: 'u1' }, 'secret')
// Its types are reached through it too, as through jsonwebtoken's default export.
const claims = jwt.verify(token, 'secret') as jwt.JwtPayload
const same: JwtPayload = claims
const signs: typeof sign = jwt.sign
const middleware = express.expressjwt({ secret: 'secret', algorithms: ['HS256'] })
const request: express.Request | undefined = undefined
const honoToken: Promise<string> = hono.sign({ sub: 'u1' }, 'secret')
const key = testing.createTestKey('HS256')
const variables: hono.JwtVariables | undefined = undefined

// @ts-expect-error the module has no `default` member
jwt.default.sign({ sub: 'u1' }, 'secret')
// @ts-expect-error nor has ringjwt/express's
void express.default
// @ts-expect-error nor ringjwt/hono's
void hono.default
// @ts-expect-error nor ringjwt/testing's
void testing.default

void [same, signs, middleware, request, honoToken, key, variables]
