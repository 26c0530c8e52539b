/**
 * Native apps keep no cookie jar: with `x-token-transport: body` the refresh token travels in the
 * JSON body, with the same rotation, grace window, reuse detection and revocation as the cookie.
 * The three services as separate processes, real HTTP only; a browser (cookie) client alongside.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { startStack } from '@gatehouse/stack'
import { Browser, introspect, sleep } from './client.ts'

const GRACE_SEC = 1
const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')
const prefix = `native-${randomBytes(4).toString('hex')}-`
const clients = createDynamoClients({ endpoint })
await createTables(clients.client, prefix)
clients.destroy()
const stack = await startStack({
  dynamoEndpoint: endpoint,
  tablePrefix: prefix,
  bcryptCost: 4,
  logLevel: 'warn',
  env: { token: { REFRESH_GRACE_SECONDS: String(GRACE_SEC) }, gateway: { RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' } },
})
t.teardown(() => stack.stop())

const gateway = stack.urls.gateway
const email = `native-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const native = { 'x-token-transport': 'body' }
const active = async (token: string): Promise<boolean> => (await introspect(stack.urls.token, token, stack.secrets.introspection)).body['active'] === true

await new Browser(gateway).call('POST', '/auth/register', { json: { email, password } })

t.test('body transport: login, refresh and logout carry the refresh token in JSON, never a cookie', async (t) => {
  const app = new Browser(gateway)
  const login = await app.call('POST', '/auth/login', { json: { email, password }, headers: native })
  t.equal(login.status, 200)
  t.match(login.body, { accessToken: String, tokenType: 'Bearer', refreshToken: String, refreshExpiresIn: Number })
  t.notOk(login.setCookie.some((cookie) => cookie.startsWith('gh_refresh=')), 'no refresh cookie is set')
  const first = login.body['refreshToken'] as string

  const refreshed = await app.call('POST', '/auth/refresh', { json: { refreshToken: first }, headers: native })
  t.equal(refreshed.status, 200)
  const second = refreshed.body['refreshToken'] as string
  t.not(second, first, 'rotated')
  t.notOk(refreshed.setCookie.some((cookie) => cookie.startsWith('gh_refresh=')))
  const again = await app.call('POST', '/auth/refresh', { json: { refreshToken: first }, headers: native })
  t.equal(again.body['refreshToken'], second, 'within the grace window the same successor')

  await app.call('POST', '/auth/logout', { json: { refreshToken: second }, headers: native }).then((reply) => t.equal(reply.status, 204))
  t.notOk(await active(refreshed.body['accessToken'] as string), 'logout revokes the session')
  const afterLogout = await app.call('POST', '/auth/refresh', { json: { refreshToken: second }, headers: native })
  t.equal(afterLogout.status, 401)
})

t.test('body transport: a consumed token after the grace window revokes the session', async (t) => {
  const app = new Browser(gateway)
  const login = await app.call('POST', '/auth/login', { json: { email, password }, headers: native })
  const first = login.body['refreshToken'] as string
  const refreshed = await app.call('POST', '/auth/refresh', { json: { refreshToken: first }, headers: native })
  await sleep(GRACE_SEC * 1000 + 300)
  const reused = await app.call('POST', '/auth/refresh', { json: { refreshToken: first }, headers: native })
  t.equal(reused.status, 401, 'reuse detected')
  const successor = await app.call('POST', '/auth/refresh', { json: { refreshToken: refreshed.body['refreshToken'] }, headers: native })
  t.equal(successor.status, 401, 'the whole session is revoked')
})

t.test('the transports never mix', async (t) => {
  const browser = new Browser(gateway)
  const cookieLogin = await browser.call('POST', '/auth/login', { json: { email, password } })
  t.equal(cookieLogin.body['refreshToken'], undefined, 'a browser gets no refresh token in the body')
  t.ok(browser.cookies.has('gh_refresh'))
  const cookieToken = browser.cookies.get('gh_refresh') as string

  const cookieViaBodyTransport = await browser.call('POST', '/auth/refresh', { json: {}, headers: native })
  t.equal(cookieViaBodyTransport.status, 401, 'a cookie does not authenticate a body-transport request')
  const bodyViaCookieTransport = await new Browser(gateway).call('POST', '/auth/refresh', { json: { refreshToken: cookieToken } })
  t.equal(bodyViaCookieTransport.status, 400, 'a body token does not authenticate the cookie path')

  const app = new Browser(gateway)
  const nativeLogin = await app.call('POST', '/auth/login', { json: { email, password }, headers: native })
  const asCookie = new Browser(gateway)
  asCookie.cookies.set('gh_refresh', nativeLogin.body['refreshToken'] as string)
  const nativeTokenAsCookie = await asCookie.call('POST', '/auth/refresh', { json: {} })
  t.equal(nativeTokenAsCookie.status, 200, 'the cookie path rotates whatever valid token its cookie holds (one session model)')
  const unknown = await app.call('POST', '/auth/refresh', { json: {}, headers: { 'x-token-transport': 'carrier-pigeon' } })
  t.equal(unknown.status, 400)

  const browserRefresh = await browser.call('POST', '/auth/refresh', { json: {} })
  t.equal(browserRefresh.status, 200, 'the browser keeps its cookie session')
})
