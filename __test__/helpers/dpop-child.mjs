// DPoP from other implementations, run outside Jest's module system (all three are ESM): reads a JSON task on
// stdin, writes the result as JSON.
//   { panva: { jwk, htu, htm, accessToken, nonce? } }   → { proof }: a proof made by panva's `dpop`
//   { oauth4webapi: { jwk, url, accessToken } }        → { status, body, retried }: a protected resource request
//     made by oauth4webapi with its DPoP handle, retried once on `use_dpop_nonce` as its docs say
//   { jose: { proof, htm, htu, accessToken, jkt } }    → { header, payload, jkt }: a proof checked by a verifier
//     written here on jose, independent of ringjwt
import crypto from 'node:crypto'
import * as dpop from 'dpop'
import * as oauth from 'oauth4webapi'
import * as jose from 'jose'

const task = JSON.parse(
  await new Promise((resolve) => {
    let text = ''
    process.stdin.on('data', (chunk) => (text += chunk))
    process.stdin.on('end', () => resolve(text))
  }),
)

async function keyPair(jwk) {
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
  const algorithm = { name: 'ECDSA', namedCurve: jwk.crv }
  return {
    privateKey: await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']),
    publicKey: await crypto.subtle.importKey('jwk', publicJwk, algorithm, true, ['verify']),
  }
}

async function run() {
  if (task.panva) {
    const { jwk, htu, htm, accessToken, nonce } = task.panva
    return { proof: await dpop.generateProof(await keyPair(jwk), htu, htm, nonce, accessToken) }
  }
  if (task.oauth4webapi) {
    const { jwk, url, accessToken } = task.oauth4webapi
    const handle = oauth.DPoP({ client_id: 'demo' }, await keyPair(jwk))
    const request = () =>
      oauth.protectedResourceRequest(accessToken, 'GET', new URL(url), new Headers(), null, {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      })
    let retried = false
    let response
    try {
      response = await request()
    } catch (err) {
      if (!oauth.isDPoPNonceError(err)) throw err
      retried = true
      response = await request()
    }
    return { status: response.status, body: await response.json(), retried }
  }
  if (task.jose) {
    const { proof, htm, htu, accessToken } = task.jose
    const { payload, protectedHeader } = await jose.jwtVerify(proof, jose.EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'EdDSA', 'PS256'],
      maxTokenAge: '60s',
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
    })
    if (payload.htm !== htm || payload.htu !== htu) throw new Error('htm or htu differ')
    const ath = crypto.createHash('sha256').update(accessToken).digest('base64url')
    if (payload.ath !== ath) throw new Error('ath differs')
    return { header: protectedHeader, payload, jkt: await jose.calculateJwkThumbprint(protectedHeader.jwk) }
  }
  throw new Error('unknown task')
}

try {
  process.stdout.write(JSON.stringify(await run()))
} catch (err) {
  process.stdout.write(JSON.stringify({ error: `${err.name}: ${err.message}` }))
}
