/**
 * `email_verified` (OpenID Connect Core §5.1) in every access token: what the sign-in said, kept
 * by refreshes, and turned true at the next refresh once the gateway reports a verification; and
 * introspection (RFC 7662) says what the token says.
 */
import t from 'tap'
import { OTHER_USER_ID, USER_ID, buildTestApp, decodeJwtPart, gatewayAuth, introspect, issue, refresh } from './helper.ts'
import type { App } from '@gatehouse/platform'
import { startRequestWatch } from '@gatehouse/dynamo-local'

const markVerified = (app: App, userId: string) =>
  app.inject({ method: 'POST', url: `/v1/users/${userId}/email-verified`, headers: { authorization: gatewayAuth }, payload: {} })

const claimOf = (accessToken: string): unknown => decodeJwtPart(accessToken, 1)['email_verified']

t.test('the sign-in decides the claim; introspection shows it; absent counts as false', async (t) => {
  const { app } = await buildTestApp(t, 'ev-issue')
  const verified = await issue(app, { emailVerified: true })
  t.equal(claimOf(verified.accessToken), true)
  t.match((await introspect(app, verified.accessToken)).json(), { active: true, email_verified: true })
  const unverified = await issue(app, { emailVerified: false })
  t.equal(claimOf(unverified.accessToken), false)
  t.match((await introspect(app, unverified.accessToken)).json(), { active: true, email_verified: false })
  t.equal(claimOf((await issue(app)).accessToken), false, 'a caller that does not say gets false, never true')
})

t.test('a verification reported by the gateway turns the claim true at the next refresh, for that user only', async (t) => {
  const { app } = await buildTestApp(t, 'ev-refresh')
  const mine = await issue(app, { emailVerified: false })
  const theirs = await issue(app, { userId: OTHER_USER_ID, emailVerified: false })

  const before = await refresh(app, mine.refreshToken)
  t.equal(claimOf(before.json().accessToken as string), false, 'a refresh keeps false while nothing changed')

  t.equal((await markVerified(app, USER_ID)).statusCode, 204)
  const after = await refresh(app, before.json().refreshToken as string)
  t.equal(after.statusCode, 200)
  t.equal(claimOf(after.json().accessToken as string), true, 'the current state, not the sign-in\'s')
  t.match((await introspect(app, after.json().accessToken as string)).json(), { active: true, email_verified: true })
  t.equal(claimOf((await refresh(app, after.json().refreshToken as string)).json().accessToken as string), true, 'and it stays true down the chain')
  t.equal(claimOf((await refresh(app, theirs.refreshToken)).json().accessToken as string), false, 'another user is not affected')

  t.equal((await markVerified(app, USER_ID)).statusCode, 204, 'reporting twice is harmless')
  t.equal((await refresh(app, mine.refreshToken)).statusCode, 200, 'the grace replay of a used token still works after the marker')
})

t.test('the verification marker does not revoke anything: sessions stay listed and active', async (t) => {
  const { app } = await buildTestApp(t, 'ev-marker')
  const pair = await issue(app, { emailVerified: false })
  t.equal((await markVerified(app, USER_ID)).statusCode, 204)
  t.match((await introspect(app, pair.accessToken)).json(), { active: true })
  const listed = await app.inject({ method: 'GET', url: `/v1/users/${USER_ID}/sessions`, headers: { authorization: gatewayAuth } })
  t.equal((listed.json().sessions as unknown[]).length, 1)
})

t.test('only internal callers may report a verification', async (t) => {
  const { app } = await buildTestApp(t, 'ev-auth')
  t.equal((await app.inject({ method: 'POST', url: `/v1/users/${USER_ID}/email-verified`, payload: {} })).statusCode, 401)
})

t.test('an unverified chain refreshes in two DynamoDB requests, as a verified one does: the marker is checked inside the rotation, read only once it refuses (issue 20)', async (t) => {
  const seeded = await buildTestApp(t, 'ev-requests')
  const proxy = await startRequestWatch(seeded.dynamo.endpoint)
  t.teardown(() => proxy.close())
  const { app } = await buildTestApp(t, 'ev-requests', { share: seeded, env: { DYNAMODB_ENDPOINT: proxy.url } })
  const counted = async (refreshToken: string) => {
    proxy.stats.reset()
    const response = await refresh(app, refreshToken)
    t.equal(response.statusCode, 200)
    return { body: response.json() as { accessToken: string; refreshToken: string }, requests: Object.fromEntries([...proxy.stats.count.entries()].sort()) }
  }
  const first = await counted((await issue(app, { emailVerified: false })).refreshToken)
  t.same(first.requests, { GetItem: 1, TransactWriteItems: 1 }, 'the token, then the rotation')
  t.equal(claimOf(first.body.accessToken), false)

  t.equal((await markVerified(app, USER_ID)).statusCode, 204)
  const turned = await counted(first.body.refreshToken)
  t.same(turned.requests, { GetItem: 3, TransactWriteItems: 2 }, 'once per chain: the refused rotation, the marker read, the token again and the rotation again')
  t.equal(claimOf(turned.body.accessToken), true)
  const next = await counted(turned.body.refreshToken)
  t.same(next.requests, { GetItem: 1, TransactWriteItems: 1 }, 'and two again down the verified chain')
  t.equal(claimOf(next.body.accessToken), true)
})
