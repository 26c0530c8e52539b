/**
 * Issue 11, finding 3: per-user listings were unbounded. Revoked sessions stayed in the user index
 * until TTL, and listing, revoke-all and password change read every one of them. Now the index is
 * sparse (only unrevoked sessions carry its key), listings are pages with an opaque cursor,
 * revoke-all walks pages with a bounded number of writes in flight, and MAX_SESSIONS_PER_USER
 * ends the oldest session at a sign-in past it. On DynamoDB Local, with thousands of sessions.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { USER_SESSIONS_INDEX } from '@gatehouse/dynamo'
import { startRequestWatch } from '@gatehouse/dynamo-local'
import { USER_ID, buildTestApp, gatewayAuth, issue, refresh, type TestApp } from './helper.ts'

const ACTIVE = 2000
const REVOKED = 1000

/** Writes sessions straight into the table, as thousands of sign-ins (and revocations) would leave them. */
async function seedSessions(test: TestApp, active: number, revoked: number): Promise<string[]> {
  const start = test.clock.now() - (active + revoked) * 1000
  const items = Array.from({ length: active + revoked }, (_, index) => {
    const at = new Date(start + index * 1000).toISOString()
    const live = index % 3 !== 0 || index >= 3 * revoked
    return {
      sessionId: randomUUID(),
      userId: USER_ID,
      ...(live ? { activeUserId: USER_ID } : { revokedAt: at }),
      scope: 'openid',
      createdAt: at,
      authTime: at,
      lastUsedAt: at,
      expiresAt: Math.floor(test.clock.now() / 1000) + 86_400,
      userAgent: `device ${index}`,
    }
  })
  const live = items.filter((item) => 'activeUserId' in item)
  if (live.length !== active) throw new Error(`seed arithmetic: ${live.length} live`)
  for (let at = 0; at < items.length; at += 25) {
    await test.dynamo.doc.send(new BatchWriteCommand({
      RequestItems: { [test.dynamo.tables.Sessions]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) },
    }))
  }
  return live.map((item) => item.sessionId).reverse()
}

async function indexCount(test: TestApp): Promise<number> {
  let count = 0
  let startKey: Record<string, unknown> | undefined
  do {
    const page = await test.dynamo.doc.send(new QueryCommand({
      TableName: test.dynamo.tables.Sessions, IndexName: USER_SESSIONS_INDEX, Select: 'COUNT',
      KeyConditionExpression: 'activeUserId = :u', ExpressionAttributeValues: { ':u': USER_ID }, ExclusiveStartKey: startKey,
    }))
    count += page.Count ?? 0
    startKey = page.LastEvaluatedKey
  } while (startKey !== undefined)
  return count
}

const list = (test: TestApp, query = '') => test.app.inject({ method: 'GET', url: `/v1/users/${USER_ID}/sessions${query}`, headers: { authorization: gatewayAuth } })

t.test('the user index holds only unrevoked sessions, and the listing pages through thousands by cursor, newest first', async (t) => {
  const test = await buildTestApp(t, 'page', { env: { MAX_SESSIONS_PER_USER: '1000' } })
  const newestFirst = await seedSessions(test, ACTIVE, REVOKED)
  t.equal(await indexCount(test), ACTIVE, `the index lists the ${ACTIVE} live sessions, none of the ${REVOKED} revoked`)

  const first = await list(test)
  t.equal(first.statusCode, 200)
  t.equal(first.json().sessions.length, 20, 'a page without limit holds 20')
  t.ok(first.json().next, 'and says where the next starts')

  const seen: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await list(test, `?limit=100${cursor === undefined ? '' : `&cursor=${cursor}`}`)
    t.equal(page.statusCode, 200)
    const body = page.json() as { sessions: { sessionId: string }[]; next?: string }
    t.ok(body.sessions.length <= 100, 'never more than the limit')
    seen.push(...body.sessions.map((session) => session.sessionId))
    cursor = body.next
    pages += 1
  } while (cursor !== undefined && pages < 100)
  t.equal(seen.length, ACTIVE, 'every live session once')
  t.same(seen, newestFirst, 'newest first, none twice, no revoked one')
  t.ok(pages <= ACTIVE / 100 + 1, `${pages} pages`)

  const bad = await list(test, '?cursor=bm90LWEtY3Vyc29y')
  t.equal(bad.statusCode, 400, 'a cursor we did not issue is refused')
  t.equal(bad.json().error.details.field, 'cursor')
  t.equal((await list(test, '?limit=0')).statusCode, 400)
  t.equal((await list(test, '?limit=101')).statusCode, 400)
})

