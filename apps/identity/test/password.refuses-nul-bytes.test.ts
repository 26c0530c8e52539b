/**
 * Finding 4: bcrypt reads its input as a C string, so `abc\0abc\0abc` verified as `abc`. A
 * password holding U+0000 is refused with a 400 before anything is counted or compared.
 */
import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, countingBcrypt, createUser, fakeClock, login, scanAll } from './helper.ts'

t.test('a password with a NUL byte is refused, never verified, and changes nothing', async (t) => {
  const bcrypt = countingBcrypt()
  const { app, dynamo } = await buildTestApp(t, 'nul-bytes', { now: fakeClock().now, bcrypt })
  const userId = (await createUser(app, 'nul@example.com', 'abc-lantern-7')).json().userId as string
  const before = await scanAll(dynamo, 'LoginAttempts')
  bcrypt.compares = 0

  const colliding = await login(app, 'nul@example.com', 'abc-lantern-7\u0000anything at all')
  t.equal(colliding.statusCode, 400, 'login with a NUL is a 400, not a success')
  t.equal(colliding.json().error.code, 'VALIDATION_FAILED')
  t.equal((await createUser(app, 'nul2@example.com', 'pass\u0000word-long-enough')).statusCode, 400, 'sign-up refuses it')
  for (const payload of [
    { currentPassword: 'abc-lantern-7\u0000x', newPassword: 'a-new-passphrase-9' },
    { currentPassword: 'abc-lantern-7', newPassword: 'a-new\u0000passphrase-9' },
  ]) {
    const changed = await app.inject({ method: 'POST', url: `/v1/users/${userId}/password`, headers: AUTH, payload })
    t.equal(changed.statusCode, 400, 'a password change refuses it in either field')
  }
  t.equal(bcrypt.compares, 0, 'no bcrypt compare ran')
  t.same(await scanAll(dynamo, 'LoginAttempts'), before, 'no attempt was counted')
  t.equal((await login(app, 'nul@example.com', 'abc-lantern-7')).statusCode, 200, 'the real password still works')
  t.equal((await login(app, 'nul@example.com', PASSWORD)).statusCode, 401)
})
