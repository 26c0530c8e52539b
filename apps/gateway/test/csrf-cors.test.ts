import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'

const ALLOWED = 'https://app.example.com'

t.test('a cross-site HTML form post to the cookie endpoints is refused before anything is forwarded', async (t) => {
  const { app, identity, token } = await gatewayWithFakes(t, { CORS_ORIGINS: ALLOWED })
  for (const url of ['/auth/refresh', '/auth/logout', '/auth/login', '/auth/register']) {
    const form = await app.inject({
      method: 'POST', url,
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { gh_refresh: 'stolen-by-form' },
      payload: 'email=a%40b.co&password=whatever1',
    })
    t.equal(form.statusCode, 403, `${url}: foreign origin`)
    t.equal(form.json().error.code, 'CSRF_REJECTED')
    t.equal(form.headers['set-cookie'], undefined)
  }
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
    const noOrigin = await app.inject({ method: 'POST', url: '/auth/logout', headers: { 'content-type': type }, cookies: { gh_refresh: 'x' }, payload: 'a=b' })
    t.equal(noOrigin.statusCode, 415, `${type} refused even without Origin`)
    t.equal(noOrigin.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
  }
  const none = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { gh_refresh: 'x' } })
  t.equal(none.statusCode, 415, 'no content type at all')
  t.equal(identity.requests.length + token.requests.length, 0, 'nothing reached identity or token')
})

t.test('the allowlisted origin and the gateway\'s own origin pass; "null" does not', async (t) => {
  const { app } = await gatewayWithFakes(t, { CORS_ORIGINS: `${ALLOWED},http://localhost:5173` })
  const allowed = await app.inject({ method: 'POST', url: '/auth/logout', headers: { ...JSON_HEADERS, origin: ALLOWED } })
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.headers['access-control-allow-origin'], ALLOWED)
  t.equal(allowed.headers['access-control-allow-credentials'], 'true')
  const own = await app.inject({ method: 'POST', url: '/auth/logout', headers: { ...JSON_HEADERS, origin: 'http://gateway.test', host: 'gateway.test' } })
  t.equal(own.statusCode, 204)
  const opaque = await app.inject({ method: 'POST', url: '/auth/logout', headers: { ...JSON_HEADERS, origin: 'null' } })
  t.equal(opaque.statusCode, 403)
})

t.test('CORS preflight: credentials for allowlisted origins only', async (t) => {
  const { app } = await gatewayWithFakes(t, { CORS_ORIGINS: ALLOWED })
  const preflight = (origin: string) => app.inject({
    method: 'OPTIONS', url: '/auth/refresh',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  })
  const ok = await preflight(ALLOWED)
  t.equal(ok.statusCode, 204)
  t.equal(ok.headers['access-control-allow-origin'], ALLOWED)
  t.equal(ok.headers['access-control-allow-credentials'], 'true')
  t.match(String(ok.headers['access-control-allow-methods']), /POST/)
  t.match(String(ok.headers['access-control-allow-headers']), /content-type/)
  const evil = await preflight('https://evil.example')
  // @fastify/cors still sends allow-credentials; without allow-origin the browser grants nothing.
  t.equal(evil.headers['access-control-allow-origin'], undefined, 'no grant for a foreign origin')
})

t.test('with no CORS_ORIGINS nothing cross-origin is granted', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const preflight = await app.inject({
    method: 'OPTIONS', url: '/auth/login',
    headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
  })
  t.equal(preflight.headers['access-control-allow-origin'], undefined)
  const post = await app.inject({ method: 'POST', url: '/auth/logout', headers: { ...JSON_HEADERS, origin: ALLOWED } })
  t.equal(post.statusCode, 403)
})
