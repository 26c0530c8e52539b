import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { RequestOrigin } from '@gatehouse/dynamo'
import { clientOriginOf, type App } from '@gatehouse/platform'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import {
  CeremonyOptionsSchema,
  MfaPasskeyOptionsRequestSchema,
  MfaStatusSchema,
  MfaVerifyRequestSchema,
  MfaVerifyResponseSchema,
  RecoveryCodesResponseSchema,
  SensitiveMfaRequestSchema,
  TotpConfirmRequestSchema,
  TotpSetupRequestSchema,
  TotpSetupResponseSchema,
  UserIdParamsSchema,
} from '@gatehouse/schemas'
import { ErrorRef, commonErrors } from '../routes/error-responses.ts'
import type { LoginStep } from './login-step.ts'
import type { MfaService } from './mfa-service.ts'

const params = UserIdParamsSchema

const originOf = (request: FastifyRequest): RequestOrigin => ({ ...clientOriginOf(request), log: request.log })

/** Identity's internal second-factor API; the gateway maps it to /auth/mfa… and /auth/login/mfa. */
export function registerMfaRoutes(app: App, service: MfaService, loginStep: LoginStep): void {
  app.post('/v1/users/:userId/mfa/totp/setup', {
    schema: {
      summary: 'Start a TOTP enrolment (password re-checked); not active until confirmed',
      params,
      body: TotpSetupRequestSchema,
      response: { 200: TotpSetupResponseSchema, 409: ErrorRef, 429: ErrorRef, ...commonErrors },
    },
  }, async (request) => service.setupTotp(request.params.userId, request.body.currentPassword, request.body.deviceId))

  app.post('/v1/users/:userId/mfa/totp/confirm', {
    schema: {
      summary: 'Confirm the enrolment with a code; answers the first recovery codes, once',
      params,
      body: TotpConfirmRequestSchema,
      response: { 200: RecoveryCodesResponseSchema, 403: ErrorRef, 409: ErrorRef, ...commonErrors },
    },
  }, async (request) => service.confirmTotp(request.params.userId, request.body.code, originOf(request)))

  app.post('/v1/users/:userId/mfa/totp/disable', {
    schema: {
      summary: 'Turn TOTP off (and its recovery codes): password and a current code',
      params,
      body: SensitiveMfaRequestSchema,
      response: { 204: Type.Null(), 403: ErrorRef, 409: ErrorRef, 429: ErrorRef, ...commonErrors },
    },
  }, async (request, reply) => {
    const { currentPassword, deviceId, code, recoveryCode } = request.body
    await service.disableTotp(request.params.userId, currentPassword, deviceId, { code, recoveryCode }, originOf(request))
    return reply.code(204).send(null)
  })

  app.post('/v1/users/:userId/mfa/recovery-codes', {
    schema: {
      summary: 'A new set of recovery codes; the old ones stop working',
      params,
      body: SensitiveMfaRequestSchema,
      response: { 200: RecoveryCodesResponseSchema, 403: ErrorRef, 409: ErrorRef, 429: ErrorRef, ...commonErrors },
    },
  }, async (request) => {
    const { currentPassword, deviceId, code, recoveryCode } = request.body
    return service.regenerateRecoveryCodes(request.params.userId, currentPassword, deviceId, { code, recoveryCode }, originOf(request))
  })

  app.get('/v1/users/:userId/mfa', {
    schema: { summary: 'What second factors the user has', params, response: { 200: MfaStatusSchema, ...commonErrors } },
  }, async (request) => service.status(request.params.userId))

  app.post('/v1/mfa/verify', {
    schema: {
      summary: 'The second step of sign-in: an mfaToken and a code, a recovery code or a passkey assertion',
      body: MfaVerifyRequestSchema,
      response: { 200: MfaVerifyResponseSchema, 429: ErrorRef, ...commonErrors },
    },
  }, async (request) => {
    const { mfaToken, deviceId, code, recoveryCode, passkey } = request.body
    const proof = { code, recoveryCode, passkey: passkey as unknown as AuthenticationResponseJSON | undefined }
    return loginStep.complete(mfaToken, deviceId, proof, { ...clientOriginOf(request), log: request.log })
  })

  app.post('/v1/mfa/passkey/options', {
    schema: {
      summary: 'The second step of sign-in with a passkey: request options for the mfaToken\'s user',
      body: MfaPasskeyOptionsRequestSchema,
      response: { 200: CeremonyOptionsSchema, ...commonErrors },
    },
  }, async (request) => loginStep.passkeyOptions(request.body.mfaToken, request.body.deviceId))
}
