// ioredis 6's declarations import the "redis-errors" package, which ships no types of its own.
declare module 'redis-errors'
