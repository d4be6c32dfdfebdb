'use strict'
// Run by __test__/npm-overrides.test.js with a consumer project as its working directory: everything is required
// from that project's node_modules, where npm `overrides` put ringjwt in the place of jsonwebtoken. It prints one
// JSON object: what the libraries answered, and which copy of ringjwt they ran on.
//
//   node overrides-consumer.js passport   express + passport + passport-jwt on 127.0.0.1, requests over HTTP
//   node overrides-consumer.js nest       @nestjs/jwt's JwtService: sign, verify, and its failures
//   node overrides-consumer.js copies     which jsonwebtoken the app and passport-jwt load

const { createRequire } = require('node:module')
const path = require('node:path')

const load = createRequire(path.join(process.cwd(), 'package.json'))
const SECRET = 'a secret of at least thirty-two bytes'

// The jsonwebtoken a library loads: resolved from the library's own folder, as its `require('jsonwebtoken')` is.
function jsonwebtokenOf(library) {
  return load(load.resolve('jsonwebtoken', { paths: [path.dirname(load.resolve(library))] }))
}

// An error as the test compares it, and whether it is an instance of ringjwt's class of that name.
function described(err, jwt) {
  if (!err) return null
  const ringjwtClass = jwt[err.name]
  return {
    name: err.name,
    code: err.code,
    message: err.message,
    ringjwtClass: !!ringjwtClass && err instanceof ringjwtClass,
  }
}

async function passport() {
  const express = load('express')
  const { Passport } = load('passport')
  const { Strategy, ExtractJwt } = load('passport-jwt')
  const jwt = jsonwebtokenOf('passport-jwt')
  const auth = new Passport()
  const options = { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: SECRET, issuer: 'app' }
  auth.use(new Strategy(options, (claims, done) => done(null, { id: claims.sub })))
  const app = express()
  app.get('/me', (req, res, next) =>
    auth.authenticate('jwt', { session: false }, (err, user, info) => {
      if (err) return next(err)
      if (!user) return res.status(401).json(described(info, jwt))
      return res.json(user)
    })(req, res, next),
  )
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const get = async (token) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {}
    const res = await fetch(`http://127.0.0.1:${server.address().port}/me`, { headers })
    return { status: res.status, body: await res.json() }
  }
  try {
    const now = Math.floor(Date.now() / 1000)
    return {
      package: load(load.resolve('jsonwebtoken/package.json', { paths: [load.resolve('passport-jwt')] })).name,
      valid: await get(jwt.sign({ sub: 'u1' }, SECRET, { issuer: 'app', expiresIn: '5m' })),
      expired: await get(jwt.sign({ sub: 'u1', exp: now - 60 }, SECRET, { issuer: 'app' })),
      otherSecret: await get(jwt.sign({ sub: 'u1' }, 'another secret of thirty-two bytes!', { issuer: 'app' })),
      otherIssuer: await get(jwt.sign({ sub: 'u1' }, SECRET, { issuer: 'elsewhere' })),
      unsigned: await get(jwt.sign({ sub: 'u1' }, null, { algorithm: 'none' })),
      missing: await get(null),
    }
  } finally {
    server.close()
  }
}

async function nest() {
  load('reflect-metadata')
  const { JwtService } = load('@nestjs/jwt')
  const jwt = jsonwebtokenOf('@nestjs/jwt')
  const service = new JwtService({ secret: SECRET, signOptions: { expiresIn: '60s', issuer: 'nest' } })
  const failure = async (fn) => {
    try {
      await fn()
      return null
    } catch (err) {
      return described(err, jwt)
    }
  }
  const token = await service.signAsync({ sub: 'u1' })
  const claims = await service.verifyAsync(token, { issuer: 'nest' })
  return {
    package: load(load.resolve('jsonwebtoken/package.json', { paths: [load.resolve('@nestjs/jwt')] })).name,
    claims: { sub: claims.sub, iss: claims.iss, lifetime: claims.exp - claims.iat },
    syncSameClaims: service.verify(service.sign({ sub: 'u2' })).sub,
    header: service.decode(token, { complete: true }).header,
    ringjwtVerifies: jwt.verify(token, SECRET, { issuer: 'nest' }).sub,
    expired: await failure(() => service.verifyAsync(token, { clockTimestamp: claims.exp + 1 })),
    otherSecret: await failure(() => service.verifyAsync(token, { secret: 'another secret of thirty-two bytes!' })),
    otherIssuer: await failure(() => service.verify(token, { issuer: 'elsewhere' })),
    malformed: await failure(() => service.verify('not.a.token')),
  }
}

function copies() {
  const app = load('jsonwebtoken')
  const viaPassport = jsonwebtokenOf('passport-jwt')
  return {
    package: load('jsonwebtoken/package.json').name,
    express: typeof load('jsonwebtoken/express').expressjwt,
    sameModule: app === viaPassport,
    sameErrorClass: app.TokenExpiredError === viaPassport.TokenExpiredError,
  }
}

const cases = { passport, nest, copies }
Promise.resolve(cases[process.argv[2]]()).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    process.stderr.write(`${err.stack}\n`)
    process.exitCode = 1
  },
)
