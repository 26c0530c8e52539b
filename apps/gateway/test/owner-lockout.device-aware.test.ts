/**
 * Finding 6: the gateway's per-email+IP login limit ignored the device, so a stranger behind the
 * owner's carrier NAT could block the owner; and `gh_device` was never re-issued, so it died a
 * year after it was first set although identity renews trust at every login.
 */
import t from 'tap'
import type { App } from '@gatehouse/platform'
import { JSON_HEADERS, gatewayWithFakes, setCookies } from './helper.ts'

const PASSWORD = 'correct horse battery'
const NAT = '198.51.100.7'
const login = (app: App, password: string, cookie?: string) => app.inject({
  method: 'POST', url: '/auth/login', remoteAddress: NAT,
  headers: { ...JSON_HEADERS, ...(cookie === undefined ? {} : { cookie }) }, payload: { email: 'owner@example.com', password },
})

t.test('a stranger behind the same NAT exhausting the per-email limit does not block the owner\'s device', async (t) => {
  const { app } = await gatewayWithFakes(t, { RATE_LIMIT_LOGIN_PER_EMAIL: '3' })
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'owner@example.com', password: PASSWORD } })
  const owner = setCookies((await login(app, PASSWORD)).headers).find((cookie) => cookie.name === 'gh_device')?.value
  t.ok(owner, 'the owner\'s browser holds a device cookie')

  const codes: number[] = []
  for (let i = 0; i < 4; i += 1) codes.push((await login(app, 'a stranger guessing')).statusCode)
  t.equal(codes.at(-1), 429, 'the stranger, without the owner\'s cookie, is limited')
  t.equal((await login(app, PASSWORD, `gh_device=${owner}`)).statusCode, 200, 'the owner on their device still signs in')
})

t.test('gh_device is re-issued with a full lifetime at each login', async (t) => {
  const { app } = await gatewayWithFakes(t)
  const device = 'A'.repeat(43)
  const answer = await login(app, 'whatever password', `gh_device=${device}`)
  const reissued = setCookies(answer.headers).find((cookie) => cookie.name === 'gh_device')
  t.equal(reissued?.value, device, 'the same id')
  t.ok(reissued?.attributes.includes('Max-Age=31536000'), 'a fresh year from now')
})
