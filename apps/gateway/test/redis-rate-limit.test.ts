import t from 'tap'
import { buildGateway, gatewayWithFakes, JSON_HEADERS } from './helper.ts'
import { REDIS_SERVER, startRedis } from './support/redis-server.ts'

const redis = await startRedis()
if (redis === undefined) {
  t.plan(0, `SKIP: redis-server not installed (${REDIS_SERVER}; .ci/run installs Debian's redis-server): shared counters untested here`)
} else {
  t.teardown(() => redis.stop())

  t.test('two gateway instances with REDIS_URL share the login limits', async (t) => {
    const env = { REDIS_URL: redis.url, RATE_LIMIT_LOGIN_PER_EMAIL: '3', RATE_LIMIT_LOGIN_PER_IP: '100', RATE_LIMIT_AUTH_WINDOW_SECONDS: '60' }
    const { app: first, identity, token } = await gatewayWithFakes(t, env)
    const second = await buildGateway(t, { ...env, IDENTITY_URL: identity.url, TOKEN_URL: token.url })
    const email = `shared-${Date.now()}@example.com`
    const attempt = (app: typeof first, n: number) => app.inject({
      method: 'POST', url: '/auth/login', remoteAddress: `192.0.2.${n}`, headers: JSON_HEADERS, payload: { email, password: 'some password' },
    })
    const codes = [
      (await attempt(first, 1)).statusCode,
      (await attempt(second, 2)).statusCode,
      (await attempt(first, 3)).statusCode,
    ]
    const limited = await attempt(second, 4)
    t.same(codes, [401, 401, 401])
    t.equal(limited.statusCode, 429, 'the second instance saw the first one\'s attempts')
    t.ok(Number(limited.headers['retry-after']) > 0)
    t.equal(limited.json().error.code, 'RATE_LIMITED')
  })

  t.test('the global limit is shared too', async (t) => {
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
