/**
 * The gateway in-process against the real identity and token services (separate processes on real
 * ports over this file's DynamoDB Local tables): issue 5's "Done when" list, row by row. Failure
 * modes the real services cannot produce on demand (a slow downstream, malformed answers) stay
 * in the fake-based files.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import type { App } from '@gatehouse/platform'
import { JSON_HEADERS, setCookies } from './helper.ts'
import { REDIS_SERVER, startRedis } from './support/redis-server.ts'
import { Browser, buildRealGateway, eventually, startRealServices } from './support/real-services.ts'

// Grace 0: a consumed refresh token presented again is reuse at once (DESIGN.md, reuse detection).
const services = await startRealServices(t, 'gw-real', { token: { REFRESH_GRACE_SECONDS: '0' } })
const gateway = await buildRealGateway(t, services)

const PASSWORD = 'a perfectly fine passphrase'
const NEW_PASSWORD = 'another perfectly fine passphrase'
const FULL_COOKIE = ['HttpOnly', 'Max-Age=2592000', 'Path=/auth', 'SameSite=Strict', 'Secure']
const newEmail = (label: string): string => `${label}-${randomBytes(4).toString('hex')}@example.com`
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
type Injected = Awaited<ReturnType<App['inject']>>
const cookieOf = (response: Injected, name = 'gh_refresh') => setCookies(response.headers).find((cookie) => cookie.name === name)

const register = (app: App, email: string, password = PASSWORD, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/auth/register', remoteAddress, headers: JSON_HEADERS, payload: { email, password } })
const login = (app: App, email: string, password = PASSWORD, userAgent = 'tap', remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers: { ...JSON_HEADERS, 'user-agent': userAgent }, payload: { email, password } })
const me = (app: App, accessToken: string) => app.inject({ method: 'GET', url: '/auth/me', headers: bearer(accessToken) })
const refresh = (app: App, value: string, name = 'gh_refresh') =>
  app.inject({ method: 'POST', url: '/auth/refresh', headers: JSON_HEADERS, payload: {}, cookies: { [name]: value } })
/** Revocation reaches introspection within a second (the token service's session cache). */
const meEventually = (app: App, accessToken: string, status: number) => eventually(() => me(app, accessToken), (response) => response.statusCode === status)

async function signedUp(app: App, label: string, sessions: string[] = ['tap']) {
  const email = newEmail(label)
  const registered = await register(app, email)
  if (registered.statusCode !== 201) throw new Error(`${label}: register answered ${registered.statusCode} ${registered.body}`)
  const signIns = []
  for (const userAgent of sessions) {
    const response = await login(app, email, PASSWORD, userAgent)
    if (response.statusCode !== 200) throw new Error(`${label}: login answered ${response.statusCode} ${response.body}`)
    signIns.push({ accessToken: response.json().accessToken as string, refresh: cookieOf(response)!.value })
  }
  return { email, signIns }
}

