'use strict'
const ms = require('ms')

// `ms` throws on an empty string (and only there): '' is no timespan.
const millisecondsOf = (text) => (text === '' ? undefined : ms(text))

// jsonwebtoken's reading of `expiresIn`, `notBefore` and `maxAge`: a number is seconds, a string is a
// timespan in the `ms` package's syntax (a bare numeric string is milliseconds). `undefined` when invalid.
function timespan(time, iat) {
  const timestamp = iat || Math.floor(Date.now() / 1000)
  if (typeof time === 'string') {
    const milliseconds = millisecondsOf(time)
    if (typeof milliseconds === 'undefined') return undefined
    return Math.floor(timestamp + milliseconds / 1000)
  }
  if (typeof time === 'number') return timestamp + time
  return undefined
}

// The longest lifetime or clock tolerance a store takes, in seconds: 1000 years. Beyond some such bound, a time
// plus a lifetime in milliseconds leaves JS's Date range, and then f64's.
const MAX_LIFETIME_SECONDS = 1000 * 365.25 * 24 * 60 * 60

// A lifetime option: seconds, or a timespan string such as '15m'. `undefined` unless a positive number of at most
// MAX_LIFETIME_SECONDS.
function lifetimeSeconds(value) {
  const seconds = typeof value === 'string' ? millisecondsOf(value) / 1000 : value
  return typeof seconds === 'number' && seconds > 0 && seconds <= MAX_LIFETIME_SECONDS ? seconds : undefined
}

module.exports = { timespan, lifetimeSeconds, MAX_LIFETIME_SECONDS }
