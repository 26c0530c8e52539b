/**
 * `email_verified` (OpenID Connect Core §5.1) in every access token: what the sign-in said, kept
 * by refreshes, and turned true at the next refresh once the gateway reports a verification; and
 * introspection (RFC 7662) says what the token says.
 */
import t from 'tap'
import { OTHER_USER_ID, USER_ID, buildTestApp, decodeJwtPart, gatewayAuth, introspect, issue, refresh } from './helper.ts'
import type { App } from '@gatehouse/platform'

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
