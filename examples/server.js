'use strict'
// `npm start`: the demo app on 127.0.0.1:3000, with a demo user, and the curl commands to try it.
//
//   PORT, HOST            where to listen (default 3000, 127.0.0.1)
//   JWT_SECRET            the HS256 key; generated at start (with a warning) when unset
//   DEMO_EMAIL            the demo user's email (default demo@example.com)
//   DEMO_PASSWORD         its password (default: generated and printed)
//   REDIS_URL             keep revocations in Redis (shared by every instance) instead of in this process

const crypto = require('node:crypto')
const { createTokenStore, createRedisTokenStore } = require('ringjwt')
const { createApp, createUser, DEFAULT_TOKEN_LIFETIME } = require('./app')

const MIN_SECRET_LENGTH = 32

function signingSecret() {
  const secret = process.env.JWT_SECRET
  if (secret) {
    if (secret.length < MIN_SECRET_LENGTH) {
      console.warn(`warning: JWT_SECRET is shorter than ${MIN_SECRET_LENGTH} characters; use a long random value.`)
    }
    return secret
  }
  console.warn('warning: JWT_SECRET is not set: using a random key, so tokens stop working when the server restarts.')
  return crypto.randomBytes(32).toString('base64url')
}

async function tokenStore() {
  const options = { maxTokenLifetime: DEFAULT_TOKEN_LIFETIME }
  if (!process.env.REDIS_URL) return { store: createTokenStore(options), kind: 'in memory', close: async () => {} }
  const { createClient } = require('redis')
  const client = createClient({ url: process.env.REDIS_URL })
  client.on('error', (err) => console.error(`redis: ${err.message}`))
  await client.connect()
  return { store: createRedisTokenStore(client, options), kind: 'in Redis', close: () => client.quit() }
}

function usage(base, email, password) {
  const body = JSON.stringify({ email, password }).replaceAll("'", "'\\''")
  return `
Try it (bash):

  login() { curl -s ${base}/login -H 'Content-Type: application/json' -d '${body}' \\
    | node -pe 'JSON.parse(require("fs").readFileSync(0)).token'; }
  TOKEN=$(login); OTHER=$(login)
  curl -s ${base}/me -H "Authorization: Bearer $TOKEN"
  curl -s -X POST ${base}/logout -H "Authorization: Bearer $TOKEN"
  curl -s ${base}/me -H "Authorization: Bearer $TOKEN"      # 401 revoked_token
  curl -s -X POST ${base}/logout-all -H "Authorization: Bearer $OTHER"
  curl -s ${base}/me -H "Authorization: Bearer $OTHER"      # 401 revoked_token
  curl -s ${base}/health
`
}

async function main() {
  const port = Number(process.env.PORT || 3000)
  const host = process.env.HOST || '127.0.0.1'
  const email = process.env.DEMO_EMAIL || 'demo@example.com'
  const password = process.env.DEMO_PASSWORD || crypto.randomBytes(9).toString('base64url')
  const secret = signingSecret()
  const { store, kind, close } = await tokenStore()
  const app = createApp({ secret, store, users: [await createUser(email, password)] })

  const server = app.listen(port, host, () => {
    const base = `http://${host}:${server.address().port}`
    console.log(`ringjwt demo listening on ${base} (revocations kept ${kind})`)
    console.log(`demo user: ${email} / ${password}`)
    console.log(usage(base, email, password))
  })
  server.on('error', (err) => {
    console.error(`cannot listen on ${host}:${port}: ${err.message}`)
    process.exitCode = 1
    close().catch(() => {})
  })

  const shutdown = () => {
    server.close(() => close().finally(() => process.exit()))
    server.closeAllConnections()
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((err) => {
  console.error(`cannot start: ${err.message}`)
  process.exit(1)
})
