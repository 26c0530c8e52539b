import { Type } from '@sinclair/typebox'
import { clientOriginOf, type App } from '@gatehouse/platform'
import { AffectedUserSchema, ChangeEmailRequestSchema, DeleteAccountRequestSchema, ForgotPasswordRequestSchema, ResetPasswordRequestSchema, UserIdParamsSchema, VerifyEmailRequestSchema } from '@gatehouse/schemas'
import { ErrorRef, commonErrors } from '../routes/error-responses.ts'
import type { AccountDeletion } from './account-deletion.ts'
import type { EmailChange } from './email-change.ts'
import type { EmailVerification } from './email-verification.ts'
import type { PasswordReset } from './password-reset.ts'

/** Password reset and email verification (internal; the gateway adds rate limits and the public shapes). */
export function registerLifecycleRoutes(app: App, deps: { reset: PasswordReset; verification: EmailVerification; deletion: AccountDeletion; emailChange: EmailChange }): void {
  app.delete('/v1/users/:userId', {
    schema: { summary: 'Delete the account, given its password (and second factor); every per-user record goes', params: UserIdParamsSchema, body: DeleteAccountRequestSchema, response: { 200: AffectedUserSchema, 403: ErrorRef, 429: ErrorRef, ...commonErrors } },
  }, async (request) => {
    const { currentPassword, deviceId, code, recoveryCode } = request.body
    return deps.deletion.deleteAccount(request.params.userId, currentPassword, deviceId, { code, recoveryCode })
  })

  app.post('/v1/password/forgot', {
    schema: { summary: 'Record a reset request; the worker mails a link if the address has an account', body: ForgotPasswordRequestSchema, response: { 202: Type.Null(), ...commonErrors } },
  }, async (request, reply) => {
    await deps.reset.requestReset(request.body.email)
    return reply.code(202).send(null)
  })

  app.post('/v1/password/reset', {
    schema: { summary: 'Set a new password with a reset token', body: ResetPasswordRequestSchema, response: { 200: AffectedUserSchema, ...commonErrors } },
  }, async (request) => deps.reset.reset(request.body.token, request.body.newPassword))

  // One link page for both: a sign-up verification token, or an email-change one (which moves the address).
  app.post('/v1/email/verify', {
    schema: { summary: 'Verify an address, or confirm an address change, with the mailed token', body: VerifyEmailRequestSchema, response: { 200: AffectedUserSchema, ...commonErrors } },
  }, async (request) => (await deps.emailChange.confirm(request.body.token, { ...clientOriginOf(request), log: request.log })) ?? deps.verification.verify(request.body.token))

  app.post('/v1/users/:userId/email', {
    schema: { summary: 'Ask to change the address (password and second factor again); the link goes to the new one', params: UserIdParamsSchema, body: ChangeEmailRequestSchema, response: { 202: Type.Null(), 403: ErrorRef, 429: ErrorRef, ...commonErrors } },
  }, async (request, reply) => {
    const { newEmail, currentPassword, deviceId, code, recoveryCode } = request.body
    await deps.emailChange.request(request.params.userId, { newEmail, currentPassword, deviceId, proof: { code, recoveryCode } })
    return reply.code(202).send(null)
  })

  app.post('/v1/users/:userId/email/verification', {
    schema: { summary: 'Mail a new verification link', params: UserIdParamsSchema, response: { 202: Type.Null(), 404: ErrorRef, ...commonErrors } },
  }, async (request, reply) => {
    await deps.verification.resend(request.params.userId)
    return reply.code(202).send(null)
  })
}
