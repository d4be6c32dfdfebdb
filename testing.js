'use strict'
// ringjwt/testing: test keys for any algorithm, a token for each case an app's tests check, and a JWK Set server
// on 127.0.0.1 that rotates. Made for Jest (and its fake clock), usable with any test runner.

const { createTestKey, createTestTokens, createJwksServer, fakeDateOnly } = require('./lib/testing')

module.exports = { createTestKey, createTestTokens, createJwksServer, fakeDateOnly }
