/**
 * Finding 5: a login whose password was checked just before a password change got its session
 * after the revoke-all marker, and survived it. Sessions now carry the time the user proved their
 * credentials (`authTime`), and the marker is compared with that one time everywhere: rotation,
 * introspection, listing.
 */
import t from 'tap'
import { USER_ID, buildTestApp, gatewayAuth, introspect, issue, refresh } from './helper.ts'

const revokeAll = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], body: Record<string, unknown> = {}) => app.inject({
  method: 'POST', url: `/v1/users/${USER_ID}/sessions/revoke-all`, headers: { authorization: gatewayAuth }, payload: body,
})

t.test('a session authenticated before the marker can neither rotate nor introspect as active', async (t) => {
  const { app, clock, config } = await buildTestApp(t, 'authtime')
  const checkedAt = new Date(clock.now()).toISOString()
  clock.advance(50)
  t.equal((await revokeAll(app)).statusCode, 204, 'the password change ends every session')
  clock.advance(50)
  // The login whose password was checked before the change gets its session only now.
  const late = await issue(app, { authTime: checkedAt })
  clock.advance(config.SESSION_CACHE_SECONDS * 1000 + 1)

  t.same((await introspect(app, late.accessToken)).json(), { active: false }, 'its access token reads inactive')
  const refused = await refresh(app, late.refreshToken)
  t.equal(refused.statusCode, 401, 'its refresh token cannot rotate')
  t.equal(refused.json().error.details.reason, 'revoked')
  const listed = await app.inject({ method: 'GET', url: `/v1/users/${USER_ID}/sessions`, headers: { authorization: gatewayAuth } })
  t.same(listed.json().sessions, [], 'it is not listed as active')

  const fresh = await issue(app, { authTime: new Date(clock.now()).toISOString() })
  t.equal((await refresh(app, fresh.refreshToken)).statusCode, 200, 'a login authenticated after the change works')
})

t.test('an authentication time in the future counts as now, so it cannot outrun a later marker', async (t) => {
  const { app, clock, config } = await buildTestApp(t, 'authtime-future')
  const session = await issue(app, { authTime: new Date(clock.now() + 3_600_000).toISOString() })
  clock.advance(50)
  t.equal((await revokeAll(app)).statusCode, 204)
  clock.advance(config.SESSION_CACHE_SECONDS * 1000 + 1)
  t.same((await introspect(app, session.accessToken)).json(), { active: false })
  t.equal((await refresh(app, session.refreshToken)).statusCode, 401)
})
