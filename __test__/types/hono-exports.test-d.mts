// 'ringjwt/hono' resolved by package name through package.json "exports", from an ES module.
import { Hono } from 'hono'
import { jwt, sign, JwtTokenExpired, type JwtVariables } from 'ringjwt/hono'

const app = new Hono<{ Variables: JwtVariables<{ sub: string }> }>()
app.use('/auth/*', jwt({ secret: 'secret', alg: 'HS256' }))
app.get('/auth/me', (c) => c.text(c.get('jwtPayload').sub))
const token: Promise<string> = sign({ sub: 'u1' }, 'secret')
void [token, JwtTokenExpired]
