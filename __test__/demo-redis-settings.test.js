'use strict'
// The demo's Redis variables (examples/redis.js): which client each set of variables asks for, and the message a
// wrong one stops the start with.
const { redisSettings } = require('../examples/redis')

const HINT = ' (see "The demo app" in docs/sessions.md)'

test('without a Redis variable the demo keeps everything in its process', () => {
  expect(redisSettings({})).toBeNull()
  expect(redisSettings({ REDIS_CLIENT: 'ioredis', REDIS_CACHE: '1' })).toBeNull()
})

test.each([
  [
    'one node, node-redis by default',
    { REDIS_URL: 'redis://127.0.0.1:6379' },
    { topology: 'node', url: 'redis://127.0.0.1:6379', library: 'redis', cache: false, minReplicas: undefined },
  ],
  [
    'one node with client-side caching and replicas to wait for',
    { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CACHE: '1', REDIS_MIN_REPLICAS: '1' },
    { topology: 'node', url: 'redis://127.0.0.1:6379', library: 'redis', cache: true, minReplicas: 1 },
  ],
  [
    'a Cluster through ioredis',
    { REDIS_CLUSTER: '127.0.0.1:7000, 127.0.0.1:7001,[::1]:7002', REDIS_CLIENT: 'ioredis' },
    {
      topology: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      library: 'ioredis',
      cache: false,
      minReplicas: undefined,
    },
  ],
  [
    'a Sentinel set, its primary named mymaster by default',
    { REDIS_SENTINELS: 'localhost:26379,localhost:26380', REDIS_MIN_REPLICAS: '0' },
    {
      topology: 'sentinel',
      nodes: [
        { host: 'localhost', port: 26379 },
        { host: 'localhost', port: 26380 },
      ],
      name: 'mymaster',
      library: 'redis',
      cache: false,
      minReplicas: 0,
    },
  ],
  [
    'a Sentinel set with another name',
    { REDIS_SENTINELS: 'localhost:26379', REDIS_SENTINEL_NAME: 'sessions' },
    {
      topology: 'sentinel',
      nodes: [{ host: 'localhost', port: 26379 }],
      name: 'sessions',
      library: 'redis',
      cache: false,
      minReplicas: undefined,
    },
  ],
])('%s', (_, env, settings) => {
  expect(redisSettings(env)).toEqual(settings)
})

test.each([
  [
    'two topologies',
    { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER: '127.0.0.1:7000' },
    'Set one of REDIS_URL, REDIS_CLUSTER, REDIS_SENTINELS, not REDIS_URL and REDIS_CLUSTER',
  ],
  [
    'an unknown client',
    { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLIENT: 'memcached' },
    'REDIS_CLIENT must be redis or ioredis, not "memcached"',
  ],
  [
    'caching with ioredis',
    { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLIENT: 'ioredis', REDIS_CACHE: '1' },
    'REDIS_CACHE=1 needs REDIS_CLIENT=redis: ioredis has no client-side caching',
  ],
  [
    'a cache setting that is not 0 or 1',
    { REDIS_URL: 'redis://h:1', REDIS_CACHE: 'yes' },
    'REDIS_CACHE must be 1 or 0',
  ],
  [
    'replicas that are not a whole number',
    { REDIS_URL: 'redis://h:1', REDIS_MIN_REPLICAS: '1.5' },
    'REDIS_MIN_REPLICAS must be a whole number of replicas',
  ],
  [
    'a node without a port',
    { REDIS_CLUSTER: '127.0.0.1:7000,127.0.0.1' },
    'REDIS_CLUSTER must be host:port,host:port…, not "127.0.0.1"',
  ],
  [
    'a port out of range',
    { REDIS_SENTINELS: 'h:70000' },
    'REDIS_SENTINELS must be host:port,host:port…, not "h:70000"',
  ],
])('%s stops the start with a message', (_, env, message) => {
  expect(() => redisSettings(env)).toThrow(new Error(message + HINT))
})
