import t from 'tap'
import { gatewayWithFakes, JSON_HEADERS } from './helper.ts'

t.test('bad input of every kind is a clear 4xx and nothing is forwarded', async (t) => {
  const { app, identity, token } = await gatewayWithFakes(t)
  const post = (payload: string, headers: Record<string, string> = JSON_HEADERS) => app.inject({ method: 'POST', url: '/auth/login', headers, payload })
  const cases: Array<[string, Awaited<ReturnType<typeof post>>, number, string]> = [
    ['malformed JSON', await post('{"email":'), 400, 'MALFORMED_JSON'],
    ['missing field', await post('{"email":"a@example.com"}'), 400, 'VALIDATION_FAILED'],
    ['unknown field', await post('{"email":"a@example.com","password":"x","admin":true}'), 400, 'VALIDATION_FAILED'],
    ['wrong type', await post('{"email":"a@example.com","password":123}'), 400, 'VALIDATION_FAILED'],
    ['not an email', await post('{"email":"nope","password":"long password"}'), 400, 'VALIDATION_FAILED'],
    ['prototype poisoning', await post('{"email":"a@example.com","password":"p","__proto__":{"x":1}}'), 400, 'MALFORMED_JSON'],
    ['body over the limit', await post(JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(10_000) })), 413, 'PAYLOAD_TOO_LARGE'],
  ]
  for (const [name, response, status, code] of cases) {
    t.equal(response.statusCode, status, name)
    t.equal(response.json().error.code, code, `${name}: ${code}`)
    t.ok(response.json().error.requestId, `${name}: shared shape`)
  }
  const notFound = await app.inject({ method: 'GET', url: '/auth/nothing' })
  t.equal(notFound.statusCode, 404)
  t.equal(notFound.json().error.code, 'NOT_FOUND')
  t.equal(identity.requests.length + token.requests.length, 0)
})

t.test('JWKS: the token service\'s public keys, private members dropped, cached and served stale when it is down', async (t) => {
  const { app, token } = await gatewayWithFakes(t)
  const first = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(first.statusCode, 200)
  t.same(first.json(), { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1', alg: 'EdDSA', use: 'sig' }] })
  t.equal(first.headers['cache-control'], 'public, max-age=300')
  await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(token.requests.filter((request) => request.url === '/.well-known/jwks.json').length, 1, 'cached')
  t.equal(token.requests[0]?.headers['authorization'], undefined, 'no credentials sent for a public document')
})

t.test('JWKS with the token service down and nothing cached is 503', async (t) => {
  const { app, token } = await gatewayWithFakes(t)
  token.override = { status: 503, body: {} }
  const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  t.equal(response.statusCode, 503)
  t.equal(response.json().error.code, 'SERVICE_UNAVAILABLE')
})
