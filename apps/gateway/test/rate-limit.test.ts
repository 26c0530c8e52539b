import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'

const LIMITS = {
  RATE_LIMIT_LOGIN_PER_IP: '3',
  RATE_LIMIT_LOGIN_PER_EMAIL: '2',
  RATE_LIMIT_REGISTER_PER_IP: '2',
  RATE_LIMIT_REGISTER_PER_EMAIL: '5',
  RATE_LIMIT_AUTH_WINDOW_SECONDS: '60',
}

t.test('login per IP: the 4th attempt from one address is 429 with Retry-After and rate-limit headers', async (t) => {
  const { app, identity } = await gatewayWithFakes(t, LIMITS)
  const attempt = (n: number) => app.inject({
    method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.7', headers: JSON_HEADERS,
    payload: { email: `user${n}@example.com`, password: 'whatever-password' },
  })
  const remaining = []
  for (let n = 0; n < 3; n++) {
    const response = await attempt(n)
    t.equal(response.statusCode, 401)
    remaining.push(response.headers['x-ratelimit-remaining'])
  }
  // The headers follow whichever limit is closest: per email (2, one used), then per IP (3).
  t.same(remaining, ['1', '1', '0'])
  const limited = await attempt(4)
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().error.code, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60)
  t.equal(limited.json().error.details.retryAfterSeconds, Number(limited.headers['retry-after']))
  t.equal(limited.headers['x-ratelimit-remaining'], '0')
  t.equal(identity.requests.length, 3, 'the limited attempt never reached identity')
  const elsewhere = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.51.100.1', headers: JSON_HEADERS, payload: { email: 'x@example.com', password: 'whatever-password' } })
  t.equal(elsewhere.statusCode, 401, 'another address is unaffected')
})
