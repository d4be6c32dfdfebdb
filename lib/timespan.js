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

// A lifetime option: seconds, or a timespan string such as '15m'. `undefined` unless a positive finite number.
function lifetimeSeconds(value) {
  const seconds = typeof value === 'string' ? ms(value) / 1000 : value
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined
}

module.exports = { timespan, lifetimeSeconds }
