import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type App } from '@gatehouse/platform'
import { CeremonyOptionsSchema, ErrorCodes, MfaStatusSchema, RecoveryCodesResponseSchema, TotpSetupResponseSchema, type TokenPair } from '@gatehouse/schemas'
import { principalOf } from '../plugins/bearer-auth.ts'
import type { DeviceCookie } from '../plugins/device-cookie.ts'
import type { AuthLimits } from '../plugins/rate-limits.ts'
import type { RefreshCookie } from '../plugins/refresh-cookie.ts'
import type { MfaFlows } from '../services/mfa-flows.ts'
import { AccessTokenResponseSchema, BearerHeadersSchema, type AccessTokenResponse } from '../schemas/auth.ts'
import { LoginMfaBodySchema, LoginMfaPasskeyOptionsBodySchema, SensitiveMfaBodySchema, TotpConfirmBodySchema, TotpSetupBodySchema } from '../schemas/mfa.ts'
import { COMMON_ERRORS, errorResponses } from './error-responses.ts'

export interface MfaRouteDeps {
  flows: MfaFlows
  cookie: RefreshCookie
  deviceCookie: DeviceCookie
  limits: AuthLimits
  csrf: (request: FastifyRequest) => Promise<void>
  bearer: (request: FastifyRequest) => Promise<void>
}

const NO_CONTENT = { type: 'null', description: 'Done' } as const

/** POST /auth/login/mfa (the second step of sign-in) and the signed-in user's factor management. */
export function registerMfaRoutes(app: App, deps: MfaRouteDeps): void {
  const { flows, cookie, deviceCookie, limits, csrf, bearer } = deps
  const common = { tags: ['mfa'], security: [{ bearerAuth: [] }], headers: BearerHeadersSchema }
  const issue = (reply: FastifyReply, pair: TokenPair): AccessTokenResponse => {
    cookie.set(reply, pair.refreshToken, pair.refreshExpiresIn)
    return { accessToken: pair.accessToken, tokenType: 'Bearer', expiresIn: pair.expiresIn }
  }

  const deadTicket = (): AppError => new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'The code is not valid, or this sign-in step has expired; sign in again')

  app.post('/auth/login/mfa/passkey/options', {
    schema: {
      tags: ['auth'],
      summary: 'Second step of sign-in with a passkey: WebAuthn request options for the mfaToken\'s user (their passkeys, a single-use challenge)',
      body: LoginMfaPasskeyOptionsBodySchema,
      response: { 200: CeremonyOptionsSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
    onRequest: [csrf],
    preParsing: [limits.loginPerIp],
  }, async (request) => {
    // Bound to the device cookie like the code step: without it, the ticket is dead.
    const deviceId = deviceCookie.read(request)
    if (deviceId === undefined) throw deadTicket()
    return flows.passkeyOptions(request, request.body.mfaToken, deviceId)
  })

  app.post('/auth/login/mfa', {
    schema: {
      tags: ['auth'],
      summary: 'Second step of sign-in: the mfaToken from 403 MFA_REQUIRED and exactly one of a code, a recovery code or a passkey assertion',
      body: LoginMfaBodySchema,
      response: { 200: AccessTokenResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 413, 415) },
    },
    onRequest: [csrf],
    preParsing: [limits.loginPerIp],
  }, async (request, reply) => {
    // The ticket is bound to the device cookie that started the sign-in: without it, it is dead.
    const { code, recoveryCode, passkey } = request.body
    const sent = [code, recoveryCode, passkey].filter((value) => value !== undefined).length
    if (sent !== 1) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Send exactly one of code, recoveryCode or passkey', { details: { field: sent === 0 ? 'code' : 'passkey' } })
    }
    const deviceId = deviceCookie.read(request)
    if (deviceId === undefined) throw deadTicket()
    const hinted = { userAgent: request.headers['user-agent'], ip: request.ip }
    return issue(reply, await flows.loginMfa(request, request.body, deviceId, hinted))
  })

  app.get('/auth/mfa', {
    onRequest: [bearer],
    schema: { ...common, summary: 'What second factors are enrolled', response: { 200: MfaStatusSchema, ...errorResponses(...COMMON_ERRORS, 401) } },
  }, async (request) => flows.status(request, principalOf(request)))

  app.post('/auth/mfa/totp/setup', {
    onRequest: [bearer],
    schema: {
      ...common,
      summary: 'Start enrolling an authenticator app (not active until confirmed)',
      body: TotpSetupBodySchema,
      response: { 200: TotpSetupResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 409, 413, 415) },
    },
  }, async (request) => flows.setupTotp(request, principalOf(request), request.body.currentPassword, deviceCookie.read(request)))

  app.post('/auth/mfa/totp/confirm', {
    onRequest: [bearer],
    schema: {
      ...common,
      summary: 'Confirm with a code from the app: answers 10 recovery codes, shown once',
      body: TotpConfirmBodySchema,
      response: { 200: RecoveryCodesResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 409, 413, 415) },
    },
  }, async (request) => flows.confirmTotp(request, principalOf(request), request.body.code))

  app.delete('/auth/mfa/totp', {
    onRequest: [bearer],
    schema: {
      ...common,
      summary: 'Turn the authenticator off (its recovery codes too): password and a current code',
      body: SensitiveMfaBodySchema,
      response: { 204: NO_CONTENT, ...errorResponses(...COMMON_ERRORS, 401, 403, 409, 413, 415) },
    },
  }, async (request, reply) => {
    await flows.disableTotp(request, principalOf(request), request.body, deviceCookie.read(request))
    return reply.code(204).send()
  })

  app.post('/auth/mfa/recovery-codes', {
    onRequest: [bearer],
    schema: {
      ...common,
      summary: 'A new set of 10 recovery codes; the old ones stop working',
      body: SensitiveMfaBodySchema,
      response: { 200: RecoveryCodesResponseSchema, ...errorResponses(...COMMON_ERRORS, 401, 403, 409, 413, 415) },
    },
  }, async (request) => flows.regenerateRecoveryCodes(request, principalOf(request), request.body, deviceCookie.read(request)))
}
