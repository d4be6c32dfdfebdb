// ESM entry for ringjwt/testing: the same module as testing.js, with named exports.
import testing from './testing.js'

export const { createTestKey, createTestTokens, createJwksServer, fakeDateOnly } = testing
export default testing
