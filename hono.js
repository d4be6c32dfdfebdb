'use strict'
// ringjwt/hono: a drop-in for hono/jwt (`jwt`, `jwk`, `sign`, `verify`, `decode`, `verifyWithJwks`) and the error
// classes of hono's JWT utilities, with the signatures made and checked by ringjwt.

const tokens = require('./lib/adapters/hono-jwt')
const { honoMiddleware, honoMissing } = require('./lib/adapters/hono')

// Hono's CommonJS build, for an app that requires hono.
const { jwt, jwk } = honoMiddleware(() => {
  try {
    const { getCookie, getSignedCookie } = require('hono/cookie')
    return { HTTPException: require('hono/http-exception').HTTPException, getCookie, getSignedCookie }
  } catch (err) {
    if (err?.code !== 'MODULE_NOT_FOUND') throw err
    throw honoMissing(err)
  }
})

module.exports = { jwt, jwk, ...tokens }
