import t from 'tap'
import { OTHER_USER_ID, USER_ID, buildTestApp, gatewayAuth, introspect, issue, refresh } from './helper.ts'
import type { App } from '@gatehouse/platform'

const revoke = (app: App, token: string) =>
  app.inject({ method: 'POST', url: '/v1/revoke', headers: { authorization: gatewayAuth }, payload: { token } })
const list = async (app: App, userId = USER_ID) =>
  (await app.inject({ method: 'GET', url: `/v1/users/${userId}/sessions`, headers: { authorization: gatewayAuth } })).json()

t.test('revoking a refresh token ends its session (RFC 7009); unknown tokens answer 200 too', async (t) => {
  const { app } = await buildTestApp(t, 'revoke')
  const pair = await issue(app)
  const response = await revoke(app, pair.refreshToken)
  t.equal(response.statusCode, 200)
  t.same(response.json(), {})
  const after = await refresh(app, pair.refreshToken)
  t.equal(after.statusCode, 401)
  t.equal(after.json().error.details.reason, 'revoked')
  t.same((await introspect(app, pair.accessToken)).json(), { active: false }, 'introspection after logout flips to inactive')
  t.equal((await revoke(app, pair.refreshToken)).statusCode, 200, 'revoking twice is fine')
  for (const token of ['unknown-token', 'a.b.c', pair.accessToken.slice(0, -3)]) {
    const unknown = await revoke(app, token)
    t.equal(unknown.statusCode, 200)
    t.same(unknown.json(), {})
  }
  t.equal((await revoke(app, '')).statusCode, 400, 'an empty token is a bad request')
})

t.test('revoking with an access token ends that session', async (t) => {
  const { app } = await buildTestApp(t, 'revokeat')
  const pair = await issue(app)
  t.equal((await revoke(app, pair.accessToken)).statusCode, 200)
  t.same((await introspect(app, pair.accessToken)).json(), { active: false })
  t.equal((await refresh(app, pair.refreshToken)).json().error.details.reason, 'revoked')
})

t.test('list, revoke one and revoke all of a user\'s sessions', async (t) => {
  const { app } = await buildTestApp(t, 'usersessions')
  const phone = await issue(app, { userAgent: 'Phone', ip: '2001:db8::1' })
  const laptop = await issue(app, { userAgent: 'Laptop', ip: '198.51.100.7' })
  const tablet = await issue(app)
  const other = await issue(app, { userId: OTHER_USER_ID })

  const listed = await list(app)
  t.equal(listed.sessions.length, 3)
  t.same(new Set(listed.sessions.map((s: { sessionId: string }) => s.sessionId)), new Set([phone.sessionId, laptop.sessionId, tablet.sessionId]))
  const phoneEntry = listed.sessions.find((s: { sessionId: string }) => s.sessionId === phone.sessionId)
  t.same(Object.keys(phoneEntry).sort(), ['createdAt', 'ip', 'lastUsedAt', 'sessionId', 'userAgent'])
  t.match(phoneEntry, { userAgent: 'Phone', ip: '2001:db8::1' })

  const del = (userId: string, sessionId: string) =>
    app.inject({ method: 'DELETE', url: `/v1/users/${userId}/sessions/${sessionId}`, headers: { authorization: gatewayAuth } })
  const ended = await del(USER_ID, phone.sessionId)
  t.equal(ended.statusCode, 204)
  t.equal(ended.body, '')
  t.equal((await del(USER_ID, phone.sessionId)).statusCode, 404, 'no longer active')
  t.equal((await del(USER_ID, other.sessionId)).statusCode, 404, 'another user\'s session')
  t.equal((await del(USER_ID, '6fa459ea-ee8a-4ca4-894e-db77e160355e')).statusCode, 404, 'unknown')
  t.equal((await del(USER_ID, 'not-a-uuid')).statusCode, 400)
  t.equal((await refresh(app, phone.refreshToken)).json().error.details.reason, 'revoked')
  t.equal((await list(app)).sessions.length, 2)

  const all = await app.inject({
    method: 'POST', url: `/v1/users/${USER_ID}/sessions/revoke-all`, headers: { authorization: gatewayAuth }, payload: { exceptSessionId: laptop.sessionId },
  })
  t.equal(all.statusCode, 204)
  t.same((await list(app)).sessions.map((s: { sessionId: string }) => s.sessionId), [laptop.sessionId])
  t.same((await introspect(app, tablet.accessToken)).json(), { active: false })
  t.equal((await introspect(app, laptop.accessToken)).json().active, true)
  t.equal((await list(app, OTHER_USER_ID)).sessions.length, 1, 'other users are untouched')

  const everything = await app.inject({
    method: 'POST', url: `/v1/users/${USER_ID}/sessions/revoke-all`, headers: { authorization: gatewayAuth }, payload: {},
  })
  t.equal(everything.statusCode, 204)
  t.same((await list(app)).sessions, [])
  t.equal((await list(app, 'nope')).error.code, 'VALIDATION_FAILED')
})
