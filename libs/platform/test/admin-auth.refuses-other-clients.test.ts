import t from 'tap'
import { ConfigError, basicAuthorization, createAdminAuth, createServer } from '../src/index.ts'

const admin = 'support-tool:an-admin-secret-0123456789'
const service = 'gateway:a-service-secret-0123456789'
const introspection = 'resource-server:an-introspection-secret-0123'

function build(adminClients: string | undefined) {
  const app = createServer({ service: 'test', logLevel: 'silent', bodyLimit: 1024 })
  app.addHook('onRequest', createAdminAuth(adminClients, { SERVICE_CLIENTS: service, INTROSPECTION_CLIENTS: introspection }))
  app.get('/admin/v1/thing', async (request) => ({ client: request.serviceClient }))
  t.teardown(() => app.close())
  return app
}
const as = (pair: string) => {
  const [id, secret] = pair.split(':') as [string, string]
  return { authorization: basicAuthorization(id, secret) }
}

t.test('an admin client gets in; service and introspection clients do not', async (t) => {
  const app = build(admin)
  const ok = await app.inject({ url: '/admin/v1/thing', headers: as(admin) })
  t.same([ok.statusCode, ok.json()], [200, { client: 'support-tool' }])
  for (const other of [service, introspection]) {
    const refused = await app.inject({ url: '/admin/v1/thing', headers: as(other) })
    t.equal(refused.statusCode, 401, `${other.slice(0, other.indexOf(':'))} is refused`)
    t.equal(refused.json().error.code, 'INVALID_CLIENT')
  }
})

t.test('without ADMIN_CLIENTS the admin API refuses everyone', async (t) => {
  const app = build(undefined)
  t.equal((await app.inject({ url: '/admin/v1/thing', headers: as(admin) })).statusCode, 401)
  t.equal((await app.inject({ url: '/admin/v1/thing', headers: as(service) })).statusCode, 401)
})

t.test('an id that is both an admin and a service client stops the start-up', async (t) => {
  t.throws(() => createAdminAuth('gateway:another-secret-0123456789', { SERVICE_CLIENTS: service }), ConfigError)
  t.throws(() => createAdminAuth('resource-server:another-secret-012345', { INTROSPECTION_CLIENTS: introspection }), /INTROSPECTION_CLIENTS/)
})
