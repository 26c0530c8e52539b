import t from 'tap'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { AUTH, PASSWORD, createUser, login } from '../helper.ts'
import { buildMailKit } from '../mail/helper.ts'

t.test('deleting an account needs its password, erases every per-user record, frees the address and mails a notice', async (t) => {
  const kit = await buildMailKit(t, 'delete')
  const userId = (await createUser(kit.app, 'gone@example.com')).json().userId as string
  await kit.app.inject({ method: 'POST', url: '/v1/password/forgot', headers: AUTH, payload: { email: 'gone@example.com' } })
  await kit.worker.drain()
  const del = (currentPassword: string) => kit.app.inject({ method: 'DELETE', url: `/v1/users/${userId}`, headers: AUTH, payload: { currentPassword } })

  const wrong = await del('not-the-password-1')
  t.equal(wrong.statusCode, 401)
  t.equal((await login(kit.app, 'gone@example.com')).statusCode, 200, 'a wrong password changes nothing')

  t.same((await del(PASSWORD)).json(), { userId })
  const items = async (table: 'Users' | 'OneTimeTokens') => (await kit.dynamo.doc.send(new ScanCommand({ TableName: kit.dynamo.tables[table], ConsistentRead: true }))).Items ?? []
  t.same(await items('Users'), [], 'the user and its email guard are gone')
  t.same(await items('OneTimeTokens'), [], 'its verification and reset tokens are gone')
  t.equal((await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })).statusCode, 404)
  t.equal((await login(kit.app, 'gone@example.com')).statusCode, 401)

  await kit.worker.drain()
  t.ok(kit.smtp.mails.find((mail) => mail.to.includes('gone@example.com') && mail.subject === 'Your account was deleted'))
  t.equal((await createUser(kit.app, 'gone@example.com')).statusCode, 201, 'the address can sign up again')
  t.equal((await del(PASSWORD)).statusCode, 401, 'the old id is no account any more')
})