t.test('the full flow over real HTTP: register → login → me → sessions → refresh rotates → logout', async (t) => {
  const app = await buildRealGateway(t, services)
  const browser = new Browser(await app.listen({ port: 0, host: '127.0.0.1' }), 'flow-laptop/1')
  const email = newEmail('Flow')
  const registered = await browser.call('POST', '/auth/register', { json: { email, password: PASSWORD } })
  t.equal(registered.status, 201)
  t.same(Object.keys(registered.body), ['userId'])
  const duplicate = await browser.call('POST', '/auth/register', { json: { email: ` ${email.toUpperCase()} `, password: PASSWORD } })
  t.equal(duplicate.status, 409, 'the same email in another case is a duplicate')
  t.equal(duplicate.body['error'] && (duplicate.body['error'] as Record<string, unknown>)['code'], 'EMAIL_TAKEN')

  const signedIn = await browser.call('POST', '/auth/login', { json: { email, password: PASSWORD } })
  t.equal(signedIn.status, 200)
  t.same(Object.keys(signedIn.body).sort(), ['accessToken', 'expiresIn', 'tokenType'])
  t.match(signedIn.body, { tokenType: 'Bearer', expiresIn: 900 })
  t.equal(signedIn.headers.get('cache-control'), 'no-store')
  const firstCookie = browser.cookies.get('gh_refresh')
  t.ok(firstCookie, 'the refresh token arrived only as a cookie')
  t.notMatch(JSON.stringify(signedIn.body), firstCookie!)
  const accessToken = signedIn.body['accessToken'] as string

  const who = await browser.call('GET', '/auth/me', { bearer: accessToken })
  t.same(who.body, { userId: registered.body['userId'], email: email.toLowerCase(), createdAt: who.body['createdAt'], emailVerified: false })
  const sessions = (await browser.call('GET', '/auth/sessions', { bearer: accessToken })).body['sessions'] as Array<Record<string, unknown>>
  t.equal(sessions.length, 1)
  t.same(Object.keys(sessions[0]!).sort(), ['createdAt', 'current', 'id', 'lastUsedAt', 'userAgent'])
  t.match(sessions[0], { current: true, userAgent: 'flow-laptop/1' })
  const badCursor = await browser.call('GET', '/auth/sessions?cursor=bm90LWEtY3Vyc29y', { bearer: accessToken })
  t.equal(badCursor.status, 400, 'a session cursor we did not issue: 400')
  t.equal((badCursor.body as { error?: { code: string } }).error?.code, 'VALIDATION_FAILED')
  t.equal((await browser.call('GET', '/auth/sessions?limit=500', { bearer: accessToken })).status, 400, 'limit above 100: 400')

  const refreshed = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(refreshed.status, 200)
  t.equal(refreshed.headers.get('cache-control'), 'no-store')
  t.not(browser.cookies.get('gh_refresh'), firstCookie, 'the refresh cookie rotated')
  const rotatedToken = refreshed.body['accessToken'] as string
  t.equal((await browser.call('GET', '/auth/me', { bearer: rotatedToken })).status, 200)
  const current = (await browser.call('GET', '/auth/sessions', { bearer: rotatedToken })).body['sessions'] as Array<Record<string, unknown>>
  t.same(current.map((session) => session['id']), [sessions[0]!['id']], 'rotation keeps the session')

  const reused = await refresh(app, firstCookie!)
  t.equal(reused.statusCode, 401, 'the consumed cookie is refused')
  t.same(reused.json().error.details, { reason: 'reused' })
  t.equal(cookieOf(reused)?.value, '', 'and cleared')
  const afterReuse = await meEventually(app, rotatedToken, 401)
  t.equal(afterReuse.statusCode, 401, 'reuse revoked the whole session')

  const again = new Browser(browser.base)
  const second = await again.call('POST', '/auth/login', { json: { email, password: PASSWORD } })
  const out = await again.call('POST', '/auth/logout', { json: {} })
  t.equal(out.status, 204)
  t.notOk(again.cookies.has('gh_refresh'), 'the cookie is cleared')
  t.equal((await meEventually(app, second.body['accessToken'] as string, 401)).statusCode, 401)
  t.equal((await again.call('POST', '/auth/logout', { json: {} })).status, 204, 'logout is idempotent')
  t.equal((await again.call('POST', '/auth/refresh', { json: {} })).status, 401)

  const jwks = await browser.call('GET', '/.well-known/jwks.json')
  t.equal(jwks.status, 200)
  const [key] = jwks.body['keys'] as Array<Record<string, unknown>>
  t.match(key, { kty: 'RSA', alg: 'RS256', use: 'sig', kid: String })
  t.notOk(key && 'd' in key, 'no private member')
})

t.test('register: password policy and a generic login failure, straight from identity', async (t) => {
  const short = await register(gateway, newEmail('weak'), 'short1')
  t.equal(short.statusCode, 400)
  t.equal(short.json().error.code, 'WEAK_PASSWORD')
  const long = await register(gateway, newEmail('long'), 'é'.repeat(40))
  t.equal(long.statusCode, 400)
  t.equal(long.json().error.code, 'PASSWORD_TOO_LONG')
  t.equal(long.json().error.details, undefined, 'identity\'s internal details stay internal')

  const { email } = await signedUp(gateway, 'generic', [])
  const wrong = await login(gateway, email, 'not the password at all')
  const unknown = await login(gateway, newEmail('nobody'), PASSWORD)
  t.equal(wrong.statusCode, 401)
  t.same({ ...wrong.json().error, requestId: '' }, { ...unknown.json().error, requestId: '' }, 'one answer for both')
  t.equal(cookieOf(wrong), undefined, 'no cookie on failure')
})

