import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import type { SecurityEventsRepository } from '@gatehouse/dynamo'
import { AdminActionSchema, AdminSessionsQuerySchema, SessionListSchema, UserIdParamsSchema, UserSessionParamsSchema, adminOpenApiDocument, type SecurityEventType } from '@gatehouse/schemas'
import type { SessionService } from '../services/session-service.ts'
import { errorResponses } from '../routes/error-responses.ts'
import { sessionPage } from '../routes/user-sessions.ts'

const NoContent = Type.Null()

export interface TokenAdminDeps {
  sessionService: SessionService
  events: SecurityEventsRepository
}

/** /admin/v1 on token: a user's sessions, ending them all or one. Registered behind ADMIN_CLIENTS. */
export function registerTokenAdminRoutes(app: App, deps: TokenAdminDeps): void {
  const audit = (type: SecurityEventType, request: FastifyRequest, userId: string, reason: string, sessionId?: string): Promise<void> =>
    deps.events.record({ type, userId, sessionId, adminClient: request.serviceClient as string, reason, ip: request.ip }, request.log)
  const origin = (request: FastifyRequest) => ({ ip: request.ip, log: request.log })

  app.get('/admin/v1/openapi.json', async () => adminOpenApiDocument())

  app.get('/admin/v1/users/:userId/sessions', {
    schema: { summary: "A user's active sessions, newest first, a page at a time", params: UserIdParamsSchema, querystring: AdminSessionsQuerySchema, response: { 200: SessionListSchema, ...errorResponses(400, 401) } },
  }, async (request) => {
    const page = await sessionPage(deps.sessionService, request.params.userId, request.query)
    await audit('admin_user_viewed', request, request.params.userId, request.query.reason)
    return page
  })

  // The per-user marker is written first: introspection and refresh refuse every earlier session within 1 s.
  app.post('/admin/v1/users/:userId/sessions/revoke-all', {
    schema: { summary: 'End every session of a user', params: UserIdParamsSchema, body: AdminActionSchema, response: { 204: NoContent, ...errorResponses(400, 401, 415) } },
  }, async (request, reply) => {
    await deps.sessionService.revokeAll(request.params.userId, undefined, origin(request), 'admin')
    await audit('admin_sessions_revoked', request, request.params.userId, request.body.reason)
    return reply.code(204).send(null)
  })

  // The token half of `mark-verified`: open sessions carry email_verified true from their next refresh.
  // Not audited here: identity's half records admin_email_verified with the same reason, and the
  // user's activity should show the one action once.
  app.post('/admin/v1/users/:userId/email-verified', {
    schema: { summary: 'The address was verified (identity\'s mark-email-verified): sessions say so from their next refresh', params: UserIdParamsSchema, body: AdminActionSchema, response: { 204: NoContent, ...errorResponses(400, 401, 415) } },
  }, async (request, reply) => {
    await deps.sessionService.markEmailVerified(request.params.userId)
    return reply.code(204).send(null)
  })

  app.post('/admin/v1/users/:userId/sessions/:sessionId/revoke', {
    schema: { summary: 'End one session', params: UserSessionParamsSchema, body: AdminActionSchema, response: { 204: NoContent, ...errorResponses(400, 401, 404, 415) } },
  }, async (request, reply) => {
    await deps.sessionService.revokeOne(request.params.userId, request.params.sessionId, origin(request), 'admin')
    await audit('admin_session_revoked', request, request.params.userId, request.body.reason, request.params.sessionId)
    return reply.code(204).send(null)
  })
}
