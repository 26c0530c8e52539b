import t from 'tap'
import { CLIENT_IP_HEADER, CLIENT_USER_AGENT_HEADER } from '@gatehouse/platform'
import { AUTH, PASSWORD, createUser } from './helper.ts'
import { buildMailKit, type MailTestKit } from './mail/helper.ts'
import { totp } from './mfa/rfc6238.ts'
import { DEVICE, OTHER_DEVICE, enrolledUser } from './mfa/support.ts'

const SUBJECT = 'New sign-in to your account'
const THIRD_DEVICE = 'device-ccccccccccccccccccccccccccccccccccccccc'.slice(0, 43)
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
const origin = { [CLIENT_IP_HEADER]: '203.0.113.77', [CLIENT_USER_AGENT_HEADER]: USER_AGENT }

/** The password step as the gateway sends it: the device cookie, `newDevice` when it was minted just now. */
const signIn = (kit: MailTestKit, email: string, deviceId: string, minted: boolean) => kit.app.inject({
  method: 'POST',
  url: '/v1/credentials/verify',
  headers: { ...AUTH, ...origin },
  payload: { email, password: PASSWORD, deviceId, ...(minted ? { newDevice: true } : {}) },
})
const notices = async (kit: MailTestKit, email: string) => {
  await kit.worker.drain()
  return kit.smtp.mails.filter((mail) => mail.to.includes(email) && mail.subject === SUBJECT)
}

t.test('a sign-in from a new device mails one notice (when, coarse network, user agent; no device id); a trusted device again mails nothing', async (t) => {
  const kit = await buildMailKit(t, 'new-device-notice')
  const email = 'ada@example.com'
  const userId = (await createUser(kit.app, email)).json().userId as string

  t.equal((await signIn(kit, email, DEVICE, true)).statusCode, 200)
  t.same(await notices(kit, email), [], 'the first sign-in after sign-up is not announced')

  kit.clock.advance(60)
  t.equal((await signIn(kit, email, OTHER_DEVICE, true)).statusCode, 200)
  const [notice, ...more] = await notices(kit, email)
  t.ok(notice, 'a device new to the account: one notice arrives over SMTP')
  t.same(more, [])
  t.match(notice?.text, 'When: 2030-01-01 00:01 UTC')
  t.match(notice?.text, 'Network: 203.0.113.0/24')
  t.match(notice?.text, `Device: ${USER_AGENT}`)
  for (const secret of [OTHER_DEVICE, '203.0.113.77', '#token=']) t.notMatch(notice?.raw, secret, `the mail does not carry ${secret}`)

  // A second apart each: the activity list orders events by time.
  kit.clock.advance(1)
  t.equal((await signIn(kit, email, OTHER_DEVICE, false)).statusCode, 200)
  kit.clock.advance(1)
  t.equal((await signIn(kit, email, DEVICE, false)).statusCode, 200)
  t.equal((await notices(kit, email)).length, 1, 'devices trusted by an earlier sign-in get no notice')

  const { events } = (await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: { type: string; newDevice?: boolean }[] }
  t.same(events.filter((event) => event.type === 'sign_in').map((event) => event.newDevice), [false, false, true, true], 'newest first')
})

t.test('NEW_DEVICE_SIGNIN_NOTICE=off: no notice, while the activity still says which sign-in was new', async (t) => {
  const kit = await buildMailKit(t, 'new-device-off', { NEW_DEVICE_SIGNIN_NOTICE: 'off' })
  const email = 'grace@example.com'
  const userId = (await createUser(kit.app, email)).json().userId as string
  t.equal((await signIn(kit, email, DEVICE, true)).statusCode, 200)
  t.equal((await signIn(kit, email, OTHER_DEVICE, true)).statusCode, 200)
  t.same(await notices(kit, email), [])
  const { events } = (await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: { type: string; newDevice?: boolean }[] }
  t.same(events.filter((event) => event.type === 'sign_in').map((event) => event.newDevice), [true, true])
})

t.test('for a user with a factor the notice belongs to the code step: a right password alone mails nothing', async (t) => {
  const kit = await buildMailKit(t, 'new-device-mfa')
  const email = 'jo@example.com'
  const { secret, recoveryCodes } = await enrolledUser(kit.app, kit.clock, email)
  const passwordStep = async (deviceId: string) => {
    const answer = await signIn(kit, email, deviceId, true)
    t.equal(answer.json().mfaRequired, true)
    return answer.json().mfaToken as string
  }
  const codeStep = (mfaToken: string, deviceId: string, proof: { code?: string; recoveryCode?: string }) =>
    kit.app.inject({ method: 'POST', url: '/v1/mfa/verify', headers: { ...AUTH, ...origin }, payload: { mfaToken, deviceId, ...proof } })

  t.equal((await codeStep(await passwordStep(DEVICE), DEVICE, { code: totp(secret, kit.clock.now()) })).statusCode, 200)
  kit.clock.advance(30)
  const ticket = await passwordStep(OTHER_DEVICE)
  t.same(await notices(kit, email), [], 'the password step of a new device mails nothing yet')
  t.equal((await codeStep(ticket, OTHER_DEVICE, { code: totp(secret, kit.clock.now() + 600_000) })).statusCode, 401)
  t.same(await notices(kit, email), [], 'nor does a wrong code')
  t.equal((await codeStep(ticket, OTHER_DEVICE, { code: totp(secret, kit.clock.now()) })).statusCode, 200)
  t.equal((await notices(kit, email)).length, 1, 'the completed sign-in does')
  t.equal((await codeStep(await passwordStep(THIRD_DEVICE), THIRD_DEVICE, { recoveryCode: recoveryCodes[0] as string })).statusCode, 200)
  t.equal((await notices(kit, email)).length, 2, 'a sign-in completed with a recovery code too')
})
