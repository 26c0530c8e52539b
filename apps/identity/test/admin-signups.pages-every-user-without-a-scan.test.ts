/**
 * Issue 19: "paginated listings only; no Scan of the users table (an index or an export for all
 * users)". GET /admin/v1/signups pages through every user, newest sign-up first, from the sharded
 * sign-up index: each user once (ties within one millisecond included), no email guard, never a
 * Scan (counted on DynamoDB Local's side), and the call is audited.
 */
import t from 'tap'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { startRequestWatch, useTestDynamo } from '@gatehouse/dynamo-local'
import { basicAuthorization } from '@gatehouse/platform'
import { buildTestApp, createUser, fakeClock } from './helper.ts'

const SUPPORT = { id: 'support-desk', secret: 'support-secret-0123456789' }
const ADMIN = { authorization: basicAuthorization(SUPPORT.id, SUPPORT.secret) }
const reason = 'ticket 99: spam wave review'
const USERS = 45

t.test('every user once, newest sign-up first, a page at a time, never a Scan', async (t) => {
  const dynamo = await useTestDynamo(t, 'admin-signups')
  const watch = await startRequestWatch(dynamo.endpoint)
  t.teardown(() => watch.close())
  const clock = fakeClock()
  const { app } = await buildTestApp(t, 'admin-signups', {
    dynamo: { ...dynamo, endpoint: watch.url },
    now: clock.now,
    env: { ADMIN_CLIENTS: `${SUPPORT.id}:${SUPPORT.secret}`, DYNAMODB_ENDPOINT: watch.url },
  })
  const created: { userId: string; createdAt: string }[] = []
  for (let index = 0; index < USERS; index += 1) {
    const response = await createUser(app, `user${index}@example.com`)
    t.equal(response.statusCode, 201)
    created.push({ userId: response.json().userId as string, createdAt: new Date(clock.now()).toISOString() })
    // Every third sign-up shares its millisecond with the next: the order breaks ties by id.
    if (index % 3 !== 0) clock.ms += 1
  }
  const expected = [...created].sort((a, b) => (a.createdAt === b.createdAt ? (a.userId < b.userId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((user) => user.userId)

  watch.stats.reset()
  const seen: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await app.inject({ method: 'GET', url: `/admin/v1/signups?${new URLSearchParams({ reason, limit: '7', ...(cursor === undefined ? {} : { cursor }) })}`, headers: ADMIN })
    t.equal(page.statusCode, 200)
    const body = page.json() as { users: { userId: string; email: string; emailVerified: boolean; disabled: boolean }[]; next?: string }
    t.ok(body.users.length <= 7, 'at most the limit')
    t.ok(body.users.every((user) => user.email.endsWith('@example.com') && user.disabled === false), 'users only, as the index shows them')
    seen.push(...body.users.map((user) => user.userId))
    cursor = body.next
    pages += 1
  } while (cursor !== undefined && pages < 30)
  t.same(seen, expected, `all ${USERS} users once, newest first (${pages} pages)`)
  t.notOk(watch.stats.count.has('Scan'), 'never a Scan')
  t.ok((watch.stats.count.get('Query') ?? 0) > 0, 'Queries on the index')

  const audit = await dynamo.doc.send(new QueryCommand({
    TableName: dynamo.tables.SecurityEvents, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': `admin#${SUPPORT.id}` },
  }))
  t.equal(audit.Items?.length, pages, 'each listing call is audited under the admin client')
  t.match(audit.Items?.[0], { type: 'admin_users_listed', adminClient: SUPPORT.id, reason })

  const bad = await app.inject({ method: 'GET', url: `/admin/v1/signups?reason=${encodeURIComponent(reason)}&cursor=bm9wZQ`, headers: ADMIN })
  t.equal(bad.statusCode, 400, 'a cursor this service did not issue')
  t.equal((await app.inject({ method: 'GET', url: '/admin/v1/signups?limit=5', headers: ADMIN })).statusCode, 400, 'a reason is required')
})
