/**
 * Finding 1: each login trusted its device for 180 days with a failure counter of its own, and
 * nothing untrusted it, so whoever once knew the password kept a counter per device after the
 * owner changed it. A password change now ends every trust made before it.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, createUser, fakeClock, login } from './helper.ts'

const WRONG = 'definitely-wrong-9'
const NEW_PASSWORD = 'saffron-meadow-compass-77'
const newDevice = (): string => randomBytes(32).toString('base64url')

t.test('after a password change, a device trusted before it counts against the account again', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'pw-ends-trust', { now: clock.now })
  const userId = (await createUser(app, 'owner@example.com')).json().userId as string
  const thiefDevice = newDevice()
  const ownerDevice = newDevice()
  t.equal((await login(app, 'owner@example.com', PASSWORD, thiefDevice)).statusCode, 200, 'device D is trusted')
  clock.advance(1)
  t.equal((await login(app, 'owner@example.com', PASSWORD, ownerDevice)).statusCode, 200, 'device E is trusted')
  clock.advance(1)

  const changed = await app.inject({
    method: 'POST', url: `/v1/users/${userId}/password`, headers: AUTH,
    payload: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, deviceId: ownerDevice },
  })
  t.equal(changed.statusCode, 204, 'the owner changes the password from E')
  clock.advance(1)

  for (let i = 1; i <= 5; i += 1) t.equal((await login(app, 'owner@example.com', WRONG, thiefDevice)).statusCode, 401, `guess ${i} from D`)
  const untrusted = await login(app, 'owner@example.com', NEW_PASSWORD, newDevice())
  t.equal(untrusted.statusCode, 429, 'D\'s guesses were charged to the account: the next untrusted attempt is locked')
  t.equal((await login(app, 'owner@example.com', WRONG, thiefDevice)).statusCode, 429, 'and so is D')
  t.equal((await login(app, 'owner@example.com', NEW_PASSWORD, ownerDevice)).statusCode, 200, 'E, which made the change, is trusted from then on')
})

t.test('a change sent without a device cookie ends every trust all the same', async (t) => {
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'pw-ends-trust-race', { now: clock.now })
  const userId = (await createUser(app, 'racer@example.com')).json().userId as string
  const device = newDevice()
  t.equal((await login(app, 'racer@example.com', PASSWORD, device)).statusCode, 200)
  clock.advance(1)
  t.equal((await app.inject({
    method: 'POST', url: `/v1/users/${userId}/password`, headers: AUTH, payload: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
  })).statusCode, 204)
  clock.advance(1)
  for (let i = 1; i <= 5; i += 1) await login(app, 'racer@example.com', WRONG, device)
  t.equal((await login(app, 'racer@example.com', NEW_PASSWORD, newDevice())).statusCode, 429)
})
