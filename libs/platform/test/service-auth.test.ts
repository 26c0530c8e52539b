import t from 'tap'
import { basicAuthorization, createServer, createServiceAuth } from '../src/index.ts'

function build() {
  const app = createServer({ service: 'test', logLevel: 'silent', bodyLimit: 1024 })
  app.addHook('onRequest', createServiceAuth(new Map([['gateway', 'a-long-enough-secret'], ['odd id', 'p@ss:word with spaces']])))
  app.get('/internal', async (request) => ({ client: request.serviceClient }))
  t.teardown(() => app.close())
  return app
}

t.test('the right client credentials get in', async (t) => {
  const response = await build().inject({ url: '/internal', headers: { authorization: basicAuthorization('gateway', 'a-long-enough-secret') } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { client: 'gateway' })
})

t.test('ids and secrets with reserved characters are form-encoded (RFC 6749 §2.3.1)', async (t) => {
  const response = await build().inject({ url: '/internal', headers: { authorization: basicAuthorization('odd id', 'p@ss:word with spaces') } })
  t.equal(response.statusCode, 200)
})

t.test('missing, malformed or wrong credentials get 401 with WWW-Authenticate', async (t) => {
  const app = build()
  const headers = [
    undefined,
    'Bearer abc',
    'Basic !!!',
    `Basic ${Buffer.from('nocolon').toString('base64')}`,
    `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`,
    basicAuthorization('gateway', 'wrong-secret-wrong'),
    basicAuthorization('stranger', 'a-long-enough-secret'),
  ]
  for (const authorization of headers) {
    const response = await app.inject({ url: '/internal', headers: authorization === undefined ? {} : { authorization } })
    t.equal(response.statusCode, 401, String(authorization))
    t.match(response.headers['www-authenticate'], /^Basic realm="gatehouse-internal"/)
    t.equal(response.json().error.code, 'INVALID_CLIENT')
  }
})
