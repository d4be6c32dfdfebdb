'use strict'
// ringjwt/express: a drop-in for express-jwt (`expressjwt`, `UnauthorizedError`) and token extractors for its
// `getToken` option, also grouped as `ExtractJwt` like passport-jwt's.

const { expressjwt, UnauthorizedError } = require('./lib/express')
const extractors = require('./lib/extractors')

module.exports = {
  expressjwt,
  UnauthorizedError,
  ExtractJwt: Object.freeze({ ...extractors }),
  ...extractors,
}
