'use strict'
// ringjwt: JSON Web Tokens for Node.js with the cryptography and the token checks in Rust. A drop-in for the
// npm `jsonwebtoken` package (sign, verify, decode and its error classes), plus Promise forms and compiled
// signers and verifiers.

const { sign, signAsync } = require('./lib/sign')
const { verify, verifyAsync } = require('./lib/verify')
const { decode } = require('./lib/decode')
const { createSigner, createVerifier } = require('./lib/compiled')
const { encrypt, encryptAsync, createEncrypter } = require('./lib/encrypt')
const { decrypt, decryptAsync, createDecrypter } = require('./lib/decrypt')
const { exportJwks, createLocalJwks, createRemoteJwks } = require('./lib/jwks')
const { codes, JsonWebTokenError, TokenExpiredError, NotBeforeError } = require('./lib/errors')
const {
  expressjwt,
  UnauthorizedError,
  ExtractJwt,
  fromAuthHeaderAsBearerToken,
  fromAuthHeaderWithScheme,
  fromHeader,
  fromCookie,
  fromUrlQueryParameter,
  fromBodyField,
  fromExtractors,
} = require('./express')
const { createTokenStore } = require('./lib/token-store')
const { createRedisTokenStore } = require('./lib/redis-token-store')
const { createSessionStore } = require('./lib/session-store')
const { createRedisSessionStore } = require('./lib/redis-session-store')
const { StoreUnavailableError } = require('./lib/errors')
const { calculateJwkThumbprint, createDpopProof, verifyDpopProof } = require('./lib/dpop')
const { createDpopReplayCache, createRedisDpopReplayCache } = require('./lib/dpop-replay')
const { createKeyRing } = require('./lib/key-ring')
const { createKeyRingMemoryStore } = require('./lib/key-ring-store')
const { createRedisKeyRingStore } = require('./lib/redis-key-ring-store')

module.exports = {
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
  fromAuthHeaderAsBearerToken,
  fromAuthHeaderWithScheme,
  fromHeader,
  fromCookie,
  fromUrlQueryParameter,
  fromBodyField,
  fromExtractors,
  createTokenStore,
  createRedisTokenStore,
  createSessionStore,
  createRedisSessionStore,
  StoreUnavailableError,
  calculateJwkThumbprint,
  createDpopProof,
  verifyDpopProof,
  createDpopReplayCache,
  createRedisDpopReplayCache,
  createKeyRing,
  createKeyRingMemoryStore,
  createRedisKeyRingStore,
}
