/**
 * `email_verified` end to end (issue 14), over the real identity and token services and a real
 * SMTP server: false in the tokens of a fresh sign-up, true once the link in the mail is followed,
 * at the next refresh of the session that was already open and at a new sign-in; introspection
 * (RFC 7662) says the same as the token.
 */
import t from 'tap'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { Browser, buildRealGateway, startRealServices } from './support/real-services.ts'

const smtp = await startTestSmtpServer(t)
const services = await startRealServices(t, 'gw-email-verified', {}, { smtpUrl: smtp.url })
const gateway = await buildRealGateway(t, services, { COOKIE_SECURE: 'false' })
const base = await gateway.listen({ port: 0, host: '127.0.0.1' })

const claimsOf = (accessToken: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>

async function introspect(accessToken: string): Promise<Record<string, unknown>> {
  const { id, secret } = services.stack.secrets.introspection
  const response = await fetch(`${services.stack.urls.token}/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: accessToken }),
  })
  return await response.json() as Record<string, unknown>
}

t.test('false after sign-up; the mailed link makes it true at the next refresh and at sign-in; introspection agrees', async (t) => {
  const browser = new Browser(base)
  const email = 'verify-claim@example.com'
  const password = 'a perfectly fine passphrase'
  t.equal((await browser.call('POST', '/auth/register', { json: { email, password } })).status, 201)
  const login = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(login.status, 200)
  const first = login.body['accessToken'] as string
  t.equal(claimsOf(first)['email_verified'], false, 'a fresh sign-up is not verified')
  t.match(await introspect(first), { active: true, email_verified: false })
  const stillFalse = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(claimsOf(stillFalse.body['accessToken'] as string)['email_verified'], false, 'a refresh before the link keeps false')

  const mail = await smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Confirm your email address')
  const { token } = smtp.linkIn(mail, 'verify-email')
  t.equal((await new Browser(base).call('POST', '/auth/email/verify', { json: { token } })).status, 204, 'followed from another browser, not signed in')

  const refreshed = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(refreshed.status, 200)
  const current = refreshed.body['accessToken'] as string
  t.equal(claimsOf(current)['email_verified'], true, 'the session already open says the current state at its next refresh')
  t.match(await introspect(current), { active: true, email_verified: true })
  t.match(await introspect(first), { active: true, email_verified: false }, 'an older token keeps what it says until it expires')

  const again = await new Browser(base).call('POST', '/auth/login', { json: { email, password } })
  t.equal(claimsOf(again.body['accessToken'] as string)['email_verified'], true, 'and a new sign-in')
  t.equal((await browser.call('GET', '/auth/me', { bearer: current })).body['emailVerified'], true)
})
