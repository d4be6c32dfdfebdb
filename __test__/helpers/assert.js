'use strict'
// Assertions shared by the specs: what a call threw or a promise rejected with, and the class, code and message
// every failure must carry.

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

async function rejected(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

function expectError(fn, Class, code, message) {
  let error
  try {
    fn()
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(Class)
  expect(error).toMatchObject({ name: Class.name, code, message })
  return error
}

module.exports = { thrown, rejected, expectError }
