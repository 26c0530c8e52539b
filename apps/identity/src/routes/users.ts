import { Type } from '@sinclair/typebox'
import { clientOriginOf, type App } from '@gatehouse/platform'
import { ChangePasswordRequestSchema, CreateUserRequestSchema, UserIdParamsSchema, UserSchema } from '@gatehouse/schemas'
import { callerGone } from '../services/busy-hasher.ts'
import type { UserService } from '../services/user-service.ts'
import { ErrorRef, commonErrors } from './error-responses.ts'

export function registerUserRoutes(app: App, service: UserService, enumerationSafe = false): void {
  app.post('/v1/users', {
    schema: {
      summary: 'Create a user',
      body: CreateUserRequestSchema,
      response: { 201: UserSchema, 202: Type.Null(), 409: ErrorRef, 503: ErrorRef, ...commonErrors },
    },
  }, async (request, reply) => {
    const user = await service.createUser(request.body.email, request.body.password)
    // SIGNUP_ENUMERATION_SAFE: one answer, new account or taken address (whose owner was mailed).
    if (enumerationSafe || user === undefined) return reply.code(202).send(null)
    return reply.code(201).send(user)
  })

  app.get('/v1/users/:userId', {
    schema: {
      summary: 'Get a user profile',
      params: UserIdParamsSchema,
      response: { 200: UserSchema, 404: ErrorRef, ...commonErrors },
    },
  }, async (request) => service.getUser(request.params.userId))

  app.post('/v1/users/:userId/password', {
    schema: {
      summary: 'Change a password, given the current one',
      params: UserIdParamsSchema,
      body: ChangePasswordRequestSchema,
      response: { 204: Type.Null(), 403: ErrorRef, 429: ErrorRef, 503: ErrorRef, ...commonErrors },
    },
  }, async (request, reply) => {
    const { currentPassword, newPassword, deviceId, code, recoveryCode } = request.body
    await service.changePassword(request.params.userId, currentPassword, newPassword, { ...clientOriginOf(request), log: request.log }, deviceId, { code, recoveryCode }, callerGone(reply.raw))
    return reply.code(204).send(null)
  })
}
