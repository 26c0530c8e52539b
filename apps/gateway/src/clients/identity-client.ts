import { AppError } from '@gatehouse/platform'
import {
  ActivityPageSchema,
  ErrorCodes,
  type ActivityPage,
  type ActivityQuery,
  VerifyCredentialsResponseSchema,
  type ChangePasswordRequest,
  type CreateUserRequest,
  type User,
  type VerifyCredentialsRequest,
  type VerifyCredentialsResponse,
} from '@gatehouse/schemas'
import { checkedBody, downstreamError, retryAfterSeconds, unexpectedAnswer, type CallContext, type Downstream, type DownstreamAnswer } from './downstream.ts'

export interface IdentityClient {
  /** Undefined: identity runs SIGNUP_ENUMERATION_SAFE and answered 202 (new account or not: it does not say). */
  createUser(context: CallContext, request: CreateUserRequest): Promise<User | undefined>
  verifyCredentials(context: CallContext, request: VerifyCredentialsRequest): Promise<VerifyCredentialsResponse>
  getUser(context: CallContext, userId: string): Promise<User | undefined>
  changePassword(context: CallContext, userId: string, request: ChangePasswordRequest): Promise<void>
  /** Undefined: identity refused the cursor (not one it issued). */
  activity(context: CallContext, userId: string, query: ActivityQuery): Promise<ActivityPage | undefined>
}

const POLICY_CODES = new Set<string>([ErrorCodes.WEAK_PASSWORD, ErrorCodes.PASSWORD_TOO_LONG, ErrorCodes.VALIDATION_FAILED])

export function tooManyAttempts(answer: DownstreamAnswer): AppError {
  const seconds = retryAfterSeconds(answer)
  return new AppError(429, ErrorCodes.TOO_MANY_ATTEMPTS, 'Too many failed attempts; try again later', {
    details: { retryAfterSeconds: seconds },
    headers: { 'retry-after': String(seconds) },
  })
}

/** 401 for the user's credentials; a 401 INVALID_CLIENT means our own service credentials failed. */
export const badCredentials = (answer: DownstreamAnswer): boolean =>
  answer.status === 401 && downstreamError(answer).code === ErrorCodes.INVALID_CREDENTIALS

/**
 * A client error the gateway passes on as its own: password policy (the client must know why its
 * new password was refused) and 413 (the body we forwarded exceeds identity's limit, the client's
 * input, not a server fault).
 */
export function clientError(answer: DownstreamAnswer): AppError | undefined {
  if (answer.status === 413) return new AppError(413, ErrorCodes.PAYLOAD_TOO_LARGE, 'Request body is too large')
  const { code, message } = downstreamError(answer)
  if (answer.status !== 400 || !POLICY_CODES.has(code)) return undefined
  // Only the code and message pass; internal details (paths in identity's schemas) stay inside.
  return new AppError(400, code as (typeof ErrorCodes)['WEAK_PASSWORD'], message || 'Password does not meet the policy')
}

/**
 * A sensitive action refused for its second factor: 403 MFA_REQUIRED (with the methods the
 * user has) or INVALID_MFA_CODE, passed on; nothing else of identity's details leaves.
 */
export function secondFactorError(answer: DownstreamAnswer): AppError | undefined {
  if (answer.status !== 403) return undefined
  const { code, message, details } = downstreamError(answer)
  if (code === ErrorCodes.MFA_REQUIRED) return new AppError(403, ErrorCodes.MFA_REQUIRED, message, { details: { methods: details['methods'] } })
  if (code === ErrorCodes.INVALID_MFA_CODE) return new AppError(403, ErrorCodes.INVALID_MFA_CODE, 'The code is not valid')
  return undefined
}

/** REQUIRE_VERIFIED_EMAIL: identity said so only after the password (or passkey) checked out. */
export const emailNotVerified = (answer: DownstreamAnswer): AppError =>
  new AppError(403, ErrorCodes.EMAIL_NOT_VERIFIED, downstreamError(answer).message || 'Confirm your email address before signing in')

/** The identity service's internal API, its answers mapped to public errors. */
export function createIdentityClient(downstream: Downstream): IdentityClient {
  return {
    async createUser(context, request) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/users', json: request })
      if (answer.status === 201) return answer.body as User
      if (answer.status === 202) return undefined
      if (answer.status === 409) throw new AppError(409, ErrorCodes.EMAIL_TAKEN, 'An account with this email already exists')
      throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async verifyCredentials(context, request) {
      const answer = await downstream.call(context, { method: 'POST', path: '/v1/credentials/verify', json: request })
      if (answer.status === 200) return checkedBody(context, downstream, answer, VerifyCredentialsResponseSchema)
      // One message for an unknown email and a wrong password: the answer must not reveal accounts.
      if (badCredentials(answer)) throw new AppError(401, ErrorCodes.INVALID_CREDENTIALS, 'Invalid email or password')
      if (answer.status === 429) throw tooManyAttempts(answer)
      if (answer.status === 403 && downstreamError(answer).code === ErrorCodes.EMAIL_NOT_VERIFIED) throw emailNotVerified(answer)
      throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async getUser(context, userId) {
      const answer = await downstream.call(context, { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}` })
      if (answer.status === 200) return answer.body as User
      if (answer.status === 404) return undefined
      throw unexpectedAnswer(context, downstream, answer)
    },

    async changePassword(context, userId, request) {
      const answer = await downstream.call(context, { method: 'POST', path: `/v1/users/${encodeURIComponent(userId)}/password`, json: request })
      if (answer.status === 204) return
      // 403, not 401: the bearer token is fine, and a 401 would tell clients to sign the user out.
      if (badCredentials(answer)) throw new AppError(403, ErrorCodes.INVALID_CREDENTIALS, 'Current password is incorrect')
      if (answer.status === 429) throw tooManyAttempts(answer)
      const factorError = secondFactorError(answer)
      if (factorError !== undefined) throw factorError
      throw clientError(answer) ?? unexpectedAnswer(context, downstream, answer)
    },

    async activity(context, userId, query) {
      const search = new URLSearchParams(query as Record<string, string>).toString()
      const answer = await downstream.call(context, { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}/activity${search === '' ? '' : `?${search}`}` })
      if (answer.status === 200) return checkedBody(context, downstream, answer, ActivityPageSchema)
      if (answer.status === 400) return undefined
      throw unexpectedAnswer(context, downstream, answer)
    },
  }
}
