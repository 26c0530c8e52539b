/**
 * Regression: revoke-all found sessions only through the user index, which DynamoDB updates
 * eventually; a session written a moment before a password change could survive it. The
 * per-user marker makes revoke-all hold whatever the index shows.
 */
import t from 'tap'
import { createSecurityEventsRepository } from '@gatehouse/dynamo'
import { disabledMetrics } from '@gatehouse/platform'
import { createTokenMetrics } from '../src/services/token-metrics.ts'
import { createSessionsRepository } from '../src/repositories/sessions-repository.ts'
import { createSessionService } from '../src/services/session-service.ts'
import { USER_ID, buildTestApp, gatewayAuth, introspect, issue, refresh } from './helper.ts'

t.test('revoke-all ends sessions the user index has not listed yet, and keeps the caller\'s', async (t) => {
  const { app, dynamo, clock, config } = await buildTestApp(t, 'lag')
  const caller = await issue(app)
  const unlisted = await issue(app)
  clock.advance(5)

  // Revoke-all run by a service whose index read lags: it sees no session at all.
  const repository = createSessionsRepository(dynamo.doc, dynamo.tables.Sessions)
  const lagging = createSessionService({
    sessions: { ...repository, listPage: async () => ({ sessions: [] }) },
    refreshTokens: undefined as never,
    transactions: undefined as never,
    accessTokens: undefined as never,
    sessionCache: { get: async () => undefined, invalidate: () => {} },
    clock: clock.now,
    metrics: createTokenMetrics(disabledMetrics),
    events: createSecurityEventsRepository(dynamo.doc, dynamo.tables.SecurityEvents, { ttlSeconds: 86_400, now: clock.now }),
    refreshTtlSec: config.REFRESH_TOKEN_TTL_SECONDS,
    sessionMaxLifetimeSec: config.SESSION_MAX_LIFETIME_SECONDS,
    maxSessionsPerUser: config.MAX_SESSIONS_PER_USER,
  })
  await lagging.revokeAll(USER_ID, caller.sessionId, { log: app.log })
  clock.advance(config.SESSION_CACHE_SECONDS * 1000 + 1)

  const refused = await refresh(app, unlisted.refreshToken)
  t.equal(refused.statusCode, 401, 'the unlisted session cannot refresh')
  t.equal(refused.json().error.details.reason, 'revoked')
  t.same((await introspect(app, unlisted.accessToken)).json(), { active: false }, 'its access token reads inactive')

  t.equal((await refresh(app, caller.refreshToken)).statusCode, 200, 'the caller\'s session goes on')
  t.equal((await introspect(app, caller.accessToken)).json().active, true)

  const listed = await app.inject({ method: 'GET', url: `/v1/users/${USER_ID}/sessions`, headers: { authorization: gatewayAuth } })
  t.same(listed.json().sessions.map((session: { sessionId: string }) => session.sessionId), [caller.sessionId])

  const later = await issue(app)
  t.equal((await refresh(app, later.refreshToken)).statusCode, 200, 'a session opened after the revoke-all works')
})

t.test('logout-everywhere without a kept session ends every earlier session, the marker only moves forward', async (t) => {
  const { app, clock } = await buildTestApp(t, 'lag2')
  const first = await issue(app)
  clock.advance(5)
  const revokeAll = (body: Record<string, unknown>) => app.inject({
    method: 'POST', url: `/v1/users/${USER_ID}/sessions/revoke-all`, headers: { authorization: gatewayAuth }, payload: body,
  })
  t.equal((await revokeAll({})).statusCode, 204)
  clock.advance(5)
  const second = await issue(app)
  // An older revoke-all arriving late (clock moved back) must not revive or re-kill anything.
  clock.advance(-20)
  t.equal((await revokeAll({ exceptSessionId: first.sessionId })).statusCode, 204)
  clock.advance(40)
  t.equal((await refresh(app, first.refreshToken)).statusCode, 401)
  t.equal((await refresh(app, second.refreshToken)).statusCode, 200)
})
