import t from 'tap'
import { basicAuthorization } from '@gatehouse/platform'
import { CLIENT_ID, CLIENT_SECRET, PASSWORD, buildTestApp, scanAll } from './helper.ts'

const USER_ID = '00000000-0000-4000-8000-000000000000'
const routes = [
  { method: 'POST' as const, url: '/v1/users', payload: { email: 'a@example.com', password: PASSWORD } },
  { method: 'POST' as const, url: '/v1/credentials/verify', payload: { email: 'a@example.com', password: PASSWORD } },
  { method: 'GET' as const, url: `/v1/users/${USER_ID}` },
  { method: 'POST' as const, url: `/v1/users/${USER_ID}/password`, payload: { currentPassword: PASSWORD, newPassword: `${PASSWORD}-2` } },
]
const badCredentials: Record<string, Record<string, string>> = {
  'no Authorization header': {},
  'wrong secret': { authorization: basicAuthorization(CLIENT_ID, 'wrong-secret-0123456789') },
  'unknown client': { authorization: basicAuthorization('intruder', CLIENT_SECRET) },
  'Bearer instead of Basic': { authorization: `Bearer ${CLIENT_SECRET}` },
  'no colon': { authorization: `Basic ${Buffer.from(CLIENT_ID).toString('base64')}` },
  'secret of a prefix': { authorization: basicAuthorization(CLIENT_ID, CLIENT_SECRET.slice(0, -1)) },
}

t.test('every internal route refuses missing or wrong service credentials with 401 and WWW-Authenticate', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'svc-auth')
  for (const route of routes) {
    for (const [name, headers] of Object.entries(badCredentials)) {
      const res = await app.inject({ ...route, headers })
      t.equal(res.statusCode, 401, `${route.url}: ${name}`)
      t.match(res.headers['www-authenticate'], /^Basic realm="gatehouse-internal"/)
      t.equal(res.json().error.code, 'INVALID_CLIENT')
    }
  }
  t.same(await scanAll(dynamo, 'Users'), [], 'nothing written')
  t.same(await scanAll(dynamo, 'LoginAttempts'), [], 'no attempt counted')
})

t.test('credentials are checked before the body is read: an oversized body without them is still 401', async (t) => {
  const { app } = await buildTestApp(t, 'svc-auth-body')
  const res = await app.inject({ method: 'POST', url: '/v1/users', payload: { email: 'a@example.com', password: 'x'.repeat(10_000) } })
  t.equal(res.statusCode, 401)
})

t.test('health routes stay open for load balancers', async (t) => {
  const { app } = await buildTestApp(t, 'svc-health')
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  const ready = await app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ok', checks: { dynamodb: 'ok' } })
})

t.test('a configured client with the right secret gets in', async (t) => {
  const { app } = await buildTestApp(t, 'svc-ok', { env: { SERVICE_CLIENTS: `other:another-secret-abcdef,${CLIENT_ID}:${CLIENT_SECRET}` } })
  const res = await app.inject({ method: 'GET', url: `/v1/users/${USER_ID}`, headers: { authorization: basicAuthorization('other', 'another-secret-abcdef') } })
  t.equal(res.statusCode, 404, 'past authentication')
})
