// 'ringjwt' and 'ringjwt/express' resolved by package name through package.json "exports", from an ES module.
import jwt, { verify, TokenExpiredError, type Jwt } from 'ringjwt'
import { expressjwt, UnauthorizedError } from 'ringjwt/express'

const complete: Jwt = verify(jwt.sign({ sub: 'u1' }, 'secret'), 'secret', { complete: true })
const auth = expressjwt({ secret: 'secret', algorithms: ['HS256'] })
void [complete, auth, TokenExpiredError, UnauthorizedError]
