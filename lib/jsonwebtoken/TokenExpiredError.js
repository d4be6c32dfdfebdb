'use strict'
// jsonwebtoken's `lib/TokenExpiredError.js`, for code that requires it by path where ringjwt stands in for jsonwebtoken (npm overrides).
module.exports = require('../errors').TokenExpiredError
