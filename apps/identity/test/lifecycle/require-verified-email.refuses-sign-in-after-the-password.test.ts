/**
 * REQUIRE_VERIFIED_EMAIL: an unverified account's right password gets 403 EMAIL_NOT_VERIFIED, a
 * wrong one the generic 401 (so the refusal tells nobody without the password anything); following
 * the sign-up link (no sign-in needed) or resetting the password (its link proves the address too)
 * gets the user in. Off (the default), an unverified account signs in.
 */
import t from 'tap'
import { AUTH, PASSWORD, createUser, login } from '../helper.ts'
import { buildMailKit, type MailTestKit } from '../mail/helper.ts'

const NEW_PASSWORD = 'copper-meadow-whistle-77'

async function linkFor(kit: MailTestKit, email: string, subject: string, page: string) {
  await kit.worker.drain()
  return kit.smtp.linkIn(await kit.smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === subject), page)
}

t.test('on: 403 EMAIL_NOT_VERIFIED after a right password, 401 for a wrong one; the sign-up link lets the user in', async (t) => {
  const kit = await buildMailKit(t, 'require-verified', { REQUIRE_VERIFIED_EMAIL: 'true' })
  t.equal((await createUser(kit.app, 'new@example.com')).statusCode, 201, 'sign-up still works')

  const refused = await login(kit.app, 'new@example.com')
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().error.code, 'EMAIL_NOT_VERIFIED')
  t.match(refused.json().error.message, /link/)

  const wrong = await login(kit.app, 'new@example.com', 'not-the-password-at-all')
  const unknown = await login(kit.app, 'nobody@example.com')
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json().error.code, 'INVALID_CREDENTIALS')
  t.same([wrong.statusCode, wrong.json().error.message], [unknown.statusCode, unknown.json().error.message], 'a wrong password reads like an unknown address')

  const { token } = await linkFor(kit, 'new@example.com', 'Confirm your email address', 'verify-email')
  t.equal((await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })).statusCode, 200, 'verifying needs no sign-in')
  const admitted = await login(kit.app, 'new@example.com')
  t.equal(admitted.statusCode, 200)
  t.equal(admitted.json().emailVerified, true)
})

t.test('on: the refusal counts as no failure, so the owner is never locked out by it', async (t) => {
  const kit = await buildMailKit(t, 'require-verified-throttle', { REQUIRE_VERIFIED_EMAIL: 'true', LOGIN_MAX_FAILURES: '2' })
  await createUser(kit.app, 'patient@example.com')
  for (let attempt = 0; attempt < 4; attempt += 1) t.equal((await login(kit.app, 'patient@example.com')).statusCode, 403)
})

t.test('on: a password reset (its link went to the address) verifies the address and lets the user in', async (t) => {
  const kit = await buildMailKit(t, 'require-verified-reset', { REQUIRE_VERIFIED_EMAIL: 'true' })
  await createUser(kit.app, 'expired@example.com')
  t.equal((await login(kit.app, 'expired@example.com')).statusCode, 403)
  t.equal((await kit.app.inject({ method: 'POST', url: '/v1/password/forgot', headers: AUTH, payload: { email: 'expired@example.com' } })).statusCode, 202)
  const { token } = await linkFor(kit, 'expired@example.com', 'Reset your password', 'reset-password')
  t.equal((await kit.app.inject({ method: 'POST', url: '/v1/password/reset', headers: AUTH, payload: { token, newPassword: NEW_PASSWORD } })).statusCode, 200)
  const admitted = await login(kit.app, 'expired@example.com', NEW_PASSWORD)
  t.equal(admitted.statusCode, 200)
  t.equal(admitted.json().emailVerified, true)
})

t.test('off (the default): an unverified account signs in, and says so', async (t) => {
  const kit = await buildMailKit(t, 'require-verified-off')
  await createUser(kit.app, 'casual@example.com', PASSWORD)
  const admitted = await login(kit.app, 'casual@example.com')
  t.equal(admitted.statusCode, 200)
  t.equal(admitted.json().emailVerified, false)
})
