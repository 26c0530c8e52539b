import t from 'tap'
import { buildMailKit } from './helper.ts'

t.test('mail queued while the relay is down all arrives once it is back, each with its stable Message-ID', async (t) => {
  const kit = await buildMailKit(t, 'outage')
  await kit.smtp.stop()
  const addresses = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com']
  const ids: string[] = []
  for (const email of addresses) ids.push((await kit.mail.notices.enqueueNotice({ email }, 'password-changed', {}))!)

  t.equal(await kit.worker.drain(), 5, 'every mail was attempted')
  t.equal(kit.smtp.mails.length, 0)
  const failed = await kit.outboxItem(ids[0]!)
  t.equal(failed?.['attempts'], 1)
  t.equal(failed?.['status'], 'pending', 'still pending, not dropped')
  t.equal(await kit.worker.drain(), 0, 'not retried before its back-off')

  kit.clock.advance(8) // back-off is 10 s × (0.5 + 0.5 × jitter 0.5) = 7.5 s
  await kit.smtp.start()
  t.equal(await kit.worker.drain(), 5)
  t.same(kit.smtp.mails.map((mail) => mail.to[0]).sort(), addresses, 'every mail arrived, none twice')
  for (const [index, mailId] of ids.entries()) {
    const received = kit.smtp.mails.find((mail) => mail.to[0] === addresses[index])
    t.equal(received?.messageId, `<${mailId}@id.example.com>`)
    const settled = await kit.outboxItem(mailId)
    t.equal(settled?.['status'], 'sent')
    t.notOk('dueAt' in settled!, 'out of the due index')
    t.notOk('data' in settled!, 'its data is gone once delivered')
  }
  t.ok(kit.logs.some((line) => line['msg'] === 'mail delivery failed, will retry'))
  t.notOk(JSON.stringify(kit.logs).includes('a@example.com'), 'no address in any log line')
})

t.test('two workers on one outbox deliver each mail once (the claim is a conditional write)', async (t) => {
  const first = await buildMailKit(t, 'two-workers')
  const second = await buildMailKit(t, 'two-workers', {}, first)
  for (let index = 0; index < 6; index += 1) await first.mail.notices.enqueueNotice({ email: `u${index}@example.com` }, 'account-deleted', {})
  await Promise.all([first.worker.drain(), second.worker.drain()])
  t.equal(first.smtp.mails.length, 6)
  t.equal(new Set(first.smtp.mails.map((mail) => mail.messageId)).size, 6)
})

t.test('a mail enqueued inside a transaction that fails is never sent', async (t) => {
  const kit = await buildMailKit(t, 'atomic')
  const { item } = kit.mail.notices.noticeInTransaction('z@example.com', 'password-changed', {})
  const failing = { ConditionCheck: { TableName: kit.dynamo.tables.Users, Key: { userId: 'nobody' }, ConditionExpression: 'attribute_exists(userId)' } }
  await t.rejects(kit.mail.outbox.transact([failing, item]))
  t.equal(await kit.worker.drain(), 0)
  t.equal(kit.smtp.mails.length, 0)
})

t.test('a notice for a user id goes to that user\'s address; an unknown user gets none', async (t) => {
  const kit = await buildMailKit(t, 'by-user')
  const created = await kit.app.inject({ method: 'POST', url: '/v1/users', headers: (await import('../helper.ts')).AUTH, payload: { email: 'ada@example.com', password: 'violet-harbour-lantern-42' } })
  const { userId } = created.json<{ userId: string }>()
  t.ok(await kit.mail.notices.enqueueNotice({ userId }, 'password-changed', {}))
  t.equal(await kit.mail.notices.enqueueNotice({ userId: 'no-such-user' }, 'password-changed', {}), undefined)
  await kit.worker.drain()
  // Sign-up mailed its verification link too; the notice went to the user's address, once.
  t.same(kit.smtp.mails.filter((mail) => mail.subject === 'Your password was changed').map((mail) => mail.to), [['ada@example.com']])
})
