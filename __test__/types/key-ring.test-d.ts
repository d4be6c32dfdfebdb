// Compile-only: the key ring's declared types.
import { createClient } from 'redis'
import { createKeyRing, createKeyRingMemoryStore, createRedisKeyRingStore, sign, type KeyRing } from '../..'

async function keyRing(): Promise<void> {
  const ring: KeyRing = createKeyRing({ algorithm: 'EdDSA', rotateEvery: '30d', overlap: 3600, kek: Buffer.alloc(32) })
  const token: string = await ring.sign({ sub: 'a' }, { expiresIn: '15m', audience: 'api' })
  const { key, kid, algorithm } = await ring.signingKey()
  sign({ sub: 'a' }, key, { algorithm, keyid: kid })
  const set = await ring.jwks()
  set.keys.forEach((jwk) => jwk.kid)
  createKeyRing({ store: createKeyRingMemoryStore() })
  createKeyRing({ store: createRedisKeyRingStore(createClient(), { key: 'issuer:ring', timeout: 500 }) })
  // @ts-expect-error HMAC keys cannot be published
  createKeyRing({ algorithm: 'HS256' })
  // @ts-expect-error the ring sets the algorithm
  await ring.sign({}, { algorithm: 'ES256' })
  void token
}
void keyRing
