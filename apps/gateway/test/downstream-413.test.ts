import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'
import type { App } from '@gatehouse/platform'

const PASSWORD = 'correct horse battery'
const TOO_LARGE = { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large', requestId: 'downstream' } } }

const post = (app: App, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, ...headers }, payload: payload as Record<string, unknown> })

async function signedIn(app: App): Promise<Record<string, string>> {
  await post(app, '/auth/register', { email: 'ada@example.com', password: PASSWORD })
  const { accessToken } = (await post(app, '/auth/login', { email: 'ada@example.com', password: PASSWORD })).json()
  return { authorization: `Bearer ${accessToken}` }
}

t.test('a 413 from identity is passed on as 413 PAYLOAD_TOO_LARGE, not a 500', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  const bearer = await signedIn(app)
  identity.override = TOO_LARGE
  const answers = {
    register: await post(app, '/auth/register', { email: 'b@example.com', password: PASSWORD }),
    login: await post(app, '/auth/login', { email: 'b@example.com', password: PASSWORD }),
    password: await post(app, '/auth/password', { currentPassword: PASSWORD, newPassword: 'another long password' }, bearer),
  }
  for (const [route, answer] of Object.entries(answers)) {
    t.equal(answer.statusCode, 413, route)
    t.same(Object.keys(answer.json().error).sort(), ['code', 'message', 'requestId'], `${route}: the shared shape, nothing from downstream`)
    t.equal(answer.json().error.code, 'PAYLOAD_TOO_LARGE', route)
  }
})

t.test('public password fields stop at 256 characters, before anything reaches identity', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  const bearer = await signedIn(app)
  identity.requests.length = 0
  const long = 'p'.repeat(257)
  const refused = [
    await post(app, '/auth/register', { email: 'c@example.com', password: long }),
    await post(app, '/auth/login', { email: 'c@example.com', password: long }),
    await post(app, '/auth/password', { currentPassword: long, newPassword: PASSWORD }, bearer),
    await post(app, '/auth/password', { currentPassword: PASSWORD, newPassword: long }, bearer),
  ]
  for (const answer of refused) {
    t.equal(answer.statusCode, 400)
    t.equal(answer.json().error.code, 'VALIDATION_FAILED')
  }
  t.equal(identity.requests.length, 0, 'identity was never called')

  const longest = await post(app, '/auth/register', { email: 'c@example.com', password: 'p'.repeat(256) })
  t.equal(longest.statusCode, 400, '256 characters pass the gateway; identity applies its 72-byte rule')
  t.equal(longest.json().error.code, 'PASSWORD_TOO_LONG')
})

t.test("the largest body the gateway accepts still fits identity's default 8192-byte limit when re-serialised", async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  const bearer = await signedIn(app)
  identity.requests.length = 0
  // Control characters are re-serialised as \u00XX: six bytes each, the worst case.
  const worst = '\u0001'.repeat(256)
  await post(app, '/auth/password', { currentPassword: worst, newPassword: worst }, bearer)
  await post(app, '/auth/login', { email: 'worst@example.com', password: worst })
  t.equal(identity.requests.length, 2)
  for (const request of identity.requests) {
    const size = Number(request.headers['content-length'])
    t.ok(size > 1536 && size < 8192, `${request.url}: ${size} bytes forwarded`)
  }
})
