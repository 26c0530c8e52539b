import t from 'tap'
import { buildGateway } from './helper.ts'
import { REDIS_SERVER, startRedis } from './support/redis-server.ts'

const redis = await startRedis()
if (redis === undefined) {
  t.plan(0, `SKIP: redis-server not installed (${REDIS_SERVER}; .ci/run installs Debian's redis-server): shared counters untested here`)
} else {
  t.teardown(() => redis.stop())

  t.test('two instances share the global limit', async (t) => {
    const env = { REDIS_URL: redis.url, RATE_LIMIT_GLOBAL_PER_MINUTE: '2' }
    const first = await buildGateway(t, env)
    const second = await buildGateway(t, env)
    const address = `198.51.100.${Math.floor(Math.random() * 200) + 1}`
    const get = (app: typeof first) => app.inject({ method: 'GET', url: '/auth/me', remoteAddress: address })
    t.equal((await get(first)).statusCode, 401)
    t.equal((await get(second)).statusCode, 401)
    t.equal((await get(first)).statusCode, 429)
  })

  t.test('Redis going away fails open: requests still get answers, no 500', async (t) => {
    const own = await startRedis()
    if (own === undefined) return
    const app = await buildGateway(t, { REDIS_URL: own.url })
    t.equal((await app.inject({ method: 'GET', url: '/auth/me', remoteAddress: '192.0.2.200' })).statusCode, 401)
    await own.stop()
    const response = await app.inject({ method: 'GET', url: '/auth/me', remoteAddress: '192.0.2.200' })
    t.equal(response.statusCode, 401)
  })
}
