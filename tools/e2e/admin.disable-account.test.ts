/**
 * The admin API against the real services (three processes over HTTP): a disabled account's live
 * access token stops passing introspection within 1 s, its refresh fails, its sign-in answers
 * exactly like a wrong password; every admin call leaves an audit event with the admin client's id
 * and reason; and no service or introspection client gets into any admin endpoint.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { adminOpenApiDocument } from '@gatehouse/schemas'
import { basicAuthorization } from '@gatehouse/platform'
import { startStack, type Stack } from '@gatehouse/stack'
import { createAdminClient, AdminCallError } from '../admin/admin-client.ts'
import { run } from '../admin/commands.ts'
import { Browser, introspect, sleep } from './client.ts'

const endpoint = process.env['DYNAMODB_ENDPOINT']
if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')

const prefix = `e2e-admin-${randomBytes(4).toString('hex')}-`
const clients = createDynamoClients({ endpoint })
await createTables(clients.client, prefix)
clients.destroy()

const stack: Stack = await startStack({
  dynamoEndpoint: endpoint,
  tablePrefix: prefix,
  bcryptCost: 4,
  log: () => undefined,
  env: { gateway: { RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' } },
})
t.teardown(() => stack.stop())

const gateway = stack.urls.gateway
const admin = createAdminClient({ identityUrl: stack.urls.identity, tokenUrl: stack.urls.token, clientId: stack.secrets.admin.id, clientSecret: stack.secrets.admin.secret })
const email = `admin-e2e-${randomBytes(3).toString('hex')}@example.com`
const password = 'a perfectly fine passphrase'
const reason = 'ticket 4711: account reported hijacked'

async function login(browser: Browser, pw = password) {
  return browser.call('POST', '/auth/login', { json: { email, password: pw } })
}

const registered = await new Browser(gateway).call('POST', '/auth/register', { json: { email, password } })
const userId = registered.body['userId'] as string

t.test('find by email (normalised) and by id: profile and state, never the hash', async (t) => {
  const found = await admin.findByEmail(` ${email.toUpperCase()} `, reason)
  t.equal(found.userId, userId)
  t.equal(found.disabled, false)
  t.notOk('passwordHash' in found, 'no hash in the admin view')
  t.same(await admin.user(userId, reason), found)
  await t.rejects(admin.findByEmail('nobody-here@example.com', reason), /: 404 /, 'an unknown email: 404')
  await t.rejects(admin.user(userId, ''), /: 400 /, 'a reason is required')
})

t.test('disable: introspection fails within 1 s, refresh fails, sign-in answers like a wrong password; enable restores sign-in', async (t) => {
  const browser = new Browser(gateway)
  const signedIn = await login(browser)
  t.equal(signedIn.status, 200)
  const accessToken = signedIn.body['accessToken'] as string
  t.equal((await introspect(stack.urls.token, accessToken, stack.secrets.introspection)).body['active'], true)
  const wrongPassword = await login(new Browser(gateway), 'not the passphrase at all')
  t.equal(wrongPassword.status, 401)

  const disabled = await admin.disable(userId, reason)
  t.match(disabled, { disabled: true, disabledBy: stack.secrets.admin.id, disabledReason: reason })
  await sleep(1000)
  t.equal((await introspect(stack.urls.token, accessToken, stack.secrets.introspection)).body['active'], false, 'the live access token is no longer active')
  t.equal((await browser.call('GET', '/auth/me', { bearer: accessToken })).status, 401)
  t.equal((await browser.call('POST', '/auth/refresh', { json: {} })).status, 401, 'its refresh fails')

  const refused = await login(new Browser(gateway))
  t.equal(refused.status, wrongPassword.status, 'same status as a wrong password')
  const strip = (body: Record<string, unknown>) => ({ ...body, error: { ...(body['error'] as object), requestId: 'x' } })
  t.same(strip(refused.body), strip(wrongPassword.body), 'same body as a wrong password')

  const activity = await admin.activity(userId, reason, { limit: '50' })
  const types = activity.events.map((event) => event.type)
  t.ok(types.includes('sign_in_refused_disabled'), 'the activity says why sign-in was refused')
  t.match(activity.events.find((event) => event.type === 'admin_account_disabled'), { adminClient: stack.secrets.admin.id, reason })
  t.match(activity.events.find((event) => event.type === 'admin_sessions_revoked'), { adminClient: stack.secrets.admin.id, reason })
  t.match(activity.events.find((event) => event.type === 'session_revoked'), { revokedBy: 'admin' })
  t.match(activity.events.find((event) => event.type === 'admin_user_viewed'), { adminClient: stack.secrets.admin.id, reason })

  t.match(await admin.enable(userId, 'ticket 4711: owner verified, password changed'), { disabled: false })
  const again = await login(new Browser(gateway))
  t.equal(again.status, 200, 're-enabled: signs in again')
  const own = await new Browser(gateway).call('GET', '/auth/activity?limit=50', { bearer: again.body['accessToken'] as string })
  const ownEvents = own.body['events'] as Record<string, unknown>[]
  t.ok(ownEvents.some((event) => event['type'] === 'admin_account_disabled'), 'the owner sees the account was disabled')
  t.notOk(ownEvents.some((event) => 'reason' in event || 'adminClient' in event), 'but not the admin id or the internal reason')
  t.notOk(ownEvents.some((event) => event['type'] === 'admin_user_viewed'), 'nor the lookups')
})

t.test('revoke one session, then all, through the CLI', async (t) => {
  const laptop = new Browser(gateway)
  const phone = new Browser(gateway)
  const laptopToken = (await login(laptop)).body['accessToken'] as string
  const phoneToken = (await login(phone)).body['accessToken'] as string
  const env = {
    GATEHOUSE_ADMIN_IDENTITY_URL: stack.urls.identity, GATEHOUSE_ADMIN_TOKEN_URL: stack.urls.token,
    GATEHOUSE_ADMIN_CLIENT_ID: stack.secrets.admin.id, GATEHOUSE_ADMIN_CLIENT_SECRET: stack.secrets.admin.secret,
  }
  const found = JSON.parse(await run(['find', '--email', email, '--reason', reason], env)) as { userId: string }
  t.equal(found.userId, userId)
  const shown = JSON.parse(await run(['show', '--user', userId, '--reason', reason], env)) as { sessions: { sessionId: string }[] }
  const laptopSid = JSON.parse(Buffer.from(laptopToken.split('.')[1]!, 'base64url').toString('utf8')).sid as string
  t.ok(shown.sessions.some((session) => session.sessionId === laptopSid), 'show lists the sessions')
  // `sessions` pages: one at a time, each page's `next` is the following page's --cursor.
  const paged: string[] = []
  let cursor: string | undefined
  do {
    const page = JSON.parse(await run(['sessions', '--user', userId, '--reason', reason, '--limit', '1', ...(cursor === undefined ? [] : ['--cursor', cursor])], env)) as { sessions: { sessionId: string }[]; next?: string }
    t.ok(page.sessions.length <= 1, 'at most --limit per page')
    paged.push(...page.sessions.map((session) => session.sessionId))
    cursor = page.next
  } while (cursor !== undefined && paged.length < 50)
  t.same(paged, shown.sessions.map((session) => session.sessionId), 'paging by --cursor gives the same sessions as one page, in order')
  await run(['revoke-session', '--user', userId, '--session', laptopSid, '--reason', reason], env)
  await sleep(1000)
  t.equal((await introspect(stack.urls.token, laptopToken, stack.secrets.introspection)).body['active'], false, 'the revoked session')
  t.equal((await introspect(stack.urls.token, phoneToken, stack.secrets.introspection)).body['active'], true, 'the other one lives')
  await run(['revoke-sessions', '--user', userId, '--reason', reason], env)
  await sleep(1000)
  t.equal((await introspect(stack.urls.token, phoneToken, stack.secrets.introspection)).body['active'], false)
  await t.rejects(run(['disable', '--user', userId], env), /--reason is required/)
})

t.test('service and introspection clients (and no credentials) are refused on every admin endpoint', async (t) => {
  const document = adminOpenApiDocument() as { paths: Record<string, Record<string, { tags: string[] }>> }
  const callers = {
    gateway: basicAuthorization(stack.secrets.gateway.id, stack.secrets.gateway.secret),
    introspection: basicAuthorization(stack.secrets.introspection.id, stack.secrets.introspection.secret),
    none: undefined,
  }
  const paths = [...Object.entries(document.paths), ['/admin/v1/openapi.json', { get: { tags: ['identity', 'token'] } }] as const]
  let checked = 0
  for (const [template, operations] of paths) {
    const path = template.replace('{userId}', userId).replace('{sessionId}', 'a'.repeat(43))
    for (const [method, operation] of Object.entries(operations)) {
      for (const service of operation.tags as ('identity' | 'token')[]) {
        for (const [caller, authorization] of Object.entries(callers)) {
          const response = await fetch(`${stack.urls[service]}${path}${method === 'get' ? `?reason=${encodeURIComponent(reason)}&email=${encodeURIComponent(email)}` : ''}`, {
            method: method.toUpperCase(),
            headers: { ...(authorization === undefined ? {} : { authorization }), ...(method === 'post' ? { 'content-type': 'application/json' } : {}) },
            ...(method === 'post' ? { body: JSON.stringify({ reason }) } : {}),
          })
          t.equal(response.status, 401, `${caller} → ${method.toUpperCase()} ${template} on ${service}`)
          checked += 1
        }
      }
    }
  }
  t.ok(checked >= 27, `${checked} refusals checked`)
  t.match(await admin.user(userId, reason), { disabled: false }, 'nothing changed')
  await t.rejects(createAdminClient({ identityUrl: stack.urls.identity, tokenUrl: stack.urls.token, clientId: stack.secrets.admin.id, clientSecret: 'wrong-secret-0123456789' }).user(userId, reason), AdminCallError)
})
