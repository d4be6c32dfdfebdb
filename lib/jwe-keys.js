'use strict'
// Keys for encrypted tokens: the same forms sign() and verify() take (secrets, PEM, DER, KeyObjects, JWKs), parsed
// once into native JWE keys and cached per key value like theirs.

const { createPrivateKey, createPublicKey } = require('node:crypto')
const native = require('./native')
const { makeCache } = require('./keys')
const { fromNative } = require('./errors')
const { boundedMap } = require('./bounded-map')

// The encrypters and the decrypters a key entry keeps, one per set of options that shape one.
const CODER_CACHE_LIMIT = 64

const KEY_MANAGEMENT = [
  'dir',
  'A128KW',
  'A192KW',
  'A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
  'RSA-OAEP',
  'RSA-OAEP-256',
  'RSA1_5',
  'PBES2-HS256+A128KW',
  'PBES2-HS384+A192KW',
  'PBES2-HS512+A256KW',
]
const CONTENT_ENCRYPTION = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512']
const isPbes2 = (alg) => alg.startsWith('PBES2-')

function entryFor(keyObject, pemText) {
  const entry = {
    type: keyObject.type,
    asymmetricKeyType: keyObject.asymmetricKeyType,
    curve: keyObject.asymmetricKeyDetails?.namedCurve,
    bytes: keyObject.type === 'secret' ? keyObject.symmetricKeySize : undefined,
    pemText,
    native: null,
    // FIFO, as a key's verifiers; bounded although an app uses few: `pbes2Count` may be any count.
    encrypters: boundedMap(CODER_CACHE_LIMIT),
    decrypters: boundedMap(CODER_CACHE_LIMIT),
  }
  try {
    if (entry.type === 'secret') {
      entry.native = native.NativeJweKey.secret(keyObject.export())
    } else if (entry.type === 'private') {
      const der = keyObject.export({ type: 'pkcs8', format: 'der' })
      entry.native = native.NativeJweKey.privateKey(der, entry.asymmetricKeyType, entry.curve)
    } else {
      const der = keyObject.export({ type: 'spki', format: 'der' })
      entry.native = native.NativeJweKey.publicKey(der, entry.asymmetricKeyType, entry.curve)
    }
  } catch (err) {
    throw fromNative(err)
  }
  return entry
}

// Encrypting needs only the public half: a private key given to encrypt() is used through its public key.
const encryptionKey = makeCache(createPublicKey, 'encryption key', (keyObject, pemText) =>
  entryFor(keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject, pemText),
)
const decryptionKey = makeCache(createPrivateKey, 'decryption key', entryFor)

const SECRET_ALGORITHMS = { 16: ['A128KW', 'A128GCMKW'], 24: ['A192KW', 'A192GCMKW'], 32: ['A256KW', 'A256GCMKW'] }
// The content key sizes of the six encryptions: a secret of one of them can serve `dir`.
const DIRECT_KEY_BYTES = new Set([16, 24, 32, 48, 64])
const ECDH = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']

// The `algorithms` decrypt() uses when given none: those the key can serve, never RSA1_5 or PBES2 (each must be
// asked for by name).
function defaultAlgorithms(entry) {
  if (entry.type === 'secret') {
    return [...(DIRECT_KEY_BYTES.has(entry.bytes) ? ['dir'] : []), ...(SECRET_ALGORITHMS[entry.bytes] ?? [])]
  }
  return entry.asymmetricKeyType === 'rsa' ? ['RSA-OAEP', 'RSA-OAEP-256'] : ECDH
}

module.exports = {
  encryptionKey,
  decryptionKey,
  defaultAlgorithms,
  KEY_MANAGEMENT,
  CONTENT_ENCRYPTION,
  isPbes2,
}
