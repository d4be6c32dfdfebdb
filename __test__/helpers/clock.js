'use strict'
// Fake timers that fake only Date: servers, sockets, timers, scrypt and AbortSignal.timeout run for real (a real
// Redis, a real HTTP server) while the clock the code under test reads (Date.now()) is set by the test
// (jest.setSystemTime).

const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
]

function fakeDateOnly(now = Date.now()) {
  jest.useFakeTimers({ now, doNotFake: REAL_TIMERS })
}

module.exports = { fakeDateOnly }
