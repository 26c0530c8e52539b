import { Type, type Static } from '@sinclair/typebox'
import { DeviceIdSchema, NewPasswordSchema, PresentedPasswordSchema } from './identity-api.ts'
import { EmailSchema, UserIdSchema } from './primitives.ts'
import { SecondFactorFields } from './mfa-api.ts'

/**
 * The account lifecycle's internal API (identity `/v1`): password reset and email verification.
 * Link tokens are 256 random bits, base64url (43 characters); only their hash is stored.
 */
export const LinkTokenSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{20,128}$', description: 'The token from the link (its #token= fragment)' })

/** POST /v1/password/forgot → 202, whatever the address: the worker finds the account, if any. */
export const ForgotPasswordRequestSchema = Type.Object({ email: EmailSchema }, { additionalProperties: false })
export type ForgotPasswordRequest = Static<typeof ForgotPasswordRequestSchema>

/** POST /v1/password/reset → 200 {userId}; 400 INVALID_LINK_TOKEN; 400 policy codes as on sign-up. */
export const ResetPasswordRequestSchema = Type.Object({ token: LinkTokenSchema, newPassword: NewPasswordSchema }, { additionalProperties: false })
export type ResetPasswordRequest = Static<typeof ResetPasswordRequestSchema>

/** Whose credentials changed: the gateway ends that user's sessions. */
export const AffectedUserSchema = Type.Object({ userId: UserIdSchema }, { additionalProperties: false })
export type AffectedUser = Static<typeof AffectedUserSchema>

/** POST /v1/email/verify → 200 {userId}; 400 INVALID_LINK_TOKEN. */
export const VerifyEmailRequestSchema = Type.Object({ token: LinkTokenSchema }, { additionalProperties: false })
export type VerifyEmailRequest = Static<typeof VerifyEmailRequestSchema>

/**
 * DELETE /v1/users/:userId → 200 {userId}; 401 INVALID_CREDENTIALS; 403 MFA_REQUIRED |
 * INVALID_MFA_CODE (a user with a factor sends `code` or `recoveryCode`); 429 TOO_MANY_ATTEMPTS.
 */
export const DeleteAccountRequestSchema = Type.Object(
  { currentPassword: PresentedPasswordSchema, deviceId: Type.Optional(DeviceIdSchema), ...SecondFactorFields },
  { additionalProperties: false },
)
export type DeleteAccountRequest = Static<typeof DeleteAccountRequestSchema>

/**
 * POST /v1/users/:userId/email → 202, whether or not the new address is free (the confirmation
 * link, mailed to it, is where a taken address fails); 401 INVALID_CREDENTIALS; 403 MFA_*; 429.
 */
export const ChangeEmailRequestSchema = Type.Object(
  { newEmail: EmailSchema, currentPassword: PresentedPasswordSchema, deviceId: Type.Optional(DeviceIdSchema), ...SecondFactorFields },
  { additionalProperties: false },
)
export type ChangeEmailRequest = Static<typeof ChangeEmailRequestSchema>
