'use strict'
// DPoP with other implementations: proofs made by panva's `dpop` and by `oauth4webapi` (which also follows the
// server-nonce flow) pass ringjwt's middleware over HTTP, and ringjwt's proofs pass a verifier written on jose.
// The ESM packages run in a child process (helpers/dpop-child.mjs, through helpers/dpop-client.js).

const express = require('express')
const jwt = require('..')
const { expressjwt } = require('../express')
const { keys, secret } = require('./helpers/keys')
const { listen } = require('./helpers/express-apps')
const { child } = require('./helpers/dpop-client')

const { createDpopProof, calculateJwkThumbprint, createDpopReplayCache, verifyDpopProof } = jwt

const jwk = keys.p256.privateJwk
const jkt = calculateJwkThumbprint(keys.p256.publicJwk)
const token = jwt.sign({ sub: 'u1', cnf: { jkt } }, secret, { expiresIn: '5m' })

async function startServer(dpop) {
  const app = express()
  app.use(expressjwt({ secret, algorithms: ['HS256'], dpop }))
  app.get('/resource', (req, res) => res.json({ sub: req.auth.sub, jkt: req.dpop.jkt }))
  app.use((err, req, res, _next) => {
    if (err.headers) res.set(err.headers)
    res.status(err.status ?? 500).json({ code: err.code, inner: err.inner?.code })
  })
  return listen(app)
}

describe('proofs from other clients pass the middleware', () => {
  test("panva's dpop", async () => {
    const server = await startServer({ mode: 'required', replayCache: createDpopReplayCache() })
    try {
      const htu = `${server.url}/resource`
      const { proof, error } = await child({ panva: { jwk, htu, htm: 'GET', accessToken: token } })
      expect(error).toBeUndefined()
      const response = await fetch(htu, { headers: { authorization: `DPoP ${token}`, dpop: proof } })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ sub: 'u1', jkt })
    } finally {
      await server.close()
    }
  })

  test('oauth4webapi, through the server-nonce flow', async () => {
    const server = await startServer({ mode: 'required', nonce: true, replayCache: createDpopReplayCache() })
    try {
      const result = await child({ oauth4webapi: { jwk, url: `${server.url}/resource?x=1`, accessToken: token } })
      expect(result).toEqual({ status: 200, body: { sub: 'u1', jkt }, retried: true })
    } finally {
      await server.close()
    }
  })
})

describe("ringjwt's proofs pass an independent verifier on jose", () => {
  test('ES256, with ath and the same thumbprint', async () => {
    const htu = 'https://api.example/resource'
    const proof = createDpopProof(keys.p256.privateKey, { htm: 'POST', htu: `${htu}?q=1`, accessToken: token })
    const result = await child({ jose: { proof, htm: 'POST', htu, accessToken: token } })
    expect(result.error).toBeUndefined()
    expect(result.header).toEqual({
      alg: 'ES256',
      typ: 'dpop+jwt',
      jwk: jwt.decode(proof, { complete: true }).header.jwk,
    })
    expect(result.jkt).toBe(jkt)
    // And ringjwt agrees with itself on the same proof.
    await expect(verifyDpopProof(proof, { htm: 'POST', htu, accessToken: token, jkt })).resolves.toMatchObject({ jkt })
  })

  test('EdDSA and PS256', async () => {
    for (const [name, algorithm] of [
      ['ed25519', undefined],
      ['rsa', 'PS256'],
    ]) {
      const htu = 'https://api.example/r'
      const proof = createDpopProof(keys[name].privateKey, { htm: 'GET', htu, accessToken: token, algorithm })
      const result = await child({ jose: { proof, htm: 'GET', htu, accessToken: token } })
      expect(result.error).toBeUndefined()
      expect(result.jkt).toBe(calculateJwkThumbprint(keys[name].publicJwk))
    }
  })
})
