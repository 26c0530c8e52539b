import type { FastifyRequest } from 'fastify'
import type { App } from '@gatehouse/platform'
import type { LifecycleClient } from '../clients/lifecycle-client.ts'
import type { TokenClient } from '../clients/token-client.ts'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { RefreshCookie } from '../plugins/refresh-cookie.ts'
import { BearerHeadersSchema } from '../schemas/auth.ts'
import { DeleteAccountBodySchema } from '../schemas/lifecycle.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/** Closing an account: the password again, then identity erases the user and token ends every session. */
export function registerAccountDeletionRoute(app: App, deps: {
  lifecycle: LifecycleClient
  token: TokenClient
  cookie: RefreshCookie
  deviceCookie: DeviceCookie
  bearer: (request: FastifyRequest) => Promise<void>
}): void {
  app.delete('/auth/account', {
    onRequest: [deps.bearer],
    schema: {
      tags: ['account'],
      security: [{ bearerAuth: [] }],
      headers: BearerHeadersSchema,
      summary: 'Delete the account: user, sessions, tokens and the email guard go; the address can sign up again. A user with a second factor also sends code or recoveryCode (403 MFA_REQUIRED / INVALID_MFA_CODE otherwise)',
      body: DeleteAccountBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const { userId } = principalOf(request)
    const deviceId = deps.deviceCookie.read(request)
    await deps.lifecycle.deleteAccount(request, userId, { ...request.body, ...(deviceId === undefined ? {} : { deviceId }) })
    await deps.token.revokeAll(request, userId)
    deps.cookie.clear(reply)
    return reply.code(204).send()
  })
}
