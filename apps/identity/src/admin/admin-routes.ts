import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import { AdminActionSchema, AdminPasskeyParamsSchema, AdminSignupsPageSchema, AdminSignupsQuerySchema, AdminActivityPageSchema, AdminActivityQuerySchema, AdminFindQuerySchema, AdminReadQuerySchema, AdminUserSchema, UserIdParamsSchema, adminOpenApiDocument } from '@gatehouse/schemas'
import { ErrorRef, commonErrors } from '../routes/error-responses.ts'
import type { AdminActor, AdminService } from './admin-service.ts'

const actorOf = (request: FastifyRequest, reason: string): AdminActor =>
  ({ adminClient: request.serviceClient as string, reason, ip: request.ip, log: request.log })

const errors = { ...commonErrors, 404: ErrorRef }

/** /admin/v1 on identity; the caller registers them behind the ADMIN_CLIENTS check. */
export function registerAdminRoutes(app: App, service: AdminService): void {
  app.get('/admin/v1/openapi.json', async () => adminOpenApiDocument())

  app.get('/admin/v1/users', {
    schema: { summary: 'Find a user by (normalised) email', querystring: AdminFindQuerySchema, response: { 200: AdminUserSchema, ...errors } },
  }, async (request) => service.findByEmail(request.query.email, actorOf(request, request.query.reason)))

  app.get('/admin/v1/signups', {
    schema: { summary: 'Every user, newest sign-up first, paginated (never a Scan)', querystring: AdminSignupsQuerySchema, response: { 200: AdminSignupsPageSchema, ...errors } },
  }, async (request) => service.signups({ limit: Number(request.query.limit ?? 50), cursor: request.query.cursor }, actorOf(request, request.query.reason)))

  app.get('/admin/v1/users/:userId', {
    schema: { summary: 'A user by id', params: UserIdParamsSchema, querystring: AdminReadQuerySchema, response: { 200: AdminUserSchema, ...errors } },
  }, async (request) => service.view(request.params.userId, actorOf(request, request.query.reason)))

  app.get('/admin/v1/users/:userId/activity', {
    schema: { summary: "A user's security activity with admin events' client and reason", params: UserIdParamsSchema, querystring: AdminActivityQuerySchema, response: { 200: AdminActivityPageSchema, ...errors } },
  }, async (request) => service.activity(
    request.params.userId, { limit: Number(request.query.limit ?? 20), cursor: request.query.cursor }, actorOf(request, request.query.reason),
  ))

  app.post('/admin/v1/users/:userId/disable', {
    schema: { summary: 'Disable an account', params: UserIdParamsSchema, body: AdminActionSchema, response: { 200: AdminUserSchema, ...errors } },
  }, async (request) => service.disable(request.params.userId, actorOf(request, request.body.reason)))

  const noContent = { 204: Type.Null(), ...errors, 409: ErrorRef }
  app.post('/admin/v1/users/:userId/force-password-reset', {
    schema: { summary: 'Mail a password-reset link', params: UserIdParamsSchema, body: AdminActionSchema, response: noContent },
  }, async (request, reply) => {
    await service.forcePasswordReset(request.params.userId, actorOf(request, request.body.reason))
    return reply.code(204).send(null)
  })

  app.post('/admin/v1/users/:userId/remove-second-factor', {
    schema: { summary: 'Remove TOTP and recovery codes; mails a notice', params: UserIdParamsSchema, body: AdminActionSchema, response: noContent },
  }, async (request, reply) => {
    await service.removeSecondFactor(request.params.userId, actorOf(request, request.body.reason))
    return reply.code(204).send(null)
  })

  app.post('/admin/v1/users/:userId/passkeys/:passkeyId/remove', {
    schema: { summary: 'Remove one passkey (a lost or stolen device); mails a notice', params: AdminPasskeyParamsSchema, body: AdminActionSchema, response: noContent },
  }, async (request, reply) => {
    await service.removePasskey(request.params.userId, request.params.passkeyId, actorOf(request, request.body.reason))
    return reply.code(204).send(null)
  })

  app.post('/admin/v1/users/:userId/mark-email-verified', {
    schema: { summary: 'Mark the current address verified', params: UserIdParamsSchema, body: AdminActionSchema, response: { 200: AdminUserSchema, ...errors } },
  }, async (request) => service.markEmailVerified(request.params.userId, actorOf(request, request.body.reason)))

  app.post('/admin/v1/users/:userId/delete', {
    schema: { summary: 'Erase the account (as self-service deletion)', params: UserIdParamsSchema, body: AdminActionSchema, response: noContent },
  }, async (request, reply) => {
    await service.deleteUser(request.params.userId, actorOf(request, request.body.reason))
    return reply.code(204).send(null)
  })

  app.post('/admin/v1/users/:userId/enable', {
    schema: { summary: 'Enable a disabled account', params: UserIdParamsSchema, body: AdminActionSchema, response: { 200: AdminUserSchema, ...errors } },
  }, async (request) => service.enable(request.params.userId, actorOf(request, request.body.reason)))
}
