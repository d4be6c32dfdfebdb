// Compile-only checks of the `strict` option and the error codes of the hardened checks.
import { verify, verifyAsync, createVerifier, codes, type ErrorCode } from '../../index'
import { expressjwt } from '../../express'

const token = 'a.b.c'
verify(token, 'a shared secret of at least thirty-two bytes', { strict: true })
void verifyAsync(token, 'a shared secret of at least thirty-two bytes', { strict: false, audience: /^api$/u })
createVerifier({ key: 'a shared secret of at least thirty-two bytes', strict: true, complete: true })
expressjwt({ secret: 'a shared secret of at least thirty-two bytes', algorithms: ['HS256'], strict: true })

// @ts-expect-error strict is a boolean
verify(token, 'secret', { strict: 'yes' })

const added: ErrorCode[] = [
  'ERR_JWT_HEADER_INVALID',
  'ERR_JWT_INVALID_UTF8',
  'ERR_JWT_PAYLOAD_NOT_OBJECT',
  'ERR_JWS_CRIT_INVALID',
  'ERR_JWS_CRIT_UNSUPPORTED',
  'ERR_KEY_SECRET_TOO_SHORT',
  'ERR_KEY_CURVE_UNKNOWN',
]
const descriptions: string[] = added.map((code) => codes[code])
void descriptions
