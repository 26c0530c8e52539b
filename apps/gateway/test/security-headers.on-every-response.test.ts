import t from 'tap'
import { JSON_HEADERS, gatewayWithFakes } from './helper.ts'

t.test('every response carries the security headers; HSTS only over TLS', async (t) => {
  const { app } = await gatewayWithFakes(t, { TRUST_PROXY: '1' })
  for (const [method, url] of [['GET', '/health/live'], ['GET', '/auth/me'], ['POST', '/auth/login'], ['GET', '/nowhere']] as const) {
    const response = await app.inject({ method, url, headers: JSON_HEADERS, ...(method === 'POST' ? { payload: {} } : {}) })
    t.equal(response.headers['x-content-type-options'], 'nosniff', `${method} ${url}: nosniff`)
    t.equal(response.headers['x-frame-options'], 'SAMEORIGIN', 'frame protection for old browsers')
    t.match(response.headers['content-security-policy'], /default-src 'none'.*frame-ancestors 'none'/, 'a CSP that allows nothing and no framing')
    t.equal(response.headers['x-powered-by'], undefined)
    t.equal(response.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP')
  }
  const overTls = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-forwarded-proto': 'https' } })
  t.equal(overTls.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', 'HSTS behind a TLS-terminating load balancer')
})

t.test('the docs page gets a strict CSP of its own: same-origin scripts only, no inline script', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  const csp = String(docs.headers['content-security-policy'])
  t.match(csp, /script-src 'self'(;|$)/, 'scripts from this origin only')
  t.notMatch(csp, /script-src[^;]*unsafe-inline/, 'never inline script')
  t.match(csp, /frame-ancestors 'none'/)
})
