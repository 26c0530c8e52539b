import t from 'tap'
import { AUTH, PASSWORD, createUser } from '../helper.ts'
import { buildMailKit } from '../mail/helper.ts'

t.test('an email change happens only through the link mailed to the new address; the old one is told and freed', async (t) => {
  const kit = await buildMailKit(t, 'email-change')
  const userId = (await createUser(kit.app, 'old@example.com')).json().userId as string
  const asked = await kit.app.inject({ method: 'POST', url: `/v1/users/${userId}/email`, headers: AUTH, payload: { newEmail: 'New@Example.com', currentPassword: PASSWORD } })
  t.equal(asked.statusCode, 202)
  t.equal((await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })).json().email, 'old@example.com', 'nothing changes before the link is used')
  await kit.worker.drain()
  const mail = await kit.smtp.waitFor((mail) => mail.to.includes('new@example.com'))
  const { url, token } = kit.smtp.linkIn(mail, 'verify-email')
  t.match(url, /^https:\/\/id\.example\.com\/verify-email#token=/)
  const confirmed = await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })
  t.same(confirmed.json(), { userId })
  const user = (await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })).json()
  t.equal(user.email, 'new@example.com')
  t.equal(user.emailVerified, true)
  await kit.worker.drain()
  t.ok(kit.smtp.mails.some((mail) => mail.to.includes('old@example.com') && mail.subject === 'Your email address was changed'), 'the old address gets the notice')
  t.equal((await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })).statusCode, 400, 'the link is single-use')
  t.equal((await createUser(kit.app, 'old@example.com')).statusCode, 201, 'the old address can sign up again')
  t.equal((await createUser(kit.app, 'new@example.com')).statusCode, 409, 'the new address is guarded')
  const signIn = await kit.app.inject({ method: 'POST', url: '/v1/credentials/verify', headers: AUTH, payload: { email: 'new@example.com', password: PASSWORD } })
  t.equal(signIn.statusCode, 200, 'signs in with the new address')
  const activity = (await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}/activity`, headers: AUTH })).json()
  t.ok(activity.events.some((event: { type: string }) => event.type === 'email_changed'), 'recorded as a security event')
})

t.test('a taken address is accepted at request time and refused at confirmation, changing nothing', async (t) => {
  const kit = await buildMailKit(t, 'email-change-taken')
  const userId = (await createUser(kit.app, 'mine@example.com')).json().userId as string
  await createUser(kit.app, 'taken@example.com')
  const asked = await kit.app.inject({ method: 'POST', url: `/v1/users/${userId}/email`, headers: AUTH, payload: { newEmail: 'taken@example.com', currentPassword: PASSWORD } })
  t.equal(asked.statusCode, 202, 'same answer as for a free address')
  await kit.worker.drain()
  const mail = await kit.smtp.waitFor((mail) => mail.to.includes('taken@example.com') && mail.subject === 'Confirm your new email address')
  const { token } = kit.smtp.linkIn(mail, 'verify-email')
  const confirmed = await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })
  t.equal(confirmed.statusCode, 400)
  t.equal(confirmed.json().error.code, 'INVALID_LINK_TOKEN')
  t.equal((await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })).json().email, 'mine@example.com')
  t.equal((await createUser(kit.app, 'mine@example.com')).statusCode, 409, 'the old guard is still in place')
})

t.test('a wrong password asks nothing and mails nothing', async (t) => {
  const kit = await buildMailKit(t, 'email-change-wrong')
  const userId = (await createUser(kit.app, 'who@example.com')).json().userId as string
  await kit.worker.drain()
  const before = kit.smtp.mails.length
  const asked = await kit.app.inject({ method: 'POST', url: `/v1/users/${userId}/email`, headers: AUTH, payload: { newEmail: 'other@example.com', currentPassword: 'not the password at all' } })
  t.equal(asked.statusCode, 401)
  await kit.worker.drain()
  t.equal(kit.smtp.mails.length, before)
})