t.test('cookie attributes: exactly HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=2592000', async (t) => {
  const { signIns: [first] } = await signedUp(gateway, 'cookie')
  const signedIn = await refresh(gateway, first!.refresh)
  const rotated = cookieOf(signedIn)!
  t.match(rotated.value, /^[A-Za-z0-9_-]{43,}$/, '256 random bits, base64url')
  t.same(rotated.attributes.filter((attribute) => !attribute.startsWith('Max-Age=')).sort(), FULL_COOKIE.filter((a) => !a.startsWith('Max-Age=')))
  const maxAge = Number(rotated.attributes.find((attribute) => attribute.startsWith('Max-Age='))?.slice(8))
  t.ok(maxAge > 2_591_000 && maxAge <= 2_592_000, 'the rotated cookie lives as long as its token')

  const fresh = await login(gateway, (await signedUp(gateway, 'cookie2', [])).email)
  t.same(cookieOf(fresh)?.attributes.sort(), FULL_COOKIE)
  const out = await gateway.inject({ method: 'POST', url: '/auth/logout', headers: JSON_HEADERS, payload: {}, cookies: { gh_refresh: cookieOf(fresh)!.value } })
  const cleared = cookieOf(out)!
  t.equal(cleared.value, '')
  t.ok(['HttpOnly', 'Path=/auth', 'SameSite=Strict', 'Secure'].every((attribute) => cleared.attributes.includes(attribute)), 'cleared with the same scope')
  t.ok(cleared.attributes.some((attribute) => /^Expires=Thu, 01 Jan 1970/.test(attribute) || attribute === 'Max-Age=0'))

  const local = await buildRealGateway(t, services, { COOKIE_SECURE: 'false', REFRESH_COOKIE_NAME: 'local_rt' })
  const plain = await login(local, (await signedUp(local, 'plain', [])).email)
  t.equal(cookieOf(plain), undefined, 'the configured name replaces gh_refresh')
  t.same(cookieOf(plain, 'local_rt')?.attributes.sort(), FULL_COOKIE.filter((attribute) => attribute !== 'Secure'), 'Secure off only by configuration')
  t.equal((await refresh(local, cookieOf(plain, 'local_rt')!.value, 'local_rt')).statusCode, 200)
})

