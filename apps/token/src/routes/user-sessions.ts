import { Type } from '@sinclair/typebox'
import { AppError, clientOriginOf, type App } from '@gatehouse/platform'
import { EmptyObjectSchema, ErrorCodes, RevokeAllRequestSchema, SessionListSchema, SessionPageQuerySchema, UserIdParamsSchema, UserSessionParamsSchema, type SessionList } from '@gatehouse/schemas'
import type { ClientAuth } from '../plugins/client-auth.ts'
import type { SessionService } from '../services/session-service.ts'
import { errorResponses } from './error-responses.ts'

const NoContent = Type.Null()

/** The page size when the caller names none. */
export const DEFAULT_SESSION_PAGE = 20

export function unknownCursor(): AppError {
  return new AppError(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this service issued', { details: { field: 'cursor' } })
}

/** A listing page, or the 400 for a cursor we did not issue. */
export async function sessionPage(sessionService: SessionService, userId: string, query: { limit?: string | undefined; cursor?: string | undefined }): Promise<SessionList> {
  const page = await sessionService.list(userId, { limit: Number(query.limit ?? DEFAULT_SESSION_PAGE), cursor: query.cursor })
  if (page === undefined) throw unknownCursor()
  return page
}

/** A user's sessions: list the active ones (a page at a time), end one, end all (logout everywhere). */
export function registerUserSessionRoutes(app: App, deps: { auth: ClientAuth; sessionService: SessionService }): void {
  const onRequest = deps.auth.internal

  app.get('/v1/users/:userId/sessions', {
    onRequest,
    schema: { params: UserIdParamsSchema, querystring: SessionPageQuerySchema, response: { 200: SessionListSchema, ...errorResponses(400, 401, 403) } },
  }, async (request) => sessionPage(deps.sessionService, request.params.userId, request.query))

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
