import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, fakeClock } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { enrolledUser, finishSignIn, startSignIn } from './support.ts'

t.test('a recovery code signs in once, in any case or spacing; the count goes down', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-recovery', { now: clock.now })
  const { userId, recoveryCodes } = await enrolledUser(app, clock, 'hal@example.com')
  const [first] = recoveryCodes as [string]

  const signedIn = await finishSignIn(app, await startSignIn(app, 'hal@example.com'), { recoveryCode: ` ${first.toUpperCase().replace(/-/g, ' ')} ` })
  t.equal(signedIn.statusCode, 200)
  t.same(signedIn.json().amr, ['pwd', 'mfa'])
  t.same((await app.inject({ method: 'GET', url: `/v1/users/${userId}/mfa`, headers: AUTH })).json(), { totp: true, recoveryCodesLeft: 9 })

  const reused = await finishSignIn(app, await startSignIn(app, 'hal@example.com'), { recoveryCode: first })
  t.equal(reused.statusCode, 401, 'a spent code is dead')
})

t.test('new recovery codes need the password and a code, and kill every old one', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-recovery-new', { now: clock.now })
  const { userId, secret, recoveryCodes } = await enrolledUser(app, clock, 'ivy@example.com')
  const url = `/v1/users/${userId}/mfa/recovery-codes`
  const noCode = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD } })
  t.equal(noCode.statusCode, 403)
  t.equal(noCode.json().error.code, 'MFA_REQUIRED')
  const fresh = await app.inject({ method: 'POST', url, headers: AUTH, payload: { currentPassword: PASSWORD, code: totp(secret, clock.now()) } })
  t.equal(fresh.statusCode, 200)
  const codes = fresh.json().recoveryCodes as string[]
  t.equal(codes.length, 10)
  t.notOk(codes.some((code) => recoveryCodes.includes(code)))
  t.equal((await finishSignIn(app, await startSignIn(app, 'ivy@example.com'), { recoveryCode: recoveryCodes[1] as string })).statusCode, 401, 'an old code is dead')
  t.equal((await finishSignIn(app, await startSignIn(app, 'ivy@example.com'), { recoveryCode: codes[0] as string })).statusCode, 200, 'a new one works')
})
