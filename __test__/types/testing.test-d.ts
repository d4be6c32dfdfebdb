// Compile-only: ringjwt/testing's declared types.
import { createJwksServer, createTestKey, createTestTokens, fakeDateOnly, type TestKey } from '../../testing'
import { createRemoteJwks, verify } from '../..'

async function kit(): Promise<void> {
  const key: TestKey<'EdDSA'> = createTestKey('EdDSA')
  const tokens = createTestTokens({ key, issuer: 'https://issuer.test', audience: 'api' })
  const token: string = tokens.valid({ scope: 'read' }, { subject: 'u1' })
  verify(token, key.verifyingKey, { algorithms: [key.algorithm] })
  const cases: string[] = [
    tokens.expired(),
    tokens.notYetValid(),
    tokens.otherAudience(),
    tokens.badSignature(),
    tokens.unsigned(),
  ]
  const server = await createJwksServer({ algorithm: 'RS256', tokens: { audience: 'api' } })
  createRemoteJwks(server.jwksUri)
  server.rotate({ keep: false })
  await server.close()
  const config: { doNotFake: string[] } = { ...fakeDateOnly }
  // @ts-expect-error a server publishes public keys only
  await createJwksServer({ algorithm: 'HS256' })
  // @ts-expect-error no such algorithm
  createTestKey('XS256')
  void [cases, config]
}
void kit