t.test('a cross-site HTML form post is refused and changes nothing', async (t) => {
  const allowed = 'https://app.example.com'
  const app = await buildRealGateway(t, services, { CORS_ORIGINS: allowed })
  const email = newEmail('csrf')
  const form = (url: string, headers: Record<string, string>, cookie?: string) => app.inject({
    method: 'POST', url, headers, payload: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`,
    ...(cookie === undefined ? {} : { cookies: { gh_refresh: cookie } }),
  })
  const crossSite = { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }
  const foreign = await form('/auth/register', crossSite)
  t.equal(foreign.statusCode, 403)
  t.equal(foreign.json().error.code, 'CSRF_REJECTED')
  const noOrigin = await form('/auth/register', { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(noOrigin.statusCode, 415, 'a form without Origin is refused by its content type')
  t.equal(noOrigin.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
  t.equal((await register(app, email)).statusCode, 201, 'neither form created the account')

  const signedIn = await login(app, email)
  const { accessToken } = signedIn.json() as { accessToken: string }
  const cookie = cookieOf(signedIn)!.value
  for (const url of ['/auth/logout', '/auth/refresh', '/auth/login']) {
    const refused = await form(url, crossSite, cookie)
    t.equal(refused.statusCode, 403, `${url}: foreign origin`)
    t.equal(refused.headers['set-cookie'], undefined, `${url}: no cookie set or cleared`)
    t.equal((await form(url, { 'content-type': 'text/plain' }, cookie)).statusCode, 415, `${url}: text/plain`)
  }
  t.equal((await me(app, accessToken)).statusCode, 200, 'the session survived the forged logouts')
  const fromApp = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { ...JSON_HEADERS, origin: allowed }, payload: {}, cookies: { gh_refresh: cookie } })
  t.equal(fromApp.statusCode, 200, 'the cookie was never consumed; the allowlisted origin refreshes')
  t.equal(fromApp.headers['access-control-allow-origin'], allowed)
  t.equal(fromApp.headers['access-control-allow-credentials'], 'true')
})

t.test('rate limits in memory: 429 with Retry-After and rate-limit headers', async (t) => {
  const app = await buildRealGateway(t, services, {
    RATE_LIMIT_LOGIN_PER_IP: '3', RATE_LIMIT_LOGIN_PER_EMAIL: '2', RATE_LIMIT_REGISTER_PER_IP: '2', RATE_LIMIT_AUTH_WINDOW_SECONDS: '60',
  })
  const { email } = await signedUp(app, 'limited', [])

  const perIp = []
  for (let n = 0; n < 3; n++) perIp.push(await login(app, newEmail('stranger'), PASSWORD, 'tap', '203.0.113.7'))
  t.same(perIp.map((response) => response.statusCode), [401, 401, 401])
  t.same(perIp.map((response) => response.headers['x-ratelimit-remaining']), ['1', '1', '0'], 'the headers follow the closest limit')
  const limited = await login(app, email, PASSWORD, 'tap', '203.0.113.7')
  t.equal(limited.statusCode, 429, 'the right password does not lift an exhausted per-IP limit')
  t.equal(limited.json().error.code, 'RATE_LIMITED')
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, 'Retry-After within the window')
  t.equal(limited.json().error.details.retryAfterSeconds, retryAfter)
  t.equal(limited.headers['x-ratelimit-limit'], '3')
  t.equal(limited.headers['x-ratelimit-remaining'], '0')
  t.ok(Number(limited.headers['x-ratelimit-reset']) > 0)
  t.equal(cookieOf(limited), undefined)

  // Per normalised email and address: one source cannot hammer one account, and strangers
  // spending an address's budget elsewhere cannot lock its owner out.
  const perEmail = []
  for (const [n, variant] of [email, ` ${email.toUpperCase()}`, email].entries()) {
    perEmail.push(await login(app, variant, n === 2 ? PASSWORD : 'wrong password guess', 'tap', '192.0.2.1'))
  }
  t.same(perEmail.map((response) => response.statusCode), [401, 401, 429], 'per normalised email from one address')
  t.equal((await login(app, email, PASSWORD, 'tap', '198.51.100.1')).statusCode, 200, 'the owner elsewhere is not locked out')

  const registers = []
  const emails = [newEmail('reg'), newEmail('reg'), newEmail('reg')]
  for (const address of emails) registers.push(await register(app, address, PASSWORD, '203.0.113.8'))
  t.same(registers.map((response) => response.statusCode), [201, 201, 429])
  t.equal((await register(app, emails[2]!, PASSWORD, '203.0.113.9')).statusCode, 201, 'the limited sign-up created nothing')

  const global = await buildRealGateway(t, services, { RATE_LIMIT_GLOBAL_PER_MINUTE: '2' })
  const get = (url: string) => global.inject({ method: 'GET', url, remoteAddress: '203.0.113.10' })
  t.same([(await get('/auth/me')).statusCode, (await get('/.well-known/jwks.json')).statusCode], [401, 200])
  const over = await get('/auth/sessions')
  t.equal(over.statusCode, 429, 'the global per-IP limit covers every route')
  t.ok(Number(over.headers['retry-after']) > 0)
  t.equal(over.headers['x-ratelimit-limit'], '2')
  t.equal((await get('/health/live')).statusCode, 200, 'but not the health checks')
})

const redis = await startRedis()
t.test('rate limits in Redis: two gateway instances share the counters', {
  skip: redis === undefined ? `redis-server not installed (${REDIS_SERVER}; .ci/run installs Debian's redis-server)` : false,
}, async (t) => {
  t.teardown(() => redis?.stop())
  const env = { REDIS_URL: redis!.url, RATE_LIMIT_LOGIN_PER_EMAIL: '3', RATE_LIMIT_REGISTER_PER_IP: '2', RATE_LIMIT_GLOBAL_PER_MINUTE: '50' }
  const [first, second] = [await buildRealGateway(t, services, env), await buildRealGateway(t, services, env)]
  const { email } = await signedUp(first, 'shared', [])
  const codes = []
  for (const app of [first, second, first]) codes.push((await login(app, email, 'wrong password guess', 'tap', '192.0.2.10')).statusCode)
  t.same(codes, [401, 401, 401])
  const limited = await login(second, email, PASSWORD, 'tap', '192.0.2.10')
  t.equal(limited.statusCode, 429, 'the second instance counted the first one\'s attempts')
  t.equal(limited.json().error.code, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0)
  t.ok(limited.headers['x-ratelimit-limit'])

  const address = `198.51.100.${Math.floor(Math.random() * 200) + 20}`
  const signUps = [
    await register(first, newEmail('r'), PASSWORD, address),
    await register(second, newEmail('r'), PASSWORD, address),
    await register(first, newEmail('r'), PASSWORD, address),
  ]
  t.same(signUps.map((response) => response.statusCode), [201, 201, 429])
})

t.test('logout makes the access token unusable; other sessions live on; logout-all ends them all', async (t) => {
  const { signIns: [phone, laptop, tablet] } = await signedUp(gateway, 'logout', ['phone', 'laptop', 'tablet'])
  t.equal((await me(gateway, phone!.accessToken)).statusCode, 200)
  const out = await gateway.inject({ method: 'POST', url: '/auth/logout', headers: JSON_HEADERS, payload: {}, cookies: { gh_refresh: phone!.refresh } })
  t.equal(out.statusCode, 204)
  const refused = await meEventually(gateway, phone!.accessToken, 401)
  t.equal(refused.statusCode, 401, 'refused within 1.5 s')
  t.equal(refused.json().error.code, 'INVALID_TOKEN')
  t.match(refused.headers['www-authenticate'], /error="invalid_token"/)
  t.equal((await refresh(gateway, phone!.refresh)).statusCode, 401, 'its refresh token is dead too')
  t.equal((await me(gateway, laptop!.accessToken)).statusCode, 200, 'another session is untouched')

  const list = (await gateway.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(laptop!.accessToken) })).json().sessions as Array<Record<string, unknown>>
  t.same(list.map((session) => session['userAgent']).sort(), ['laptop', 'tablet'])
  const tabletId = String(list.find((session) => session['current'] === false)?.['id'])
  const revoke = (id: string) => gateway.inject({ method: 'DELETE', url: `/auth/sessions/${id}`, headers: bearer(laptop!.accessToken) })
  t.equal((await revoke(tabletId)).statusCode, 204)
  t.equal((await meEventually(gateway, tablet!.accessToken, 401)).statusCode, 401, 'the revoked session\'s token is refused')
  t.equal((await revoke(tabletId)).statusCode, 404, 'no longer active')
  t.equal((await revoke('not-a-uuid')).statusCode, 400)

  const { signIns: [a, b] } = await signedUp(gateway, 'everywhere', ['a', 'b'])
  t.equal((await gateway.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(a!.accessToken) })).statusCode, 204)
  t.equal((await meEventually(gateway, a!.accessToken, 401)).statusCode, 401)
  t.equal((await meEventually(gateway, b!.accessToken, 401)).statusCode, 401)
})

