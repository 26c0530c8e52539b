import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serviceVariables } from '@gatehouse/stack'
import { readDotEnv, serviceEnv } from './dev-env.ts'

t.test('each service gets the variables of its own schema only, deprecated names included', async (t) => {
  const source = {
    RATE_LIMIT_REGISTER_PER_IP: '2', BCRYPT_COST: '5', SESSION_CACHE_MS: '100', LOGIN_MAX_FAILURES: '3',
    LOG_LEVEL: 'debug', EDITOR: 'vim', AWS_SECRET_ACCESS_KEY: 'not-for-services',
  }
  const [gateway, identity, token] = await Promise.all((['gateway', 'identity', 'token'] as const).map(async (name) => serviceEnv(await serviceVariables(name), source).env))
  t.same(gateway, { RATE_LIMIT_REGISTER_PER_IP: '2', LOG_LEVEL: 'debug' })
  t.same(identity, { BCRYPT_COST: '5', LOGIN_MAX_FAILURES: '3', LOG_LEVEL: 'debug' })
  t.same(token, { SESSION_CACHE_MS: '100', LOG_LEVEL: 'debug' })
})

t.test('the stack wiring is not taken from the environment, and is reported', async (t) => {
  const passed = serviceEnv(['PORT', 'INTERNAL_CLIENT_SECRET', 'TABLE_PREFIX', 'COOKIE_SECURE'], {
    PORT: '1', INTERNAL_CLIENT_SECRET: 'x'.repeat(20), TABLE_PREFIX: 'mine-', COOKIE_SECURE: 'true',
  })
  t.same(passed.env, { COOKIE_SECURE: 'true' })
  t.same(passed.ignored, ['PORT', 'INTERNAL_CLIENT_SECRET'], 'TABLE_PREFIX is used by npm start itself, not ignored')
})

t.test('.env is optional and parsed as dotenv files are', async (t) => {
  const dir = t.testdir()
  t.same(readDotEnv(join(dir, '.env')), {})
  writeFileSync(join(dir, '.env'), "# local overrides\nRATE_LIMIT_REGISTER_PER_IP=1000\nCORS_ORIGINS='http://localhost:5173,http://localhost:4200'\n")
  t.same(readDotEnv(join(dir, '.env')), { RATE_LIMIT_REGISTER_PER_IP: '1000', CORS_ORIGINS: 'http://localhost:5173,http://localhost:4200' })
})
