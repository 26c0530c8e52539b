import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import { ActivityPageSchema, ActivityQuerySchema, SessionPageQuerySchema } from '@gatehouse/schemas'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { RefreshCookie } from '../plugins/refresh-cookie.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { AuthService } from '../services/auth-service.ts'
import {
  BearerHeadersSchema,
  ChangePasswordBodySchema,
  MeResponseSchema,
  SessionListResponseSchema,
  SessionParamsSchema,
} from '../schemas/auth.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

export interface AccountRouteDeps {
  auth: AuthService
  cookie: RefreshCookie
  deviceCookie: DeviceCookie
  bearer: (request: FastifyRequest) => Promise<void>
}

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/** The signed-in user's own account: every route needs a live (introspected) access token. */
export function registerAccountRoutes(app: App, deps: AccountRouteDeps): void {
  const { auth, cookie, bearer } = deps
  const protectedRoute = { onRequest: [bearer] }
  const common = { tags: ['account'], security: [{ bearerAuth: [] }], headers: BearerHeadersSchema }

  app.get('/auth/me', {
    ...protectedRoute,
    schema: { ...common, summary: 'Who am I', response: { 200: MeResponseSchema, ...errorResponses(...COMMON_ERRORS, 401) } },
  }, async (request) => auth.me(request, principalOf(request)))

  app.get('/auth/sessions', {
    ...protectedRoute,
    schema: {
      ...common,
      summary: "The user's active sessions, newest first, a page at a time (`limit` 1 to 100, default 20); `current` marks this token's own, `next` is the cursor of the following page",
      querystring: SessionPageQuerySchema,
      response: { 200: SessionListResponseSchema, ...errorResponses(...COMMON_ERRORS, 401) },
    },
  }, async (request) => auth.sessions(request, principalOf(request), request.query))

  app.delete('/auth/sessions/:id', {
    ...protectedRoute,
    schema: {
      ...common,
      summary: 'Revoke one of the user\'s sessions',
      params: SessionParamsSchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401, 404) },
    },
  }, async (request, reply) => {
    await auth.revokeSession(request, principalOf(request), request.params.id)
    return reply.code(204).send()
  })

  app.post('/auth/logout-all', {
    ...protectedRoute,
    schema: { ...common, summary: 'Revoke every session of the user, this one included', response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401) } },
  }, async (request, reply) => {
    await auth.logoutAll(request, principalOf(request))
    cookie.clear(reply)
    return reply.code(204).send()
  })

  app.get('/auth/activity', {
    ...protectedRoute,
    schema: {
      ...common,
      summary: "The user's security activity (sign-ins, password changes, revocations, reuse), newest first; `next` is the cursor of the following page",
      querystring: ActivityQuerySchema,
      response: { 200: ActivityPageSchema, ...errorResponses(...COMMON_ERRORS, 401) },
    },
  }, async (request) => auth.activity(request, principalOf(request), request.query))

  app.post('/auth/password', {
    ...protectedRoute,
    schema: {
      ...common,
      summary: 'Change the password; every other session is revoked',
      body: ChangePasswordBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const deviceId = deps.deviceCookie.read(request)
    await auth.changePassword(request, principalOf(request), { ...request.body, ...(deviceId === undefined ? {} : { deviceId }) })
    return reply.code(204).send()
  })
}
