'use strict'
// The addon compiled by `npm install` (scripts/build.js). One file per platform, as napi-rs names it.
const path = require('node:path')
const { platform, arch } = process
const abi = platform === 'linux' ? (process.report?.getReport().header.glibcVersionRuntime ? '-gnu' : '-musl') : ''
const file = path.join(__dirname, '..', `ringjwt.${platform}-${arch}${abi}.node`)
module.exports = require(file)
