/**
 * Issue 17 lists "second-factor changes" among the security events: turning TOTP on and off and
 * renewing the recovery codes each leave one event in the owner's activity (with where it came
 * from), as passkeys added or removed do (method `passkey`, covered by the browser test).
 */
import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, fakeClock } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { enrolledUser } from './support.ts'

t.test('TOTP on, new recovery codes, TOTP off: one activity event each, newest first', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'factor-events', { now: clock.now })
  const { userId, secret } = await enrolledUser(app, clock, 'flo@example.com')
  const headers = { ...AUTH, 'x-forwarded-for': '203.0.113.9', 'user-agent': 'factor-test/1' }
  const renewed = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/recovery-codes`, headers, payload: { currentPassword: PASSWORD, code: totp(secret, clock.now()) } })
  t.equal(renewed.statusCode, 200)
  clock.advance(30)
  const off = await app.inject({ method: 'POST', url: `/v1/users/${userId}/mfa/totp/disable`, headers, payload: { currentPassword: PASSWORD, code: totp(secret, clock.now()) } })
  t.equal(off.statusCode, 204)

  const { events } = (await app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: { type: string; method?: string }[] }
  t.same(events.filter((event) => event.type !== 'sign_in').map(({ type, method }) => ({ type, ...(method === undefined ? {} : { method }) })), [
    { type: 'second_factor_removed', method: 'totp' },
    { type: 'recovery_codes_renewed' },
    { type: 'second_factor_added', method: 'totp' },
  ])
  t.notMatch(JSON.stringify(events), secret, 'no seed in any event')
})
