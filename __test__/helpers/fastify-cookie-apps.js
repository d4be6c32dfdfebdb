'use strict'
// Fastify apps with @fastify/cookie, run outside Jest's module system (@fastify/cookie loads `cookie` with a
// dynamic import, which Jest's VM refuses): the same routes on @fastify/jwt and on ringjwt/fastify, with tokens
// in a signed cookie. Started as a child process, it prints one JSON line: the two URLs and tokens to send.
// `startCookieApps()` (for the tests) spawns it and returns { theirs, ours, tokens, signed, close }.

const { spawn } = require('node:child_process')
const readline = require('node:readline')

async function serve() {
  const { generateKeyPairSync } = require('node:crypto')
  const Fastify = require('fastify')
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const secret = {
    private: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    public: ec.publicKey.export({ type: 'spki', format: 'pem' }),
  }
  const options = {
    secret,
    cookie: { cookieName: 'token', signed: true },
    decode: { complete: true },
    verify: { complete: true, allowedIss: 'auth' },
    formatUser: (token) => ({ id: token.payload.sub, alg: token.header.alg }),
    trusted: (request, token) => token.payload.jti !== 'revoked',
  }
  async function start(plugin) {
    const app = Fastify()
    await app.register(require('@fastify/cookie'), { secret: 'cookie secret' })
    await app.register(plugin, options)
    app.get('/verify', async (request) => ({ verified: await request.jwtVerify(), user: request.user }))
    app.get('/decode', async (request) => ({ decoded: await request.jwtDecode() }))
    app.post('/login', async (request, reply) => {
      const token = await reply.jwtSign({ sub: 'u1', iss: 'auth' })
      return reply.setCookie('token', token, { signed: true, httpOnly: true, path: '/' }).send({ ok: true })
    })
    return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) }
  }
  const theirs = await start(require('@fastify/jwt'))
  const ours = await start(require('../../fastify'))
  const sign = (claims) => theirs.app.jwt.sign(claims)
  const tokens = {
    valid: sign({ sub: 'u1', iss: 'auth' }),
    revoked: sign({ sub: 'u1', iss: 'auth', jti: 'revoked' }),
    otherIssuer: sign({ sub: 'u1', iss: 'other' }),
  }
  const signed = Object.fromEntries(Object.entries(tokens).map(([name, token]) => [name, theirs.app.signCookie(token)]))
  process.stdout.write(JSON.stringify({ theirs: theirs.url, ours: ours.url, tokens, signed }) + '\n')
  process.stdin.resume()
  process.stdin.on('end', () => Promise.all([theirs.app.close(), ours.app.close()]).then(() => process.exit(0)))
}

function startCookieApps() {
  const child = spawn(process.execPath, [__filename], { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the cookie apps exited (${code})`)))
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      const started = JSON.parse(line)
      const close = () =>
        new Promise((done) => {
          child.removeAllListeners('exit')
          child.once('exit', done)
          child.stdin.end()
        })
      resolve({ ...started, close })
    })
  })
}

if (require.main === module) {
  serve().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}

module.exports = { startCookieApps }
