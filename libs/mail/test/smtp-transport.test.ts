import t from 'tap'
import { createMailTransport, MailConfigError, messageIdFor, renderTemplate } from '../src/index.ts'
import { startTestSmtpServer } from '../src/testing.ts'

const settings = (url: string | undefined) => ({
  MAIL_TRANSPORT: 'smtp' as const,
  SMTP_URL: url,
  MAIL_FROM: 'gatehouse <no-reply@id.example.com>',
  PUBLIC_URL: 'https://id.example.com',
  MAIL_SEND_TIMEOUT_SECONDS: 2,
})

t.test('a mail sent over SMTP arrives with both parts, the link in the fragment and the stable Message-ID', async (t) => {
  const smtp = await startTestSmtpServer(t)
  const transport = createMailTransport(settings(smtp.url))
  t.teardown(() => transport.close())
  const rendered = renderTemplate('reset-password', { token: 'tok_abc-123' }, { publicUrl: 'https://id.example.com' })
  const messageId = messageIdFor('0b6c3c1e-outbox-id', 'gatehouse <no-reply@id.example.com>')
  await transport.send({ messageId, to: 'ada@example.com', ...rendered })

  const mail = await smtp.waitFor((mail) => mail.to.includes('ada@example.com'))
  t.equal(mail.subject, 'Reset your password')
  t.equal(mail.messageId, '<0b6c3c1e-outbox-id@id.example.com>')
  t.same(smtp.linkIn(mail, 'reset-password'), { url: 'https://id.example.com/reset-password#token=tok_abc-123', token: 'tok_abc-123' })
  t.match(mail.html, /href="https:\/\/id\.example\.com\/reset-password#token=tok_abc-123"/)
  t.notMatch(mail.text, /\?token=/, 'never in a query string')
})

t.test('a relay that is down fails the send (the outbox retries), it does not hang', async (t) => {
  const smtp = await startTestSmtpServer(t)
  await smtp.stop()
  const transport = createMailTransport(settings(smtp.url))
  t.teardown(() => transport.close())
  const rendered = renderTemplate('password-changed', {}, { publicUrl: 'https://id.example.com' })
  await t.rejects(transport.send({ messageId: '<x@id.example.com>', to: 'ada@example.com', ...rendered }))
})

t.test('SMTP without SMTP_URL is a configuration error, not a silent no-op', async (t) => {
  t.throws(() => createMailTransport(settings(undefined)), MailConfigError)
})

t.test('the SES transport is built from MAIL_TRANSPORT=ses', async (t) => {
  const transport = createMailTransport({ ...settings(undefined), MAIL_TRANSPORT: 'ses', AWS_REGION: 'eu-west-1' })
  t.equal(transport.name, 'ses')
  transport.close()
})
