import formBody from '@fastify/formbody'
import type { App } from '@gatehouse/platform'
import { IntrospectionRequestSchema, IntrospectionResponseSchema } from '@gatehouse/schemas'
import type { ClientAuth } from '../plugins/client-auth.ts'
import type { IntrospectionService } from '../services/introspection-service.ts'
import { errorResponses } from './error-responses.ts'

/**
 * POST /introspect (RFC 7662): form-encoded `token` and optional `token_type_hint` (ignored:
 * only access tokens are introspected; a refresh token reads `{active: false}`). Client
 * authentication is required (§2.1). The form parser lives in this plugin only, so /v1/*
 * keeps accepting JSON alone.
 */
export async function introspectRoutes(app: App, deps: { auth: ClientAuth; introspection: IntrospectionService }): Promise<void> {
  await app.register(formBody)
  app.post('/introspect', {
    onRequest: deps.auth.introspection,
    schema: {
      body: IntrospectionRequestSchema,
      response: { 200: IntrospectionResponseSchema, ...errorResponses(400, 401, 415) },
    },
  }, async (request, reply) => {
    // §2.2 / RFC 6749 §5.1: an introspection answer is about a credential; never cache it.
    reply.header('cache-control', 'no-store')
    return deps.introspection.introspect(request.body.token)
  })
}
