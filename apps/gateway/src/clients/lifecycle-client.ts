import { AppError } from '@gatehouse/platform'
import { AffectedUserSchema, ErrorCodes, type AffectedUser, type ChangeEmailRequest, type DeleteAccountRequest } from '@gatehouse/schemas'
import { badCredentials, secondFactorError, tooManyAttempts } from './identity-client.ts'
import { checkedBody, downstreamError, retryAfterSeconds, unexpectedAnswer, type CallContext, type Downstream, type DownstreamAnswer } from './downstream.ts'

export interface LifecycleClient {
  forgotPassword(context: CallContext, email: string): Promise<void>
  resetPassword(context: CallContext, token: string, newPassword: string): Promise<AffectedUser>
  verifyEmail(context: CallContext, token: string): Promise<AffectedUser>
  resendVerification(context: CallContext, userId: string): Promise<void>
  deleteAccount(context: CallContext, userId: string, body: DeleteAccountRequest): Promise<void>
  changeEmail(context: CallContext, userId: string, body: ChangeEmailRequest): Promise<void>
}

/** Codes of identity's 400s that pass to the client as they are: the generic link answer and the password policy. */
const PASSED_ON = new Set<string>([ErrorCodes.INVALID_LINK_TOKEN, ErrorCodes.WEAK_PASSWORD, ErrorCodes.PASSWORD_TOO_LONG, ErrorCodes.VALIDATION_FAILED])

function clientError(answer: DownstreamAnswer): AppError | undefined {
  if (answer.status === 413) return new AppError(413, ErrorCodes.PAYLOAD_TOO_LARGE, 'Request body is too large')
  const { code, message } = downstreamError(answer)
  if (answer.status !== 400 || !PASSED_ON.has(code)) return undefined
  return new AppError(400, code as (typeof ErrorCodes)['INVALID_LINK_TOKEN'], message || 'Invalid request')
}

/** identity's password-reset and verification API, its answers mapped to public errors. */
export function createLifecycleClient(downstream: Downstream): LifecycleClient {
  const expect = async (context: CallContext, path: string, json: unknown, status: number) => {
    const answer = await downstream.call(context, { method: 'POST', path, json })
    if (answer.status === status) return answer
    throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
  }
  return {
    async forgotPassword(context, email) {
      await expect(context, '/v1/password/forgot', { email }, 202)
    },
    async resetPassword(context, token, newPassword) {
      return checkedBody(context, downstream, await expect(context, '/v1/password/reset', { token, newPassword }, 200), AffectedUserSchema)
    },
    async verifyEmail(context, token) {
      return checkedBody(context, downstream, await expect(context, '/v1/email/verify', { token }, 200), AffectedUserSchema)
    },
    async deleteAccount(context, userId, body) {
      const answer = await downstream.call(context, { method: 'DELETE', path: `/v1/users/${encodeURIComponent(userId)}`, json: body })
      if (answer.status === 200) return
      // 403, not 401: the bearer token is fine, and a 401 would tell clients to sign the user out.
      if (answer.status === 401 && downstreamError(answer).code === ErrorCodes.INVALID_CREDENTIALS) {
        throw new AppError(403, ErrorCodes.INVALID_CREDENTIALS, 'Current password is incorrect')
      }
      if (answer.status === 429) {
        const seconds = retryAfterSeconds(answer)
        throw new AppError(429, ErrorCodes.TOO_MANY_ATTEMPTS, 'Too many failed attempts; try again later', { details: { retryAfterSeconds: seconds }, headers: { 'retry-after': String(seconds) } })
      }
      throw secondFactorError(answer) ?? clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },
    async changeEmail(context, userId, body) {
      const answer = await downstream.call(context, { method: 'POST', path: `/v1/users/${encodeURIComponent(userId)}/email`, json: body })
      if (answer.status === 202) return
      // 403, not 401: the bearer token is fine, and a 401 would tell clients to sign the user out.
      if (badCredentials(answer)) throw new AppError(403, ErrorCodes.INVALID_CREDENTIALS, 'Current password is incorrect')
      if (answer.status === 429) throw tooManyAttempts(answer)
      throw secondFactorError(answer) ?? clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },
    async resendVerification(context, userId) {
      await expect(context, `/v1/users/${encodeURIComponent(userId)}/email/verification`, {}, 202)
    },
  }
}
