/**
 * SIGNUP_ENUMERATION_SAFE on identity, through the gateway over the real services and a real SMTP
 * server: POST /auth/register answers 202 with the same body for a new address and a taken one
 * (no userId), the new address gets its verification link and the owner of the taken one the
 * "someone tried to sign up" notice; policy 400s still apply.
 */
import t from 'tap'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { Browser, buildRealGateway, startRealServices } from './support/real-services.ts'

const smtp = await startTestSmtpServer(t)
const services = await startRealServices(t, 'gw-signup-safe', { identity: { SIGNUP_ENUMERATION_SAFE: 'true' } }, { smtpUrl: smtp.url })
const gateway = await buildRealGateway(t, services, { COOKIE_SECURE: 'false' })
const base = await gateway.listen({ port: 0, host: '127.0.0.1' })

t.test('a new address and a taken one: the same 202 and body; each gets its own mail', async (t) => {
  const browser = new Browser(base)
  const password = 'a perfectly fine passphrase'
  const first = await browser.call('POST', '/auth/register', { json: { email: 'owner@example.com', password } })
  t.equal(first.status, 202)
  t.same(Object.keys(first.body), ['message'], 'no userId: it would tell a new address from a taken one')
  const taken = await browser.call('POST', '/auth/register', { json: { email: 'Owner@example.com', password: 'another fine passphrase' } })
  const fresh = await browser.call('POST', '/auth/register', { json: { email: 'fresh@example.com', password } })
  t.same([taken.status, taken.body], [fresh.status, fresh.body], 'status and body are the same')

  await smtp.waitFor((mail) => mail.to.includes('fresh@example.com') && mail.subject === 'Confirm your email address')
  await smtp.waitFor((mail) => mail.to.includes('owner@example.com') && mail.subject === 'Someone tried to sign up with your address')
  t.equal((await browser.call('POST', '/auth/login', { json: { email: 'owner@example.com', password } })).status, 200, 'the owner keeps the one account')
  t.equal((await browser.call('POST', '/auth/login', { json: { email: 'owner@example.com', password: 'another fine passphrase' } })).status, 401, 'no second one')
})

t.test('policy 400s still apply', async (t) => {
  const weak = await new Browser(base).call('POST', '/auth/register', { json: { email: 'weak@example.com', password: 'password' } })
  t.equal(weak.status, 400)
  t.equal((weak.body['error'] as Record<string, unknown>)['code'], 'WEAK_PASSWORD')
})

t.test('the OpenAPI document describes the 202: a message, no userId', async (t) => {
  const document = (await gateway.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>> }
  const responses = document.paths['/auth/register']?.['post']?.responses ?? {}
  t.same(Object.keys(responses['202']?.content?.['application/json']?.schema.properties ?? {}), ['message'])
  t.ok(responses['201'] !== undefined && responses['409'] !== undefined, 'the default mode\'s answers stay documented')
})
