import t from 'tap'
import { buildTestApp, fakeClock, login } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { DEVICE, OTHER_DEVICE, enrolledUser, finishSignIn, startSignIn } from './support.ts'

const wrongCode = (right: string): string => (right === '123456' ? '654321' : '123456')

t.test('a ticket allows at most 5 codes: after 5 wrong ones even the right code is refused', async (t) => {
  const clock = fakeClock()
  // A generous account throttle, so only the ticket's own limit is in play here.
  const { app } = await buildTestApp(t, 'mfa-cap-ticket', { now: clock.now, env: { LOGIN_MAX_FAILURES: '50' } })
  const { secret } = await enrolledUser(app, clock, 'eve@example.com')
  const ticket = await startSignIn(app, 'eve@example.com')
  const right = totp(secret, clock.now())
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    t.equal((await finishSignIn(app, ticket, { code: wrongCode(right) })).statusCode, 401, `wrong code ${attempt}`)
  }
  const sixth = await finishSignIn(app, ticket, { code: right })
  t.equal(sixth.statusCode, 401, 'the ticket is dead')
  t.equal((await finishSignIn(app, await startSignIn(app, 'eve@example.com'), { code: right })).statusCode, 200, 'a fresh sign-in still works')
})

t.test('wrong codes count on the account throttle: new tickets do not buy new guesses', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-cap-account', { now: clock.now })
  const { secret } = await enrolledUser(app, clock, 'fay@example.com')
  const right = totp(secret, clock.now())
  // Only wrong codes count (a right password never does): four sign-ins with a wrong code, then a
  // fifth makes five consecutive failures, the default LOGIN_MAX_FAILURES. A ticket started before
  // the lock is refused before its code is even checked.
  for (let round = 1; round <= 4; round += 1) {
    t.equal((await finishSignIn(app, await startSignIn(app, 'fay@example.com'), { code: wrongCode(right) })).statusCode, 401, `wrong code on ticket ${round}`)
  }
  const spare = await startSignIn(app, 'fay@example.com')
  t.equal((await finishSignIn(app, await startSignIn(app, 'fay@example.com'), { code: wrongCode(right) })).statusCode, 401, 'wrong code on ticket 5')
  const refused = await finishSignIn(app, spare, { code: right })
  t.equal(refused.statusCode, 429, 'the account is throttled: guessing across tickets is as slow as guessing a password')
  t.ok(Number(refused.headers['retry-after']) >= 1)
  const locked = await login(app, 'fay@example.com', undefined, DEVICE)
  t.equal(locked.statusCode, 429, 'passwords and codes share the counter')
  // The lock passes; it is never permanent.
  clock.advance(60)
  const later = await startSignIn(app, 'fay@example.com')
  clock.advance(60)
  t.equal((await finishSignIn(app, later, { code: totp(secret, clock.now()) })).statusCode, 200, 'the lock is never permanent')
})

t.test('a ticket that expired, was used, or comes from another device is refused', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-ticket-life', { now: clock.now, env: { LOGIN_MAX_FAILURES: '50' } })
  const { secret } = await enrolledUser(app, clock, 'gus@example.com')

  const expiring = await startSignIn(app, 'gus@example.com')
  clock.advance(301)
  t.equal((await finishSignIn(app, expiring, { code: totp(secret, clock.now()) })).statusCode, 401, 'expired after 5 minutes')

  const foreign = await startSignIn(app, 'gus@example.com', DEVICE)
  t.equal((await finishSignIn(app, foreign, { code: totp(secret, clock.now()) }, OTHER_DEVICE)).statusCode, 401, 'bound to the device that started the sign-in')

  const used = await startSignIn(app, 'gus@example.com')
  t.equal((await finishSignIn(app, used, { code: totp(secret, clock.now()) })).statusCode, 200)
  clock.advance(30)
  t.equal((await finishSignIn(app, used, { code: totp(secret, clock.now()) })).statusCode, 401, 'single use')

  t.equal((await finishSignIn(app, 'not-a-ticket', { code: totp(secret, clock.now()) })).statusCode, 401, 'an unknown token')
})
