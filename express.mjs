// ESM entry for ringjwt/express: the same module as express.js, with named exports.
import express from './express.js'

export const {
  expressjwt,
  UnauthorizedError,
  ExtractJwt,
  fromAuthHeaderAsBearerToken,
  fromAuthHeaderWithScheme,
  fromHeader,
  fromUrlQueryParameter,
  fromBodyField,
  fromCookie,
  fromExtractors,
} = express
export default express
