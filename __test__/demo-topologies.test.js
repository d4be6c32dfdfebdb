'use strict'
// `npm start` on a Redis Cluster and on a Sentinel set, through node-redis and ioredis, with REDIS_MIN_REPLICAS=1:
// two instances of the demo share sessions and failed sign-in counts (login, /me, refresh and logout go through
// either one), and every write that takes access away waits for a replica.
const jwt = require('..')
const { startCluster, startSentinel } = require('./helpers/redis')
const { SECRET, call, login, startServer } = require('./helpers/demo')

const ENDED = { error: 'session_ended', message: 'The session has ended.' }

let cluster
let sentinel
beforeAll(async () => {
  ;[cluster, sentinel] = await Promise.all([startCluster(), startSentinel()])
}, 90_000)
afterAll(async () => {
  await Promise.all([cluster?.stop(), sentinel?.stop()])
})

const nodeList = (nodes) => nodes.map(({ host, port }) => `${host}:${port}`).join(',')
const TOPOLOGIES = {
  Cluster: () => ({ env: { REDIS_CLUSTER: nodeList(cluster.rootNodes) }, kind: 'in a Redis Cluster' }),
  Sentinel: () => ({
    env: { REDIS_SENTINELS: nodeList(sentinel.sentinelNodes), REDIS_SENTINEL_NAME: sentinel.name },
    kind: 'in Redis under Sentinel',
  }),
}
const CLIENTS = { redis: '', ioredis: ', through ioredis' }

describe.each(Object.keys(TOPOLOGIES))('npm start on a Redis %s', (topology) => {
  describe.each(Object.keys(CLIENTS))('with REDIS_CLIENT=%s and REDIS_MIN_REPLICAS=1', (library) => {
    let one
    let two
    beforeAll(async () => {
      const { env } = TOPOLOGIES[topology]()
      const settings = { JWT_SECRET: SECRET, REDIS_CLIENT: library, REDIS_MIN_REPLICAS: '1', ...env }
      ;[one, two] = await Promise.all([startServer(settings), startServer(settings)])
    }, 30_000)
    afterAll(async () => {
      await Promise.all([one?.stop(), two?.stop()])
    })

    test('says where it keeps sessions, and logs nothing else', () => {
      for (const server of [one, two]) {
        expect(server.stdout).toContain(`(sessions kept ${TOPOLOGIES[topology]().kind}${CLIENTS[library]})`)
        expect(server.stderr).toBe('')
      }
    })

    test('login, /me, refresh and logout, across both instances', async () => {
      const { token, refreshToken } = await login(one.base)
      const me = await call(two.base, '/me', { token })
      expect(me.status).toBe(200)
      expect(me.body).toMatchObject({ sub: jwt.decode(token).sub, sid: jwt.decode(token).sid })
      const refreshed = await call(two.base, '/refresh', { method: 'POST', json: { refreshToken } })
      expect(refreshed.status).toBe(200)
      expect(jwt.decode(refreshed.body.token).sid).toBe(jwt.decode(token).sid)
      expect((await call(one.base, '/me', { token: refreshed.body.token })).status).toBe(200)
      expect((await call(one.base, '/logout', { method: 'POST', token: refreshed.body.token })).status).toBe(200)
      for (const server of [one, two]) {
        for (const ended of [token, refreshed.body.token]) {
          expect(await call(server.base, '/me', { token: ended })).toMatchObject({ status: 401, body: ENDED })
        }
      }
      const again = await call(two.base, '/refresh', {
        method: 'POST',
        json: { refreshToken: refreshed.body.refreshToken },
      })
      expect(again).toMatchObject({ status: 401, body: ENDED })
    })

    test('failed sign-ins are counted across both instances', async () => {
      const victim = `${topology}-${library}@example.com`.toLowerCase()
      for (let i = 0; i < 5; i++) {
        const server = i % 2 === 0 ? one : two
        const res = await call(server.base, '/login', { method: 'POST', json: { email: victim, password: `g${i}` } })
        expect(res.status).toBe(401)
      }
      for (const server of [one, two]) {
        const res = await call(server.base, '/login', { method: 'POST', json: { email: victim, password: 'g' } })
        expect(res.status).toBe(429)
        expect(res.body.error).toBe('too_many_attempts')
      }
    })
  })
})
