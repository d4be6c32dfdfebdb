'use strict'
// Both Redis stores and the DPoP replay cache on one redis-server, with every client library and default options
// (helpers/redis-matrix.js): what the Cluster and Sentinel tests check on their topologies, on the plainest one.
const { startRedis } = require('./helpers/redis')
const { storesOnEveryLibrary, checksFromTheCache } = require('./helpers/redis-matrix')

let redis
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

storesOnEveryLibrary(() => ({ url: redis.url }))
checksFromTheCache(() => ({ url: redis.url }))
