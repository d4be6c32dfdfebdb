'use strict'
// The wrong values every argument position is tried with, and what a failure may be: a TypeError, a
// JsonWebTokenError with a known code, or the caller's own error passed through.

const { types } = require('node:util')
const { JsonWebTokenError, codes } = require('../..')

// Thrown by the caller's own code (a getter, a Proxy trap, toJSON): ringjwt lets it through unchanged, as
// JSON.stringify and jsonwebtoken do, rather than hide it inside an error of its own.
class CallerError extends Error {}

function throwingProxy() {
  const trap = () => {
    throw new CallerError('thrown by a Proxy trap')
  }
  return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap })
}

const cyclic = { name: 'cycle' }
cyclic.self = cyclic

// [label, value, runs caller code]
const BAD_VALUES = [
  ['undefined', undefined],
  ['null', null],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['true', true],
  ['false', false],
  ['an empty string', ''],
  ['a short string', 'x'],
  ['a lone surrogate', '\ud800'],
  ['a string with NUL', 'a\u0000b'],
  ['an empty object', {}],
  ['an object without prototype', Object.create(null)],
  ['an empty array', []],
  ['an array of mixed values', [1, 'a', null, {}]],
  ['a function', function notAKey() {}],
  ['a class', class NotAKey {}],
  ['a Symbol', Symbol('bad')],
  ['a BigInt', 10n],
  ['a Date', new Date(0)],
  ['a RegExp', /x/g],
  ['a Map', new Map([['a', 1]])],
  ['an empty Buffer', Buffer.alloc(0)],
  ['a Uint8Array', new Uint8Array([1, 2, 3])],
  ['an ArrayBuffer', new ArrayBuffer(4)],
  ['a Promise', Promise.resolve('x')],
  ['an Error', new Error('not a value')],
  ['an object with a Symbol key', { [Symbol('k')]: 1 }],
  ['an object holding a BigInt', { n: 1n }],
  ['a cyclic object', cyclic],
  ['a 1000-deep array', JSON.parse('['.repeat(1000) + ']'.repeat(1000))],
  ['a Proxy whose traps throw', throwingProxy(), true],
  ['an object whose getter throws', Object.defineProperty({}, 'exp', { enumerable: true, get: throwingGetter }), true],
  ['an object whose toJSON throws', { toJSON: throwingGetter }, true],
]

function throwingGetter() {
  throw new CallerError('thrown by a getter')
}

// What is wrong with a failure, or null when it is one of the allowed kinds.
function problemWith(error, runsCallerCode) {
  if (runsCallerCode && error instanceof CallerError) return null
  if (error instanceof JsonWebTokenError) {
    if (!(error.code in codes)) return `JsonWebTokenError with unknown code ${error.code}`
    // The native layer's `code\x1fmessage` encoding must never reach the caller.
    return typeof error.message === 'string' && !error.message.includes('\x1f') ? null : `raw message ${error.message}`
  }
  // Node's own TypeErrors (Buffer's unknown encoding, say) come from outside Jest's realm: match by kind.
  if (types.isNativeError(error) && error.name === 'TypeError') return null
  return `${error?.constructor?.name}: ${error?.message}`
}

// The problems of calling `call` with each `[label, value, runsCallerCode]`: what it threw that it may not.
function syncProblems(call, values) {
  const problems = []
  for (const [label, value, runsCallerCode] of values) {
    try {
      call(value)
    } catch (err) {
      const problem = problemWith(err, runsCallerCode)
      if (problem !== null) problems.push(`${label}: ${problem}`)
    }
  }
  return problems
}

// The same for a function that must return a promise and never throw.
async function asyncProblems(call, values) {
  const problems = []
  for (const [label, value, runsCallerCode] of values) {
    let promise
    try {
      promise = call(value)
    } catch (err) {
      problems.push(`${label}: threw synchronously ${err?.name}: ${err?.message}`)
      continue
    }
    // Promises made by the addon belong to Node's realm, not to Jest's: no instanceof here.
    if (!types.isPromise(promise)) {
      problems.push(`${label}: returned ${typeof promise}`)
      continue
    }
    const error = await promise.then(
      () => null,
      (err) => err,
    )
    const problem = error === null ? null : problemWith(error, runsCallerCode)
    if (problem !== null) problems.push(`${label}: ${problem}`)
  }
  return problems
}

module.exports = { BAD_VALUES, CallerError, problemWith, syncProblems, asyncProblems, cyclic, throwingGetter }
