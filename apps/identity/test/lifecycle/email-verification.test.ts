import t from 'tap'
import { AUTH, createUser } from '../helper.ts'
import { buildMailKit } from '../mail/helper.ts'

t.test('sign-up mails a verification link; following it verifies the address, once', async (t) => {
  const kit = await buildMailKit(t, 'verify')
  const created = await createUser(kit.app, 'ver@example.com')
  t.equal(created.json().emailVerified, false)
  const userId = created.json().userId as string
  await kit.worker.drain()
  const mail = await kit.smtp.waitFor((mail) => mail.to.includes('ver@example.com') && mail.subject === 'Confirm your email address')
  const { url, token } = kit.smtp.linkIn(mail, 'verify-email')
  t.match(url, /^https:\/\/id\.example\.com\/verify-email#token=/)
  const verified = await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })
  t.same(verified.json(), { userId })
  const user = await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH })
  t.equal(user.json().emailVerified, true)
  const again = await kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })
  t.equal(again.statusCode, 400)
  t.equal(again.json().error.code, 'INVALID_LINK_TOKEN')
})

t.test('resend mails a new link that replaces the old one; an expired link is refused', async (t) => {
  const kit = await buildMailKit(t, 'verify-resend')
  const userId = (await createUser(kit.app, 'again@example.com')).json().userId as string
  await kit.worker.drain()
  const first = kit.smtp.linkIn(await kit.smtp.waitFor((mail) => mail.to.includes('again@example.com')), 'verify-email')
  const resent = await kit.app.inject({ method: 'POST', url: `/v1/users/${userId}/email/verification`, headers: AUTH })
  t.equal(resent.statusCode, 202)
  await kit.worker.drain()
  t.equal(kit.smtp.mails.length, 2)
  const second = kit.smtp.linkIn(kit.smtp.mails[1]!, 'verify-email')
  const verify = (token: string) => kit.app.inject({ method: 'POST', url: '/v1/email/verify', headers: AUTH, payload: { token } })
  t.equal((await verify(first.token)).statusCode, 400, 'the older link is dead')
  kit.clock.advance(86_401)
  t.equal((await verify(second.token)).statusCode, 400, 'expired after 24 hours')
})
