/**
 * End to end, second factors: DynamoDB Local, a real SMTP server and the three services as
 * separate processes, driven only over HTTP. Codes come from an independent RFC 6238
 * implementation (./rfc6238.ts, node:crypto; a copy of apps/identity/test/mfa/rfc6238.ts, since tools may not import an app's files), never from otplib.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { startStack, type Stack } from '@gatehouse/stack'
import { totp } from './rfc6238.ts'
import { Browser, claimsOf, introspect } from './client.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

const prefix = `e2e-mfa-${randomBytes(4).toString('hex')}-`
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
  env: { gateway: { RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' } },
})
t.teardown(() => stack.stop())

const gateway = stack.urls.gateway
const email = `mfa-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const mailTo = (subject: string) => smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === subject, 20_000)

t.test('enrol, sign in with a code and with a recovery code; replays, foreign devices and sensitive actions refused', async (t) => {
  const owner = new Browser(gateway)
  t.equal((await owner.call('POST', '/auth/register', { json: { email, password } })).status, 201)
  const first = await owner.call('POST', '/auth/login', { json: { email, password } })
  t.equal(first.status, 200)
  const bearer = first.body['accessToken'] as string
  t.match(claimsOf(bearer), { amr: ['pwd'], auth_time: Number })
  t.match((await introspect(stack.urls.token, bearer, stack.secrets.introspection)).body, { active: true, amr: ['pwd'], auth_time: Number })

  const setup = await owner.call('POST', '/auth/mfa/totp/setup', { bearer, json: { currentPassword: password } })
  t.equal(setup.status, 200)
  const secret = setup.body['secret'] as string
  t.match(setup.body, { otpauthUri: /^otpauth:\/\/totp\//, qrSvg: /^<svg/ })
  const confirmedAt = Date.now()
  const confirmed = await owner.call('POST', '/auth/mfa/totp/confirm', { bearer, json: { code: totp(secret, confirmedAt) } })
  t.equal(confirmed.status, 200)
  const recoveryCodes = confirmed.body['recoveryCodes'] as string[]
  t.equal(recoveryCodes.length, 10)
  t.same((await owner.call('GET', '/auth/mfa', { bearer })).body, { totp: true, recoveryCodesLeft: 10 })
  t.ok(await mailTo('Two-step sign-in was turned on'), 'the enabling notice arrives over SMTP')

  // The password alone no longer signs in: 403 MFA_REQUIRED, the ticket, and no refresh cookie.
  const laptop = new Browser(gateway)
  const challenge = await laptop.call('POST', '/auth/login', { json: { email, password } })
  t.equal(challenge.status, 403)
  t.equal(challenge.body.error?.code, 'MFA_REQUIRED')
  const details = (challenge.body.error as unknown as { details: { mfaToken: string; methods: string[] } }).details
  t.same(Object.keys(details).sort(), ['methods', 'mfaToken'])
  t.same(details.methods, ['totp', 'recovery_code'])
  t.notOk(laptop.cookies.has('gh_refresh'), 'no refresh cookie before the second factor')
  t.ok(laptop.cookies.has('gh_device'), 'the device cookie the ticket is bound to')

  // The next time step's code: the confirming step is used up, and ±1 step is accepted.
  const code = totp(secret, confirmedAt + 30_000)
  const stranger = new Browser(gateway)
  stranger.cookies.set('gh_device', randomBytes(32).toString('base64url'))
  t.equal((await stranger.call('POST', '/auth/login/mfa', { json: { mfaToken: details.mfaToken, code } })).status, 401, 'another device cannot finish this sign-in')

  const done = await laptop.call('POST', '/auth/login/mfa', { json: { mfaToken: details.mfaToken, code } })
  t.equal(done.status, 200)
  t.ok(laptop.cookies.has('gh_refresh'), 'the refresh cookie comes with the second step')
  const strong = done.body['accessToken'] as string
  t.match(claimsOf(strong), { amr: ['pwd', 'otp', 'mfa'], auth_time: Number })
  t.match((await introspect(stack.urls.token, strong, stack.secrets.introspection)).body, { active: true, amr: ['pwd', 'otp', 'mfa'] })
  // The laptop is new to the account: the notice comes with the completed code step.
  const notice = await mailTo('New sign-in to your account')
  t.match(notice.text, /Network: 127\.0\.0\.0\/24/)
  t.notMatch(notice.raw, laptop.cookies.get('gh_device') as string, 'the notice does not carry the device id')
  const activity = await owner.call('GET', '/auth/activity', { bearer: strong })
  const signIns = (activity.body['events'] as { type: string; method?: string; newDevice?: boolean }[]).filter((event) => event.type === 'sign_in')
  t.same(signIns.map(({ method, newDevice }) => ({ method, newDevice })), [{ method: 'password+totp', newDevice: true }, { method: 'password', newDevice: true }], 'one sign_in per completed sign-in, none for the password step')
  const refreshed = await laptop.call('POST', '/auth/refresh', { json: {} })
  t.match(claimsOf(refreshed.body['accessToken'] as string), { amr: ['pwd', 'otp', 'mfa'], auth_time: claimsOf(strong)['auth_time'] }, 'a refresh keeps how and when')

  t.equal((await laptop.call('POST', '/auth/login/mfa', { json: { mfaToken: details.mfaToken, code } })).status, 401, 'a used ticket is dead')
  const again = await laptop.call('POST', '/auth/login', { json: { email, password } })
  const againToken = (again.body.error as unknown as { details: { mfaToken: string } }).details.mfaToken
  t.equal((await laptop.call('POST', '/auth/login/mfa', { json: { mfaToken: againToken, code } })).status, 401, 'a replayed code is refused')
  const recovered = await laptop.call('POST', '/auth/login/mfa', { json: { mfaToken: againToken, recoveryCode: recoveryCodes[0] } })
  t.equal(recovered.status, 200, 'a recovery code works')
  t.match(claimsOf(recovered.body['accessToken'] as string), { amr: ['pwd', 'mfa'] })
  t.match((await mailTo('A recovery code was used')).text, /9 codes are left/)
  t.same((await owner.call('GET', '/auth/mfa', { bearer })).body, { totp: true, recoveryCodesLeft: 9 })

  // Sensitive actions need the second factor too.
  const noCode = await owner.call('POST', '/auth/password', { bearer, json: { currentPassword: password, newPassword: 'a new long passphrase' } })
  t.equal(noCode.status, 403)
  t.equal(noCode.body.error?.code, 'MFA_REQUIRED')
  const changed = await owner.call('POST', '/auth/password', { bearer: strong, json: { currentPassword: password, newPassword: 'a new long passphrase', recoveryCode: recoveryCodes[1] } })
  t.equal(changed.status, 204)
  const newCodes = await owner.call('POST', '/auth/mfa/recovery-codes', { bearer: strong, json: { currentPassword: 'a new long passphrase' } })
  t.equal(newCodes.status, 403, 'new recovery codes need a code')
  const keep = await owner.call('DELETE', '/auth/account', { bearer: strong, json: { currentPassword: 'a new long passphrase' } })
  t.equal(keep.status, 403)
  t.equal(keep.body.error?.code, 'MFA_REQUIRED', 'account deletion needs a code')
  t.equal((await owner.call('DELETE', '/auth/account', { bearer: strong, json: { currentPassword: 'a new long passphrase', code: totp(secret, Date.now() + 600_000) } })).body.error?.code, 'INVALID_MFA_CODE')
  const off = await owner.call('DELETE', '/auth/mfa/totp', { bearer: strong, json: { currentPassword: 'a new long passphrase', recoveryCode: recoveryCodes[2] } })
  t.equal(off.status, 204)
  t.ok(await mailTo('Two-step sign-in was turned off'), 'the disabling notice arrives over SMTP')
  t.equal((await new Browser(gateway).call('POST', '/auth/login', { json: { email, password: 'a new long passphrase' } })).status, 200, 'password only again')
})
