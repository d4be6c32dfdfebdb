// Runs jose (ESM) outside Jest's module system: reads a JSON task list on stdin, writes the results as JSON.
// { decrypt: [{ token, key, nested?: { key, alg } }], encrypt: [{ alg, enc, key, payload, nested?: { key, alg } }] }
import * as jose from 'jose'

const input = JSON.parse(
  await new Promise((resolve) => {
    let text = ''
    process.stdin.on('data', (chunk) => (text += chunk))
    process.stdin.on('end', () => resolve(text))
  }),
)

const importKey = (key, alg) => (key.kty ? jose.importJWK(key, alg) : Buffer.from(key.secret, 'base64url'))

const decrypted = []
for (const task of input.decrypt) {
  try {
    const header = jose.decodeProtectedHeader(task.token)
    const key = await importKey(task.key, header.alg)
    // jose, like ringjwt, decrypts PBES2 only when it is listed.
    const options = { keyManagementAlgorithms: [header.alg], maxPBES2Count: 10000 }
    if (task.nested) {
      const { plaintext, protectedHeader } = await jose.compactDecrypt(task.token, key, options)
      const verifyKey = await importKey(task.nested.key, task.nested.alg)
      const { payload } = await jose.jwtVerify(new TextDecoder().decode(plaintext), verifyKey)
      decrypted.push({ payload, header: protectedHeader })
    } else {
      const { payload, protectedHeader } = await jose.jwtDecrypt(task.token, key, options)
      decrypted.push({ payload, header: protectedHeader })
    }
  } catch (err) {
    decrypted.push({ error: `${err.code}: ${err.message}` })
  }
}

const encrypted = []
for (const task of input.encrypt) {
  const key = await importKey(task.key, task.alg)
  if (task.nested) {
    const signKey = await importKey(task.nested.key, task.nested.alg)
    const jws = await new jose.SignJWT(task.payload)
      .setProtectedHeader({ alg: task.nested.alg, typ: 'JWT' })
      .sign(signKey)
    encrypted.push(
      await new jose.CompactEncrypt(new TextEncoder().encode(jws))
        .setProtectedHeader({ alg: task.alg, enc: task.enc, cty: 'JWT' })
        .encrypt(key),
    )
  } else {
    encrypted.push(
      await new jose.EncryptJWT(task.payload).setProtectedHeader({ alg: task.alg, enc: task.enc }).encrypt(key),
    )
  }
}
process.stdout.write(JSON.stringify({ decrypted, encrypted }))
