/**
 * GET /auth/activity over the real identity and token services: every flow that exists today
 * leaves its event (sign-in new device or not, the failure that locked the account, refresh-token
 * reuse, a revoked session, a password change), newest first, paginated by an opaque cursor, with
 * a coarse IP and the user agent, and no secret anywhere in it.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import type { App } from '@gatehouse/platform'
import { JSON_HEADERS, setCookies } from './helper.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildRealGateway, startRealServices } from './support/real-services.ts'

// Grace 0: an old refresh token presented again is reuse at once; two failures lock for a second.
const services = await startRealServices(t, 'gw-activity', {
  token: { REFRESH_GRACE_SECONDS: '0' },
  identity: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCK_BASE_SECONDS: '1' },
})
const gateway = await buildRealGateway(t, services)

const PASSWORD = 'a perfectly fine passphrase'
const NEW_PASSWORD = 'another perfectly fine passphrase'
const HOME = '203.0.113.7'
const PHONE = '2001:db8:1:2::42'
type Injected = Awaited<ReturnType<App['inject']>>
const cookie = (response: Injected, name: string) => setCookies(response.headers).find((found) => found.name === name)?.value
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const login = (password: string, email: string, remoteAddress: string, userAgent: string, cookies: Record<string, string> = {}) =>
  gateway.inject({ method: 'POST', url: '/auth/login', remoteAddress, cookies, headers: { ...JSON_HEADERS, 'user-agent': userAgent }, payload: { email, password } })

t.test('the activity list shows each flow\'s event, newest first, paged, coarse and secret-free', async (t) => {
  const email = `activity-${randomBytes(4).toString('hex')}@example.com`
  t.equal((await gateway.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email, password: PASSWORD } })).statusCode, 201)

  const first = await login(PASSWORD, email, HOME, 'laptop/1')
  t.equal(first.statusCode, 200)
  const device = cookie(first, 'gh_device')!
  const again = await login(PASSWORD, email, HOME, 'laptop/1', { gh_device: device })
  t.equal(again.statusCode, 200, 'the same device signs in again')

  // Two wrong passwords from elsewhere lock the account's shared counter: one throttle event.
  t.equal((await login('wrong password 1', email, PHONE, 'phone/2')).statusCode, 401)
  t.equal((await login('wrong password 2', email, PHONE, 'phone/2')).statusCode, 401)
  t.equal((await login(PASSWORD, email, PHONE, 'phone/2')).statusCode, 429, 'locked')

  // Refresh-token reuse: rotate once, then present the consumed token again.
  const stolen = cookie(again, 'gh_refresh')!
  const rotated = await gateway.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: HOME, headers: JSON_HEADERS, payload: {}, cookies: { gh_refresh: stolen } })
  t.equal(rotated.statusCode, 200)
  const reused = await gateway.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: PHONE, headers: JSON_HEADERS, payload: {}, cookies: { gh_refresh: stolen } })
  t.equal(reused.json().error.details.reason, 'reused')

  // Once the lock has passed: sign in on the phone, end the laptop's first session, change the password.
  // (Polling would spend the gateway's per-email login budget: wait the lock out once instead.)
  await sleep(1500)
  const phone = await login(PASSWORD, email, PHONE, 'phone/2')
  t.equal(phone.statusCode, 200)
  const accessToken = phone.json().accessToken as string
  const sessions = (await gateway.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(accessToken) })).json().sessions as Array<{ id: string; userAgent: string; current: boolean }>
  const laptop = sessions.find((session) => !session.current)!
  t.equal((await gateway.inject({ method: 'DELETE', url: `/auth/sessions/${laptop.id}`, remoteAddress: PHONE, headers: { ...bearer(accessToken), 'user-agent': 'phone/2' } })).statusCode, 204)
  const changed = await gateway.inject({
    method: 'POST', url: '/auth/password', remoteAddress: PHONE, headers: { ...JSON_HEADERS, ...bearer(accessToken), 'user-agent': 'phone/2' },
    payload: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
  })
  t.equal(changed.statusCode, 204)

  const pages: Array<Record<string, unknown>> = []
  let next: string | undefined
  let pageCount = 0
  do {
    const page = await gateway.inject({ method: 'GET', url: `/auth/activity?limit=3${next === undefined ? '' : `&cursor=${next}`}`, headers: bearer(accessToken) })
    t.equal(page.statusCode, 200)
    const body = page.json() as { events: Array<Record<string, unknown>>; next?: string }
    t.ok(body.events.length <= 3, 'a page holds at most `limit` events')
    pages.push(...body.events)
    next = body.next
    pageCount += 1
  } while (next !== undefined && pageCount < 10)
  t.ok(pageCount >= 3, 'the list came in several pages')

  t.same(pages.map((event) => event['type']), [
    'session_revoked', 'password_changed', 'session_revoked', 'sign_in', 'refresh_reuse_detected', 'sign_in_throttled', 'sign_in', 'sign_in',
  ], 'newest first')
  const [revokedAll, passwordChanged, revokedOne, phoneSignIn, reuse, throttled, secondSignIn, firstSignIn] = pages
  t.match(firstSignIn, { method: 'password', newDevice: true, ip: '203.0.113.0/24', userAgent: 'laptop/1' })
  t.match(secondSignIn, { method: 'password', newDevice: false })
  t.match(throttled, { ip: '2001:db8:1::/48', userAgent: 'phone/2' })
  t.match(reuse, { ip: '2001:db8:1::/48', sessionId: String })
  t.match(phoneSignIn, { newDevice: true, userAgent: 'phone/2' })
  t.match(revokedOne, { revokedBy: 'user', sessionId: laptop.id, userAgent: 'phone/2' })
  t.match(revokedAll, { revokedBy: 'password_change' })
  t.notOk('sessionId' in revokedAll!, 'a revoke-all names no single session')
  t.match(passwordChanged, { ip: '2001:db8:1::/48' })

  const everything = JSON.stringify(pages)
  for (const secret of [PASSWORD, NEW_PASSWORD, stolen, device, accessToken, HOME, PHONE]) t.notOk(everything.includes(secret), 'no secret and no full IP in the events')

  const bad = await gateway.inject({ method: 'GET', url: '/auth/activity?cursor=bm90LWEtY3Vyc29y', headers: bearer(accessToken) })
  t.equal(bad.statusCode, 400, 'a forged cursor is refused')
  t.equal(bad.json().error.code, 'VALIDATION_FAILED')
  t.equal((await gateway.inject({ method: 'GET', url: '/auth/activity' })).statusCode, 401, 'bearer required')
})
