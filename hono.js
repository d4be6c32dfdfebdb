'use strict'
// ringjwt/hono: a drop-in for hono/jwt (`jwt`, `jwk`, `sign`, `verify`, `decode`, `verifyWithJwks`) and the error
// classes of hono's JWT utilities, with the signatures made and checked by ringjwt.

const tokens = require('./lib/adapters/hono-jwt')
const { honoMiddleware } = require('./lib/adapters/hono')

// Hono's CommonJS build, for an app that requires hono.
const { jwt, jwk } = honoMiddleware(() => ({
  HTTPException: require('hono/http-exception').HTTPException,
  ...require('hono/cookie'),
}))

module.exports = { jwt, jwk, ...tokens }
