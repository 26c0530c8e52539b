/**
 * The hosted pages in a real Chromium against the stack as `npm start` runs it, driven by
 * label and role as a person would: sign up, the account page, sessions with this device
 * marked, revoking one, changing the password, signing out and in, signing out everywhere.
 * Also: the refresh cookie really sent and rotated by the browser, and a strict CSP that holds.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Browser } from '../client.ts'
import { refreshCookie, startWorld } from './support.ts'

const world = await startWorld()
t.teardown(() => world.stop())
const { origin } = world

const email = `pages-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const newPassword = 'another perfectly fine passphrase'

t.test('the pages answer under a strict CSP, from this origin only', async (t) => {
  for (const path of ['/sign-in', '/sign-up', '/account', '/forgot-password', '/reset-password', '/verify-email']) {
    const response = await fetch(`${origin}${path}`)
    t.equal(response.status, 200, path)
    const csp = response.headers.get('content-security-policy') ?? ''
    t.match(csp, /default-src 'none'/, `${path}: nothing allowed by default`)
    t.match(csp, /script-src 'self'(;|$)/, `${path}: scripts from this origin only, never inline`)
    t.match(csp, /style-src 'self'(;|$)/, `${path}: styles from this origin only, never inline`)
    t.match(csp, /frame-ancestors 'none'/)
    const html = await response.text()
    t.notMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: no inline script`)
    t.notMatch(html, /<style|style=/, `${path}: no inline style`)
    t.notMatch(html, /(src|href)="https?:/, `${path}: no asset from another origin`)
  }
  t.equal((await fetch(`${origin}/`, { redirect: 'manual' })).headers.get('location'), '/sign-in')
})

t.test('sign up, then the account page with this session marked', async (t) => {
  const { context, page, cspViolations } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-up`)
  await world.shot(page, 'sign-up')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('password')
  await page.getByRole('button', { name: 'Create account' }).click()
  // The policy error is shown in words beside the password field.
  const error = page.locator('#f-password-error')
  await error.waitFor()
  t.match(await error.textContent(), /common|guess|password/i, 'a weak password is refused beside its field')
  t.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true')
  await world.shot(page, 'sign-up-error')

  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByRole('heading', { name: 'Your account' }).waitFor()
  await page.getByText('(this device)').waitFor()
  t.ok(await page.getByText(email).first().isVisible(), 'the profile shows the address')
  const sessions = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')
  t.equal(await sessions.count(), 1, 'one session, this one')
  t.ok(await refreshCookie(context), 'the browser holds the refresh cookie')
  t.notOk(await page.evaluate('document.cookie.includes("gh_refresh")'), 'HttpOnly: no script can read it')
  t.equal(await page.evaluate('localStorage.length + sessionStorage.length'), 0, 'no token in web storage')
  await world.shot(page, 'account')
  t.same(cspViolations, [], 'no CSP violation')
})

t.test('the refresh cookie is sent and rotated by the browser on every page load', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-in`)
  await world.shot(page, 'sign-in')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('not the password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.locator('#f-password-error').waitFor()
  t.match(await page.locator('#f-password-error').textContent(), /Invalid email or password/)
  await world.shot(page, 'sign-in-error')

  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(this device)').waitFor()
  const first = await refreshCookie(context)
  const refreshed = page.waitForResponse((response) => response.url().endsWith('/auth/refresh'))
  await page.reload()
  const response = await refreshed
  t.equal(response.status(), 200, 'the reload refreshed with the cookie alone')
  t.match(await response.request().headerValue('cookie'), /gh_refresh=/, 'the browser sent the cookie')
  await page.getByText('(this device)').waitFor()
  const second = await refreshCookie(context)
  t.ok(second, 'a new cookie is held')
  t.not(second, first, 'the refresh token was rotated')
  t.equal(await page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').count(), 2, 'two sessions now')

  // From the sign-in page, a live session goes straight to the account.
  await page.goto(`${origin}/sign-in`)
  await page.waitForURL(`${origin}/account`)
})

t.test('revoke another session, change the password, sign out everywhere', async (t) => {
  const other = await world.newPage()
  t.teardown(() => other.context.close())
  await other.page.goto(`${origin}/sign-in`)
  await other.page.getByLabel('Email').fill(email)
  await other.page.getByLabel('Password').fill(password)
  await other.page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await other.page.waitForURL(`${origin}/account`)
  await other.page.getByText('(this device)').waitFor()
  const sessions = other.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')
  const before = await sessions.count()
  t.ok(before >= 2, 'other sessions are listed')
  await other.page.getByRole('button', { name: /^Revoke session/ }).first().click()
  // (No waitForFunction: it evaluates a string, which the pages' CSP rightly refuses.)
  await sessions.nth(before - 1).waitFor({ state: 'detached' })
  t.equal(await sessions.count(), before - 1, 'the revoked session is gone from the list')

  await other.page.getByLabel('Current password', { exact: true }).first().fill('wrong password')
  await other.page.getByLabel('New password').fill(newPassword)
  await other.page.getByRole('button', { name: 'Change password' }).click()
  await other.page.locator('#f-currentPassword-error').waitFor()
  t.match(await other.page.locator('#f-currentPassword-error').textContent(), /incorrect/i, 'a wrong current password is named beside its field')

  await other.page.getByLabel('Current password', { exact: true }).first().fill(password)
  await other.page.getByRole('button', { name: 'Change password' }).click()
  // (With the full stop: the activity list says "Password changed" too.)
  await other.page.getByText('Password changed.').waitFor()
  t.equal(await sessions.count(), 1, 'every other session ended; this one stays')
  await world.shot(other.page, 'account-password-changed')

  await other.page.getByRole('button', { name: 'Sign out everywhere' }).click()
  await other.page.waitForURL(`${origin}/sign-in`)
  await other.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  await other.page.goto(`${origin}/account`)
  await other.page.waitForURL(`${origin}/sign-in`)
  t.pass('signed out everywhere: the account page sends the browser to sign in')

  await other.page.getByLabel('Email').fill(email)
  await other.page.getByLabel('Password').fill(newPassword)
  await other.page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await other.page.waitForURL(`${origin}/account`)
  await other.page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await other.page.waitForURL(`${origin}/sign-in`)
  t.notOk(await refreshCookie(other.context), 'signing out cleared the cookie')
})

t.test('the lifecycle pages explain a link without its token', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/forgot-password`)
  t.ok(await page.getByLabel('Email').isVisible())
  t.ok(await page.getByRole('button', { name: 'Send reset link' }).isVisible())
  await world.shot(page, 'forgot-password')
  await page.goto(`${origin}/reset-password`)
  await page.getByText('This link has no reset token').waitFor()
  await page.goto(`${origin}/sign-in`)
  await page.goto(`${origin}/reset-password#token=abc`)
  await page.getByRole('textbox', { name: 'New password' }).waitFor()
  t.equal(new URL(page.url()).hash, '', 'the token is taken off the address bar')
  await world.shot(page, 'reset-password')
  await page.goto(`${origin}/verify-email`)
  await page.getByText('This link has no verification token').waitFor()
  await world.shot(page, 'verify-email')
})

t.test('a page from another origin cannot call the cookie endpoints', async (t) => {
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(newPassword)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  // The account page refreshes once on load (the access token lives in memory only).
  await page.getByText('(this device)').waitFor()
  const cookie = await refreshCookie(context)

  // Another site (127.0.0.1 is another origin and another site than localhost) tries the refresh
  // and logout endpoints: with JSON (needs a CORS preflight, which no allowlist grants), and with
  // text/plain in no-cors mode (no preflight, but the gateway takes JSON only).
  const attacker = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html')
    response.end(`<!doctype html><title>other site</title><pre id="out"></pre><script>
      const out = [];
      const target = ${JSON.stringify(origin)};
      const tryIt = (name, init) => fetch(target + name, init).then((r) => out.push(name + ' ' + r.type + ' ' + r.status), (e) => out.push(name + ' blocked ' + e.name));
      Promise.all([
        tryIt('/auth/refresh', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' }),
        tryIt('/auth/logout', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' }),
        tryIt('/auth/refresh', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      ]).then(() => { document.getElementById('out').textContent = out.sort().join('\\n'); document.title = 'done' })
    </script>`)
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => attacker.close(() => resolve())))
  const attackerPage = await context.newPage()
  await attackerPage.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`)
  await attackerPage.waitForFunction('document.title === "done"')
  const out = await attackerPage.locator('#out').textContent()
  t.match(out, /\/auth\/logout blocked TypeError/, 'the JSON logout is stopped by CORS')
  t.match(out, /\/auth\/refresh blocked TypeError/, 'the JSON refresh is stopped by CORS')
  t.match(out, /\/auth\/refresh (opaque 0|blocked TypeError)/, 'the no-cors attempt gets nothing readable')
  t.equal(await refreshCookie(context), cookie, 'the refresh cookie was neither rotated nor cleared')
  await page.reload()
  await page.getByText('(this device)').waitFor()
  t.pass('the session still works on its own origin')
})

t.test('more sessions than one page: "Show more sessions" appends the next page until there is none', async (t) => {
  const many = `pages-many-${randomBytes(3).toString('hex')}@example.com`
  const api = new Browser(origin, origin)
  t.equal((await api.call('POST', '/auth/register', { json: { email: many, password } })).status, 201)
  for (let index = 0; index < 21; index += 1) {
    const signIn = await new Browser(origin, origin).call('POST', '/auth/login', { json: { email: many, password }, headers: { 'user-agent': `phone ${index}` } })
    t.equal(signIn.status, 200, `API sign-in ${index}`)
  }
  const { context, page } = await world.newPage()
  t.teardown(() => context.close())
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Email').fill(many)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${origin}/account`)
  await page.getByText('(this device)').waitFor()
  const sessions = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')
  t.equal(await sessions.count(), 20, 'the first page: the 20 newest, this device among them')
  await page.getByRole('button', { name: 'Show more sessions' }).click()
  await sessions.nth(21).waitFor()
  t.equal(await sessions.count(), 22, 'the next page appended: 21 API sign-ins and this one')
  t.equal(await page.getByRole('button', { name: 'Show more sessions' }).count(), 0, 'no more pages, no button')
  await world.shot(page, 'account-sessions-more')
})