t.test('a password change ends every other session and keeps this one', async (t) => {
  const { email, signIns: [other, mine] } = await signedUp(gateway, 'password', ['other', 'mine'])
  const change = (currentPassword: string) => gateway.inject({
    method: 'POST', url: '/auth/password', headers: { ...JSON_HEADERS, ...bearer(mine!.accessToken) }, payload: { currentPassword, newPassword: NEW_PASSWORD },
  })
  const wrong = await change('not my password at all')
  t.equal(wrong.statusCode, 403)
  t.equal(wrong.json().error.code, 'INVALID_CREDENTIALS')
  t.equal((await me(gateway, other!.accessToken)).statusCode, 200, 'nothing revoked on failure')

  t.equal((await change(PASSWORD)).statusCode, 204)
  t.equal((await meEventually(gateway, other!.accessToken, 401)).statusCode, 401, 'the other session\'s token is refused')
  t.equal((await refresh(gateway, other!.refresh)).statusCode, 401, 'and its refresh token')
  t.equal((await me(gateway, mine!.accessToken)).statusCode, 200, 'this session lives on')
  t.equal((await refresh(gateway, mine!.refresh)).statusCode, 200)
  t.equal((await login(gateway, email, PASSWORD)).statusCode, 401, 'the old password is dead')
  t.equal((await login(gateway, email, NEW_PASSWORD)).statusCode, 200)
})

const PUBLIC_ROUTES = [
  ['post', '/auth/register', 201], ['post', '/auth/login', 200], ['post', '/auth/refresh', 200], ['post', '/auth/logout', 204],
  ['post', '/auth/logout-all', 204], ['get', '/auth/me', 200], ['get', '/auth/sessions', 200], ['delete', '/auth/sessions/{id}', 204],
  ['post', '/auth/password', 204], ['get', '/.well-known/jwks.json', 200],
] as const

