/**
 * The admin API's lifecycle actions over the real services and a real SMTP server: mark verified,
 * force a password reset (the mailed link works, the sessions end), remove a second factor (the
 * notice arrives, the password alone signs in again), delete (the self-service erasure: the
 * address can sign up again); each leaves its audit event with the admin client id and reason.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { createDynamoClients, createTables, tableNames } from '@gatehouse/dynamo'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { startStack, type Stack } from '@gatehouse/stack'
import { createAdminClient } from '../admin/admin-client.ts'
import { run } from '../admin/commands.ts'
import { totp } from './rfc6238.ts'
import { Browser, claimsOf, introspect, sleep } from './client.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

const prefix = `e2e-admin-actions-${randomBytes(4).toString('hex')}-`
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
  env: { gateway: { RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000', TOKEN_TIMEOUT_SECONDS: '10', IDENTITY_TIMEOUT_SECONDS: '20' } },
})
t.teardown(() => stack.stop())

const gateway = stack.urls.gateway
const admin = createAdminClient({ identityUrl: stack.urls.identity, tokenUrl: stack.urls.token, clientId: stack.secrets.admin.id, clientSecret: stack.secrets.admin.secret })
const email = `admin-actions-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const reason = 'ticket 815: owner proved identity by video call'
const mailTo = (subject: string) => smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === subject, 20_000)
const login = (pw = password) => new Browser(gateway).call('POST', '/auth/login', { json: { email, password: pw } })

const registered = await new Browser(gateway).call('POST', '/auth/register', { json: { email, password } })
const userId = registered.body['userId'] as string

async function adminEvent(type: string): Promise<Record<string, unknown> | undefined> {
  const page = await admin.activity(userId, reason, { limit: '50' })
  return page.events.find((event) => event.type === type) as Record<string, unknown> | undefined
}

t.test('mark the email verified', async (t) => {
  t.match(await admin.user(userId, reason), { emailVerified: false, factors: { totp: false, recoveryCodesLeft: 0 } })
  const open = new Browser(gateway)
  const before = await open.call('POST', '/auth/login', { json: { email, password } })
  t.equal(claimsOf(before.body['accessToken'] as string)['email_verified'], false)
  t.match(await admin.markEmailVerified(userId, reason), { emailVerified: true })
  const refreshed = await open.call('POST', '/auth/refresh', { json: {} })
  t.equal(claimsOf(refreshed.body['accessToken'] as string)['email_verified'], true, 'the session open before says so at its next refresh')
  const signedIn = await login()
  t.equal((await new Browser(gateway).call('GET', '/auth/me', { bearer: signedIn.body['accessToken'] as string })).body['emailVerified'], true)
  t.match(await adminEvent('admin_email_verified'), { adminClient: stack.secrets.admin.id, reason })
})

t.test('force a password reset: the link is mailed, every session ends, the link sets a new password', async (t) => {
  const live = (await login()).body['accessToken'] as string
  await admin.forcePasswordReset(userId, reason)
  await sleep(1000)
  t.equal((await introspect(stack.urls.token, live, stack.secrets.introspection)).body['active'], false, 'the live token is ended')
  const mail = await mailTo('Reset your password')
  const { token } = smtp.linkIn(mail, 'reset-password')
  const newPassword = 'a passphrase chosen after support'
  t.equal((await new Browser(gateway).call('POST', '/auth/password/reset', { json: { token, newPassword } })).status, 204)
  t.equal((await login(newPassword)).status, 200)
  t.equal((await login()).status, 401, 'the old password is dead')
  t.match(await adminEvent('admin_password_reset_forced'), { adminClient: stack.secrets.admin.id, reason })
  // Back to the first password for the tests below.
  await admin.forcePasswordReset(userId, reason)
  const again = smtp.linkIn(await smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Reset your password' && m !== mail, 20_000), 'reset-password')
  t.equal((await new Browser(gateway).call('POST', '/auth/password/reset', { json: { token: again.token, newPassword: password } })).status, 204)
})

t.test('a disabled account cannot be force-reset and its reset links are refused', async (t) => {
  const before = smtp.mails.length
  await admin.forcePasswordReset(userId, reason)
  const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Reset your password' && smtp.mails.indexOf(m) >= before, 20_000)
  await admin.disable(userId, reason)
  await t.rejects(admin.forcePasswordReset(userId, reason), /: 409 /)
  const { token } = smtp.linkIn(mail, 'reset-password')
  t.equal((await new Browser(gateway).call('POST', '/auth/password/reset', { json: { token, newPassword: 'a takeover passphrase' } })).status, 400, 'a link mailed before the disable is refused')
  await admin.enable(userId, reason)
  t.equal((await login()).status, 200, 'the password did not change')
})

t.test('remove a second factor: the notice arrives and the password alone signs in again', async (t) => {
  const owner = new Browser(gateway)
  const bearer = (await owner.call('POST', '/auth/login', { json: { email, password } })).body['accessToken'] as string
  const setup = await owner.call('POST', '/auth/mfa/totp/setup', { bearer, json: { currentPassword: password } })
  t.equal(setup.status, 200)
  t.equal((await owner.call('POST', '/auth/mfa/totp/confirm', { bearer, json: { code: totp(setup.body['secret'] as string, Date.now()) } })).status, 200)
  t.equal((await login()).status, 403, 'the second factor is asked for')
  t.match(await admin.user(userId, reason), { factors: { totp: true, recoveryCodesLeft: 10 } })
  t.notOk(JSON.stringify(await admin.user(userId, reason)).includes(setup.body['secret'] as string), 'no secret in the admin view')

  await admin.removeSecondFactor(userId, reason)
  t.ok(await mailTo('Two-step sign-in was turned off'), 'the owner is told')
  t.equal((await login()).status, 200)
  await t.rejects(admin.removeSecondFactor(userId, reason), /: 404 /, 'nothing left to remove')
  t.match(await adminEvent('admin_second_factor_removed'), { adminClient: stack.secrets.admin.id, reason })
})

t.test('passkeys: the admin view lists them (never a key), removing one mails the owner and leaves an audit event', async (t) => {
  // A passkey as registration stores it (the ceremony itself needs a browser: hosted-pages.passkeys covers it).
  const clients = createDynamoClients({ endpoint })
  t.teardown(() => clients.destroy())
  const credentialId = randomBytes(16).toString('base64url')
  await clients.doc.send(new PutCommand({
    TableName: tableNames(prefix).Passkeys,
    Item: { credentialId, userId, name: 'Lost phone', publicKey: randomBytes(77).toString('base64url'), counter: 3, transports: ['internal'], deviceType: 'multiDevice', backedUp: true, createdAt: new Date().toISOString() },
  }))
  const viewed = await admin.user(userId, reason)
  t.match(viewed.factors.passkeys, [{ id: credentialId, name: 'Lost phone', deviceType: 'multiDevice', backedUp: true }], 'the admin view lists the passkey')
  t.notMatch(JSON.stringify(viewed), /publicKey|counter/, 'never its key or counter')

  const env = {
    GATEHOUSE_ADMIN_IDENTITY_URL: stack.urls.identity, GATEHOUSE_ADMIN_TOKEN_URL: stack.urls.token,
    GATEHOUSE_ADMIN_CLIENT_ID: stack.secrets.admin.id, GATEHOUSE_ADMIN_CLIENT_SECRET: stack.secrets.admin.secret,
  }
  t.match(JSON.parse(await run(['remove-passkey', '--user', userId, `--passkey=${credentialId}`, '--reason', reason], env)), { passkeyRemoved: true })
  const notice = await mailTo('A passkey was removed from your account')
  t.match(notice.text, /"Lost phone".*by our support team/s, 'the owner is told which one, and by whom')
  t.same((await admin.user(userId, reason)).factors.passkeys, [], 'it is gone')
  t.match(await adminEvent('admin_passkey_removed'), { adminClient: stack.secrets.admin.id, reason })
  await t.rejects(admin.removePasskey(userId, credentialId, reason), /: 404 /, 'nothing left to remove')
  await t.rejects(run(['remove-passkey', '--user', userId, '--reason', reason], env), /--passkey is required/)
})

t.test('delete: the self-service erasure, sessions end, the address is free again', async (t) => {
  const live = (await login()).body['accessToken'] as string
  await admin.deleteUser(userId, reason)
  await sleep(1000)
  t.equal((await introspect(stack.urls.token, live, stack.secrets.introspection)).body['active'], false)
  t.equal((await login()).status, 401)
  await t.rejects(admin.findByEmail(email, reason), /: 404 /)
  t.ok(await mailTo('Your account was deleted'))
  t.equal((await new Browser(gateway).call('POST', '/auth/register', { json: { email, password } })).status, 201, 'the address can sign up again')
})
