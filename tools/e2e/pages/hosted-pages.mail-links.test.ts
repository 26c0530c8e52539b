/**
 * The links in mail, followed in a real Chromium: identity sends through a real SMTP server
 * (smtp-server in this process), and the browser opens the verification link after sign-up, the
 * reset link from "forgot your password", and the link that confirms a new address, exactly as a
 * person clicking them in their mail would.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startTestSmtpServer } from '@gatehouse/mail/testing'
import { startWorld } from './support.ts'

const smtp = await startTestSmtpServer(t)
const world = await startWorld({ smtpUrl: smtp.url })
t.teardown(() => world.stop())
const { origin } = world

const email = `mail-${randomBytes(3).toString('hex')}@example.com`
const newEmail = `moved-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const newPassword = 'another perfectly fine passphrase'

t.test('sign up, then the verification link from the mail verifies the address', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-up`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(not verified yet)').waitFor()

  const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Confirm your email address')
  const link = smtp.linkIn(mail, 'verify-email')
  t.ok(link.url.startsWith(`${origin}/verify-email#token=`), 'the mail links to the pages, the token in the fragment')
  await page.goto(link.url)
  await page.getByRole('heading', { name: 'Email verified' }).waitFor()
  t.equal(new URL(page.url()).hash, '', 'the token is taken off the address bar')
  await world.shot(page, 'verify-email-done')
  await page.getByRole('link', { name: 'Go to your account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(verified)').waitFor()
  t.pass('the account shows the address verified')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('forgot password: the reset link from the mail sets a new password', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/forgot-password`)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await page.getByText(`If an account exists for ${email}`).waitFor()

  const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Reset your password')
  const link = smtp.linkIn(mail, 'reset-password')
  t.ok(link.url.startsWith(`${origin}/reset-password#token=`), 'the mail links to the reset page')
  await page.goto(link.url)
  await page.getByRole('textbox', { name: 'New password' }).fill(newPassword)
  await page.getByRole('button', { name: 'Set new password' }).click()
  await page.getByRole('heading', { name: 'Password changed' }).waitFor()
  await world.shot(page, 'reset-password-done')

  await page.getByRole('link', { name: 'Sign in' }).click()
  await page.waitForURL(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.locator('#f-password-error').waitFor()
  t.pass('the old password no longer signs in')
  await page.getByLabel('Password').fill(newPassword)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(this device)').waitFor()
  t.pass('the new one does')

  // A used link is dead: the page says so in words.
  await page.goto(link.url)
  await page.getByRole('textbox', { name: 'New password' }).fill('yet another fine passphrase')
  await page.getByRole('button', { name: 'Set new password' }).click()
  await page.getByRole('alert').filter({ hasText: /invalid|expired|used/i }).waitFor()
  t.pass('the reset link works once')
})

t.test('change email: the link mailed to the new address moves the account there', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(newPassword)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  const change = page.getByRole('form', { name: 'Change email' })
  await change.getByLabel('New email').fill(newEmail)
  await change.getByLabel('Current password').fill(newPassword)
  await change.getByRole('button', { name: 'Change email' }).click()
  await page.getByText(`We sent a link to ${newEmail}`).waitFor()

  const mail = await smtp.waitFor((m) => m.to.includes(newEmail) && m.subject === 'Confirm your new email address')
  await page.goto(smtp.linkIn(mail, 'verify-email').url)
  await page.getByRole('heading', { name: 'Email verified' }).waitFor()
  await page.getByRole('link', { name: 'Go to your account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText(`${newEmail} (verified)`).waitFor()
  t.pass('the account now has the new address, verified')
  await smtp.waitFor((m) => m.to.includes(email) && m.subject === 'Your email address was changed')
  t.pass('and the old address got a notice')
})
