// 'ringjwt' and 'ringjwt/express' resolved as in a user's project: by package name, through package.json
// "exports" (node16 resolution), from CommonJS.
import jwt, { verify, type JwtPayload } from 'ringjwt'
import { expressjwt, type Request } from 'ringjwt/express'

const claims: JwtPayload | string = verify(jwt.sign({ sub: 'u1' }, 'secret'), 'secret')
const auth = expressjwt({ secret: 'secret', algorithms: ['HS256'] })
declare const req: Request<{ sub: string }>
void [claims, auth, req.auth?.sub]
