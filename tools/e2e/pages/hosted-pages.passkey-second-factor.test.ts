/**
 * A passkey as the second factor on the hosted pages, in a real Chromium with its virtual
 * authenticator: sign up, add a passkey, turn TOTP on (a code this test computes itself,
 * tools/e2e/rfc6238.ts), sign out; sign in with the password, and at the second step "Use a
 * passkey" instead of a code. The access token says two factors (amr pwd, hwk or swk, mfa).
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { base32Decode, hotp } from '../rfc6238.ts'
import { startWorld, virtualAuthenticator } from './support.ts'

const world = await startWorld()
t.teardown(() => world.stop())
const { origin } = world
const email = `passkey-step-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'

t.test('password, then "Use a passkey" at the second step: signed in, amr pwd + a key + mfa', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await virtualAuthenticator(context, page)

  await page.goto(`${origin}/sign-up`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByLabel('Passkey name').fill('Test laptop')
  await page.getByRole('button', { name: 'Add a passkey' }).click()
  await page.getByRole('list', { name: 'Passkeys' }).getByText('Test laptop', { exact: true }).waitFor()

  const setup = page.getByRole('form', { name: 'Set up two-step verification' })
  await setup.getByLabel('Current password').fill(password)
  await setup.getByRole('button', { name: 'Set up an authenticator app' }).click()
  const secret = (await page.getByLabel('Key for manual entry').textContent() ?? '').replace(/\s/g, '')
  await page.getByLabel('Code from the app').fill(hotp(base32Decode(secret), Math.floor(Date.now() / 30_000)))
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click()
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click()
  await page.getByRole('region', { name: 'Two-step verification' }).getByText('10 recovery codes left.').waitFor()
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForURL(`${origin}/sign-in`)

  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  const usePasskey = page.getByRole('region', { name: 'Passkey' }).getByRole('button', { name: 'Use a passkey' })
  await usePasskey.waitFor()
  t.ok(await page.getByLabel('Authenticator code').isVisible(), 'the code fields are still there beside it')
  await world.shot(page, 'sign-in-second-step-passkey')

  // The page navigates on as soon as it has the answer: read it on its way through.
  let answer = ''
  await page.route('**/auth/login/mfa', async (route) => {
    const response = await route.fetch()
    answer = await response.text()
    await route.fulfill({ response })
  })
  await usePasskey.click()
  await page.waitForURL(`${origin}/account`)
  await page.unroute('**/auth/login/mfa')
  await page.getByText('(this device)').waitFor()
  const accessToken = (JSON.parse(answer) as { accessToken: string }).accessToken
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { amr?: string[]; auth_time?: number }
  t.ok(claims.amr?.includes('pwd'), `the password (amr ${JSON.stringify(claims.amr)})`)
  t.ok(claims.amr?.includes('hwk') || claims.amr?.includes('swk'), 'a key')
  t.ok(claims.amr?.includes('mfa'), 'two factors: mfa')
  t.type(claims.auth_time, 'number', 'with auth_time')
  const activity = await (await fetch(`${origin}/auth/activity?limit=5`, { headers: { authorization: `Bearer ${accessToken}` } })).json() as { events: { type: string; method?: string }[] }
  t.match(activity.events[0], { type: 'sign_in', method: 'password+passkey' }, 'one sign-in, by the password and the passkey')
  await page.getByRole('list', { name: 'Security activity' }).getByText('Signed in with the password and a passkey').first().waitFor()
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('a sign-in step whose attempts are spent: "Use a passkey" says so in words', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await virtualAuthenticator(context, page)
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  // Five wrong codes spend the ticket (and lock the account a while: this test is the file's last in the browser).
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await page.getByLabel('Authenticator code').fill(attempt % 2 === 0 ? '000000' : '999999')
    await Promise.all([page.waitForResponse('**/auth/login/mfa'), page.getByRole('button', { name: 'Verify' }).click()])
  }
  await page.getByRole('button', { name: 'Use a passkey' }).click()
  await page.getByRole('alert').filter({ hasText: /could not be verified, or this sign-in step has expired/ }).waitFor()
  t.pass('the refusal in words, beside the button')
  t.equal(page.url(), `${origin}/sign-in`, 'not signed in')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('the passkey step over the API: a bad ticket gets no options; exactly one proof', async (t) => {
  const headers = { 'content-type': 'application/json', cookie: `gh_device=${'d'.repeat(43)}` }
  const options = await fetch(`${origin}/auth/login/mfa/passkey/options`, { method: 'POST', headers, body: JSON.stringify({ mfaToken: 'not-a-ticket' }) })
  t.equal(options.status, 401, 'an unknown ticket: the generic 401')
  t.match(await options.json(), { error: { code: 'INVALID_CREDENTIALS' } })
  const both = await fetch(`${origin}/auth/login/mfa`, { method: 'POST', headers, body: JSON.stringify({ mfaToken: 'x', code: '123456', recoveryCode: 'abcd' }) })
  t.equal(both.status, 400)
})
