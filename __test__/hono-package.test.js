'use strict'
// ringjwt/hono as npm sees it: the `exports` entry (CommonJS, ESM, types), hono an optional peer and never a
// dependency, and the ESM entry's middleware throwing the HTTPException of the hono an ES module imports.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const honoJwt = require('../hono')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

function esm(source) {
  const child = spawnSync(process.execPath, ['--input-type=module', '--eval', source], { cwd: root, encoding: 'utf8' })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout)
}

test('hono is an optional peer and a development dependency, never a dependency', () => {
  expect(pkg.peerDependencies.hono).toMatch(/^\^4\./)
  expect(pkg.peerDependenciesMeta.hono).toEqual({ optional: true })
  expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['hono', '@hono/node-server']))
  expect(Object.keys(pkg.dependencies)).not.toContain('hono')
  expect(pkg.optionalDependencies?.hono).toBeUndefined()
})

test('hono.d.ts declares every runtime export', () => {
  const text = fs.readFileSync(path.join(root, 'hono.d.ts'), 'utf8')
  const declared = new Set(
    [...text.matchAll(/^export (?:declare )?(?:function|const|class) (\w+)/gm)].map(([, name]) => name),
  )
  expect(Object.keys(honoJwt).filter((name) => !declared.has(name))).toEqual([])
})

test('ESM: the named exports are the CommonJS ones; the middleware throws the ESM build’s HTTPException', () => {
  const result = esm(`
    import * as ns from 'ringjwt/hono'
    import { createRequire } from 'node:module'
    import { Hono } from 'hono'
    import { HTTPException } from 'hono/http-exception'
    const cjs = createRequire(import.meta.url)('ringjwt/hono')
    const app = new Hono()
    const seen = []
    app.onError((err) => {
      seen.push(err instanceof HTTPException && err.cause?.name)
      return err.getResponse()
    })
    app.use('*', ns.jwt({ secret: 'secret', alg: 'HS256' }))
    app.get('*', (c) => c.json(c.get('jwtPayload')))
    const token = await ns.sign({ sub: 'u1' }, 'secret')
    const ok = await app.request('/', { headers: { authorization: 'Bearer ' + token } })
    const forged = await ns.sign({ sub: 'u1' }, 'another secret')
    const refused = await app.request('/', { headers: { authorization: 'Bearer ' + forged } })
    const names = Object.keys(ns).filter((name) => name !== 'default').sort()
    process.stdout.write(JSON.stringify({
      names,
      sameFunctions: names.filter((name) => !['jwt', 'jwk'].includes(name)).every((name) => ns[name] === cjs[name]),
      resolved: import.meta.resolve('ringjwt/hono'),
      ok: [ok.status, await ok.json()],
      refused: [refused.status, refused.headers.get('www-authenticate'), seen],
    }))
  `)
  expect(result).toEqual({
    names: Object.keys(honoJwt).sort(),
    sameFunctions: true,
    resolved: `file://${path.join(root, 'hono.mjs')}`,
    ok: [200, { sub: 'u1' }],
    refused: [
      401,
      'Bearer realm="http://localhost/",error="invalid_token",error_description="token verification failure"',
      ['JwtTokenSignatureMismatched'],
    ],
  })
})

test('CommonJS: require resolves hono.js', () => {
  expect(require.resolve('ringjwt/hono')).toBe(path.join(root, 'hono.js'))
})

test('without hono: the token functions work, the middleware says what is missing', () => {
  // hono cannot be uninstalled for one test: a preload makes it unresolvable, as in an app that lacks it.
  const preload = `
    const Module = require('node:module')
    const resolve = Module._resolveFilename
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'hono' || request.startsWith('hono/')) {
        const err = new Error("Cannot find module '" + request + "'")
        err.code = 'MODULE_NOT_FOUND'
        throw err
      }
      return resolve.call(this, request, ...rest)
    }
  `
  const script = `
    const { sign, verify, jwt } = require('ringjwt/hono')
    ;(async () => {
      const payload = await verify(await sign({ sub: 'u1' }, 'secret'), 'secret', 'HS256')
      let error
      try { jwt({ secret: 'secret', alg: 'HS256' }) } catch (err) { error = { name: err.name, message: err.message, cause: err.cause.code } }
      process.stdout.write(JSON.stringify({ payload, error }))
    })()
  `
  const child = spawnSync(process.execPath, ['--eval', `${preload}\n${script}`], { cwd: root, encoding: 'utf8' })
  expect(child.stderr).toBe('')
  expect(JSON.parse(child.stdout)).toEqual({
    payload: { sub: 'u1' },
    error: {
      name: 'Error',
      message: 'ringjwt/hono: the jwt and jwk middleware need the "hono" package',
      cause: 'MODULE_NOT_FOUND',
    },
  })
})