t.test('/docs/json is OpenAPI 3 listing every public route with its schemas', async (t) => {
  const response = await gateway.inject({ method: 'GET', url: '/docs/json' })
  t.equal(response.statusCode, 200)
  const doc = response.json()
  t.match(doc.openapi, /^3\./)
  for (const [method, path, success] of PUBLIC_ROUTES) {
    const operation = doc.paths[path]?.[method]
    t.ok(operation, `${method.toUpperCase()} ${path} documented`)
    t.ok(operation?.responses?.[String(success)], `${path}: ${success} documented`)
    t.ok(Object.keys(operation?.responses ?? {}).some((status) => status.startsWith('4')), `${path}: its errors documented`)
  }
  const body = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema
  t.same(Object.keys(body('/auth/register').properties).sort(), ['email', 'password'])
  t.same(Object.keys(body('/auth/login').properties).sort(), ['email', 'password'])
  t.same(Object.keys(body('/auth/password').properties).sort(), ['code', 'currentPassword', 'newPassword', 'recoveryCode'])
  const ok = (path: string, method: string, status: number) => doc.paths[path][method].responses[String(status)].content['application/json'].schema
  t.same(Object.keys(ok('/auth/login', 'post', 200).properties).sort(), ['accessToken', 'expiresIn', 'refreshExpiresIn', 'refreshToken', 'tokenType'])
  t.same(ok('/auth/login', 'post', 200).required.sort(), ['accessToken', 'expiresIn', 'tokenType'], 'the refresh token is optional: body transport only')
  t.match(doc.paths['/auth/refresh'].post.parameters, [{ in: 'header', name: 'x-token-transport' }], 'the transport header is documented')
  t.same(Object.keys(ok('/auth/register', 'post', 201).properties), ['userId'])
  t.same(Object.keys(ok('/auth/me', 'get', 200).properties).sort(), ['createdAt', 'email', 'emailVerified', 'userId'])
  t.ok(ok('/auth/sessions', 'get', 200).properties.sessions, 'the session list')
  t.ok(ok('/.well-known/jwks.json', 'get', 200).properties.keys, 'the key set')
  const params = doc.paths['/auth/sessions/{id}'].delete.parameters as Array<Record<string, unknown>>
  t.match(params, [{ in: 'path', name: 'id', required: true }])
  t.same(doc.paths['/auth/me'].get.security, [{ bearerAuth: [] }])
  t.same(doc.paths['/auth/refresh'].post.security, [{ refreshCookie: [] }])
  t.ok(doc.components.schemas.ErrorResponse, 'the shared error shape is a named component')
  t.notOk(Object.keys(doc.paths).some((path) => path.startsWith('/health')), 'health checks are not public API')
  t.ok((await gateway.inject({ method: 'GET', url: '/docs' })).statusCode < 400, 'the UI answers')
})

// Last: it stops and restarts the real services the other tests use.
t.test('a stopped downstream gives 503 SERVICE_UNAVAILABLE; restarted, everything works again', async (t) => {
  const { stack } = services
  const { email, signIns: [session] } = await signedUp(gateway, 'outage')
  await stack.stopService('token')
  const started = Date.now()
  const who = await me(gateway, session!.accessToken)
  t.ok(Date.now() - started < 10_000, 'an answer, not a hang')
  t.equal(who.statusCode, 503, 'introspection unavailable is 503, not 401')
  t.equal(who.json().error.code, 'SERVICE_UNAVAILABLE')
  t.match(who.json().error.message, /token service is unavailable/)
  t.ok(who.json().error.requestId)
  t.equal(who.headers['retry-after'], '1')
  t.notMatch(who.body, /ECONNREFUSED|127\.0\.0\.1|at .*\.ts/)
  const signIn = await login(gateway, email)
  t.equal(signIn.statusCode, 503, 'identity verified the password, but no token can be issued')
  t.equal(cookieOf(signIn), undefined)
  const ready = await gateway.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().checks.token, 'unavailable')

  await stack.startService('token')
  t.equal((await me(gateway, session!.accessToken)).statusCode, 200, 'the earlier access token works again')
  t.equal((await login(gateway, email)).statusCode, 200)

  await stack.stopService('identity')
  const noIdentity = await login(gateway, email)
  t.equal(noIdentity.statusCode, 503)
  t.match(noIdentity.json().error.message, /identity service is unavailable/)
  t.equal((await register(gateway, newEmail('down'))).statusCode, 503)
  await stack.startService('identity')
  t.equal((await login(gateway, email)).statusCode, 200, 'identity back: sign-in works again')
  t.same((await gateway.inject({ method: 'GET', url: '/health/ready' })).json(), { status: 'ok', checks: { identity: 'ok', token: 'ok' } })
})
