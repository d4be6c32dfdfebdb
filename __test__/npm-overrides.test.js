'use strict'
// jsonwebtoken's dependents running on ringjwt through npm `overrides`, as docs/migrating.md tells it: consumer
// projects installed from the packed tarballs (scripts/package.js --no-build: the addon the other tests use, in its
// platform package) and the libraries from the npm registry or npm's cache. passport-jwt authenticates requests over
// HTTP on 127.0.0.1 and @nestjs/jwt's JwtService signs and verifies, each on ringjwt, with ringjwt's error classes
// and codes. Then the reference form (`"$jsonwebtoken"`), which keeps one copy of ringjwt, and the plain form npm
// refuses beside a direct jsonwebtoken dependency.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { manifest, root, TRIPLE } = require('./helpers/installed-package')

// The installs fetch from the registry (or npm's cache); a network that does not answer fails them, never skips.
const INSTALL_TIMEOUT_MS = 240 * 1000
const CONSUMER = path.join(__dirname, 'helpers', 'overrides-consumer.js')
const LIBRARIES = {
  'passport-jwt': '^4.0.1',
  passport: '^0.7.0',
  express: '^5.1.0',
  '@nestjs/jwt': '^11.0.2',
  '@nestjs/common': '^11.0.0',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.0',
}

let tmp
let tarballs

function project(name, fields) {
  const dir = path.join(tmp, name)
  fs.mkdirSync(dir)
  const pkg = { name: `consumer-${name}`, version: '1.0.0', private: true, ...fields }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  return dir
}

function npmInstall(dir) {
  const child = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
  })
  if (child.error?.code === 'ETIMEDOUT') {
    throw new Error(
      `npm install in ${dir} did not finish in ${INSTALL_TIMEOUT_MS / 1000} s: it needs the npm registry ` +
        `(${spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim()}) or npm's cache`,
    )
  }
  return child
}

function installed(dir) {
  const child = npmInstall(dir)
  if (child.status !== 0) throw new Error(`npm install in ${dir} failed (exit ${child.status}):\n${child.stderr}`)
}

function consumer(dir, name) {
  const child = spawnSync(process.execPath, [CONSUMER, name], { cwd: dir, encoding: 'utf8' })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout)
}

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-overrides-')))
  const out = path.join(tmp, 'dist')
  const packed = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.js'), '--no-build', '--out', out], {
    encoding: 'utf8',
  })
  if (packed.status !== 0) throw new Error(`scripts/package.js --no-build failed:\n${packed.stderr}`)
  tarballs = {
    main: `file:${path.join(out, `ringjwt-${manifest.version}.tgz`)}`,
    platform: `file:${path.join(out, `ringjwt-${TRIPLE}-${manifest.version}.tgz`)}`,
  }
}, 60 * 1000)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('"overrides": { "jsonwebtoken": <ringjwt> }', () => {
  let dir
  beforeAll(
    () => {
      dir = project('plain', {
        dependencies: { [`@ringjwt/${TRIPLE}`]: tarballs.platform, ...LIBRARIES },
        overrides: { jsonwebtoken: tarballs.main },
      })
      installed(dir)
    },
    INSTALL_TIMEOUT_MS + 30 * 1000,
  )

  test('passport-jwt authenticates over HTTP on ringjwt, and reports its errors', async () => {
    const result = consumer(dir, 'passport')
    const refused = (name, code, message) => ({
      status: 401,
      body: { name, code, message, ringjwtClass: true },
    })
    expect(result).toEqual({
      package: 'ringjwt',
      valid: { status: 200, body: { id: 'u1' } },
      expired: refused('TokenExpiredError', 'ERR_JWT_EXPIRED', 'jwt expired'),
      otherSecret: refused('JsonWebTokenError', 'ERR_JWS_SIGNATURE_INVALID', 'invalid signature'),
      otherIssuer: refused('JsonWebTokenError', 'ERR_JWT_ISSUER_INVALID', 'jwt issuer invalid. expected: app'),
      unsigned: refused('JsonWebTokenError', 'ERR_JWS_SIGNATURE_REQUIRED', 'jwt signature is required'),
      // passport-jwt's own answer when there is no token: no verification ran.
      missing: { status: 401, body: { name: 'Error', message: 'No auth token', ringjwtClass: false } },
    })
  })

  test("@nestjs/jwt's JwtService signs and verifies on ringjwt, with its options and errors", () => {
    const result = consumer(dir, 'nest')
    expect(result).toEqual({
      package: 'ringjwt',
      claims: { sub: 'u1', iss: 'nest', lifetime: 60 },
      syncSameClaims: 'u2',
      header: { alg: 'HS256', typ: 'JWT' },
      ringjwtVerifies: 'u1',
      expired: { name: 'TokenExpiredError', code: 'ERR_JWT_EXPIRED', message: 'jwt expired', ringjwtClass: true },
      otherSecret: {
        name: 'JsonWebTokenError',
        code: 'ERR_JWS_SIGNATURE_INVALID',
        message: 'invalid signature',
        ringjwtClass: true,
      },
      otherIssuer: {
        name: 'JsonWebTokenError',
        code: 'ERR_JWT_ISSUER_INVALID',
        message: 'jwt issuer invalid. expected: elsewhere',
        ringjwtClass: true,
      },
      malformed: {
        name: 'JsonWebTokenError',
        code: 'ERR_JWT_MALFORMED',
        message: 'invalid token',
        ringjwtClass: true,
      },
    })
  })
})

describe('a direct jsonwebtoken dependency', () => {
  test(
    '"jsonwebtoken": <ringjwt> with "$jsonwebtoken": one copy of ringjwt, for the app and the libraries',
    () => {
      const dir = project('reference', {
        dependencies: {
          jsonwebtoken: tarballs.main,
          [`@ringjwt/${TRIPLE}`]: tarballs.platform,
          'passport-jwt': LIBRARIES['passport-jwt'],
        },
        overrides: { jsonwebtoken: '$jsonwebtoken' },
      })
      installed(dir)
      expect(consumer(dir, 'copies')).toEqual({
        package: 'ringjwt',
        express: 'function',
        sameModule: true,
        sameErrorClass: true,
      })
    },
    INSTALL_TIMEOUT_MS,
  )

  test(
    'beside the plain form, npm refuses the install: EOVERRIDE',
    () => {
      const dir = project('conflict', {
        dependencies: { jsonwebtoken: '^9.0.2', 'passport-jwt': LIBRARIES['passport-jwt'] },
        overrides: { jsonwebtoken: tarballs.main },
      })
      const child = npmInstall(dir)
      expect(child.status).toBe(1)
      expect(child.stderr).toContain('npm error code EOVERRIDE\n')
      expect(child.stderr).toContain('npm error Override for jsonwebtoken@^9.0.2 conflicts with direct dependency\n')
      expect(fs.existsSync(path.join(dir, 'node_modules', 'jsonwebtoken'))).toBe(false)
    },
    INSTALL_TIMEOUT_MS,
  )
})
