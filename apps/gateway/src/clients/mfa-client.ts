import { AppError } from '@gatehouse/platform'
import {
  CeremonyOptionsSchema,
  ErrorCodes,
  MfaStatusSchema,
  MfaVerifyResponseSchema,
  RecoveryCodesResponseSchema,
  TotpSetupResponseSchema,
  type CeremonyOptions,
  type MfaPasskeyOptionsRequest,
  type MfaStatus,
  type MfaVerifyRequest,
  type MfaVerifyResponse,
  type RecoveryCodesResponse,
  type SensitiveMfaRequest,
  type TotpConfirmRequest,
  type TotpSetupRequest,
  type TotpSetupResponse,
} from '@gatehouse/schemas'
import { checkedBody, downstreamError, unexpectedAnswer, type CallContext, type Downstream, type DownstreamAnswer } from './downstream.ts'
import { badCredentials, clientError, secondFactorError, tooManyAttempts } from './identity-client.ts'

/** Identity's second-factor routes, answers mapped to public errors. */
export interface MfaClient {
  setupTotp(context: CallContext, userId: string, request: TotpSetupRequest): Promise<TotpSetupResponse>
  confirmTotp(context: CallContext, userId: string, request: TotpConfirmRequest): Promise<RecoveryCodesResponse>
  disableTotp(context: CallContext, userId: string, request: SensitiveMfaRequest): Promise<void>
  regenerateRecoveryCodes(context: CallContext, userId: string, request: SensitiveMfaRequest): Promise<RecoveryCodesResponse>
  status(context: CallContext, userId: string): Promise<MfaStatus>
  verify(context: CallContext, request: MfaVerifyRequest): Promise<MfaVerifyResponse>
  passkeyOptions(context: CallContext, request: MfaPasskeyOptionsRequest): Promise<CeremonyOptions>
}

const userPath = (userId: string, rest: string): string => `/v1/users/${encodeURIComponent(userId)}/mfa${rest}`

/** The refusals a factor-management route passes on; anything else is the server's problem. */
function refusal(answer: DownstreamAnswer): AppError | undefined {
  // 403, not 401: the bearer token is fine, and a 401 would tell clients to sign the user out.
  if (badCredentials(answer)) return new AppError(403, ErrorCodes.INVALID_CREDENTIALS, 'Current password is incorrect')
  if (answer.status === 429) return tooManyAttempts(answer)
  if (answer.status === 409) {
    const { code, message } = downstreamError(answer)
    if (code === ErrorCodes.MFA_ALREADY_ENABLED || code === ErrorCodes.MFA_NOT_ENABLED) return new AppError(409, code, message)
  }
  return secondFactorError(answer) ?? clientError(answer)
}

export function createMfaClient(downstream: Downstream): MfaClient {
  const post = (context: CallContext, path: string, json: unknown) => downstream.call(context, { method: 'POST', path, json })
  return {
    async setupTotp(context, userId, request) {
      const answer = await post(context, userPath(userId, '/totp/setup'), request)
      if (answer.status === 200) return checkedBody(context, downstream, answer, TotpSetupResponseSchema)
      throw refusal(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async confirmTotp(context, userId, request) {
      const answer = await post(context, userPath(userId, '/totp/confirm'), request)
      if (answer.status === 200) return checkedBody(context, downstream, answer, RecoveryCodesResponseSchema)
      throw refusal(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async disableTotp(context, userId, request) {
      const answer = await post(context, userPath(userId, '/totp/disable'), request)
      if (answer.status === 204) return
      throw refusal(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async regenerateRecoveryCodes(context, userId, request) {
      const answer = await post(context, userPath(userId, '/recovery-codes'), request)
      if (answer.status === 200) return checkedBody(context, downstream, answer, RecoveryCodesResponseSchema)
      throw refusal(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async status(context, userId) {
      const answer = await downstream.call(context, { method: 'GET', path: userPath(userId, '') })
      if (answer.status === 200) return checkedBody(context, downstream, answer, MfaStatusSchema)
      throw unexpectedAnswer(context, downstream, answer)
    },

    async verify(context, request) {
      const answer = await post(context, '/v1/mfa/verify', request)
      if (answer.status === 200) return checkedBody(context, downstream, answer, MfaVerifyResponseSchema)
      // One generic answer for a wrong code, a dead, used or foreign ticket.
      if (badCredentials(answer)) throw new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'The code is not valid, or this sign-in step has expired; sign in again')
      if (answer.status === 429) throw tooManyAttempts(answer)
      throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async passkeyOptions(context, request) {
      const answer = await post(context, '/v1/mfa/passkey/options', request)
      if (answer.status === 200) return checkedBody(context, downstream, answer, CeremonyOptionsSchema)
      if (badCredentials(answer)) throw new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'This sign-in step has expired; sign in again')
      throw unexpectedAnswer(context, downstream, answer)
    },
  }
}