t.test('revoke-all over thousands of sessions ends every one a page at a time, with at most 16 writes in flight, and empties the index', async (t) => {
  const seeded = await buildTestApp(t, 'walk', { env: { MAX_SESSIONS_PER_USER: '1000' } })
  const proxy = await startRequestWatch(seeded.dynamo.endpoint)
  t.teardown(() => proxy.close())
  const test = await buildTestApp(t, 'walk', { share: seeded, env: { MAX_SESSIONS_PER_USER: '1000', DYNAMODB_ENDPOINT: proxy.url } })
  const kept = await issue(test.app)
  const other = await issue(test.app)
  test.clock.advance(5)
  await seedSessions(test, ACTIVE, REVOKED)
  proxy.stats.reset()

  const revokeAll = await test.app.inject({
    method: 'POST', url: `/v1/users/${USER_ID}/sessions/revoke-all`, headers: { authorization: gatewayAuth }, payload: { exceptSessionId: kept.sessionId },
  })
  t.equal(revokeAll.statusCode, 204)
  t.equal((await refresh(test.app, other.refreshToken)).statusCode, 401, 'at the answer, every other session is already ended (the marker)')
  // The walk that takes each session out of the index goes on after the answer: wait for it.
  for (let waited = 0; (await indexCount(test)) > 1 && waited < 120; waited += 1) await new Promise((resolve) => setTimeout(resolve, 500))
  const updates = proxy.stats.count.get('UpdateItem') ?? 0
  const peak = proxy.stats.peak.get('UpdateItem') ?? 0
  t.ok(updates >= ACTIVE + 1, `${updates} revocation writes (the marker and each session)`)
  t.ok(peak <= 16, `at most 16 in flight (peak ${peak})`)
  t.ok(peak > 1, 'and more than one: the walk is concurrent')
  t.notOk(proxy.stats.count.has('Scan'), 'never a Scan')
  t.equal(await indexCount(test), 1, 'only the kept session is left in the index')
  t.equal((await refresh(test.app, other.refreshToken)).statusCode, 401, 'another session cannot refresh')
  t.equal((await refresh(test.app, kept.refreshToken)).statusCode, 200, 'the kept one can')
  const after = await list(test)
  t.same(after.json().sessions.map((session: { sessionId: string }) => session.sessionId), [kept.sessionId])
  t.notOk(after.json().next, 'one page, no cursor')
})

t.test('MAX_SESSIONS_PER_USER: a sign-in past the cap ends the oldest sessions and records why', async (t) => {
  const test = await buildTestApp(t, 'cap', { env: { MAX_SESSIONS_PER_USER: '3' } })
  const pairs = []
  for (let index = 0; index < 5; index += 1) {
    pairs.push(await issue(test.app, { userAgent: `device ${index}` }))
    test.clock.advance(1000)
  }
  const listed = (await list(test)).json().sessions.map((session: { sessionId: string }) => session.sessionId)
  t.same(listed, pairs.slice(2).map((pair) => pair.sessionId).reverse(), 'the three newest stay')
  t.equal(await indexCount(test), 3, 'the evicted ones left the index')
  for (const evicted of pairs.slice(0, 2)) {
    const refused = await refresh(test.app, evicted.refreshToken)
    t.equal(refused.statusCode, 401, 'an evicted session cannot refresh')
    t.equal(refused.json().error.details.reason, 'revoked')
  }
  t.equal((await refresh(test.app, pairs[4]!.refreshToken)).statusCode, 200, 'the newest goes on')
  const events = test.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['event'] === 'session_revoked')
  t.equal(events.length, 2, 'one event per sign-in that ended sessions')
  t.ok(events.every((event) => event['revokedBy'] === 'session_limit'))
})

t.test('the cap costs no Query at a sign-in under it: the count on the user marker decides when to walk (issue 20: requests per sign-in)', async (t) => {
  const seeded = await buildTestApp(t, 'cap-count', { env: { MAX_SESSIONS_PER_USER: '4' } })
  const proxy = await startRequestWatch(seeded.dynamo.endpoint)
  t.teardown(() => proxy.close())
  const test = await buildTestApp(t, 'cap-count', { share: seeded, env: { MAX_SESSIONS_PER_USER: '4', DYNAMODB_ENDPOINT: proxy.url } })
  const counted = async () => {
    proxy.stats.reset()
    const pair = await issue(test.app)
    test.clock.advance(1000)
    return { pair, requests: Object.fromEntries([...proxy.stats.count.entries()].sort()) }
  }
  t.same((await counted()).requests, { Query: 1, TransactWriteItems: 2 }, 'no count yet: the first sign-in walks once and writes the count')
  for (let index = 2; index <= 4; index += 1) t.same((await counted()).requests, { TransactWriteItems: 1 }, `sign-in ${index}: one request, under the cap`)
  const fifth = await counted()
  t.same(fifth.requests, { Query: 1, TransactWriteItems: 2, UpdateItem: 1, PutItem: 1 }, 'at the cap: the walk, one eviction (and its event), the write again')
  t.equal(await indexCount(test), 4, 'four live sessions: the cap holds')

  // Sessions that end by themselves leave the count as it was: it is an upper bound, so the next
  // sign-in walks sooner than it had to, never later.
  const { sessions } = (await list(test)).json() as { sessions: { sessionId: string }[] }
  for (const session of sessions.slice(1, 3)) {
    t.equal((await test.app.inject({ method: 'DELETE', url: `/v1/users/${USER_ID}/sessions/${session.sessionId}`, headers: { authorization: gatewayAuth } })).statusCode, 204)
  }
  t.same((await counted()).requests, { Query: 1, TransactWriteItems: 2 }, 'still counted at the cap: walks, finds two live, ends none')
  t.same((await counted()).requests, { TransactWriteItems: 1 }, 'the count was corrected to three: under the cap again')
  t.equal(await indexCount(test), 4)
})
