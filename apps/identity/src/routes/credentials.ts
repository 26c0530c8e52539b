import { clientOriginOf, type App } from '@gatehouse/platform'
import { VerifyCredentialsRequestSchema, VerifyCredentialsResponseSchema } from '@gatehouse/schemas'
import { callerGone } from '../services/busy-hasher.ts'
import type { UserService } from '../services/user-service.ts'
import { ErrorRef, commonErrors } from './error-responses.ts'

export function registerCredentialRoutes(app: App, service: UserService): void {
  app.post('/v1/credentials/verify', {
    schema: {
      summary: 'Check an email and password (login)',
      body: VerifyCredentialsRequestSchema,
      response: { 200: VerifyCredentialsResponseSchema, 429: ErrorRef, 503: ErrorRef, ...commonErrors },
    },
  }, async (request, reply) => service.verifyCredentials(
    request.body.email, request.body.password, { ...clientOriginOf(request), log: request.log }, request.body.deviceId, request.body.newDevice === true, callerGone(reply.raw),
  ))
}
