// The flow itself runs against the real services in real-services.test.ts; these need a stand-in.
import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'
import type { App } from '@gatehouse/platform'

const EMAIL = 'Ada@Example.com '
const PASSWORD = 'correct horse battery'

async function login(app: App, email = EMAIL, password = PASSWORD, userAgent = 'test-agent/1') {
  return app.inject({ method: 'POST', url: '/auth/login', headers: { ...JSON_HEADERS, 'user-agent': userAgent }, payload: { email, password } })
}

t.test('identity lockout becomes 429 with Retry-After and only the public detail', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  identity.lockedEmails.add('ada@example.com')
  const response = await login(app)
  t.equal(response.statusCode, 429)
  t.equal(response.headers['retry-after'], '30')
  t.same(response.json().error.details, { retryAfterSeconds: 30 })
  t.equal(response.json().error.code, 'TOO_MANY_ATTEMPTS')
  t.notMatch(response.body, /x@y|failures/)
})

t.test('bearer routes: no header is 401 UNAUTHENTICATED with a challenge; a malformed one is INVALID_TOKEN', async (t) => {
  const { app, token } = await gatewayWithFakes(t)
  const none = await app.inject({ method: 'GET', url: '/auth/sessions' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().error.code, 'UNAUTHENTICATED')
  t.equal(none.headers['www-authenticate'], 'Bearer realm="gatehouse"')
  const basic = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: 'Basic Zm9vOmJhcg==' } })
  t.equal(basic.json().error.code, 'INVALID_TOKEN')
  t.equal(token.requests.filter((request) => request.url === '/introspect').length, 0, 'nothing sent downstream')
})
