/**
 * End to end over real processes: forgot-password → the mail a real SMTP server received → the
 * link's token → reset → sign-in with the new password; the old password and the old sessions
 * are dead. Verification rides along: the sign-up mail's link verifies the address.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { startStack, type Stack } from '@gatehouse/stack'
import { Browser } from './client.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

const prefix = `e2e-reset-${randomBytes(4).toString('hex')}-`
const clients = createDynamoClients({ endpoint })
await createTables(clients.client, prefix)
clients.destroy()

const smtp = await startTestSmtpServer(t)
const stack: Stack = await startStack({
  dynamoEndpoint: endpoint,
  tablePrefix: prefix,
  bcryptCost: 4,
  logLevel: 'warn',
  smtpUrl: smtp.url,
  // A shared, loaded machine: generous downstream timeouts, so a slow answer is not read as a refusal.
  env: { gateway: { TOKEN_TIMEOUT_SECONDS: '10', IDENTITY_TIMEOUT_SECONDS: '20' } },
})
t.teardown(() => stack.stop())

const email = `reset-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const newPassword = 'a brand new passphrase'

t.test('sign-up → verification mail → verify; forgot → mail → reset → sign-in', async (t) => {
  const browser = new Browser(stack.urls.gateway)
  t.equal((await browser.call('POST', '/auth/register', { json: { email, password } })).status, 201)
  const login = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(login.status, 200)
  const oldAccess = login.body['accessToken'] as string
  const bearer = { authorization: `Bearer ${oldAccess}` }
  t.equal((await browser.call('GET', '/auth/me', { headers: bearer })).body['emailVerified'], false)

  const verifyMail = await smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Confirm your email address')
  const verifyLink = smtp.linkIn(verifyMail, 'verify-email')
  t.ok(verifyLink.url.startsWith(`${stack.urls.gateway}/verify-email#token=`), 'the link points at PUBLIC_URL, token in the fragment')
  t.equal((await browser.call('POST', '/auth/email/verify', { json: { token: verifyLink.token } })).status, 204)
  t.equal((await browser.call('GET', '/auth/me', { headers: bearer })).body['emailVerified'], true)

  const known = await browser.call('POST', '/auth/password/forgot', { json: { email } })
  const unknown = await browser.call('POST', '/auth/password/forgot', { json: { email: `nobody-${email}` } })
  t.equal(known.status, 202)
  t.same([unknown.status, unknown.body], [known.status, known.body], 'the same answer for an unknown address')

  const resetMail = await smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Reset your password')
  const { token } = smtp.linkIn(resetMail, 'reset-password')
  t.equal((await browser.call('POST', '/auth/password/reset', { json: { token, newPassword } })).status, 204)
  t.equal((await browser.call('POST', '/auth/password/reset', { json: { token, newPassword: 'yet another passphrase' } })).status, 400, 'single use')

  t.equal((await browser.call('GET', '/auth/me', { headers: bearer })).status, 401, 'the old session is dead')
  t.equal((await browser.call('POST', '/auth/refresh', { json: {} })).status, 401, 'and its refresh token')
  t.equal((await browser.call('POST', '/auth/login', { json: { email, password } })).status, 401, 'the old password is dead')
  t.equal((await browser.call('POST', '/auth/login', { json: { email, password: newPassword } })).status, 200, 'the new one signs in')
  await smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Your password was changed')
  t.notOk(smtp.mails.some((mail) => mail.to.includes(`nobody-${email}`)), 'no mail for the unknown address')
})

t.test('DELETE /auth/account: wrong password refused; then the account, its sessions and its guard are gone', async (t) => {
  const browser = new Browser(stack.urls.gateway)
  const address = `delete-${randomBytes(3).toString('hex')}@example.com`
  t.equal((await browser.call('POST', '/auth/register', { json: { email: address, password } })).status, 201)
  const access = (await browser.call('POST', '/auth/login', { json: { email: address, password } })).body['accessToken'] as string
  t.equal((await browser.call('DELETE', '/auth/account', { bearer: access, json: { currentPassword: 'not my password' } })).status, 403)
  t.equal((await browser.call('DELETE', '/auth/account', { bearer: access, json: { currentPassword: password } })).status, 204)
  t.equal((await browser.call('GET', '/auth/me', { bearer: access })).status, 401, 'the session is dead')
  t.equal((await browser.call('POST', '/auth/login', { json: { email: address, password } })).status, 401)
  await smtp.waitFor((mail) => mail.to.includes(address) && mail.subject === 'Your account was deleted')
  t.equal((await browser.call('POST', '/auth/register', { json: { email: address, password } })).status, 201, 'the address can sign up again')
})
