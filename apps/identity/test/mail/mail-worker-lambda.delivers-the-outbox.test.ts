import t from 'tap'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { buildMailKit } from './helper.ts'
import { CLIENT_ID, CLIENT_SECRET, TEST_MFA_KEYS } from '../helper.ts'

t.test('the mail-worker Lambda handler delivers what identity (MAIL_WORKER=off) queued', async (t) => {
  const dynamo = await useTestDynamo(t, 'mail-lambda')
  const smtp = await startTestSmtpServer(t)
  // Identity with a worker only to enqueue through its notice API; the Lambda delivers.
  const kit = await buildMailKit(t, 'mail-lambda', {}, { dynamo, smtp, clock: { ms: Date.now(), now: Date.now, advance: () => undefined } })
  const mailId = await kit.mail.notices.enqueueNotice({ email: 'lambda@example.com' }, 'account-deleted', {})

  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_PREFIX: dynamo.prefix,
    SERVICE_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET}`,
    MFA_ENCRYPTION_KEYS: TEST_MFA_KEYS,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'gatehouse <no-reply@id.example.com>',
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
  })
  const { handler } = await import('../../src/mail-worker-lambda.ts')
  t.same(await handler(), { handled: 1 })
  const mail = await smtp.waitFor((mail) => mail.to.includes('lambda@example.com'))
  t.equal(mail.messageId, `<${mailId}@id.example.com>`)
  t.same(await handler(), { handled: 0 }, 'nothing left')
})
