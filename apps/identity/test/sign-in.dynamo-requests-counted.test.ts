/**
 * Issue 20: what one password sign-in asks DynamoDB for, counted by a pass-through proxy in front
 * of DynamoDB Local (nothing faked). A count, not a stopwatch: it holds on any machine.
 *   reserve a check on the throttle counter   PutItem (conditional, no read first)
 *   find the account by email                 Query (email GSI)
 *   the user and their TOTP factor            BatchGetItem (consistent), while bcrypt runs
 *   settle: counter, device trust, sign_in event, new-device notice   TransactWriteItems
 * A device cookie the account has seen before adds one BatchGetItem (its trust and the last
 * credential change), which decides the counter it is charged to.
 */
import t from 'tap'
import { startRequestWatch } from '@gatehouse/dynamo-local'
import { AUTH, PASSWORD, buildTestApp, createUser } from './helper.ts'
import { buildMailKit } from './mail/helper.ts'

const DEVICE = 'device-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.slice(0, 43)
const OTHER_DEVICE = DEVICE.replace('a', 'b')

t.test('a password sign-in is four DynamoDB requests, five from a device seen before; the notice and event are still written', async (t) => {
  const kit = await buildMailKit(t, 'sign-in-requests')
  const watch = await startRequestWatch(kit.dynamo.endpoint)
  t.teardown(() => watch.close())
  const { app } = await buildTestApp(t, 'sign-in-requests-watched', { dynamo: kit.dynamo, env: { DYNAMODB_ENDPOINT: watch.url } })
  const email = 'ada@example.com'
  const userId = (await createUser(app, email)).json().userId as string
  const counted = async (deviceId: string, newDevice: boolean) => {
    watch.stats.reset()
    const response = await app.inject({
      method: 'POST', url: '/v1/credentials/verify', headers: AUTH,
      payload: { email, password: PASSWORD, deviceId, ...(newDevice ? { newDevice: true } : {}) },
    })
    t.equal(response.statusCode, 200)
    return Object.fromEntries([...watch.stats.count.entries()].sort())
  }

  t.same(await counted(DEVICE, true), { BatchGetItem: 1, PutItem: 1, Query: 1, TransactWriteItems: 1, UpdateItem: 1 }, 'the first sign-in also clears its first-sign-in mark')
  t.same(await counted(OTHER_DEVICE, true), { BatchGetItem: 1, PutItem: 1, Query: 1, TransactWriteItems: 1 }, 'a new device: four, its notice included')
  t.same(await counted(DEVICE, false), { BatchGetItem: 2, PutItem: 1, Query: 1, TransactWriteItems: 1 }, 'a returning device: five')

  // What the one transaction wrote is all there: three sign_in events, one notice (the new device's).
  const { events } = (await app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json() as { events: { type: string; newDevice?: boolean }[] }
  t.same(events.filter((event) => event.type === 'sign_in').map((event) => event.newDevice).sort(), [false, true, true])
  await kit.worker.drain()
  t.equal(kit.smtp.mails.filter((mail) => mail.to.includes(email) && mail.subject === 'New sign-in to your account').length, 1, 'the new device is announced over SMTP')

  // A wrong password: reserve, find, read, and one write that counts the failure (no read first).
  watch.stats.reset()
  const wrong = await app.inject({ method: 'POST', url: '/v1/credentials/verify', headers: AUTH, payload: { email, password: 'not-the-password-1', deviceId: DEVICE } })
  t.equal(wrong.statusCode, 401)
  t.same(Object.fromEntries([...watch.stats.count.entries()].sort()), { BatchGetItem: 2, PutItem: 2, Query: 1 })
})
