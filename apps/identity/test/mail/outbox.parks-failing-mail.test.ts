import t from 'tap'
import { buildMailKit } from './helper.ts'

t.test('a mail that keeps failing is parked after MAIL_MAX_ATTEMPTS and logged without a secret', async (t) => {
  const kit = await buildMailKit(t, 'parking', { MAIL_MAX_ATTEMPTS: '3' })
  await kit.smtp.stop()
  const mailId = (await kit.mail.notices.enqueueNotice({ email: 'grace@example.org' }, 'verify-email', { token: 'secret-link-token' }))!
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    t.equal(await kit.worker.drain(), 1, `attempt ${attempt}`)
    kit.clock.advance(120)
  }
  const parked = await kit.outboxItem(mailId)
  t.equal(parked?.['status'], 'parked')
  t.equal(parked?.['attempts'], 3)
  t.match(parked?.['dueShard'], /^parked#/, 'off the worker\'s shards')
  t.ok(parked?.['data'], 'kept for an operator, not dropped')
  t.equal(await kit.worker.drain(), 0, 'never retried again')

  const line = kit.logs.find((entry) => entry['msg'] === 'mail parked after repeated failures')
  t.match(line, { level: 50, mailId, template: 'verify-email', attempts: 3 })
  const everything = JSON.stringify(kit.logs)
  t.notOk(everything.includes('secret-link-token'), 'no token in any line')
  t.notOk(everything.includes('grace@example.org'), 'no address in any line')
})
