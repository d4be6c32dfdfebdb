'use strict'
// Both Redis stores and the DPoP replay cache on one redis-server, with every client library and default options
// (helpers/redis-matrix.js): what the Cluster and Sentinel tests check on their topologies, on the plainest one.
// Then the same on clients with a `keyPrefix` (node-redis 6 and ioredis), which the stores' own reads carry too.
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

describe('on clients with a keyPrefix', () => {
  const libraries = ['node-redis 6', 'ioredis 6', 'ioredis 5']
  storesOnEveryLibrary(() => ({ url: redis.url, keyPrefix: 'app:' }), { libraries })
})
