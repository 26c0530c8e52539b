import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, fakeClock, login } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { DEVICE, enrolledUser, finishSignIn, startSignIn } from './support.ts'

t.test('a user with a factor changes the password only with a current code; the factor stays', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-password', { now: clock.now })
  const { userId, secret, recoveryCodes } = await enrolledUser(app, clock, 'jo@example.com')
  const url = `/v1/users/${userId}/password`
  const newPassword = 'a brand new passphrase'

  const noCode = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, newPassword, deviceId: DEVICE } })
  t.equal(noCode.statusCode, 403)
  t.equal(noCode.json().error.code, 'MFA_REQUIRED')
  const wrong = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, newPassword, code: totp(secret, clock.now() + 600_000) } })
  t.equal(wrong.json().error.code, 'INVALID_MFA_CODE')
  t.equal((await login(app, 'jo@example.com', newPassword, DEVICE)).statusCode, 401, 'nothing changed')

  const byRecovery = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, newPassword, recoveryCode: recoveryCodes[0] as string } })
  t.equal(byRecovery.statusCode, 204, 'a recovery code is a current second factor too')

  // Changing (or resetting) the password leaves the factor in place: sign-in still asks for it.
  const ticket = await startSignIn(app, 'jo@example.com').catch(() => undefined)
  t.equal(ticket, undefined, 'the old password is dead')
  const answer = await login(app, 'jo@example.com', newPassword, DEVICE)
  t.equal(answer.json().mfaRequired, true)
  t.equal((await finishSignIn(app, answer.json().mfaToken as string, { code: totp(secret, clock.now()) })).statusCode, 200)
})
