/**
 * Two-step verification on the hosted pages in a real Chromium: enrol an authenticator on the
 * account page (the QR code shown under the strict CSP, the key as text), confirm with a code this
 * test computes itself (tools/e2e/rfc6238.ts, not the server's library), the 10 recovery codes
 * shown once; a password change that needs the code; sign-in's second step with a code and with
 * a recovery code; new recovery codes; the activity list; turning it off again.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Page } from 'playwright-core'
import { Browser } from '../client.ts'
import { base32Decode, hotp } from '../rfc6238.ts'
import { startWorld } from './support.ts'

const world = await startWorld()
t.teardown(() => world.stop())
const { origin } = world

const email = `two-step-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const newPassword = 'another perfectly fine passphrase'

/**
 * A code for a time step the server has not seen: each step is single-use, and the server accepts
 * the one before and the one after the current step, so a few actions in a row rarely wait.
 */
let lastStep = -1
async function nextCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now()
    // Still acceptable a few seconds from now (a loaded machine), and never reused.
    const step = Math.max(lastStep + 1, Math.floor((now + 5_000) / 30_000) - 1)
    if (step <= Math.floor(now / 30_000) + 1) {
      lastStep = step
      return hotp(base32Decode(secret), step)
    }
    await sleep(1_000)
  }
}

async function signInWithPassword(page: Page, pass: string): Promise<void> {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(pass)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForURL(`${origin}/sign-in`)
}

let secret = ''
let recoveryCodes: string[] = []

t.test('enrol on the account page: the QR code and the key, a computed code, 10 recovery codes shown once', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-up`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${origin}/account`)
  const twoStep = page.getByRole('region', { name: 'Two-step verification' })
  await twoStep.getByText('Off.').waitFor()
  t.ok(await page.getByLabel('Authenticator or recovery code').first().isHidden(), 'no code field on the sensitive forms while it is off')
  await page.getByRole('list', { name: 'Security activity' }).getByText('Signed in with the password').waitFor()
  await world.shot(page, 'account')

  const setup = page.getByRole('form', { name: 'Set up two-step verification' })
  await setup.getByLabel('Current password').fill('not my password')
  await setup.getByRole('button', { name: 'Set up an authenticator app' }).click()
  await page.locator('#f-totpPassword-error').waitFor()
  t.match(await page.locator('#f-totpPassword-error').textContent(), /incorrect|invalid/i, 'a wrong password is named beside its field')
  await setup.getByLabel('Current password').fill(password)
  await setup.getByRole('button', { name: 'Set up an authenticator app' }).click()

  const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' })
  await qr.waitFor()
  t.ok(await qr.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0), 'the QR code is drawn: the CSP lets the data: image through')
  secret = (await page.getByLabel('Key for manual entry').textContent() ?? '').replace(/\s/g, '')
  t.match(secret, /^[A-Z2-7]{16,}$/, 'the key is shown as base32 text for typing by hand')
  await world.shot(twoStep, 'account-two-step')

  // From the keyboard: the focus is already on the code field, and Enter submits.
  const wrong = hotp(base32Decode(secret), Math.floor(Date.now() / 30_000) + 20)
  await page.keyboard.type(wrong)
  t.equal(await page.getByLabel('Code from the app').inputValue(), wrong, 'the focus moved to the code field')
  await page.keyboard.press('Enter')
  await page.locator('#f-totpCode-error').waitFor()
  t.match(await page.locator('#f-totpCode-error').textContent(), /not valid/i, 'a wrong code is refused beside its field')

  await page.getByLabel('Code from the app').fill(await nextCode(secret))
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click()
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')
  await codes.first().waitFor()
  recoveryCodes = (await codes.allTextContents()).map((code) => code.trim())
  t.equal(recoveryCodes.length, 10, 'ten recovery codes')
  t.ok(await page.getByText('Save these recovery codes now.').isVisible(), 'with a clear "save these" message')
  await world.shot(twoStep, 'account-recovery-codes')

  // The focus is on the codes; the next Tab reaches the button, Enter presses it.
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await twoStep.getByText('10 recovery codes left.').waitFor()
  t.equal(await codes.count(), 0, 'the codes are not shown again')
  t.ok(await page.getByRole('form', { name: 'Change password' }).getByLabel('Authenticator or recovery code').isVisible(), 'the sensitive forms now ask for a code')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('a password change needs the code: MFA_REQUIRED beside the field, then done with one', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await signInWithPassword(page, password)
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  await page.getByLabel('Authenticator code').fill(await nextCode(secret))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL(`${origin}/account`)

  const change = page.getByRole('form', { name: 'Change password' })
  await change.getByLabel('Current password').fill(password)
  await change.getByLabel('New password').fill(newPassword)
  await change.getByRole('button', { name: 'Change password' }).click()
  await page.locator('#f-passwordCode-error').waitFor()
  t.match(await page.locator('#f-passwordCode-error').textContent(), /needs a current code/i, 'no code: MFA_REQUIRED, in words beside the code field')
  t.equal(await change.getByLabel('Authenticator or recovery code').getAttribute('aria-invalid'), 'true')
  await change.getByLabel('Authenticator or recovery code').fill('000000' === hotp(base32Decode(secret), Math.floor(Date.now() / 30_000)) ? '111111' : '000000')
  await change.getByRole('button', { name: 'Change password' }).click()
  await page.locator('#f-passwordCode-error').getByText(/not valid/i).waitFor()
  t.pass('a wrong code: INVALID_MFA_CODE beside the code field')
  await world.shot(change, 'account-password-needs-code')

  await change.getByLabel('Current password').fill(password)
  await change.getByLabel('Authenticator or recovery code').fill(await nextCode(secret))
  await change.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('Password changed.').waitFor()
  t.pass('the password changed with the code')
  await signOut(page)
})

