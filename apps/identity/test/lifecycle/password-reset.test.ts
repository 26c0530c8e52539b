import t from 'tap'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { AUTH, PASSWORD, createUser, login } from '../helper.ts'
import { buildMailKit, type MailTestKit } from '../mail/helper.ts'
import { totp } from '../mfa/rfc6238.ts'
import { DEVICE, enrolledUser, finishSignIn } from '../mfa/support.ts'

const NEW_PASSWORD = 'copper-meadow-whistle-77'

async function forgot(kit: MailTestKit, email: string) {
  return kit.app.inject({ method: 'POST', url: '/v1/password/forgot', headers: AUTH, payload: { email } })
}
async function reset(kit: MailTestKit, token: string, newPassword = NEW_PASSWORD) {
  return kit.app.inject({ method: 'POST', url: '/v1/password/reset', headers: AUTH, payload: { token, newPassword } })
}
async function resetLink(kit: MailTestKit, email: string) {
  await kit.worker.drain()
  const mail = await kit.smtp.waitFor((mail) => mail.to.includes(email) && mail.subject === 'Reset your password')
  return kit.smtp.linkIn(mail, 'reset-password')
}
async function count(kit: MailTestKit, table: 'Users' | 'OneTimeTokens' | 'MailOutbox' | 'LoginAttempts') {
  const { Items } = await kit.dynamo.doc.send(new ScanCommand({ TableName: kit.dynamo.tables[table], ConsistentRead: true }))
  return Items ?? []
}

