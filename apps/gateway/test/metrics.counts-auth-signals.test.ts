/**
 * Prometheus metrics over the real identity and token processes and the gateway: each service
 * answers on its own metrics listener, the public ports never serve /metrics, and the auth
 * counters move as a sign-in, a wrong password, a throttle and a refresh-token reuse happen. No
 * label carries an email, an IP, a user id or a token.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { freePort } from '@gatehouse/dynamo-local'
import { JSON_HEADERS, setCookies } from './helper.ts'
import { buildRealGateway, startRealServices } from './support/real-services.ts'

const ports = { gateway: await freePort(), identity: await freePort(), token: await freePort() }
const services = await startRealServices(t, 'gw-metrics', {
  token: { REFRESH_GRACE_SECONDS: '0', METRICS_PORT: String(ports.token) },
  identity: { LOGIN_MAX_FAILURES: '2', METRICS_PORT: String(ports.identity) },
})
const gateway = await buildRealGateway(t, services, { METRICS_PORT: String(ports.gateway), RATE_LIMIT_REGISTER_PER_EMAIL: '1' })
const publicUrl = await gateway.listen({ port: 0, host: '127.0.0.1' })

const scrape = async (service: keyof typeof ports): Promise<string> => (await fetch(`http://127.0.0.1:${ports[service]}/metrics`)).text()
/** The value of one series, e.g. `gatehouse_sign_ins_total{outcome="success"}` (labels in prom-client's order). */
function value(text: string, series: string, labels: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series}{`) && candidate.includes(labels))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

t.test('each service answers on its own metrics listener and never on its public port', async (t) => {
  for (const service of ['gateway', 'identity', 'token'] as const) {
    const response = await fetch(`http://127.0.0.1:${ports[service]}/metrics`)
    t.equal(response.status, 200, `${service} metrics answer`)
    t.match(response.headers.get('content-type'), /^text\/plain/)
    const text = await response.text()
    t.match(text, /nodejs_eventloop_lag_seconds/, `${service}: event-loop metrics`)
    t.match(text, /process_cpu_user_seconds_total/, `${service}: process metrics`)
    t.equal((await fetch(`http://127.0.0.1:${ports[service]}/other`)).status, 404)
  }
  t.equal((await fetch(`${publicUrl}/metrics`)).status, 404, 'the public gateway does not serve /metrics')
  t.equal((await fetch(`${services.stack.urls.identity}/metrics`)).status, 404, 'nor do the internal services\' API ports')
})

t.test('sign-in, wrong password, throttle, rate limit and reuse move their counters; labels carry no identity', async (t) => {
  const email = `metrics-${randomBytes(4).toString('hex')}@example.com`
  const password = 'a perfectly fine passphrase'
  const post = (path: string, payload: Record<string, unknown>, cookies: Record<string, string> = {}) =>
    gateway.inject({ method: 'POST', url: path, headers: JSON_HEADERS, payload, cookies, remoteAddress: '198.51.100.23' })
  const registered = await post('/auth/register', { email, password })
  t.equal(registered.statusCode, 201)
  const userId = registered.json().userId as string
  t.equal((await post('/auth/register', { email, password })).statusCode, 429, 'the register per-email limit refuses the second try')

  const signedIn = await post('/auth/login', { email, password })
  t.equal(signedIn.statusCode, 200)
  t.equal((await post('/auth/login', { email, password: 'wrong password 1' })).statusCode, 401)
  t.equal((await post('/auth/login', { email, password: 'wrong password 2' })).statusCode, 401)
  t.equal((await post('/auth/login', { email, password })).statusCode, 429, 'the account is throttled')

  const first = setCookies(signedIn.headers).find((cookie) => cookie.name === 'gh_refresh')!.value
  t.equal((await post('/auth/refresh', {}, { gh_refresh: first })).statusCode, 200)
  t.equal((await post('/auth/refresh', {}, { gh_refresh: first })).json().error.details.reason, 'reused')

  const identity = await scrape('identity')
  t.equal(value(identity, 'gatehouse_sign_ins_total', 'outcome="success"'), 1)
  t.equal(value(identity, 'gatehouse_sign_ins_total', 'outcome="wrong_credentials"'), 2)
  t.equal(value(identity, 'gatehouse_sign_ins_total', 'outcome="throttled"'), 1)
  t.ok(value(identity, 'gatehouse_bcrypt_queue_wait_seconds_count', 'pool="bcrypt"') >= 3, 'bcrypt waits are timed')
  t.match(identity, /gatehouse_bcrypt_queue_depth\{service="identity"\} 0/)
  t.ok(value(identity, 'gatehouse_dynamodb_call_duration_seconds_count', 'operation="QueryCommand"') >= 3, 'DynamoDB calls are timed')
  t.match(identity, /gatehouse_dynamodb_throttles_total\{[^}]*\} 0/)
  t.ok(value(identity, 'http_request_duration_seconds_count', 'route="/v1/credentials/verify",status="401"') >= 2, 'by route pattern and status')

  const token = await scrape('token')
  t.equal(value(token, 'gatehouse_refreshes_total', 'outcome="rotated"'), 1)
  t.equal(value(token, 'gatehouse_refreshes_total', 'outcome="reuse_detected"'), 1)
  t.ok(value(token, 'http_request_duration_seconds_count', 'route="/v1/refresh",status="401"') >= 1)

  const gatewayText = await scrape('gateway')
  t.equal(value(gatewayText, 'gatehouse_rate_limit_refusals_total', 'limit="register-email"'), 1)
  t.ok(value(gatewayText, 'http_request_duration_seconds_count', 'route="/auth/login",status="429"') >= 1, 'errors by status')

  for (const text of [identity, token, gatewayText]) {
    for (const secret of [email, '198.51.100', first, password, userId]) t.notOk(text.includes(secret), 'no email, IP, token or user id in any series')
  }
})
