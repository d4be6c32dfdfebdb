'use strict'
// Fakes Date only: sockets, servers, timers and scrypt run for real (a real Redis, a real HTTP server), while the
// time the stores and the token checks read is the test's to choose (jest.setSystemTime).

const EVERYTHING_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
]

function fakeDateOnly(now) {
  jest.useFakeTimers({ now, doNotFake: EVERYTHING_BUT_DATE })
}

module.exports = { fakeDateOnly }
