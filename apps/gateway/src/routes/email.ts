import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import type { LifecycleClient } from '../clients/lifecycle-client.ts'
import type { TokenClient } from '../clients/token-client.ts'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import { BearerHeadersSchema } from '../schemas/auth.ts'
import { AcceptedSchema, ChangeEmailBodySchema, VerifyEmailBodySchema } from '../schemas/lifecycle.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

const NO_CONTENT = { type: 'null', description: 'Done' } as const
/** Pauses before each retry of telling the token service (as after a password change). */
const MARK_RETRY_DELAYS_MS = [100, 400]

/**
 * The address is verified (identity committed it); the user's sessions signed in before now learn
 * it at their next refresh once the token service has been told. Retried; if it stays down, the
 * link still worked (it cannot be used twice, so a 5xx would help nobody): those sessions keep
 * `email_verified: false` until the user signs in again, which reads identity afresh.
 */
async function tellTokenService(request: FastifyRequest, token: TokenClient, userId: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await token.markEmailVerified(request, userId)
      return
    } catch (error) {
      const delay = MARK_RETRY_DELAYS_MS[attempt]
      if (delay === undefined) {
        request.log.warn({ err: error, userId }, 'email verified, but the token service could not be told: older sessions say email_verified false until the next sign-in')
        return
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** Email verification (following the mailed link, asking for a new one) and changing the address. */
export function registerEmailRoutes(app: App, deps: { lifecycle: LifecycleClient; token: TokenClient; limits: AuthLimits; bearer: (request: FastifyRequest) => Promise<void>; deviceCookie: DeviceCookie }): void {
  const { lifecycle, limits, bearer } = deps

  app.post('/auth/email/verify', {
    schema: {
      tags: ['auth'],
      summary: 'Verify an address with the token from the mailed link',
      body: VerifyEmailBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 413, 415) },
    },
  }, async (request, reply) => {
    const { userId } = await lifecycle.verifyEmail(request, request.body.token)
    await tellTokenService(request, deps.token, userId)
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

  app.post('/auth/email', {
    onRequest: [bearer],
    preParsing: [limits.mailPerIp],
    preHandler: [limits.mailPerAccount],
    schema: {
      tags: ['account'],
      security: [{ bearerAuth: [] }],
      headers: BearerHeadersSchema,
      summary: 'Change the address: a link goes to the new one, and the change happens when it is followed (POST /auth/email/verify); the old address is told then',
      body: ChangeEmailBodySchema,
      response: { 202: AcceptedSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const deviceId = deps.deviceCookie.read(request)
    await lifecycle.changeEmail(request, principalOf(request).userId, { ...request.body, ...(deviceId === undefined ? {} : { deviceId }) })
    return reply.code(202).send({ message: 'A link to confirm the new address is on its way to it.' })
  })
}
