import { Type, type Static } from '@sinclair/typebox'

/**
 * The one public error shape, for every service and every status:
 * `{ "error": { "code", "message", "requestId", "details"? } }`.
 */
export const ErrorResponseSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' }),
      message: Type.String({ description: 'Human-readable explanation, safe to show' }),
      requestId: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse', description: 'Error' },
)
export type ErrorResponse = Static<typeof ErrorResponseSchema>

/** Every code a service may answer with; clients may switch on these. */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CLIENT: 'INVALID_CLIENT',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_TOKEN: 'INVALID_TOKEN',
  INVALID_REFRESH_TOKEN: 'INVALID_REFRESH_TOKEN',
  FORBIDDEN: 'FORBIDDEN',
  CSRF_REJECTED: 'CSRF_REJECTED',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  PASSWORD_TOO_LONG: 'PASSWORD_TOO_LONG',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  MFA_REQUIRED: 'MFA_REQUIRED',
  /** REQUIRE_VERIFIED_EMAIL: a right password for an address not verified yet (said only after the password). */
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  INVALID_MFA_CODE: 'INVALID_MFA_CODE',
  MFA_ALREADY_ENABLED: 'MFA_ALREADY_ENABLED',
  MFA_NOT_ENABLED: 'MFA_NOT_ENABLED',
  RATE_LIMITED: 'RATE_LIMITED',
  /** One answer for an unknown, used or expired link token (reset, verification). */
  INVALID_LINK_TOKEN: 'INVALID_LINK_TOKEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]
