'use strict'
// Fake timers that fake only Date: servers, sockets, timers, scrypt and AbortSignal.timeout run for real (a real
// Redis, a real HTTP server) while the clock the code under test reads (Date.now()) is set by the test
// (jest.setSystemTime). The list of real timers is ringjwt/testing's, which apps use the same way.

const { fakeDateOnly: realTimers } = require('../../testing')

function fakeDateOnly(now = Date.now()) {
  jest.useFakeTimers({ ...realTimers, now })
}

module.exports = { fakeDateOnly }
