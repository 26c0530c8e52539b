/** Finding 4, at the edge: a password holding U+0000 is a 400 here and never travels to identity. */
import t from 'tap'
import { JSON_HEADERS, gatewayWithFakes } from './helper.ts'

t.test('login and sign-up refuse a NUL byte in the password without calling identity', async (t) => {
  const { app, identity } = await gatewayWithFakes(t)
  for (const url of ['/auth/login', '/auth/register']) {
    const response = await app.inject({ method: 'POST', url, headers: JSON_HEADERS, payload: { email: 'nul@example.com', password: 'abc\u0000abc\u0000abc' } })
    t.equal(response.statusCode, 400, url)
    t.equal(response.json().error.code, 'VALIDATION_FAILED')
  }
  t.equal(identity.requests.length, 0, 'identity never saw it')
})
