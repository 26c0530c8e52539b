/**
 * Passkeys in a real Chromium with its virtual authenticator (CDP WebAuthn domain): add one on
 * the account page, rename it, sign out, sign in with it and no password (a discoverable
 * credential), see the signature counter kept, a replayed assertion refused, and remove it.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startWorld, virtualAuthenticator } from './support.ts'

const world = await startWorld()
t.teardown(() => world.stop())
const { origin } = world
const email = `passkey-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'

t.test('add a passkey, sign in with it alone, rename and remove it', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  const authenticator = await virtualAuthenticator(context, page)

  await page.goto(`${origin}/sign-up`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('No passkeys yet.').waitFor()

  await page.getByLabel('Passkey name').fill('Test laptop')
  await page.getByRole('button', { name: 'Add a passkey' }).click()
  await page.getByRole('list', { name: 'Passkeys' }).getByText('Test laptop', { exact: true }).waitFor()
  const stored = await authenticator.credentials()
  t.equal(stored.length, 1, 'the authenticator holds one credential')
  t.ok(stored[0]?.isResidentCredential, 'a discoverable credential')
  await world.shot(page, 'account-passkeys')

  await page.getByLabel('Name of passkey Test laptop').fill('Work laptop')
  await page.getByRole('button', { name: 'Rename passkey Test laptop' }).click()
  await page.getByRole('list', { name: 'Passkeys' }).getByText('Work laptop', { exact: true }).waitFor()
  t.pass('renamed')

  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForURL(`${origin}/sign-in`)
  // As if on another browser: without its device cookie, this sign-in comes from a device new to the account.
  await context.clearCookies({ name: 'gh_device' })
  let assertion: string | undefined
  page.on('request', (request) => { if (request.url().endsWith('/auth/passkeys/sign-in/verify')) assertion = request.postData() ?? undefined })
  // The page navigates on as soon as it has the answer: read it on its way through.
  let answer = ''
  await page.route('**/auth/passkeys/sign-in/verify', async (route) => {
    const response = await route.fetch()
    answer = await response.text()
    await route.fulfill({ response })
  })
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.unroute('**/auth/passkeys/sign-in/verify')
  const accessToken = (JSON.parse(answer) as { accessToken: string }).accessToken
  await page.getByText('(this device)').waitFor()
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { amr?: string[]; auth_time?: number }
  t.ok(claims.amr?.includes('hwk') || claims.amr?.includes('swk'), `the token says a key proved it (amr ${JSON.stringify(claims.amr)})`)
  t.ok(claims.amr?.includes('mfa'), 'and, the user verified on the authenticator, mfa')
  t.type(claims.auth_time, 'number', 'with auth_time')
  const activity = await (await fetch(`${origin}/auth/activity?limit=5`, { headers: { authorization: `Bearer ${accessToken}` } })).json() as { events: { type: string; method?: string; newDevice?: boolean }[] }
  t.match(activity.events[0], { type: 'sign_in', method: 'passkey', newDevice: true }, 'the passkey sign-in is in the activity, from a new device')
  t.ok(activity.events.some((event) => event.type === 'second_factor_added' && event.method === 'passkey'), 'adding the passkey is in the activity too')
  t.ok(await page.getByText(email).first().isVisible(), 'signed in as the passkey\'s owner, no email or password typed')
  t.ok(((await authenticator.credentials())[0]?.signCount ?? 0) > 0, 'the authenticator counted the signature')
  await world.shot(page, 'sign-in-passkey-done')

  // The same assertion again: its challenge was single-use.
  t.ok(assertion, 'the browser posted an assertion')
  const replay = await fetch(`${origin}/auth/passkeys/sign-in/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: assertion ?? '{}' })
  t.equal(replay.status, 401, 'a replayed assertion is refused')
  t.match(await replay.json(), { error: { code: 'INVALID_CREDENTIALS' } })

  await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click()
  await page.getByText('No passkeys yet.').waitFor()
  t.pass('removed')

  // A removed passkey no longer signs in.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForURL(`${origin}/sign-in`)
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  const error = page.getByRole('alert').filter({ hasText: /passkey could not be verified/ })
  await error.waitFor()
  t.pass('the removed passkey is refused, in words')
  await world.shot(page, 'sign-in-passkey-refused')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('the passkey API refuses bad input and anonymous callers', async (t) => {
  const list = await fetch(`${origin}/auth/passkeys`)
  t.equal(list.status, 401)
  const verify = await fetch(`${origin}/auth/passkeys/sign-in/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response: { id: 'x' } }) })
  t.equal(verify.status, 400)
  t.match(await verify.json(), { error: { code: 'VALIDATION_FAILED' } })
  const forged = await fetch(`${origin}/auth/passkeys/sign-in/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response: { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: Buffer.from(JSON.stringify({ challenge: 'never-issued' })).toString('base64url'), authenticatorData: 'AA', signature: 'AA' } } }),
  })
  t.equal(forged.status, 401, 'a challenge the server never issued is refused')
  const options = await fetch(`${origin}/auth/passkeys/sign-in/options`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(options.status, 200)
  t.match(await options.json(), { challenge: String, rpId: 'localhost' })
})
