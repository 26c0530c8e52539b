import formBody from '@fastify/formbody'
import type { FastifyError } from 'fastify'
import { AppError, type App } from '@gatehouse/platform'
import { ErrorCodes, IntrospectionRequestSchema, IntrospectionResponseSchema, OAuthErrorSchema, type OAuthError } from '@gatehouse/schemas'
import type { ClientAuth } from '../plugins/client-auth.ts'
import type { IntrospectionService } from '../services/introspection-service.ts'

const oauthErrors = (...statuses: number[]): Record<number, typeof OAuthErrorSchema> =>
  Object.fromEntries(statuses.map((status) => [status, OAuthErrorSchema]))

/**
 * POST /introspect (RFC 7662): form-encoded `token` and optional `token_type_hint` (ignored:
 * only access tokens are introspected; a refresh token reads `{active: false}`). Client
 * authentication is required (§2.1), by HTTP Basic or client_id/client_secret in the form. The
 * form parser lives in this plugin only, so /v1/* keeps accepting JSON alone.
 *
 * Errors here are RFC 6749 §5.2 bodies (`{error, error_description}`), as OAuth client
 * libraries parse them (RFC 7662 §2.3); the error handler is scoped to this plugin, so every
 * other route keeps the house shape.
 */
export async function introspectRoutes(app: App, deps: { auth: ClientAuth; introspection: IntrospectionService }): Promise<void> {
  await app.register(formBody)
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const status = error.statusCode ?? 500
    if (error instanceof AppError) for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
    let body: OAuthError
    if (status >= 500) {
      request.log.error({ err: error }, 'introspection failed')
      body = { error: 'server_error', error_description: 'Internal server error' }
    } else if (error instanceof AppError && (error.code === ErrorCodes.INVALID_CLIENT || error.code === ErrorCodes.TOO_MANY_ATTEMPTS)) {
      body = { error: 'invalid_client', error_description: error.message }
    } else if (!(error instanceof AppError) && error.validation !== undefined) {
      const first = error.validation[0]
      const missing = first?.keyword === 'required' ? (first.params as { missingProperty?: string }).missingProperty : undefined
      body = { error: 'invalid_request', error_description: missing === undefined ? error.message : `The ${missing} parameter is required` }
    } else {
      body = { error: 'invalid_request', error_description: status === 415 ? 'Content-Type must be application/x-www-form-urlencoded' : error.message }
    }
    reply.header('cache-control', 'no-store')
    return reply.code(status >= 500 ? 500 : status).type('application/json; charset=utf-8').send(body)
  })
  app.post('/introspect', {
    preValidation: deps.auth.introspection,
    schema: {
      body: IntrospectionRequestSchema,
      response: { 200: IntrospectionResponseSchema, ...oauthErrors(400, 401, 413, 415, 429, 500) },
    },
  }, async (request, reply) => {
    // §2.2 / RFC 6749 §5.1: an introspection answer is about a credential; never cache it.
    reply.header('cache-control', 'no-store')
    return deps.introspection.introspect(request.body.token)
  })
}
