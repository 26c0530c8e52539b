import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, countingBcrypt, createUser, login, scanAll } from './helper.ts'

t.test('login straight after sign-up returns the user id and scope', async (t) => {
  const { app } = await buildTestApp(t, 'cred-login')
  const created = (await createUser(app, 'fresh@example.com')).json()
  const res = await login(app, ' FRESH@example.com ')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { userId: created.userId, scope: 'openid profile', emailVerified: false })
})

t.test('unknown email and wrong password get the same 401, and each pays exactly one bcrypt compare', async (t) => {
  const bcrypt = countingBcrypt()
  const { app } = await buildTestApp(t, 'cred-generic', { bcrypt })
  await createUser(app, 'known@example.com')

  bcrypt.compares = 0
  const wrong = await login(app, 'known@example.com', 'not-the-password-1')
  t.equal(bcrypt.compares, 1, 'wrong password: one compare')

  bcrypt.compares = 0
  const unknown = await login(app, 'nobody@example.com', 'not-the-password-1')
  t.equal(bcrypt.compares, 1, 'unknown email: one compare against the dummy hash')

  for (const res of [wrong, unknown]) {
    t.equal(res.statusCode, 401)
    t.same({ ...res.json().error, requestId: undefined }, { code: 'INVALID_CREDENTIALS', message: 'Invalid email or password', requestId: undefined })
  }

  bcrypt.compares = 0
  const ok = await login(app, 'known@example.com')
  t.equal(ok.statusCode, 200)
  t.equal(bcrypt.compares, 1, 'success: one compare')
})

t.test('a password longer than bcrypt reads never verifies, even when its first 72 bytes match', async (t) => {
  const { app } = await buildTestApp(t, 'cred-long')
  const password = 'x7'.repeat(36)
  t.equal((await createUser(app, 'long@example.com', password)).statusCode, 201)
  t.equal((await login(app, 'long@example.com', password)).statusCode, 200)
  t.equal((await login(app, 'long@example.com', `${password}extra`)).statusCode, 401)
})

t.test('a hash made at a lower cost is upgraded in place on a successful login', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'cred-rehash')
  const created = (await createUser(app, 'legacy@example.com')).json()
  const hashOf = async () => (await scanAll(dynamo, 'Users')).find((item) => item['userId'] === created.userId)?.['passwordHash'] as string
  const before = await hashOf()
  t.match(before, /^\$2b\$04\$/)

  const { app: stronger } = await buildTestApp(t, 'unused', { dynamo, env: { BCRYPT_COST: '5' } })
  t.equal((await login(stronger, 'legacy@example.com', 'wrong-password-here')).statusCode, 401)
  t.equal(await hashOf(), before, 'a failed login changes nothing')
  t.equal((await login(stronger, 'legacy@example.com')).statusCode, 200)
  const after = await hashOf()
  t.match(after, /^\$2b\$05\$/, 'rehashed at the configured cost')
  t.equal((await login(stronger, 'legacy@example.com')).statusCode, 200, 'the upgraded hash verifies')
  t.equal(await hashOf(), after, 'no further rehash once the cost matches')
})

t.test('change password: wrong current is 401, policy applies, the new password works and the old does not', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'cred-change')
  const { userId } = (await createUser(app, 'mover@example.com')).json()
  const change = (currentPassword: string, newPassword: string, id = userId) =>
    app.inject({ method: 'POST', url: `/v1/users/${id}/password`, headers: AUTH, payload: { currentPassword, newPassword } })
  const hashBefore = (await scanAll(dynamo, 'Users')).find((item) => item['userId'] === userId)?.['passwordHash']

  const wrong = await change('wrong-current-pass', 'quiet-meadow-river-9')
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().error.code, 'INVALID_CREDENTIALS')

  const weak = await change(PASSWORD, 'iloveyou1')
  t.equal(weak.statusCode, 400)
  t.equal(weak.json().error.code, 'WEAK_PASSWORD')
  const long = await change(PASSWORD, '🔑'.repeat(19))
  t.equal(long.json().error.code, 'PASSWORD_TOO_LONG')

  const unknown = await change(PASSWORD, 'quiet-meadow-river-9', '00000000-0000-4000-8000-000000000000')
  t.equal(unknown.statusCode, 401, 'unknown user id answers like a wrong password')
  t.equal((await scanAll(dynamo, 'Users')).find((item) => item['userId'] === userId)?.['passwordHash'], hashBefore, 'nothing changed yet')

  const ok = await change(PASSWORD, 'quiet-meadow-river-9')
  t.equal(ok.statusCode, 204)
  t.equal(ok.body, '')
  t.equal((await login(app, 'mover@example.com')).statusCode, 401, 'old password refused')
  t.equal((await login(app, 'mover@example.com', 'quiet-meadow-river-9')).statusCode, 200, 'new password accepted')
})