t.test('forgot → the mailed link → reset: the new password works, the old does not, a "changed" notice is mailed', async (t) => {
  const kit = await buildMailKit(t, 'reset-flow')
  await createUser(kit.app, 'ada@example.com')
  t.equal((await forgot(kit, 'Ada@Example.com ')).statusCode, 202)
  const link = await resetLink(kit, 'ada@example.com')
  t.match(link.url, /^https:\/\/id\.example\.com\/reset-password#token=/)
  const done = await reset(kit, link.token)
  t.equal(done.statusCode, 200)
  t.ok(done.json().userId)
  t.equal((await login(kit.app, 'ada@example.com', NEW_PASSWORD)).statusCode, 200)
  t.equal((await login(kit.app, 'ada@example.com', PASSWORD)).statusCode, 401, 'the old password is dead')
  await kit.worker.drain()
  await kit.smtp.waitFor((mail) => mail.to.includes('ada@example.com') && mail.subject === 'Your password was changed')
  t.equal((await reset(kit, link.token, 'another-fine-passphrase-9')).statusCode, 400, 'a used token is refused')
  t.equal((await reset(kit, link.token)).json().error.code, 'INVALID_LINK_TOKEN')
})

t.test('two concurrent resets with one token: exactly one succeeds', async (t) => {
  const kit = await buildMailKit(t, 'reset-race')
  await createUser(kit.app, 'race@example.com')
  await forgot(kit, 'race@example.com')
  const { token } = await resetLink(kit, 'race@example.com')
  const answers = await Promise.all([reset(kit, token, 'first-racing-passphrase-1'), reset(kit, token, 'second-racing-passphrase-2')])
  t.same(answers.map((answer) => answer.statusCode).sort(), [200, 400])
  const winner = answers[0]!.statusCode === 200 ? 'first-racing-passphrase-1' : 'second-racing-passphrase-2'
  t.equal((await login(kit.app, 'race@example.com', winner)).statusCode, 200, 'the winner\'s password is the one stored')
})

t.test('an expired token, a replaced token and an unknown token get the same 400', async (t) => {
  const kit = await buildMailKit(t, 'reset-expiry')
  await createUser(kit.app, 'old@example.com')
  await forgot(kit, 'old@example.com')
  const first = await resetLink(kit, 'old@example.com')
  kit.clock.advance(60)
  await forgot(kit, 'old@example.com')
  await kit.worker.drain()
  const second = kit.smtp.linkIn(kit.smtp.mails.filter((mail) => mail.subject === 'Reset your password').at(-1)!, 'reset-password')
  t.not(first.token, second.token)
  t.same((await reset(kit, first.token)).json().error.code, 'INVALID_LINK_TOKEN', 'a newer link invalidates older ones')
  kit.clock.advance(31 * 60)
  t.equal((await reset(kit, second.token)).statusCode, 400, 'expired after 30 minutes')
  t.equal((await reset(kit, 'A'.repeat(43))).statusCode, 400, 'unknown')
  t.equal((await login(kit.app, 'old@example.com')).statusCode, 200, 'the password is unchanged')
})

t.test('forgot-password does the same work for an unknown address as for a known one', async (t) => {
  const kit = await buildMailKit(t, 'reset-enum')
  await createUser(kit.app, 'known@example.com')
  await kit.worker.drain()
  const before = { users: (await count(kit, 'Users')).length, tokens: (await count(kit, 'OneTimeTokens')).length, outbox: (await count(kit, 'MailOutbox')).length }
  const known = await forgot(kit, 'known@example.com')
  const unknown = await forgot(kit, 'nobody@example.com')
  t.equal(known.statusCode, unknown.statusCode)
  t.equal(known.body, unknown.body, 'same body')
  t.same(Object.keys(known.headers).sort(), Object.keys(unknown.headers).sort(), 'same headers')
  // The request path's only write is one intent in the outbox, carrying just the address; no
  // user lookup, no token, nothing else: what the time of the answer could reveal is the same.
  const outbox = await count(kit, 'MailOutbox')
  const intents = outbox.filter((item) => item['kind'] === 'password-reset-request')
  t.same(intents.map((item) => item['email']).sort(), ['known@example.com', 'nobody@example.com'])
  t.same(intents.map((item) => Object.keys(item).sort()), [Object.keys(intents[0]!).sort(), Object.keys(intents[0]!).sort()], 'the same item shape')
  t.equal(outbox.length, before.outbox + 2)
  t.equal((await count(kit, 'OneTimeTokens')).length, before.tokens, 'no token minted in the request')
  t.equal((await count(kit, 'Users')).length, before.users)

  await kit.worker.drain()
  t.equal(kit.smtp.mails.filter((mail) => mail.subject === 'Reset your password').length, 1, 'only the known address gets mail')
  const dropped = (await count(kit, 'MailOutbox')).find((item) => item['status'] === 'dropped')
  t.ok(dropped, 'the unknown address\'s intent is settled, not retried')
  t.notOk(dropped && 'email' in dropped, 'and forgets the address')
})

t.test('after a reset the devices trusted before it are no longer trusted', async (t) => {
  const kit = await buildMailKit(t, 'reset-devices', { LOGIN_MAX_FAILURES: '3' })
  await createUser(kit.app, 'dev@example.com')
  const device = 'd'.repeat(32)
  t.equal((await login(kit.app, 'dev@example.com', PASSWORD, device)).statusCode, 200, 'the owner\'s device is now trusted')
  await forgot(kit, 'dev@example.com')
  const { token } = await resetLink(kit, 'dev@example.com')
  t.equal((await reset(kit, token)).statusCode, 200)
  // A stranger locks the account counter; a device still trusted would be spared.
  for (let attempt = 0; attempt < 3; attempt += 1) await login(kit.app, 'dev@example.com', 'wrong-guess-123')
  t.equal((await login(kit.app, 'dev@example.com', NEW_PASSWORD, device)).statusCode, 429, 'the old device shares the locked counter')
})

t.test('a reset clears the account\'s login throttle', async (t) => {
  const kit = await buildMailKit(t, 'reset-throttle', { LOGIN_MAX_FAILURES: '3' })
  await createUser(kit.app, 'locked@example.com')
  for (let attempt = 0; attempt < 3; attempt += 1) await login(kit.app, 'locked@example.com', 'wrong-guess-123')
  t.equal((await login(kit.app, 'locked@example.com')).statusCode, 429)
  await forgot(kit, 'locked@example.com')
  const { token } = await resetLink(kit, 'locked@example.com')
  t.equal((await reset(kit, token)).statusCode, 200)
  t.equal((await login(kit.app, 'locked@example.com', NEW_PASSWORD)).statusCode, 200)
})

t.test('policy errors as on sign-up; the token survives them', async (t) => {
  const kit = await buildMailKit(t, 'reset-policy')
  await createUser(kit.app, 'weak@example.com')
  await forgot(kit, 'weak@example.com')
  const { token } = await resetLink(kit, 'weak@example.com')
  t.equal((await reset(kit, token, 'password')).json().error.code, 'WEAK_PASSWORD')
  t.equal((await reset(kit, token)).statusCode, 200)
  t.equal((await forgot(kit, 'not-an-address')).statusCode, 400)
})

t.test('a reset does not bypass the second factor: it stays on, and signing in with the new password still asks for it', async (t) => {
  const kit = await buildMailKit(t, 'reset-keeps-factor')
  const { userId, secret } = await enrolledUser(kit.app, kit.clock, 'jo@example.com')
  await forgot(kit, 'jo@example.com')
  t.equal((await reset(kit, (await resetLink(kit, 'jo@example.com')).token)).statusCode, 200)
  t.same((await kit.app.inject({ method: 'GET', url: `/v1/users/${userId}/mfa`, headers: AUTH })).json(), { totp: true, recoveryCodesLeft: 10 })
  const answer = await login(kit.app, 'jo@example.com', NEW_PASSWORD, DEVICE)
  t.equal(answer.json().mfaRequired, true, 'the new password alone does not sign in')
  t.equal((await finishSignIn(kit.app, answer.json().mfaToken as string, { code: totp(secret, kit.clock.now()) })).statusCode, 200)
})