t.test('sign in: the password, then the second step with a code, then with a recovery code', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await signInWithPassword(page, newPassword)
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  t.equal(page.url(), `${origin}/sign-in`, 'the password alone does not sign in')
  await page.getByLabel('Authenticator code').fill('12345')
  await world.shot(page, 'sign-in-second-step')
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.locator('#f-code-error').waitFor()
  t.ok(await page.locator('#f-code-error').isVisible(), 'a malformed code is refused beside its field')
  await page.getByLabel('Authenticator code').fill(await nextCode(secret))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(this device)').waitFor()
  t.pass('signed in with the password and the code')
  await signOut(page)

  await signInWithPassword(page, newPassword)
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!.toUpperCase())
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByRole('region', { name: 'Two-step verification' }).getByText('9 recovery codes left.').waitFor()
  t.pass('signed in with a recovery code, which is spent')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('the activity lists the sign-ins and the password change; new recovery codes; turn it off', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await signInWithPassword(page, newPassword)
  await page.getByLabel('Recovery code').fill(recoveryCodes[1]!)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL(`${origin}/account`)

  const activity = page.getByRole('list', { name: 'Security activity' })
  await activity.getByRole('listitem').first().waitFor()
  for (let more = page.getByRole('button', { name: 'Show more activity' }); await more.count() > 0;) {
    const before = await activity.getByRole('listitem').count()
    await more.click()
    await activity.getByRole('listitem').nth(before).waitFor()
  }
  const items = (await activity.getByRole('listitem').allTextContents()).join('\n')
  t.match(items, /Signed in with the password and a recovery code/, 'the recovery-code sign-in')
  t.match(items, /Signed in with the password and an authenticator code/, 'the code sign-in')
  t.match(items, /Password changed/, 'the password change')
  t.match(items, /Session ended by (you|a password change)/, 'an ended session, with who ended it')
  t.match(items, /network [0-9a-f.:]+\/(24|48)/, 'a coarse network, never the full address')
  t.match(items, /HeadlessChrome|Chrome/, 'the browser')
  t.match(items, /\(new device\)/, 'a sign-in from a device new to the account is marked')
  await world.shot(page.getByRole('region', { name: 'Recent security activity' }), 'account-activity')

  const twoStep = page.getByRole('region', { name: 'Two-step verification' })
  await twoStep.getByText('8 recovery codes left.').waitFor()
  const renew = page.getByRole('form', { name: 'New recovery codes' })
  await renew.getByLabel('Current password').fill(newPassword)
  await renew.getByLabel('Authenticator or recovery code').fill(recoveryCodes[2]!)
  await renew.getByRole('button', { name: 'Get new recovery codes' }).click()
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')
  await codes.first().waitFor()
  const renewed = (await codes.allTextContents()).map((code) => code.trim())
  t.equal(renewed.length, 10, 'a new set of ten')
  t.notOk(renewed.some((code) => recoveryCodes.includes(code)), 'all of them new')
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click()
  await twoStep.getByText('10 recovery codes left.').waitFor()

  const off = page.getByRole('form', { name: 'Turn off two-step verification' })
  await off.getByLabel('Current password').fill(newPassword)
  await off.getByLabel('Authenticator or recovery code').fill(recoveryCodes[3]!)
  await off.getByRole('button', { name: 'Turn off two-step verification' }).click()
  await page.locator('#f-offCode-error').waitFor()
  t.match(await page.locator('#f-offCode-error').textContent(), /not valid/i, 'an old recovery code no longer works')
  await off.getByLabel('Current password').fill(newPassword)
  await off.getByLabel('Authenticator or recovery code').fill(await nextCode(secret))
  await off.getByRole('button', { name: 'Turn off two-step verification' }).click()
  await twoStep.getByText('Off.').waitFor()
  t.ok(await page.getByRole('form', { name: 'Change password' }).getByLabel('Authenticator or recovery code').isHidden(), 'the code fields are gone again')
  await signOut(page)

  await signInWithPassword(page, newPassword)
  await page.waitForURL(`${origin}/account`)
  t.pass('off: the password alone signs in again')
})

t.test('more activity than one page: "Show more activity" appends the next page until there is none', async (t) => {
  const busy = `activity-${randomBytes(3).toString('hex')}@example.com`
  t.equal((await new Browser(origin, origin).call('POST', '/auth/register', { json: { email: busy, password } })).status, 201)
  for (let index = 0; index < 11; index += 1) {
    const signIn = await new Browser(origin, origin).call('POST', '/auth/login', { json: { email: busy, password }, headers: { 'user-agent': `phone ${index}` } })
    t.equal(signIn.status, 200, `API sign-in ${index}`)
  }
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(busy)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  const events = page.getByRole('list', { name: 'Security activity' }).getByRole('listitem')
  await events.first().waitFor()
  t.equal(await events.count(), 10, 'the newest ten')
  t.match(await events.first().textContent(), /Signed in with the password.*HeadlessChrome/s, 'this sign-in first')
  await page.getByRole('button', { name: 'Show more activity' }).click()
  await events.nth(11).waitFor()
  t.equal(await events.count(), 12, 'the rest appended: twelve sign-ins')
  t.match(await events.last().textContent(), /phone 0/, 'the oldest last')
  t.equal(await page.getByRole('button', { name: 'Show more activity' }).count(), 0, 'no more pages, no button')
})
