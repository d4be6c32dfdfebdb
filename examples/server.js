'use strict'
// `npm start`: the demo app on 127.0.0.1:3000 (open it in a browser), with a demo user, and the curl commands to
// try its API.
//
//   PORT, HOST            where to listen (default 3000, 127.0.0.1)
//   JWT_SECRET            the HS256 key; generated at start (with a warning) when unset
//   DEMO_EMAIL            the demo user's email (default demo@example.com)
//   DEMO_PASSWORD         its password (default: generated and printed)
//   REDIS_URL             keep sessions and failed sign-in counts in Redis (shared by every instance) instead
//                         of in this process; or REDIS_CLUSTER, or REDIS_SENTINELS with REDIS_SENTINEL_NAME;
//                         REDIS_CLIENT, REDIS_CACHE and REDIS_MIN_REPLICAS choose how (see redis.js)
//   DPOP_REPLAY_CACHE_SIZE  DPoP proofs the in-process replay cache holds (default 100000); past it, sign-ins
//                         and refreshes with a proof get 503 until proofs expire. Not used with Redis.
//   MAX_SESSIONS_PER_USER  live sessions one user may hold (default 10); a sign-in past it ends the user's oldest
//                         sessions, whose refresh and access tokens are then refused (session_ended).
//   INSECURE_COOKIE=1     send the refresh cookie without Secure (and without its __Secure- prefix): only for
//                         plain-HTTP development on a host other than localhost or 127.0.0.1, which browsers
//                         already treat as secure. Never in production: behind TLS, leave it unset.

const crypto = require('node:crypto')
const {
  createSessionStore,
  createRedisSessionStore,
  createDpopReplayCache,
  createRedisDpopReplayCache,
} = require('ringjwt')
const { createApp, createUser } = require('./app')
const { redisAttemptStores } = require('./login-limits')
const { redisSettings, connectRedis } = require('./redis')

// RFC 7518 §3.2: an HS256 key at least as long as the hash; the app verifies with `strict`, which refuses less.
const MIN_SECRET_BYTES = 32

