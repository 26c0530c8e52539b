/**
 * SIGNUP_ENUMERATION_SAFE: a sign-up for a new address and one for a taken address get the same
 * status and body (202, nothing), pay the same bcrypt hash, and each sends its mail through the
 * outbox to a real SMTP server: the new address its verification link, the owner of the taken one
 * "someone tried to sign up with your address". No second account, and no 409.
 */
import t from 'tap'
import { PASSWORD, countingBcrypt, createUser, login } from '../helper.ts'
import { buildMailKit } from '../mail/helper.ts'

t.test('new and taken addresses: one answer, one hash each, and the right mail for each', async (t) => {
  const bcrypt = countingBcrypt()
  const kit = await buildMailKit(t, 'signup-safe', { SIGNUP_ENUMERATION_SAFE: 'true' }, undefined, { bcrypt })
  t.equal((await createUser(kit.app, 'owner@example.com')).statusCode, 202)
  await kit.worker.drain()
  await kit.smtp.waitFor((mail) => mail.to.includes('owner@example.com') && mail.subject === 'Confirm your email address')

  const hashesBefore = bcrypt.hashes
  const fresh = await createUser(kit.app, 'fresh@example.com', 'another-fine-passphrase-9')
  const hashesForNew = bcrypt.hashes - hashesBefore
  const taken = await createUser(kit.app, 'Owner@Example.com ', 'another-fine-passphrase-9')
  const hashesForTaken = bcrypt.hashes - hashesBefore - hashesForNew
  t.same([taken.statusCode, taken.body], [fresh.statusCode, fresh.body], 'the same status and body')
  t.equal(fresh.statusCode, 202)
  t.notMatch(fresh.body, /userId|[0-9a-f]{8}-/, 'no userId: it would exist only for a new address')
  t.same([hashesForNew, hashesForTaken], [1, 1], 'the taken address still pays the password hash')

  await kit.worker.drain()
  await kit.smtp.waitFor((mail) => mail.to.includes('fresh@example.com') && mail.subject === 'Confirm your email address')
  const attempt = await kit.smtp.waitFor((mail) => mail.to.includes('owner@example.com') && mail.subject === 'Someone tried to sign up with your address')
  t.notMatch(attempt.text, '#token=', 'the notice carries no link token')

  t.equal((await login(kit.app, 'owner@example.com', 'another-fine-passphrase-9')).statusCode, 401, 'no second account, no new password')
  t.equal((await login(kit.app, 'owner@example.com', PASSWORD)).statusCode, 200, 'the owner\'s account is untouched')
  t.equal((await login(kit.app, 'fresh@example.com', 'another-fine-passphrase-9')).statusCode, 200, 'the new account exists')
})

t.test('policy 400s still apply: they do not depend on the account', async (t) => {
  const kit = await buildMailKit(t, 'signup-safe-policy', { SIGNUP_ENUMERATION_SAFE: 'true' })
  const weak = await createUser(kit.app, 'weak@example.com', 'password')
  t.equal(weak.statusCode, 400)
  t.equal(weak.json().error.code, 'WEAK_PASSWORD')
})

t.test('off (the default): a taken address answers 409 EMAIL_TAKEN and mails nobody', async (t) => {
  const kit = await buildMailKit(t, 'signup-default')
  t.equal((await createUser(kit.app, 'one@example.com')).statusCode, 201)
  const again = await createUser(kit.app, 'one@example.com')
  t.equal(again.statusCode, 409)
  t.equal(again.json().error.code, 'EMAIL_TAKEN')
  await kit.worker.drain()
  await kit.smtp.waitFor((mail) => mail.to.includes('one@example.com'))
  t.equal(kit.smtp.mails.filter((mail) => mail.to.includes('one@example.com')).length, 1, 'only the verification link')
})
