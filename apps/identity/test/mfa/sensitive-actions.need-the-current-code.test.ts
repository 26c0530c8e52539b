import t from 'tap'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import type { TestDynamo } from '@gatehouse/dynamo-local'
import type { App } from '@gatehouse/platform'
import { AUTH, PASSWORD, buildTestApp, fakeClock, login } from '../helper.ts'
import { totp } from './rfc6238.ts'
import { DEVICE, enrolledUser } from './support.ts'

type Proof = { code?: string; recoveryCode?: string }
type Kit = { app: App; dynamo: TestDynamo }
const status = async (app: App, userId: string) => (await app.inject({ method: 'GET', url: `/v1/users/${userId}/mfa`, headers: AUTH })).json() as { totp: boolean; recoveryCodesLeft: number }

/**
 * Every sensitive action of a user with a factor (OWASP ASVS V2.1/V4.3 re-authentication): its
 * route, what it answers when done, and a check that it was not done.
 */
const ACTIONS: { name: string; method: 'POST' | 'DELETE'; path: string; body: Record<string, string>; done: number; undone: (kit: Kit, userId: string, email: string) => Promise<boolean> }[] = [
  {
    name: 'password change',
    method: 'POST',
    path: '/password',
    body: { newPassword: 'a brand new passphrase' },
    done: 204,
    undone: async ({ app }, _userId, email) => (await login(app, email, PASSWORD, DEVICE)).json().mfaRequired === true,
  },
  {
    name: 'email change',
    method: 'POST',
    path: '/email',
    body: { newEmail: 'elsewhere@example.com' },
    done: 202,
    // No change link was issued (its pointer item is what a request writes).
    undone: async ({ dynamo }, userId) => (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.OneTimeTokens, Key: { tokenHash: `current#email-change#${userId}` }, ConsistentRead: true }))).Item === undefined,
  },
  {
    name: 'turning TOTP off',
    method: 'POST',
    path: '/mfa/totp/disable',
    body: {},
    done: 204,
    undone: async ({ app }, userId) => (await status(app, userId)).totp,
  },
  {
    name: 'new recovery codes',
    method: 'POST',
    path: '/mfa/recovery-codes',
    body: {},
    done: 200,
    undone: async ({ app }, userId) => (await status(app, userId)).recoveryCodesLeft === 10,
  },
  {
    name: 'account deletion',
    method: 'DELETE',
    path: '',
    body: {},
    done: 200,
    undone: async ({ app }, userId) => (await app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })).statusCode === 200,
  },
]

t.test('every sensitive action needs the current code when a factor is on (password change, email change, TOTP off, new recovery codes, account deletion)', async (t) => {
  const clock = fakeClock()
  // Two failures lock the account for a second: shows wrong codes count, and missing ones do not.
  const kit = await buildTestApp(t, 'mfa-sensitive', { now: clock.now, env: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCK_BASE_SECONDS: '1' } })
  for (const action of ACTIONS) {
    await t.test(action.name, async (t) => {
      const email = `${action.name.replace(/\W/g, '-')}@example.com`
      const { userId, secret, recoveryCodes } = await enrolledUser(kit.app, clock, email)
      const send = (proof: Proof) => kit.app.inject({
        method: action.method,
        url: `/v1/users/${userId}${action.path}`,
        headers: AUTH,
        payload: { currentPassword: PASSWORD, deviceId: DEVICE, ...action.body, ...proof },
      })

      const missing = await send({})
      t.equal(missing.statusCode, 403)
      t.equal(missing.json().error.code, 'MFA_REQUIRED')
      t.same(missing.json().error.details.methods, ['totp', 'recovery_code'])
      t.equal((await send({})).json().error.code, 'MFA_REQUIRED', 'a missing code counts nothing on the throttle')

      const wrong = await send({ code: totp(secret, clock.now() + 600_000) })
      t.equal(wrong.statusCode, 403)
      t.equal(wrong.json().error.code, 'INVALID_MFA_CODE')
      t.equal((await send({ recoveryCode: 'AAAA-BBBB-CCCC' })).json().error.code, 'INVALID_MFA_CODE', 'a made-up recovery code is wrong too')
      const locked = await send({ code: totp(secret, clock.now()) })
      t.equal(locked.statusCode, 429, 'two wrong codes lock the account, as two wrong passwords would')
      clock.advance(2)
      t.ok(await action.undone(kit, userId, email), 'nothing was done')
      const done = await send(action.name === 'account deletion' ? { recoveryCode: recoveryCodes[0] as string } : { code: totp(secret, clock.now()) })
      t.equal(done.statusCode, action.done, `${action.name} done with a current code`)
    })
  }
})
