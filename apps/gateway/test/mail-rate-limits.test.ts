import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'

const LIMITS = { RATE_LIMIT_MAIL_PER_IP: '5', RATE_LIMIT_MAIL_PER_ADDRESS: '2', RATE_LIMIT_MAIL_WINDOW_SECONDS: '3600' }

t.test('forgot-password is limited per address and per IP: 429 with Retry-After, identity never asked', async (t) => {
  const { app, identity } = await gatewayWithFakes(t, LIMITS)
  const forgot = (email: string, ip = '203.0.113.9') => app.inject({ method: 'POST', url: '/auth/password/forgot', remoteAddress: ip, headers: JSON_HEADERS, payload: { email } })

  const first = await forgot('ada@example.com')
  t.equal(first.statusCode, 202)
  t.same(first.json(), { message: 'If an account uses this address, a link to reset its password is on its way.' })
  t.equal((await forgot('ADA@example.com')).statusCode, 202)
  const perAddress = await forgot('ada@example.com', '198.51.100.4')
  t.equal(perAddress.statusCode, 429, 'the third request for one address in the hour, from anywhere')
  t.equal(perAddress.json().error.code, 'RATE_LIMITED')
  t.ok(Number(perAddress.headers['retry-after']) > 3000, 'Retry-After names the rest of the hour')

  for (const email of ['b@example.com', 'c@example.com', 'e@example.com']) t.equal((await forgot(email)).statusCode, 202)
  const perIp = await forgot('d@example.com')
  t.equal(perIp.statusCode, 429, 'the sixth request from one IP (five allowed)')
  t.ok(Number(perIp.headers['retry-after']) > 0)
  t.equal(identity.requests.filter((request) => request.url === '/v1/password/forgot').length, 5, 'limited requests never reached identity')
})