function signingSecret() {
  const secret = process.env.JWT_SECRET
  if (secret) {
    if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      throw new Error(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes for HS256 (RFC 7518 §3.2); ` +
          "generate one with: node -p \"require('crypto').randomBytes(32).toString('base64url')\"",
      )
    }
    return secret
  }
  console.warn('warning: JWT_SECRET is not set: using a random key, so tokens stop working when the server restarts.')
  return crypto.randomBytes(32).toString('base64url')
}

// Sessions and failed sign-in counts, in this process or in Redis. The Redis client rejects commands while it is
// disconnected instead of queueing them, and reconnects on its own: the stores answer 503 at once while Redis is
// down, and work again when it is back.
async function stores() {
  const settings = redisSettings()
  if (settings === null) {
    return {
      sessions: createSessionStore(),
      dpopReplayCache: createDpopReplayCache({ maxEntries: countSetting('DPOP_REPLAY_CACHE_SIZE', 'proofs') }),
      kind: 'in memory',
      close: async () => {},
    }
  }
  let lastError
  const redis = await connectRedis(settings, (message) => {
    // Reconnection attempts fail the same way every few hundred ms while Redis is down: say it once.
    if (message !== lastError) console.error(`redis: ${message}`)
    lastError = message
  })
  redis.client.on('ready', () => {
    if (lastError !== undefined) console.error('redis: connected again')
    lastError = undefined
  })
  const attempts = redisAttemptStores(redis)
  return {
    sessions: createRedisSessionStore(redis.client, redis.storeOptions),
    loginLimits: { store: attempts },
    refreshLimits: { store: attempts },
    dpopReplayCache: createRedisDpopReplayCache(redis.client),
    kind: redis.kind,
    close: redis.close,
  }
}

// A setting that counts something (`what`): a whole number, at least 1; undefined when unset (the default applies).
function countSetting(name, what) {
  const given = process.env[name]
  if (given === undefined || given === '') return undefined
  const count = Number(given)
  if (!/^[0-9]+$/.test(given) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`${name} must be a whole number of ${what}, at least 1`)
  }
  return count
}

// On by default; only INSECURE_COOKIE=1 turns it off, and says so.
function secureCookie() {
  const setting = process.env.INSECURE_COOKIE
  if (setting === undefined || setting === '' || setting === '0') return true
  if (setting !== '1') throw new Error('INSECURE_COOKIE must be 1 (or unset)')
  console.warn(
    'warning: INSECURE_COOKIE=1: the refresh cookie goes out without Secure; for plain-HTTP development only.',
  )
  return false
}

function usage(base, email, password) {
  const body = JSON.stringify({ email, password }).replaceAll("'", "'\\''")
  return `
Open ${base}/ in a browser, or try the API (bash):

  field() { node -pe "JSON.parse(require('fs').readFileSync(0)).$1"; }
  LOGIN=$(curl -s ${base}/login -H 'Content-Type: application/json' -d '${body}')
  TOKEN=$(echo "$LOGIN" | field token); REFRESH=$(echo "$LOGIN" | field refreshToken)
  curl -s ${base}/me -H "Authorization: Bearer $TOKEN"
  curl -s ${base}/sessions -H "Authorization: Bearer $TOKEN"
  NEW=$(curl -s ${base}/refresh -H 'Content-Type: application/json' -d "{\\"refreshToken\\":\\"$REFRESH\\"}")
  curl -s ${base}/refresh -H 'Content-Type: application/json' -d "{\\"refreshToken\\":\\"$REFRESH\\"}"   # 401 refresh_token_reused
  curl -s ${base}/me -H "Authorization: Bearer $(echo "$NEW" | field token)"      # 401 session_ended
  curl -s ${base}/health
`
}

async function main() {
  const port = Number(process.env.PORT || 3000)
  const host = process.env.HOST || '127.0.0.1'
  const email = process.env.DEMO_EMAIL || 'demo@example.com'
  // A password the operator gives is never printed (logs keep what they are shown); one made here is, once.
  const given = process.env.DEMO_PASSWORD || undefined
  const password = given ?? crypto.randomBytes(9).toString('base64url')
  const secret = signingSecret()
  const cookie = secureCookie()
  const maxSessions = countSetting('MAX_SESSIONS_PER_USER', 'sessions')
  const { sessions, loginLimits, refreshLimits, dpopReplayCache, kind, close } = await stores()
  const users = [await createUser(email, password)]
  const app = createApp({
    secret,
    sessions,
    loginLimits,
    refreshLimits,
    dpopReplayCache,
    users,
    secureCookie: cookie,
    maxSessionsPerUser: maxSessions,
  })

  // Express 5 hands a listen error to this callback (the port is taken, the address is not this host's).
  const server = app.listen(port, host, (err) => {
    if (err) {
      console.error(`cannot listen on ${host}:${port}: ${err.message}`)
      process.exitCode = 1
      close().catch(() => {})
      return
    }
    // Express 5 listened for one error, the listen's: a later one (too many open files, say) is logged here.
    server.on('error', (failure) => console.error(`server error: ${failure.message}`))
    const base = `http://${host}:${server.address().port}`
    console.log(`ringjwt demo listening on ${base} (sessions kept ${kind})`)
    console.log(
      given === undefined ? `demo user: ${email} / ${password}` : `demo user: ${email} (password: DEMO_PASSWORD)`,
    )
    console.log(usage(base, email, given === undefined ? password : '<DEMO_PASSWORD>'))
  })

  const shutdown = () => {
    server.close(() => close().finally(() => process.exit()))
    server.closeAllConnections()
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`cannot start: ${err.message}`)
    process.exit(1)
  })
}

module.exports = { stores }
