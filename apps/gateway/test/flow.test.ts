import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS, setCookies } from './helper.ts'
import type { App } from '@gatehouse/platform'

const EMAIL = 'Ada@Example.com '
const PASSWORD = 'correct horse battery'

async function login(app: App, email = EMAIL, password = PASSWORD, userAgent = 'test-agent/1') {
  return app.inject({ method: 'POST', url: '/auth/login', headers: { ...JSON_HEADERS, 'user-agent': userAgent }, payload: { email, password } })
}

const cookieOf = (response: { headers: Record<string, unknown> }) => setCookies(response.headers).find((cookie) => cookie.name === 'gh_refresh')
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('register answers 201 with only the user id, then 409 for the same email', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const created = await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  t.equal(created.statusCode, 201)
  t.same(Object.keys(created.json()), ['userId'])
  const again = await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'ada@example.com', password: PASSWORD } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().error.code, 'EMAIL_TAKEN')
})

t.test('register passes the password policy code and message through, never its internal details', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const weak = await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'w@example.com', password: 'password123' } })
  t.equal(weak.statusCode, 400)
  t.equal(weak.json().error.code, 'WEAK_PASSWORD')
  t.equal(weak.json().error.details, undefined)
  const long = await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'l@example.com', password: 'é'.repeat(40) } })
  t.equal(long.statusCode, 400)
  t.equal(long.json().error.code, 'PASSWORD_TOO_LONG')
})

t.test('login: access token in the body, refresh token only in a cookie with exact attributes', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const response = await login(app)
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['accessToken', 'expiresIn', 'tokenType'])
  t.equal(body.tokenType, 'Bearer')
  t.equal(response.headers['cache-control'], 'no-store')
  t.equal(response.headers['pragma'], 'no-cache')
  const cookie = cookieOf(response)
  t.ok(cookie?.value, 'refresh cookie set')
  t.same(cookie?.attributes.sort(), ['HttpOnly', 'Max-Age=2592000', 'Path=/auth', 'SameSite=Strict', 'Secure'].sort())
})

t.test('login: one generic 401 for a wrong password and for an unknown email', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const wrong = await login(app, EMAIL, 'not the password')
  const unknown = await login(app, 'nobody@example.com', PASSWORD)
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.same({ ...wrong.json().error, requestId: '' }, { ...unknown.json().error, requestId: '' })
  t.equal(cookieOf(wrong), undefined, 'no cookie on failure')
})

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

t.test('refresh rotates the cookie; a reused token is refused and the cookie cleared', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const first = cookieOf(await login(app))!
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: JSON_HEADERS, cookies: { gh_refresh: first.value } })
  t.equal(refreshed.statusCode, 200)
  t.equal(refreshed.headers['cache-control'], 'no-store')
  t.ok(refreshed.json().accessToken)
  const second = cookieOf(refreshed)!
  t.not(second.value, first.value, 'rotated')
  t.ok(second.attributes.includes('HttpOnly') && second.attributes.includes('Path=/auth'))

  const reused = await app.inject({ method: 'POST', url: '/auth/refresh', headers: JSON_HEADERS, payload: {}, cookies: { gh_refresh: first.value } })
  t.equal(reused.statusCode, 401)
  t.equal(reused.json().error.code, 'INVALID_REFRESH_TOKEN')
  t.same(reused.json().error.details, { reason: 'reused' })
  const cleared = cookieOf(reused)
  t.equal(cleared?.value, '')
  t.ok(cleared?.attributes.includes('Path=/auth'))
  t.ok(cleared?.attributes.some((attribute) => /^Expires=Thu, 01 Jan 1970/.test(attribute) || attribute === 'Max-Age=0'))

  const missing = await app.inject({ method: 'POST', url: '/auth/refresh', headers: JSON_HEADERS })
  t.equal(missing.statusCode, 401)
  t.equal(cookieOf(missing)?.value, '', 'cleared even without a cookie')
})

t.test('logout revokes the session: its access token is refused at once; logout is idempotent', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const signedIn = await login(app)
  const accessToken = signedIn.json().accessToken as string
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(accessToken) })).statusCode, 200)
  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: JSON_HEADERS, cookies: { gh_refresh: cookieOf(signedIn)!.value } })
  t.equal(out.statusCode, 204)
  t.equal(cookieOf(out)?.value, '')
  const me = await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(accessToken) })
  t.equal(me.statusCode, 401)
  t.equal(me.json().error.code, 'INVALID_TOKEN')
  t.match(me.headers['www-authenticate'], /error="invalid_token"/)
  const again = await app.inject({ method: 'POST', url: '/auth/logout', headers: JSON_HEADERS })
  t.equal(again.statusCode, 204)
})

t.test('me, sessions with current, revoking one session, and the hidden fields', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const created = await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const phone = (await login(app, EMAIL, PASSWORD, 'phone')).json().accessToken as string
  const laptop = (await login(app, EMAIL, PASSWORD, 'laptop')).json().accessToken as string

  const me = await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(laptop) })
  t.same(me.json(), { userId: created.json().userId, email: 'ada@example.com', createdAt: me.json().createdAt })
  t.notMatch(me.body, /passwordHash/)
  t.equal(me.headers['cache-control'], 'no-store')

  const list = (await app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(laptop) })).json().sessions as Array<Record<string, unknown>>
  t.equal(list.length, 2)
  const current = list.find((session) => session['current'] === true)
  t.equal(current?.['userAgent'], 'laptop')
  t.same(Object.keys(current ?? {}).sort(), ['createdAt', 'current', 'id', 'lastUsedAt', 'userAgent'])
  const other = list.find((session) => session['current'] === false)!

  const gone = await app.inject({ method: 'DELETE', url: `/auth/sessions/${String(other['id'])}`, headers: bearer(laptop) })
  t.equal(gone.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(phone) })).statusCode, 401, 'revoked session token refused')
  const missing = await app.inject({ method: 'DELETE', url: `/auth/sessions/${String(other['id'])}`, headers: bearer(laptop) })
  t.equal(missing.statusCode, 404)
  const bad = await app.inject({ method: 'DELETE', url: '/auth/sessions/not-a-uuid', headers: bearer(laptop) })
  t.equal(bad.statusCode, 400)
})

t.test('password change ends every other session and keeps this one; a wrong current password is 403', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const other = (await login(app)).json().accessToken as string
  const mine = (await login(app)).json().accessToken as string
  const wrong = await app.inject({ method: 'POST', url: '/auth/password', headers: { ...JSON_HEADERS, ...bearer(mine) }, payload: { currentPassword: 'nope nope', newPassword: 'a brand new secret' } })
  t.equal(wrong.statusCode, 403)
  t.equal(wrong.json().error.code, 'INVALID_CREDENTIALS')
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(other) })).statusCode, 200, 'nothing revoked on failure')
  const changed = await app.inject({ method: 'POST', url: '/auth/password', headers: { ...JSON_HEADERS, ...bearer(mine) }, payload: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } })
  t.equal(changed.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(other) })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(mine) })).statusCode, 200)
  t.equal((await login(app, EMAIL, 'a brand new secret')).statusCode, 200)
})

t.test('logout-all ends every session, this one included', async (t) => {
  const { app } = await gatewayWithFakes(t)
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: EMAIL, password: PASSWORD } })
  const a = (await login(app)).json().accessToken as string
  const b = (await login(app)).json().accessToken as string
  const out = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(a) })
  t.equal(out.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(a) })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(b) })).statusCode, 401)
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
