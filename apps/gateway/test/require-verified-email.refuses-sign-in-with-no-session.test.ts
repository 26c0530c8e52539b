/**
 * REQUIRE_VERIFIED_EMAIL on identity, through the gateway over the real services and a real SMTP
 * server: an unverified account's right password gets 403 EMAIL_NOT_VERIFIED with no refresh
 * cookie and no session, a wrong one the generic 401; the link verifies without a sign-in, and then
 * the sign-in works. Operators see the refusals as `gatehouse_sign_ins_total{outcome="email_not_verified"}`.
 */
import t from 'tap'
import { freePort } from '@gatehouse/dynamo-local'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { Browser, buildRealGateway, startRealServices } from './support/real-services.ts'

const smtp = await startTestSmtpServer(t)
const metricsPort = await freePort()
const services = await startRealServices(t, 'gw-require-verified', { identity: { REQUIRE_VERIFIED_EMAIL: 'true', METRICS_PORT: String(metricsPort) } }, { smtpUrl: smtp.url })
const gateway = await buildRealGateway(t, services, { COOKIE_SECURE: 'false' })
const base = await gateway.listen({ port: 0, host: '127.0.0.1' })

async function sessionsOf(userId: string): Promise<unknown[]> {
  const { id, secret } = services.stack.secrets.gateway
  const response = await fetch(`${services.stack.urls.token}/v1/users/${userId}/sessions`, { headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` } })
  return ((await response.json()) as { sessions: unknown[] }).sessions
}

t.test('unverified: 403 EMAIL_NOT_VERIFIED after the right password, 401 for a wrong one; verified: 200', async (t) => {
  const browser = new Browser(base)
  const email = 'must-verify@example.com'
  const password = 'a perfectly fine passphrase'
  const created = await browser.call('POST', '/auth/register', { json: { email, password } })
  t.equal(created.status, 201, 'sign-up still works')
  const userId = created.body['userId'] as string

  const refused = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(refused.status, 403)
  t.equal((refused.body['error'] as Record<string, unknown>)['code'], 'EMAIL_NOT_VERIFIED')
  t.notOk(refused.setCookies.some((line) => line.startsWith('gh_refresh=')), 'no refresh cookie')
  t.notOk('accessToken' in refused.body)
  t.same(await sessionsOf(userId), [], 'no session was opened')
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  t.match(metrics, /^gatehouse_sign_ins_total\{outcome="email_not_verified"[^}]*\} 1$/m, 'counted as its own outcome')

  const wrong = await browser.call('POST', '/auth/login', { json: { email, password: 'not the password at all' } })
  const unknown = await browser.call('POST', '/auth/login', { json: { email: 'nobody@example.com', password } })
  t.equal(wrong.status, 401)
  t.same((wrong.body['error'] as Record<string, unknown>)['code'], 'INVALID_CREDENTIALS')
  t.same((wrong.body['error'] as Record<string, unknown>)['message'], (unknown.body['error'] as Record<string, unknown>)['message'], 'a wrong password tells nothing')

  const mail = await smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Confirm your email address')
  t.equal((await browser.call('POST', '/auth/email/verify', { json: { token: smtp.linkIn(mail, 'verify-email').token } })).status, 204, 'no Bearer needed')
  const admitted = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(admitted.status, 200)
  t.ok(admitted.setCookies.some((line) => line.startsWith('gh_refresh=')))
})
