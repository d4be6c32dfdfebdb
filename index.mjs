// ESM entry: the same module as index.js, with named exports.
import ringjwt from './index.js'

export const {
  sign,
  verify,
  decode,
  signAsync,
  verifyAsync,
  createSigner,
  createVerifier,
  encrypt,
  decrypt,
  encryptAsync,
  decryptAsync,
  createEncrypter,
  createDecrypter,
  exportJwks,
  createLocalJwks,
  createRemoteJwks,
  codes,
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  expressjwt,
  UnauthorizedError,
  ExtractJwt,
  createTokenStore,
  createRedisTokenStore,
  createSessionStore,
  createRedisSessionStore,
  StoreUnavailableError,
} = ringjwt
export default ringjwt
