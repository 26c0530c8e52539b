import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { EmailSchema, PasswordSchema, emailProblem, normalizeEmail, passwordProblem } from '../src/index.ts'

t.test('emails are trimmed, NFKC-normalised and lower-cased', async (t) => {
  t.equal(normalizeEmail('  Ada@Example.COM \n'), 'ada@example.com')
  t.equal(normalizeEmail('ｂｏｂ@example.com'), 'bob@example.com', 'full-width letters fold')
  t.equal(normalizeEmail('Zoë@example.com'), normalizeEmail('Zoe\u0308@example.com'), 'composed and decomposed forms meet')
})

t.test('the email schema accepts addresses and refuses the rest', async (t) => {
  for (const ok of ['a@b.co', ' ada@example.com ', 'zoë@exämple.de']) t.ok(Value.Check(EmailSchema, ok), ok)
  for (const bad of ['', 'plain', 'a@b', 'a b@c.de', '@b.co', `${'a'.repeat(300)}@b.co`]) t.notOk(Value.Check(EmailSchema, bad), bad)
})

t.test('password policy: at least 8 characters, at most 72 bytes', async (t) => {
  t.notOk(Value.Check(PasswordSchema, 'short'))
  t.ok(Value.Check(PasswordSchema, 'long enough'))
  t.match(passwordProblem('1234567'), /at least 8/)
  t.equal(passwordProblem('correct horse'), undefined)
  t.equal(passwordProblem('a'.repeat(72)), undefined)
  t.match(passwordProblem('é'.repeat(40)), /72 bytes/, '40 two-byte characters are 80 bytes')
})

t.test('an email is checked again after normalisation, which can grow it or add an @', async (t) => {
  t.equal(emailProblem(normalizeEmail(' Ada@Example.com ')), undefined)
  t.match(emailProblem(normalizeEmail('a\uFF20b@example.com')), /not a valid address/, 'fullwidth @ folds into a second @')
  const grown = `${'\uFDFA'.repeat(20)}@example.com`
  t.ok(Value.Check(EmailSchema, grown), 'the raw string passes the schema')
  t.match(emailProblem(normalizeEmail(grown)), /at most 254/, 'but its NFKC form is 300+ characters')
})
