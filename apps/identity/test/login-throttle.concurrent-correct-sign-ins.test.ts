/**
 * Finding 9: the throttle counted an attempt before bcrypt ran (right) but treated attempts in
 * flight as failures, so a handful of simultaneous sign-ins with the right password got 429
 * (Keycloak #48272). Now the checks in flight are bounded and only failures count.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { buildTestApp, countingBcrypt, createUser, fakeClock, login } from './helper.ts'

const N = 12
const WRONG = 'definitely-wrong-9'
const device = (): string => randomBytes(32).toString('base64url')

t.test(`${N} concurrent correct sign-ins from ${N} clients all succeed`, async (t) => {
  const { app } = await buildTestApp(t, 'throttle-concurrent-ok', { now: fakeClock().now })
  await createUser(app, 'busy@example.com')
  const codes = (await Promise.all(Array.from({ length: N }, () => login(app, 'busy@example.com', undefined, device())))).map((res) => res.statusCode)
  t.same(codes, Array.from({ length: N }, () => 200), 'no correct password is answered with a lockout')
})

t.test(`${N} concurrent wrong ones still lock as before`, async (t) => {
  const bcrypt = countingBcrypt()
  const { app } = await buildTestApp(t, 'throttle-concurrent-wrong', { now: fakeClock().now, bcrypt })
  await createUser(app, 'guessed@example.com')
  bcrypt.compares = 0
  const codes = (await Promise.all(Array.from({ length: N }, () => login(app, 'guessed@example.com', WRONG, device())))).map((res) => res.statusCode)
  t.equal(codes.filter((code) => code === 401).length, 5, 'exactly five guesses were checked')
  t.equal(codes.filter((code) => code === 429).length, N - 5, 'the rest were refused')
  t.equal(bcrypt.compares, 5, 'bcrypt ran for the checked ones only')
  t.equal((await login(app, 'guessed@example.com')).statusCode, 429, 'the account is locked, right password or not')
})

t.test('correct and wrong sign-ins mixed: the right password is never locked out by guesses still in flight', async (t) => {
  const { app } = await buildTestApp(t, 'throttle-concurrent-mixed', { now: fakeClock().now })
  await createUser(app, 'mixed@example.com')
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => login(app, 'mixed@example.com', i < 4 ? WRONG : undefined, device())))
  t.same(results.slice(4).map((res) => res.statusCode), [200, 200, 200, 200], 'every correct sign-in gets in')
  t.same(results.slice(0, 4).map((res) => res.statusCode), [401, 401, 401, 401], 'four wrong guesses are four failures, under the limit')
})
