/**
 * Finding 2: identity committed the new hash, then the gateway asked token to end the other
 * sessions; when that call failed the client got 503, the other sessions (a thief's included)
 * lived on, and a retry answered "current password is incorrect". Now the gateway retries the
 * revocation, says the truth when it still cannot, and the same request sent again finishes it.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import type { App } from '@gatehouse/platform'
import { JSON_HEADERS } from './helper.ts'
import { startFlakyProxy } from './support/flaky-proxy.ts'
import { buildRealGateway, eventually, startRealServices } from './support/real-services.ts'

const services = await startRealServices(t, 'gw-pw-atomic')
const token = await startFlakyProxy(t, services.stack.urls.token, '/sessions/revoke-all')
const gateway = await buildRealGateway(t, { ...services, gatewayEnv: { ...services.gatewayEnv, TOKEN_URL: token.url } })

const PASSWORD = 'a perfectly fine passphrase'
const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` })

async function signedInTwice(app: App) {
  const email = `pw-${randomBytes(4).toString('hex')}@example.com`
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email, password: PASSWORD } })
  const signIn = async () => (await app.inject({ method: 'POST', url: '/auth/login', headers: JSON_HEADERS, payload: { email, password: PASSWORD } })).json().accessToken as string
  return { thief: await signIn(), owner: await signIn() }
}

const change = (app: App, accessToken: string, newPassword: string) => app.inject({
  method: 'POST', url: '/auth/password', headers: { ...JSON_HEADERS, ...bearer(accessToken) }, payload: { currentPassword: PASSWORD, newPassword },
})
const meEventually = (app: App, accessToken: string, status: number) =>
  eventually(() => app.inject({ method: 'GET', url: '/auth/me', headers: bearer(accessToken) }), (response) => response.statusCode === status)

t.test('a token service that fails once still ends the other sessions, and the client hears 204', async (t) => {
  const { thief, owner } = await signedInTwice(gateway)
  token.failures = 1
  const changed = await change(gateway, owner, 'a brand new passphrase one')
  t.equal(changed.statusCode, 204, 'the change is answered as done')
  t.equal(token.failures, 0, 'the token service did fail once')
  t.equal((await meEventually(gateway, thief, 401)).statusCode, 401, 'the other session is over')
  t.equal((await meEventually(gateway, owner, 200)).statusCode, 200, 'the caller stays signed in')
})

t.test('a token service that keeps failing gets a true 503, and the same request again finishes the job', async (t) => {
  const { thief, owner } = await signedInTwice(gateway)
  token.failures = 100
  const failed = await change(gateway, owner, 'a brand new passphrase two')
  t.equal(failed.statusCode, 503)
  t.match(failed.json().error.message, /password was changed/i, 'the answer says the password did change')
  t.ok(failed.headers['retry-after'], 'and when to try again')
  token.failures = 0
  const retried = await change(gateway, owner, 'a brand new passphrase two')
  t.equal(retried.statusCode, 204, 'the retry is not told the current password is wrong')
  t.equal((await meEventually(gateway, thief, 401)).statusCode, 401, 'the other session is over')
  t.equal((await meEventually(gateway, owner, 200)).statusCode, 200)
  const stale = await change(gateway, owner, 'yet another passphrase three')
  t.equal(stale.statusCode, 403, 'a different new password with the old current one is still refused')
})
