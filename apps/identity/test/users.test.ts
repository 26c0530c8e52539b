import t from 'tap'
import { AUTH, PASSWORD, buildTestApp, createUser, scanAll } from './helper.ts'

t.test('create user answers 201 with the profile and the normalised email, never the hash', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'users-create')
  const res = await createUser(app, '  Ada.Lovelace@EXAMPLE.com ')
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['createdAt', 'email', 'emailVerified', 'userId'])
  t.equal(body.email, 'ada.lovelace@example.com')
  t.match(body.userId, /^[0-9a-f-]{36}$/)
  t.notMatch(res.body, /\$2[aby]\$/, 'no bcrypt hash in the body')

  const items = await scanAll(dynamo, 'Users')
  const user = items.find((item) => item['userId'] === body.userId)
  t.match(user, { email: 'ada.lovelace@example.com', scope: 'openid profile', passwordHash: /^\$2b\$04\$/ })
  t.not(user?.['passwordHash'], PASSWORD)
  const guard = items.find((item) => item['userId'] === 'email#ada.lovelace@example.com')
  t.same(guard, { userId: 'email#ada.lovelace@example.com', ownerId: body.userId, createdAt: body.createdAt }, 'guard carries no email attribute')
})

t.test('emails are normalised (trim, NFKC, lower-case) before the uniqueness check', async (t) => {
  const { app } = await buildTestApp(t, 'users-norm')
  t.equal((await createUser(app, 'grace@example.com')).statusCode, 201)
  for (const variant of ['GRACE@example.com', ' grace@Example.COM', 'ｇｒａｃｅ@example.com']) {
    const res = await createUser(app, variant)
    t.equal(res.statusCode, 409, variant)
    t.equal(res.json().error.code, 'EMAIL_TAKEN')
  }
})

t.test('20 concurrent creates of one email: exactly one 201 and nineteen 409s', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'users-race')
  const results = await Promise.all(Array.from({ length: 20 }, () => createUser(app, 'race@example.com')))
  const codes = results.map((res) => res.statusCode)
  t.equal(codes.filter((code) => code === 201).length, 1, 'one created')
  t.equal(codes.filter((code) => code === 409).length, 19, 'nineteen refused')
  for (const res of results.filter((r) => r.statusCode === 409)) t.equal(res.json().error.code, 'EMAIL_TAKEN')
  const users = (await scanAll(dynamo, 'Users')).filter((item) => item['email'] === 'race@example.com')
  t.equal(users.length, 1, 'one user item stored')
})

t.test('get user returns the profile only; unknown ids 404, malformed ids 400', async (t) => {
  const { app } = await buildTestApp(t, 'users-get')
  const created = (await createUser(app, 'linus@example.com')).json()
  const res = await app.inject({ method: 'GET', url: `/v1/users/${created.userId}`, headers: AUTH })
  t.equal(res.statusCode, 200)
  t.same(res.json(), created)
  t.notMatch(res.body, /passwordHash|\$2b\$/)

  const missing = await app.inject({ method: 'GET', url: '/v1/users/00000000-0000-4000-8000-000000000000', headers: AUTH })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.code, 'NOT_FOUND')

  const guard = await app.inject({ method: 'GET', url: `/v1/users/${encodeURIComponent('email#linus@example.com')}`, headers: AUTH })
  t.equal(guard.statusCode, 400, 'guard items cannot be read as users')
  t.equal(guard.json().error.code, 'VALIDATION_FAILED')
})

t.test('the password policy: length, bcrypt byte limit and common passwords', async (t) => {
  const { app, dynamo } = await buildTestApp(t, 'users-policy')
  const cases: Array<[string, string, RegExp]> = [
    ['short7!', 'WEAK_PASSWORD', /at least 8 characters/],
    ['é'.repeat(37), 'PASSWORD_TOO_LONG', /72 bytes/],
    ['a'.repeat(200), 'PASSWORD_TOO_LONG', /72 bytes/],
    ['password1', 'WEAK_PASSWORD', /commonly used/],
    ['PassWord1', 'WEAK_PASSWORD', /commonly used/],
    ['QWERTYUIOP', 'WEAK_PASSWORD', /commonly used/],
  ]
  for (const [password, code, message] of cases) {
    const res = await createUser(app, 'policy@example.com', password)
    t.equal(res.statusCode, 400, password)
    t.equal(res.json().error.code, code, password)
    t.match(res.json().error.message, message)
  }
  t.equal((await createUser(app, 'policy@example.com', 'é'.repeat(36))).statusCode, 201, '72 bytes exactly is accepted')
  t.equal((await scanAll(dynamo, 'Users')).length, 2, 'only the accepted user and its guard were written')
})
