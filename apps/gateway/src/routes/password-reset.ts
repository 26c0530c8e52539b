import type { App } from '@gatehouse/platform'
import type { LifecycleClient } from '../clients/lifecycle-client.ts'
import type { TokenClient } from '../clients/token-client.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import { AcceptedSchema, FORGOT_ACCEPTED, ForgotPasswordBodySchema, ResetPasswordBodySchema } from '../schemas/lifecycle.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/** Forgot-password and reset: reached without a bearer token, by someone who cannot sign in. */
export function registerPasswordResetRoutes(app: App, deps: { lifecycle: LifecycleClient; token: TokenClient; limits: AuthLimits }): void {
  const { lifecycle, token, limits } = deps

  app.post('/auth/password/forgot', {
    preParsing: [limits.mailPerIp],
    preHandler: [limits.mailPerEmail],
    schema: {
      tags: ['auth'],
      summary: 'Start a password reset: 202 with the same body whether or not the address has an account; the link is mailed',
      body: ForgotPasswordBodySchema,
      response: { 202: AcceptedSchema, ...errorResponses(...COMMON_ERRORS, 413, 415) },
    },
  }, async (request, reply) => {
    // Identity only records the intent: the same work, and time, for every address.
    await lifecycle.forgotPassword(request, request.body.email)
    return reply.code(202).send(FORGOT_ACCEPTED)
  })

  app.post('/auth/password/reset', {
    schema: {
      tags: ['auth'],
      summary: 'Finish a reset with the token from the link: every session ends; the user signs in again',
      body: ResetPasswordBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 413, 415) },
    },
  }, async (request, reply) => {
    const { userId } = await lifecycle.resetPassword(request, request.body.token, request.body.newPassword)
    // Whoever held the old password is signed out everywhere; the reset does not sign anyone in.
    await token.revokeAll(request, userId)
    return reply.code(204).send()
  })
}
