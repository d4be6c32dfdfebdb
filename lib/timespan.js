'use strict'
const ms = require('ms')

// jsonwebtoken's reading of `expiresIn`, `notBefore` and `maxAge`: a number is seconds, a string is a
// timespan in the `ms` package's syntax (a bare numeric string is milliseconds). `undefined` when invalid.
function timespan(time, iat) {
  const timestamp = iat || Math.floor(Date.now() / 1000)
  if (typeof time === 'string') {
    const milliseconds = ms(time)
    if (typeof milliseconds === 'undefined') return undefined
    return Math.floor(timestamp + milliseconds / 1000)
  }
  if (typeof time === 'number') return timestamp + time
  return undefined
}

module.exports = { timespan }
