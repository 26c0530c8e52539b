/**
 * End to end: DynamoDB Local and the three services as separate processes, exactly as `npm start`
 * runs them, exercised only through real HTTP to the gateway (and to the token service's
 * introspection endpoint, as another internal service would call it).
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { startStack, type Stack } from '@gatehouse/stack'
import { Browser, introspect, sleep } from './client.ts'

const GRACE_SEC = 1
const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

const prefix = `e2e-${randomBytes(4).toString('hex')}-`
const clients = createDynamoClients({ endpoint })
await createTables(clients.client, prefix)
clients.destroy()

const logs: string[] = []
const stack: Stack = await startStack({
  dynamoEndpoint: endpoint,
  tablePrefix: prefix,
  bcryptCost: 4,
  logLevel: 'info',
  log: (line) => logs.push(line),
  env: {
    token: { REFRESH_GRACE_SECONDS: String(GRACE_SEC) },
    // One account logs in many times here; the per-email limit has its own tests in apps/gateway.
    gateway: { RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' },
  },
})
// Pass or fail, no service process outlives the test.
t.teardown(() => stack.stop())

const gateway = stack.urls.gateway
const email = `e2e-${randomBytes(3).toString('hex')}@Example.com`
const password = 'a perfectly fine passphrase'
const newPassword = 'another perfectly fine passphrase'

async function login(browser: Browser, pw = password): Promise<string> {
  const response = await browser.call('POST', '/auth/login', { json: { email, password: pw } })
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body['accessToken'] as string
}

t.test('register → login → me → refresh rotates the cookie', async (t) => {
  const browser = new Browser(gateway)
  const registered = await browser.call('POST', '/auth/register', { json: { email, password } })
  t.equal(registered.status, 201)
  t.match(registered.body, { userId: String })
  const duplicate = await browser.call('POST', '/auth/register', { json: { email: ` ${email.toUpperCase()} `, password } })
  t.equal(duplicate.status, 409, 'the same email in another case is a duplicate')

  const loggedIn = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(loggedIn.status, 200)
  t.match(loggedIn.body, { accessToken: String, tokenType: 'Bearer', expiresIn: 900 })
  t.equal(loggedIn.headers.get('cache-control'), 'no-store')
  const cookie = loggedIn.setCookie.find((line) => line.startsWith('gh_refresh=')) ?? ''
  t.match(cookie, /HttpOnly/i)
  t.match(cookie, /Secure/i)
  t.match(cookie, /SameSite=Strict/i)
  t.match(cookie, /Path=\/auth/)
  t.match(cookie, /Max-Age=2592000/)
  const accessToken = loggedIn.body['accessToken'] as string

  const me = await browser.call('GET', '/auth/me', { bearer: accessToken })
  t.equal(me.status, 200)
  t.same(Object.keys(me.body).sort(), ['createdAt', 'email', 'emailVerified', 'userId'])
  t.equal(me.body['email'], email.toLowerCase())

  const before = new Map(browser.cookies)
  const refreshed = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(refreshed.status, 200)
  t.match(refreshed.body, { accessToken: String, tokenType: 'Bearer' })
  t.not(browser.cookies.get('gh_refresh'), before.get('gh_refresh'), 'the refresh cookie rotated')

  // The old cookie, presented again after the grace window, is reuse: 401 and the session dies.
  await sleep(GRACE_SEC * 1000 + 600)
  const attacker = new Browser(gateway)
  attacker.cookies = before
  const reused = await attacker.call('POST', '/auth/refresh', { json: {} })
  t.equal(reused.status, 401)
  t.ok(reused.setCookie.some((c) => /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)), 'the cookie is cleared')
  const successor = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(successor.status, 401, 'the successor died with the session')
})

t.test('logout ends the session: its access token stops working within 1 s', async (t) => {
  const browser = new Browser(gateway)
  const accessToken = await login(browser)
  t.equal((await browser.call('GET', '/auth/me', { bearer: accessToken })).status, 200)
  const logout = await browser.call('POST', '/auth/logout', { json: {} })
  t.equal(logout.status, 204)
  t.ok(logout.setCookie.some((c) => /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)), 'the cookie is cleared')
  t.equal((await browser.call('POST', '/auth/logout', { json: {} })).status, 204, 'logout is idempotent')
  await sleep(1000)
  t.equal((await browser.call('GET', '/auth/me', { bearer: accessToken })).status, 401)
})

t.test('sessions list marks the current one; logout-all ends every session', async (t) => {
  const laptop = new Browser(gateway)
  const phone = new Browser(gateway)
  const laptopToken = await login(laptop)
  const phoneToken = await login(phone)
  const listed = await laptop.call('GET', '/auth/sessions', { bearer: laptopToken })
  t.equal(listed.status, 200)
  const sessions = listed.body['sessions'] as { id: string; current: boolean }[]
  t.ok(sessions.length >= 2)
  t.equal(sessions.filter((session) => session.current).length, 1)
  t.equal((await laptop.call('POST', '/auth/logout-all', { bearer: laptopToken })).status, 204)
  await sleep(1000)
  t.equal((await phone.call('GET', '/auth/me', { bearer: phoneToken })).status, 401)
  t.equal((await phone.call('POST', '/auth/refresh', { json: {} })).status, 401)
  t.equal((await laptop.call('POST', '/auth/refresh', { json: {} })).status, 401)
})

t.test('a password change ends the other sessions and replaces the password', async (t) => {
  const laptop = new Browser(gateway)
  const phone = new Browser(gateway)
  const laptopToken = await login(laptop)
  await login(phone)
  const wrong = await laptop.call('POST', '/auth/password', { bearer: laptopToken, json: { currentPassword: 'not the password', newPassword } })
  // 403, not 401: the bearer token is fine, and a 401 would tell the client to sign the user out.
  t.equal(wrong.status, 403)
  t.equal(wrong.body.error?.code, 'INVALID_CREDENTIALS')
  const changed = await laptop.call('POST', '/auth/password', { bearer: laptopToken, json: { currentPassword: password, newPassword } })
  t.equal(changed.status, 204)
  t.equal((await phone.call('POST', '/auth/refresh', { json: {} })).status, 401, 'the other session ended')
  t.equal((await laptop.call('GET', '/auth/me', { bearer: laptopToken })).status, 200, 'this session goes on')
  const old = await new Browser(gateway).call('POST', '/auth/login', { json: { email, password } })
  t.equal(old.status, 401)
  await login(new Browser(gateway), newPassword)
})

t.test('introspection needs client credentials and reports active tokens', async (t) => {
  const accessToken = await login(new Browser(gateway), newPassword)
  const anonymous = await introspect(stack.urls.token, accessToken)
  t.equal(anonymous.status, 401)
  t.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/)
  const active = await introspect(stack.urls.token, accessToken, stack.secrets.introspection)
  t.equal(active.status, 200)
  t.match(active.body, { active: true, sub: String, scope: String, sid: String, token_type: 'Bearer' })
  const garbage = await introspect(stack.urls.token, 'not.a.token', stack.secrets.introspection)
  t.same(garbage.body, { active: false })
})

t.test('an access token verifies with jose through the public JWKS', async (t) => {
  const accessToken = await login(new Browser(gateway), newPassword)
  const jwks = createRemoteJWKSet(new URL(`${gateway}/.well-known/jwks.json`))
  const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer: gateway, audience: 'gatehouse', typ: 'at+jwt' })
  t.equal(protectedHeader.alg, 'RS256')
  t.type(payload.sub, 'string')
  t.type(payload['sid'], 'string')
})

t.test('the token service dies: the gateway answers 503 quickly, then recovers without a restart', async (t) => {
  const browser = new Browser(gateway)
  await login(browser, newPassword)
  await stack.stopService('token', 'SIGKILL')
  const started = Date.now()
  const down = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(down.status, 503)
  t.equal(down.body.error?.code, 'SERVICE_UNAVAILABLE')
  t.ok(Date.now() - started < 5000, 'answered within the downstream timeout, not a hang')
  await stack.startService('token')
  const again = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(again.status, 200, 'the same gateway works again')
})

t.test('a stopped identity service gives 503; the gateway recovers when identity is back', async (t) => {
  await stack.stopService('identity')
  const down = await new Browser(gateway).call('POST', '/auth/login', { json: { email, password: newPassword } })
  t.equal(down.status, 503)
  t.equal(down.body.error?.code, 'SERVICE_UNAVAILABLE')
  await stack.startService('identity')
  await login(new Browser(gateway), newPassword)
})

t.test('no secret reached a log line', async (t) => {
  const text = logs.join('\n')
  for (const secret of [password, newPassword, stack.secrets.gateway.secret, stack.secrets.introspection.secret]) t.notMatch(text, secret)
  t.notMatch(text, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, 'no JWT in logs')
  t.notMatch(text, /\$2[aby]\$\d\d\$/, 'no bcrypt hash in logs')
})
