import { clientOriginOf, type App } from '@gatehouse/platform'
import { EmptyObjectSchema, IssueTokensRequestSchema, RefreshRequestSchema, RevokeRequestSchema, TokenPairSchema } from '@gatehouse/schemas'
import type { ClientAuth } from '../plugins/client-auth.ts'
import type { RefreshService } from '../services/refresh-service.ts'
import type { SessionService } from '../services/session-service.ts'
import { errorResponses } from './error-responses.ts'

export interface SessionRoutesDeps {
  auth: ClientAuth
  sessionService: SessionService
  refreshService: RefreshService
}

/** Issue, refresh and revoke: the token lifecycle the gateway drives. */
export function registerSessionRoutes(app: App, deps: SessionRoutesDeps): void {
  const onRequest = deps.auth.internal

  app.post('/v1/sessions', {
    onRequest,
    schema: { body: IssueTokensRequestSchema, response: { 201: TokenPairSchema, ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => {
    // RFC 6749 §5.1: responses carrying tokens must not be cached.
    reply.header('cache-control', 'no-store')
    return reply.code(201).send(await deps.sessionService.issue(request.body, request.log))
  })

  app.post('/v1/refresh', {
    onRequest,
    schema: { body: RefreshRequestSchema, response: { 200: TokenPairSchema, ...errorResponses(400, 401, 403, 503) } },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return deps.refreshService.refresh(request.body, { ...clientOriginOf(request), log: request.log })
  })

  app.post('/v1/revoke', {
    onRequest,
    schema: { body: RevokeRequestSchema, response: { 200: EmptyObjectSchema, ...errorResponses(400, 401, 403) } },
  }, async (request) => {
    await deps.sessionService.revoke(request.body.token, { ...clientOriginOf(request), log: request.log })
    return {}
  })
}
