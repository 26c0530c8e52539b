import t from 'tap'
// A stopped downstream is tested against the real services (real-services.test.ts); these need a stand-in.
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'

const LOGIN = { method: 'POST' as const, url: '/auth/login', headers: JSON_HEADERS, payload: { email: 'a@example.com', password: 'some password' } }

t.test('a slow downstream answers 503 within its timeout, never a hang', async (t) => {
  const { app, identity, token } = await gatewayWithFakes(t)
  identity.delayMs = 6000
  let started = Date.now()
  const login = await app.inject(LOGIN)
  t.equal(login.statusCode, 503)
  const elapsed = Date.now() - started
  t.ok(elapsed >= 900 && elapsed < 5500, `gave identity its 1000 ms, then answered without waiting for it (${elapsed} ms)`)
  identity.delayMs = 0
  token.delayMs = 6000
  started = Date.now()
  const me = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: 'Bearer abc' } })
  t.equal(me.statusCode, 503)
  t.ok(Date.now() - started < 5500, 'token has its own timeout (500 ms in tests)')
  token.delayMs = 0
})

t.test('downstream failures are mapped: 5xx → 503, refused service credentials → 500, both without detail', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  identity.override = { status: 500, body: { error: { code: 'INTERNAL', message: 'DynamoDB table gatehouse-Users missing', requestId: 'x' } } }
  const broken = await app.inject(LOGIN)
  t.equal(broken.statusCode, 503)
  t.notMatch(broken.body, /DynamoDB|gatehouse-Users/)
  identity.override = { status: 401, body: { error: { code: 'INVALID_CLIENT', message: 'Invalid client credentials', requestId: 'x' } }, headers: { 'www-authenticate': 'Basic realm="gatehouse-internal"' } }
  const misconfigured = await app.inject(LOGIN)
  t.equal(misconfigured.statusCode, 500)
  t.equal(misconfigured.json().error.code, 'INTERNAL')
  t.equal(misconfigured.headers['www-authenticate'], undefined, 'the internal challenge does not leak')
  identity.override = { status: 200, body: 'not json' }
  t.equal((await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'b@example.com', password: 'long password' } })).statusCode, 500)
})

t.test('the request id and the service credentials go downstream on every call', async (t) => {
  const { app, identity, token } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'c@example.com', password: 'long password' } })
  const login = await app.inject({ ...LOGIN, payload: { email: 'c@example.com', password: 'long password' }, headers: { ...JSON_HEADERS, 'x-request-id': 'trace-abc-123' } })
  t.equal(login.statusCode, 200)
  t.equal(login.headers['x-request-id'], 'trace-abc-123')
  const verify = identity.requests.find((request) => request.url === '/v1/credentials/verify')
  const issue = token.requests.find((request) => request.url === '/v1/sessions')
  t.equal(verify?.headers['x-request-id'], 'trace-abc-123')
  t.equal(issue?.headers['x-request-id'], 'trace-abc-123')
  t.match(String(issue?.headers['authorization']), /^Basic /)
  t.equal(issue?.headers['connection'], 'keep-alive')
  const generated = await app.inject({ ...LOGIN, headers: { ...JSON_HEADERS, 'x-request-id': 'bad id\nforged' } })
  const forwarded = identity.requests.at(-1)?.headers['x-request-id']
  t.equal(forwarded, generated.headers['x-request-id'], 'a replaced unsafe id is the one forwarded')
  t.not(forwarded, 'bad id\nforged')
})

t.test('an introspection answer that does not fit the schema is never trusted', async (t) => {
  const { app, token } = await gatewayWithFakes(t)
  token.override = { status: 200, body: { active: true, sub: 'not-a-uuid' } }
  const response = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: 'Bearer abc' } })
  t.equal(response.statusCode, 500)
  t.equal(response.json().error.message, 'Internal server error')
})
