import t from 'tap'
import { AUTH, buildTestApp, countingBcrypt, createUser, fakeClock, login, scanAll } from './helper.ts'

const WRONG = 'definitely-wrong-9'

t.test('after 5 failures logins are refused without bcrypt, for a window that doubles and then resets on success', async (t) => {
  const clock = fakeClock()
  const bcrypt = countingBcrypt()
  const { app } = await buildTestApp(t, 'throttle-grow', { now: clock.now, bcrypt })
  await createUser(app, 'target@example.com')

  for (let i = 1; i <= 5; i += 1) t.equal((await login(app, 'target@example.com', WRONG)).statusCode, 401, `failure ${i}`)

  bcrypt.compares = 0
  const locked = await login(app, 'target@example.com')
  t.equal(locked.statusCode, 429, 'even the right password is refused while locked')
  t.equal(locked.headers['retry-after'], '1')
  t.equal(locked.json().error.code, 'TOO_MANY_ATTEMPTS')
  t.same(locked.json().error.details, { retryAfterSeconds: 1 })
  t.equal(bcrypt.compares, 0, 'no bcrypt while locked')

  // Each further failure doubles the window: 2 s, 4 s, 8 s.
  for (const expected of [2, 4, 8]) {
    clock.advance(expected / 2)
    t.equal((await login(app, 'target@example.com', WRONG)).statusCode, 401, 'one attempt allowed once the window has passed')
    const refused = await login(app, 'target@example.com', WRONG)
    t.equal(refused.statusCode, 429)
    t.equal(refused.headers['retry-after'], String(expected), `window now ${expected} s`)
  }

  clock.advance(3)
  t.equal((await login(app, 'target@example.com')).headers['retry-after'], '5', 'the wait counts down')
  clock.advance(5)
  bcrypt.compares = 0
  t.equal((await login(app, 'target@example.com')).statusCode, 200, 'success after the window')
  t.equal(bcrypt.compares, 1)

  for (let i = 1; i <= 4; i += 1) t.equal((await login(app, 'target@example.com', WRONG)).statusCode, 401)
  t.equal((await login(app, 'target@example.com')).statusCode, 200, 'the count was reset: four failures do not lock')
})

t.test('the window is capped at 15 minutes: never a permanent lock', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'throttle-cap', { now: clock.now })
  await createUser(app, 'owner@example.com')
  let retryAfter = '0'
  for (let i = 0; i < 20; i += 1) {
    clock.advance(Number(retryAfter))
    t.equal((await login(app, 'owner@example.com', WRONG)).statusCode, 401)
    retryAfter = (await login(app, 'owner@example.com', WRONG)).headers['retry-after'] as string ?? '0'
  }
  t.equal(retryAfter, '900', 'capped at 900 s after 25 failures')
  clock.advance(900)
  t.equal((await login(app, 'owner@example.com')).statusCode, 200, 'the owner gets in once the window passes')
})

t.test('unknown emails are throttled exactly like real ones, so the throttle reveals nothing', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'throttle-unknown', { now: clock.now })
  for (let i = 0; i < 5; i += 1) t.equal((await login(app, 'ghost@example.com', WRONG)).statusCode, 401)
  const res = await login(app, 'ghost@example.com', WRONG)
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '1')
  const [counter] = await scanAll(dynamo, 'LoginAttempts')
  t.match(counter, { key: 'login#ghost@example.com', attempts: 5 })
  t.ok(Number(counter?.['expiresAt']) > clock.now() / 1000, 'the counter expires by TTL')
  t.equal((await scanAll(dynamo, 'Users')).length, 0, 'no user was created')
})

t.test('a burst of concurrent guesses cannot slip past the limit', async (t) => {
  const clock = fakeClock()
  const bcrypt = countingBcrypt()
  const { app } = await buildTestApp(t, 'throttle-burst', { now: clock.now, bcrypt })
  await createUser(app, 'burst@example.com')
  bcrypt.compares = 0
  const results = await Promise.all(Array.from({ length: 30 }, () => login(app, 'burst@example.com', WRONG)))
  const codes = results.map((res) => res.statusCode)
  const checked = codes.filter((code) => code === 401).length
  t.ok(checked >= 1 && checked <= 5, `at most five guesses checked (${checked})`)
  t.equal(codes.filter((code) => code === 429).length, 30 - checked, 'the rest refused')
  t.equal(bcrypt.compares, checked, 'bcrypt ran only for the checked ones')
})

t.test('change password shares the throttle, since it is a password check too', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'throttle-change', { now: clock.now })
  const { userId } = (await createUser(app, 'shared@example.com')).json()
  for (let i = 0; i < 5; i += 1) t.equal((await login(app, 'shared@example.com', WRONG)).statusCode, 401)
  const res = await app.inject({
    method: 'POST',
    url: `/v1/users/${userId}/password`,
    headers: AUTH,
    payload: { currentPassword: WRONG, newPassword: 'bright-orchard-canyon-3' },
  })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '1')
})

t.test('a counter past its TTL starts afresh even while DynamoDB has not deleted it yet', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'throttle-stale', { now: clock.now, env: { LOGIN_ATTEMPTS_TTL_SECONDS: '60' } })
  await createUser(app, 'stale@example.com')
  for (let i = 0; i < 5; i += 1) t.equal((await login(app, 'stale@example.com', WRONG)).statusCode, 401)
  clock.advance(62)
  t.equal((await login(app, 'stale@example.com', WRONG)).statusCode, 401, 'one failure, counted as the first')
  t.equal((await login(app, 'stale@example.com')).statusCode, 200, 'no lock: the old streak was forgotten')
})
