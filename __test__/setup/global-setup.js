'use strict'
// Jest global setup: runs once, before any test file, so that one apt-get run serves every worker.
const { prepare } = require('../helpers/system')

module.exports = async () => {
  prepare()
}
