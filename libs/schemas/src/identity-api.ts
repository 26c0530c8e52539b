import { Type, type Static } from '@sinclair/typebox'
import { EmailSchema, EmailVerifiedSchema, IsoDateSchema, NO_NUL_PATTERN, ScopeSchema, UserIdSchema } from './primitives.ts'
import { MfaChallengeSchema, SecondFactorFields } from './mfa-api.ts'

/**
 * The identity service's internal API (`/v1`, HTTP Basic service credentials on every route).
 * Bodies reject unknown fields. Error answers use the shared `ErrorResponse` shape.
 */

/**
 * A password being chosen. The schema only bounds the size; the policy (at least 8 characters,
 * at most 72 UTF-8 bytes, not a common password) is checked in code so each breach gets its own
 * code: WEAK_PASSWORD or PASSWORD_TOO_LONG rather than a generic VALIDATION_FAILED.
 */
export const NewPasswordSchema = Type.String({
  minLength: 1,
  maxLength: 1024,
  pattern: NO_NUL_PATTERN,
  description: 'New password: at least 8 characters, at most 72 bytes in UTF-8, not a commonly used password',
})

/** A password being checked: any non-empty string; the stored hash decides. No policy applies. */
export const PresentedPasswordSchema = Type.String({ minLength: 1, maxLength: 1024, pattern: NO_NUL_PATTERN, description: 'Password to check' })

/**
 * POST /v1/users → 201 User; 409 EMAIL_TAKEN; 400 WEAK_PASSWORD | PASSWORD_TOO_LONG | VALIDATION_FAILED.
 * With SIGNUP_ENUMERATION_SAFE: 202 and no body for every well-formed sign-up, new address or taken.
 */
export const CreateUserRequestSchema = Type.Object(
  { email: EmailSchema, password: NewPasswordSchema },
  { additionalProperties: false },
)
export type CreateUserRequest = Static<typeof CreateUserRequestSchema>

/** A user's public profile: never the password hash. Response to create and get. */
export const UserSchema = Type.Object(
  {
    userId: UserIdSchema,
    email: Type.String({ description: 'Normalised email (trimmed, NFKC, lower-case)' }),
    createdAt: IsoDateSchema,
    emailVerified: Type.Boolean({ description: 'Whether a link mailed to this address was followed' }),
  },
  { additionalProperties: false },
)
export type User = Static<typeof UserSchema>

/**
 * The caller's long-lived random id for the browser or app making a login (the gateway's device
 * cookie: OWASP "Slow Down Online Guessing Attacks with Device Cookies"). A device that has signed
 * in to an account before is throttled on its own counter, so strangers' failures cannot lock its
 * owner out. At least 128 bits, base64url.
 */
export const DeviceIdSchema = Type.String({
  pattern: '^[A-Za-z0-9_-]{22,128}$',
  description: 'Opaque device id (base64url, 22 to 128 characters)',
})
export type DeviceId = Static<typeof DeviceIdSchema>

/**
 * POST /v1/credentials/verify → 200 VerifyCredentialsResponse; 401 INVALID_CREDENTIALS (the same
 * answer for an unknown email and a wrong password); 429 TOO_MANY_ATTEMPTS with a `Retry-After`
 * header and `details.retryAfterSeconds`.
 */
export const VerifyCredentialsRequestSchema = Type.Object(
  {
    email: EmailSchema,
    password: PresentedPasswordSchema,
    deviceId: Type.Optional(DeviceIdSchema),
    // The caller minted deviceId for this very request, so it cannot be trusted yet and identity
    // skips the lookup. It can only make counting stricter (the account's own counter).
    newDevice: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
)
export type VerifyCredentialsRequest = Static<typeof VerifyCredentialsRequestSchema>

export const PasswordVerifiedSchema = Type.Object(
  { userId: UserIdSchema, scope: ScopeSchema, emailVerified: EmailVerifiedSchema },
  { additionalProperties: false },
)
export type PasswordVerified = Static<typeof PasswordVerifiedSchema>

/** A user without a second factor is signed in; one with a factor gets the MFA step (mfa-api.ts). */
export const VerifyCredentialsResponseSchema = Type.Union([PasswordVerifiedSchema, MfaChallengeSchema])
export type VerifyCredentialsResponse = Static<typeof VerifyCredentialsResponseSchema>

/** Path parameters of GET /v1/users/:userId (→ 200 User; 404 NOT_FOUND) and the password route. */
export const UserIdParamsSchema = Type.Object({ userId: UserIdSchema }, { additionalProperties: false })
export type UserIdParams = Static<typeof UserIdParamsSchema>

/**
 * POST /v1/users/:userId/password → 204; 401 INVALID_CREDENTIALS when the current password is
 * wrong (or the user does not exist); 400 WEAK_PASSWORD | PASSWORD_TOO_LONG | VALIDATION_FAILED;
 * 429 TOO_MANY_ATTEMPTS as for verify. Revoking the user's sessions is the caller's job (token).
 */
export const ChangePasswordRequestSchema = Type.Object(
  // deviceId as for verify: the re-authentication is throttled like a login, on the same counters.
  // code / recoveryCode: required when the user has a second factor (403 MFA_REQUIRED otherwise).
  { currentPassword: PresentedPasswordSchema, newPassword: NewPasswordSchema, deviceId: Type.Optional(DeviceIdSchema), ...SecondFactorFields },
  { additionalProperties: false },
)
export type ChangePasswordRequest = Static<typeof ChangePasswordRequestSchema>
