import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS, setCookies } from './helper.ts'
import type { App } from '@gatehouse/platform'

const PASSWORD = 'correct horse battery'

const login = (app: App, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/auth/login', headers: { ...JSON_HEADERS, ...headers }, payload })

const register = (app: App, email: string) =>
  app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email, password: PASSWORD } })

const forwardedDeviceIds = (identity: { requests: Array<{ url: string; body: unknown }> }) =>
  identity.requests.filter((request) => request.url === '/v1/credentials/verify').map((request) => (request.body as { deviceId?: string }).deviceId)

t.test('login sets a long-lived HttpOnly device cookie when absent and forwards it to identity', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  t.equal((await register(app, 'ada@example.com')).statusCode, 201)

  const first = await login(app, { email: 'ada@example.com', password: 'a wrong guess' })
  t.equal(first.statusCode, 401)
  const device = setCookies(first.headers).find((cookie) => cookie.name === 'gh_device')
  t.ok(device, 'set even on a failed attempt, so the next attempt from this browser is the same device')
  t.match(device?.value, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url')
  t.same(device?.attributes.sort(), ['HttpOnly', 'Max-Age=31536000', 'Path=/auth', 'SameSite=Strict', 'Secure'])

  const second = await login(app, { email: 'ada@example.com', password: PASSWORD }, { cookie: `gh_device=${device?.value}` })
  t.equal(second.statusCode, 200)
  t.same(setCookies(second.headers).filter((cookie) => cookie.name === 'gh_device').map((cookie) => cookie.value), [device?.value], 'a valid cookie is kept (re-issued with its own value)')
  t.same(forwardedDeviceIds(identity), [device?.value, device?.value], 'identity sees the same device id on both attempts')

  const forged = await login(app, { email: 'ada@example.com', password: PASSWORD }, { cookie: 'gh_device=not-ours' })
  const replaced = setCookies(forged.headers).find((cookie) => cookie.name === 'gh_device')
  t.match(replaced?.value, /^[A-Za-z0-9_-]{43}$/, 'a value not in our shape is replaced')
  t.equal(forwardedDeviceIds(identity).at(-1), replaced?.value, 'and never forwarded as it came')
  const newDeviceFlags = identity.requests.filter((request) => request.url === '/v1/credentials/verify').map((request) => (request.body as { newDevice?: boolean }).newDevice)
  t.same(newDeviceFlags, [true, undefined, true], 'identity is told when the id was minted for this very login (it cannot be trusted yet)')
})

t.test('a password change forwards the device cookie too, so strangers\' lockouts do not block its owner there', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  t.equal((await register(app, 'bo@example.com')).statusCode, 201)
  const signedIn = await login(app, { email: 'bo@example.com', password: PASSWORD })
  const device = setCookies(signedIn.headers).find((cookie) => cookie.name === 'gh_device')
  const changed = await app.inject({
    method: 'POST',
    url: '/auth/password',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${signedIn.json().accessToken}`, cookie: `gh_device=${device?.value}` },
    payload: { currentPassword: PASSWORD, newPassword: 'another fine passphrase' },
  })
  t.equal(changed.statusCode, 204)
  const forwarded = identity.requests.find((request) => request.url.endsWith('/password'))
  t.equal((forwarded?.body as { deviceId?: string }).deviceId, device?.value)
})

t.test('the device cookie follows COOKIE_SECURE and its own name and lifetime settings', async (t) => {
  const { app } = await gatewayWithFakes(t, { COOKIE_SECURE: 'false', DEVICE_COOKIE_NAME: 'dev', DEVICE_COOKIE_MAX_AGE_SECONDS: '86400' })
  const response = await login(app, { email: 'x@example.com', password: 'a wrong guess' })
  const device = setCookies(response.headers).find((cookie) => cookie.name === 'dev')
  t.same(device?.attributes.sort(), ['HttpOnly', 'Max-Age=86400', 'Path=/auth', 'SameSite=Strict'])
})

t.test('a device id in the body is refused: only the cookie the gateway minted is forwarded', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  const response = await login(app, { email: 'x@example.com', password: PASSWORD, deviceId: 'A'.repeat(43) })
  t.equal(response.statusCode, 400)
  t.equal(response.json().error.code, 'VALIDATION_FAILED')
  t.equal(identity.requests.length, 0)
})

t.test('10 failed logins for one email from address A do not lock the same email out from address B', async (t) => {
  const { app } = await gatewayWithFakes(t, { TRUST_PROXY: '1' })
  t.equal((await register(app, 'owner@example.com')).statusCode, 201)
  const from = (ip: string, password: string) => login(app, { email: 'owner@example.com', password }, { 'x-forwarded-for': ip })

  for (let i = 1; i <= 10; i += 1) t.equal((await from('203.0.113.66', `wrong guess ${i}`)).statusCode, 401, `attacker failure ${i}`)
  const stopped = await from('203.0.113.66', PASSWORD)
  t.equal(stopped.statusCode, 429, 'the attacking address is stopped on this account')
  t.equal(stopped.json().error.code, 'RATE_LIMITED')
  t.ok(Number(stopped.headers['retry-after']) > 0)

  const owner = await from('198.51.100.20', PASSWORD)
  t.equal(owner.statusCode, 200, 'the owner, elsewhere, signs in')
  t.equal((await from('198.51.100.20', 'one typo here')).statusCode, 401, 'and has a budget of their own')
  const otherAccount = await login(app, { email: 'someone@example.com', password: 'a guess' }, { 'x-forwarded-for': '203.0.113.66' })
  t.equal(otherAccount.statusCode, 401, 'the attacker\'s address is limited per account (and by its own per-IP limit), not banned')
})

t.test('without TRUST_PROXY a forged X-Forwarded-For cannot buy a fresh per-email budget', async (t) => {
  const { app } = await gatewayWithFakes(t, { RATE_LIMIT_LOGIN_PER_EMAIL: '3' })
  const codes = []
  for (let i = 1; i <= 4; i += 1) {
    codes.push((await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.5', headers: { ...JSON_HEADERS, 'x-forwarded-for': `10.0.0.${i}` }, payload: { email: 'victim@example.com', password: 'a guess' } })).statusCode)
  }
  t.same(codes, [401, 401, 401, 429])
})

t.test('with TRUST_PROXY=2 the client is the address the outer proxy saw, not one the client wrote itself', async (t) => {
  const { app } = await gatewayWithFakes(t, { TRUST_PROXY: '2', RATE_LIMIT_LOGIN_PER_EMAIL: '2' })
  const codes = []
  // load balancer (10.1.1.1) -> inner proxy (the socket) -> gateway; the LB appended the client.
  for (const forged of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
    codes.push((await login(app, { email: 'victim@example.com', password: 'a guess' }, { 'x-forwarded-for': `${forged}, 203.0.113.9, 10.1.1.1` })).statusCode)
  }
  t.same(codes, [401, 401, 429], 'the forged leftmost entries are ignored')
})

t.test('the per-email limit is counted on the normalised email for one address', async (t) => {
  const { app } = await gatewayWithFakes(t, { RATE_LIMIT_LOGIN_PER_EMAIL: '2' })
  const codes = []
  for (const email of ['victim@example.com', ' VICTIM@example.com', 'victim@EXAMPLE.com']) {
    codes.push((await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '192.0.2.1', headers: JSON_HEADERS, payload: { email, password: 'a guess' } })).statusCode)
  }
  t.same(codes, [401, 401, 429])
})
