'use strict'
// jsonwebtoken's `lib/NotBeforeError.js`, for code that requires it by path where ringjwt stands in for jsonwebtoken (npm overrides).
module.exports = require('../errors').NotBeforeError
