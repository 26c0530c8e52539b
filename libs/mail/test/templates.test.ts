import t from 'tap'
import { isTemplateName, maskEmail, renderTemplate, senderDomain } from '../src/index.ts'

const context = { publicUrl: 'https://id.example.com' }

t.test('link templates put the token in the fragment of the right page', async (t) => {
  t.match(renderTemplate('verify-email', { token: 'a' }, context).text, 'https://id.example.com/verify-email#token=a')
  t.match(renderTemplate('confirm-email-change', { token: 'b', newEmail: 'n@example.com' }, context).text, 'https://id.example.com/verify-email#token=b')
  t.match(renderTemplate('reset-password', { token: 'c' }, context).text, 'https://id.example.com/reset-password#token=c')
})

t.test('the HTML part escapes what it shows', async (t) => {
  const { html } = renderTemplate('confirm-email-change', { token: 'b', newEmail: '<script>@x.example' }, context)
  t.notMatch(html, '<script>')
  t.match(html, '&lt;script&gt;')
})

t.test('notices carry no link token and the old address sees the new one masked', async (t) => {
  for (const name of ['password-changed', 'account-deleted', 'sign-up-attempt'] as const) {
    t.notMatch(renderTemplate(name, {}, context).text, '#token=', name)
  }
  t.match(renderTemplate('email-changed', { newEmail: 'grace@example.org' }, context).text, 'g***@example.org')
  t.equal(maskEmail('ada@example.com'), 'a***@example.com')
})

t.test('passkey notices name the passkey in one line and say when support removed it', async (t) => {
  t.match(renderTemplate('passkey-added', { name: 'Work laptop' }, context).text, '"Work laptop"')
  const removed = renderTemplate('passkey-removed', { name: 'Lost\r\nBcc: x@evil.example', bySupport: true }, context)
  t.match(removed.subject, 'A passkey was removed')
  t.match(removed.text, '"Lost Bcc: x@evil.example" was removed from your account by our support team')
  t.notMatch(renderTemplate('passkey-removed', { name: 'Old key', bySupport: false }, context).text, 'support team')
})

t.test('template names and sender domains', async (t) => {
  t.ok(isTemplateName('verify-email'))
  t.notOk(isTemplateName('toString'))
  t.equal(senderDomain('gatehouse <no-reply@id.example.com>'), 'id.example.com')
  t.equal(senderDomain('bare@mail.example'), 'mail.example')
  t.equal(senderDomain('nobody'), 'localhost')
})

t.test('the new sign-in notice: a User-Agent is shown on one line and escaped; what is missing reads unknown', async (t) => {
  const { text, html } = renderTemplate('new-sign-in', { at: '2030-01-01T08:05:09.123Z', ip: '203.0.113.0/24', userAgent: 'Evil\r\n\r\nClick https://x.example <b>now</b>' }, context)
  t.match(text, 'When: 2030-01-01 08:05 UTC')
  t.match(text, 'Network: 203.0.113.0/24')
  t.match(text, 'Device: Evil Click https://x.example <b>now</b>\n', 'control characters cannot start paragraphs of their own')
  t.notMatch(html, '<b>')
  t.match(renderTemplate('new-sign-in', { at: '2030-01-01T08:05:09.123Z', ip: null, userAgent: null }, context).text, /Network: unknown\n\nDevice: unknown/)
})
