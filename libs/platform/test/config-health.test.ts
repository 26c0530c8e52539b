import t from 'tap'
import { Type } from '@sinclair/typebox'
import { BaseConfig, ServiceClientsSchema, parseServiceClients } from '@gatehouse/schemas'
import { ConfigError, createServer, loadConfig, registerHealthRoutes } from '../src/index.ts'

const Schema = Type.Object({ ...BaseConfig, PORT: Type.Integer({ default: 3000 }), SERVICE_CLIENTS: ServiceClientsSchema })

t.test('configuration: defaults, conversion, and errors that name the variable', async (t) => {
  const config = loadConfig(Schema, { PORT: '4000', SERVICE_CLIENTS: 'gateway:0123456789abcdef' })
  t.equal(config.PORT, 4000)
  t.equal(config.LOG_LEVEL, 'info')
  t.equal(config.BODY_LIMIT, 8192)
  t.same([...parseServiceClients(config.SERVICE_CLIENTS)], [['gateway', '0123456789abcdef']])
  const error = t.throws(() => loadConfig(Schema, { PORT: 'eighty', LOG_LEVEL: 'loud', SERVICE_CLIENTS: 'gateway:short' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.match(error.message, /PORT/)
  t.match(error.message, /LOG_LEVEL/)
  t.match(error.message, /SERVICE_CLIENTS/)
  const missing = t.throws(() => loadConfig(Schema, {})) as ConfigError
  t.match(missing.message, /SERVICE_CLIENTS.*not set/)
})

t.test('readiness: 200 when every check passes, 503 naming the failed one', async (t) => {
  const app = createServer({ service: 'test', logLevel: 'silent', bodyLimit: 1024 })
  let healthy = true
  registerHealthRoutes(app, {
    dynamodb: async () => {
      if (!healthy) throw new Error('connection refused to secret-host')
    },
    slow: () => new Promise(() => {}),
  }, 50)
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  const notReady = await app.inject({ url: '/health/ready' })
  t.equal(notReady.statusCode, 503)
  t.same(notReady.json(), { status: 'unavailable', checks: { dynamodb: 'ok', slow: 'unavailable' } })
  healthy = false
  const failed = await app.inject({ url: '/health/ready' })
  t.equal(failed.json().checks.dynamodb, 'unavailable')
  t.notMatch(failed.body, 'secret-host')
})
