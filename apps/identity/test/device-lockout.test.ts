import { randomBytes } from 'node:crypto'
import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, countingBcrypt, createUser, fakeClock, login, scanAll } from './helper.ts'

const WRONG = 'definitely-wrong-9'
const newDevice = (): string => randomBytes(32).toString('base64url')

t.test('a stranger who locks the account from unknown devices cannot lock the owner out of a device they signed in on', async (t) => {
  const clock = fakeClock()
  const bcrypt = countingBcrypt()
  const { app } = await buildTestApp(t, 'device-owner', { now: clock.now, bcrypt })
  await createUser(app, 'owner@example.com')
  const laptop = newDevice()
  t.equal((await login(app, 'owner@example.com', undefined, laptop)).statusCode, 200, 'the owner signs in once: the laptop is now trusted')

  // The attacker keeps the account locked: a few guesses from fresh devices (or none) each time it opens.
  for (let round = 0; round < 6; round += 1) {
    for (let i = 0; i < 5; i += 1) await login(app, 'owner@example.com', WRONG, i % 2 === 0 ? newDevice() : undefined)
    const locked = await login(app, 'owner@example.com', WRONG, newDevice())
    t.equal(locked.statusCode, 429, `round ${round}: unknown devices are locked out`)
    t.equal((await login(app, 'owner@example.com')).statusCode, 429, 'so is a request with no device id, even with the right password')
    bcrypt.compares = 0
    t.equal((await login(app, 'owner@example.com', undefined, laptop)).statusCode, 200, `round ${round}: the owner on the trusted laptop still gets in`)
    t.equal(bcrypt.compares, 1)
    clock.advance(Number(locked.headers['retry-after']))
  }
})

t.test('a trusted device that fails 5 times is throttled on its own; the account and other devices are not', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'device-own-counter', { now: clock.now })
  await createUser(app, 'forgetful@example.com')
  const phone = newDevice()
  const laptop = newDevice()
  t.equal((await login(app, 'forgetful@example.com', undefined, phone)).statusCode, 200)
  t.equal((await login(app, 'forgetful@example.com', undefined, laptop)).statusCode, 200)

  for (let i = 1; i <= 5; i += 1) t.equal((await login(app, 'forgetful@example.com', WRONG, phone)).statusCode, 401, `phone failure ${i}`)
  const throttled = await login(app, 'forgetful@example.com', undefined, phone)
  t.equal(throttled.statusCode, 429, 'the phone is throttled, even with the right password')
  t.equal(throttled.json().error.code, 'TOO_MANY_ATTEMPTS')
  t.equal(throttled.headers['retry-after'], '1')
  t.equal((await login(app, 'forgetful@example.com', undefined, laptop)).statusCode, 200, 'the laptop is unaffected')
  t.equal((await login(app, 'forgetful@example.com', WRONG, newDevice())).statusCode, 401, 'the account counter was not charged')

  clock.advance(1)
  t.equal((await login(app, 'forgetful@example.com', undefined, phone)).statusCode, 200, 'the phone gets in once its window passes')
})

t.test('only a hash of the device id is stored, and trust expires', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'device-storage', { now: clock.now, env: { LOGIN_DEVICE_TRUST_SECONDS: '86400' } })
  await createUser(app, 'stored@example.com')
  const device = newDevice()
  t.equal((await login(app, 'stored@example.com', undefined, device)).statusCode, 200)
  const items = await scanAll(dynamo, 'LoginAttempts')
  t.equal(items.length, 1, 'the trust mark; the success cleared the counter')
  t.match(items[0], { key: /^trusted-device#[A-Za-z0-9_-]{43}#stored@example\.com$/, expiresAt: clock.now() / 1000 + 86400 })
  t.notMatch(JSON.stringify(items), device, 'the device id itself is never stored')

  clock.advance(86400)
  for (let i = 0; i < 5; i += 1) await login(app, 'stored@example.com', WRONG, newDevice())
  t.equal((await login(app, 'stored@example.com', undefined, device)).statusCode, 429, 'past its trust period (even before TTL deletes the mark) the device shares the account counter')
})

t.test('unknown emails and bad device ids', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'device-input', { now: clock.now })
  const unknown = await login(app, 'ghost@example.com', WRONG, newDevice())
  t.equal(unknown.statusCode, 401, 'a device id changes nothing for an unknown email')
  t.equal(unknown.json().error.code, 'INVALID_CREDENTIALS')
  const before = await scanAll(dynamo, 'LoginAttempts')
  for (const deviceId of ['short', 'x'.repeat(129), 'has spaces in it and is long enough', 42, null, '#'.repeat(43)]) {
    const res = await app.inject({ method: 'POST', url: '/v1/credentials/verify', headers: AUTH, payload: { email: 'ghost@example.com', password: WRONG, deviceId } })
    t.equal(res.statusCode, 400, `deviceId ${JSON.stringify(deviceId)} refused`)
    t.equal(res.json().error.code, 'VALIDATION_FAILED')
  }
  t.same(await scanAll(dynamo, 'LoginAttempts'), before, 'nothing written for bad input')
})

t.test('a locked account still lets its owner change the password from a trusted device', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'device-change', { now: clock.now })
  const { userId } = (await createUser(app, 'changer@example.com')).json()
  const laptop = newDevice()
  t.equal((await login(app, 'changer@example.com', undefined, laptop)).statusCode, 200)
  for (let i = 0; i < 6; i += 1) await login(app, 'changer@example.com', WRONG, newDevice())
  const change = (deviceId?: string) => app.inject({
    method: 'POST',
    url: `/v1/users/${userId}/password`,
    headers: AUTH,
    payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase', ...(deviceId === undefined ? {} : { deviceId }) },
  })
  t.equal((await change()).statusCode, 429, 'without a device id the account lock applies')
  t.equal((await change(laptop)).statusCode, 204, 'from the trusted laptop the owner gets through')
})

t.test('a device id the gateway minted for this login (newDevice) is charged to the account counter and trusted on success', async (t) => {
  const clock = fakeClock()
  const { app, dynamo } = await buildTestApp(t, 'device-new', { now: clock.now })
  await createUser(app, 'fresh-device@example.com')
  const phone = newDevice()
  const verify = (password: string, deviceId: string, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/v1/credentials/verify', headers: AUTH, payload: { email: 'fresh-device@example.com', password, deviceId, ...extra } })

  for (let i = 1; i <= 4; i += 1) t.equal((await verify(WRONG, newDevice(), { newDevice: true })).statusCode, 401, `fresh device failure ${i}`)
  t.equal((await verify(PASSWORD, phone, { newDevice: true })).statusCode, 200, 'the right password on a fresh device')
  const keys = (await scanAll(dynamo, 'LoginAttempts')).map((item) => String(item['key']).split('#')[0])
  t.same(keys, ['trusted-device'], 'the account counter the failures built was cleared, and the device is now trusted')
  for (let i = 1; i <= 5; i += 1) t.equal((await verify(WRONG, newDevice(), { newDevice: true })).statusCode, 401)
  t.equal((await verify(PASSWORD, newDevice(), { newDevice: true })).statusCode, 429, 'fresh devices share the locked account counter')
  t.equal((await verify(PASSWORD, phone)).statusCode, 200, 'the device trusted at its first login still gets in')
  t.equal((await verify(PASSWORD, phone, { newDevice: false })).statusCode, 400, 'newDevice is true or absent')
})
