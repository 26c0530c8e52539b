import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import type { LifecycleClient } from '../clients/lifecycle-client.ts'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import { BearerHeadersSchema } from '../schemas/auth.ts'
import { AcceptedSchema, VerifyEmailBodySchema } from '../schemas/lifecycle.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/** Email verification: following the mailed link, and asking for a new one. */
export function registerEmailRoutes(app: App, deps: { lifecycle: LifecycleClient; limits: AuthLimits; bearer: (request: FastifyRequest) => Promise<void> }): void {
  const { lifecycle, limits, bearer } = deps

  app.post('/auth/email/verify', {
    schema: {
      tags: ['auth'],
      summary: 'Verify an address with the token from the mailed link',
      body: VerifyEmailBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 413, 415) },
    },
  }, async (request, reply) => {
    await lifecycle.verifyEmail(request, request.body.token)
    return reply.code(204).send()
  })

  app.post('/auth/email/verify/resend', {
    onRequest: [bearer],
    preParsing: [limits.mailPerIp],
    preHandler: [limits.mailPerAccount],
    schema: {
      tags: ['account'],
      security: [{ bearerAuth: [] }],
      headers: BearerHeadersSchema,
      summary: 'Mail a new verification link (older links stop working); nothing is sent for a verified address',
      response: { 202: AcceptedSchema, ...errorResponses(...COMMON_ERRORS, 401) },
    },
  }, async (request, reply) => {
    await lifecycle.resendVerification(request, principalOf(request).userId)
    return reply.code(202).send({ message: 'A new link is on its way, unless the address is already verified.' })
  })
}
