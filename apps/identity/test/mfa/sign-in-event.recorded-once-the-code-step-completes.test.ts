import t from 'tap'
import type { App } from '@gatehouse/platform'
import { freePort } from '@gatehouse/dynamo-local'
import { AUTH, buildTestApp, createUser, fakeClock, login } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { DEVICE, OTHER_DEVICE, enrolledUser, finishSignIn, startSignIn } from './support.ts'

type Event = { type: string; method?: string; newDevice?: boolean }
const signIns = async (app: App, userId: string): Promise<Event[]> => {
  const { events } = (await app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: Event[] }
  return events.filter((event) => event.type === 'sign_in').map(({ type, method, newDevice }) => ({ type, method, newDevice }))
}

t.test('a user with a factor: the sign_in event is recorded once, by the code step, with the method used', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'mfa-sign-in-event', { now: clock.now })
  const { userId, secret, recoveryCodes } = await enrolledUser(app, clock, 'jo@example.com')

  const ticket = await startSignIn(app, 'jo@example.com', DEVICE)
  t.same(await signIns(app, userId), [], 'a right password alone is no sign-in yet')
  t.equal((await finishSignIn(app, ticket, { code: totp(secret, clock.now() + 600_000) })).statusCode, 401)
  t.same(await signIns(app, userId), [], 'nor is a wrong code')
  t.equal((await finishSignIn(app, ticket, { code: totp(secret, clock.now()) })).statusCode, 200)
  t.same(await signIns(app, userId), [{ type: 'sign_in', method: 'password+totp', newDevice: true }], 'one event, when the sign-in completed')

  clock.advance(30)
  t.equal((await finishSignIn(app, await startSignIn(app, 'jo@example.com', DEVICE), { code: totp(secret, clock.now()) })).statusCode, 200)
  clock.advance(1) // the activity list orders events by time
  t.equal((await finishSignIn(app, await startSignIn(app, 'jo@example.com', OTHER_DEVICE), { recoveryCode: recoveryCodes[0] as string }, OTHER_DEVICE)).statusCode, 200)
  t.same(await signIns(app, userId), [
    { type: 'sign_in', method: 'password+recovery_code', newDevice: true },
    { type: 'sign_in', method: 'password+totp', newDevice: false },
    { type: 'sign_in', method: 'password+totp', newDevice: true },
  ], 'newest first: the device trusted by its completed sign-in is not new the second time')
})

t.test('a user without a factor: the password completes the sign-in, method password', async (t) => {
  const { app } = await buildTestApp(t, 'password-sign-in-event')
  const userId = (await createUser(app, 'ada@example.com')).json().userId as string
  t.equal((await login(app, 'ada@example.com', undefined, DEVICE)).statusCode, 200)
  t.same(await signIns(app, userId), [{ type: 'sign_in', method: 'password', newDevice: true }])
})

t.test('gatehouse_sign_ins_total counts a sign-in completed by the code step as a success, the password step as mfa_required', async (t) => {
  const clock = fakeClock()
  const port = await freePort()
  const { app } = await buildTestApp(t, 'mfa-sign-in-metric', { now: clock.now, env: { METRICS_PORT: String(port) } })
  await app.listen({ port: 0, host: '127.0.0.1' }) // the metrics listener starts with the app's own
  const series = async (outcome: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const line = text.split('\n').find((candidate) => candidate.startsWith('gatehouse_sign_ins_total{') && candidate.includes(`outcome="${outcome}"`))
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  const { secret } = await enrolledUser(app, clock, 'kim@example.com')
  const before = { success: await series('success'), mfa: await series('mfa_required') }
  const ticket = await startSignIn(app, 'kim@example.com', DEVICE)
  t.equal(await series('mfa_required'), before.mfa + 1, 'the right password: mfa_required')
  t.equal(await series('success'), before.success, 'not a success yet')
  t.equal((await finishSignIn(app, ticket, { code: totp(secret, clock.now()) })).statusCode, 200)
  t.equal(await series('success'), before.success + 1, 'the code step completes it: one success')
})
