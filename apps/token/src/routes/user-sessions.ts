import { Type } from '@sinclair/typebox'
import { clientOriginOf, type App } from '@gatehouse/platform'
import { EmptyObjectSchema, RevokeAllRequestSchema, SessionListSchema, UserIdParamsSchema, UserSessionParamsSchema } from '@gatehouse/schemas'
import type { ClientAuth } from '../plugins/client-auth.ts'
import type { SessionService } from '../services/session-service.ts'
import { errorResponses } from './error-responses.ts'

const NoContent = Type.Null()

/** A user's sessions: list the active ones, end one, end all (logout everywhere). */
export function registerUserSessionRoutes(app: App, deps: { auth: ClientAuth; sessionService: SessionService }): void {
  const onRequest = deps.auth.internal

  app.get('/v1/users/:userId/sessions', {
    onRequest,
    schema: { params: UserIdParamsSchema, response: { 200: SessionListSchema, ...errorResponses(400, 401, 403) } },
  }, async (request) => ({ sessions: await deps.sessionService.list(request.params.userId) }))

  app.delete('/v1/users/:userId/sessions/:sessionId', {
    onRequest,
    schema: { params: UserSessionParamsSchema, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } },
  }, async (request, reply) => {
    await deps.sessionService.revokeOne(request.params.userId, request.params.sessionId, { ...clientOriginOf(request), log: request.log })
    return reply.code(204).send(null)
  })

  // After identity consumed a verification link: the user's sessions turn email_verified true at their next refresh.
  app.post('/v1/users/:userId/email-verified', {
    onRequest,
    schema: { params: UserIdParamsSchema, body: EmptyObjectSchema, response: { 204: NoContent, ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => {
    await deps.sessionService.markEmailVerified(request.params.userId)
    return reply.code(204).send(null)
  })

  app.post('/v1/users/:userId/sessions/revoke-all', {
    onRequest,
    schema: { params: UserIdParamsSchema, body: RevokeAllRequestSchema, response: { 204: NoContent, ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => {
    await deps.sessionService.revokeAll(request.params.userId, request.body.exceptSessionId, { ...clientOriginOf(request), log: request.log }, request.body.revokedBy)
    return reply.code(204).send(null)
  })
}
