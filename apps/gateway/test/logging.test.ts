import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { loggerOptions } from '@gatehouse/platform'
import { closeFake, JSON_HEADERS, buildGateway, setCookies } from './helper.ts'
import { startFakeIdentity } from './support/fake-identity.ts'
import { startFakeToken } from './support/fake-token.ts'

t.test('no password, token or cookie reaches a log line, even at trace level with failures', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const logger = pino({ ...loggerOptions('trace', 'gateway') }, sink)
  const identity = await startFakeIdentity()
  const token = await startFakeToken()
  t.teardown(() => Promise.all([closeFake(identity), closeFake(token)]))
  const app = await buildGateway(t, { IDENTITY_URL: identity.url, TOKEN_URL: token.url }, logger)
  const password = 'super-secret-passphrase'
  await app.inject({ method: 'POST', url: '/auth/register', headers: JSON_HEADERS, payload: { email: 'log@example.com', password } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', headers: JSON_HEADERS, payload: { email: 'log@example.com', password } })
  const accessToken = login.json().accessToken as string
  const refresh = setCookies(login.headers).find((cookie) => cookie.name === 'gh_refresh')!.value
  await app.inject({ method: 'POST', url: '/auth/refresh', headers: JSON_HEADERS, cookies: { gh_refresh: refresh } })
  await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${accessToken}` } })
  await closeFake(token)
  await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${accessToken}` } })
  const all = lines.join('')
  t.ok(lines.length > 5, 'something was logged')
  t.match(all, /downstream unavailable/)
  t.notMatch(all, password)
  t.notMatch(all, accessToken)
  t.notMatch(all, refresh)
  t.notMatch(all, /test-gateway-secret/)
})
