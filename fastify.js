'use strict'
// ringjwt/fastify: a drop-in for @fastify/jwt (the plugin, registered with fastify.register) on ringjwt.

module.exports = require('./lib/adapters/fastify')
