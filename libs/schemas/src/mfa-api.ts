import { Type, type Static } from '@sinclair/typebox'
import { EmailVerifiedSchema, ScopeSchema, UserIdSchema } from './primitives.ts'

/**
 * Second factors (TOTP, recovery codes) and the sign-in step that asks for them: shapes shared
 * by identity's internal API and the gateway's public one.
 */

/** A code from an authenticator app: 6 digits (RFC 6238 as the apps implement it). */
export const TotpCodeSchema = Type.String({ pattern: '^[0-9]{6}$', description: 'Current 6-digit code from the authenticator app' })
/** A recovery code as typed: case, spaces and dashes do not matter. */
export const RecoveryCodeSchema = Type.String({ minLength: 1, maxLength: 64, description: 'One unused recovery code' })
/** An opaque mfaToken; loose bounds, so a mangled one reads as a dead ticket (401), not a schema error. */
export const MfaTokenSchema = Type.String({ minLength: 1, maxLength: 512, description: 'The mfaToken from the 403 MFA_REQUIRED answer' })

/** `details.methods` of MFA_REQUIRED: the ways this user can finish signing in (`passkey` when the user has one). */
export const MfaMethodSchema = Type.Union([Type.Literal('totp'), Type.Literal('recovery_code'), Type.Literal('passkey')])
export type MfaMethod = Static<typeof MfaMethodSchema>

/** RFC 8176 authentication method references. */
export const AmrSchema = Type.Array(Type.String({ pattern: '^[a-z]{2,16}$' }), { minItems: 1, maxItems: 8 })

/** A second factor for a sensitive action: `code` or `recoveryCode` (at most one). */
export const SecondFactorFields = {
  code: Type.Optional(TotpCodeSchema),
  recoveryCode: Type.Optional(RecoveryCodeSchema),
}

export const TotpSetupResponseSchema = Type.Object({
  secret: Type.String({ description: 'Base32 secret, for typing into an authenticator by hand' }),
  otpauthUri: Type.String({ description: 'otpauth://totp/… URI (Key Uri Format)' }),
  qrSvg: Type.String({ description: 'The otpauth URI as a QR code, an SVG document' }),
}, { additionalProperties: false })
export type TotpSetupResponse = Static<typeof TotpSetupResponseSchema>

export const RecoveryCodesResponseSchema = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { minItems: 10, maxItems: 10, description: 'Shown once; each works once' }),
}, { additionalProperties: false })
export type RecoveryCodesResponse = Static<typeof RecoveryCodesResponseSchema>

export const MfaStatusSchema = Type.Object({
  totp: Type.Boolean({ description: 'An authenticator app is active' }),
  recoveryCodesLeft: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false })
export type MfaStatus = Static<typeof MfaStatusSchema>

/** Identity's answer to a right password when the user has a factor: no tokens yet. */
export const MfaChallengeSchema = Type.Object({
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String(),
  methods: Type.Array(MfaMethodSchema),
  expiresIn: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false })
export type MfaChallenge = Static<typeof MfaChallengeSchema>

/** The result of a complete sign-in, password and second factor: what the token service needs. */
export const MfaVerifyResponseSchema = Type.Object({
  userId: UserIdSchema,
  scope: ScopeSchema,
  amr: AmrSchema,
  authTime: Type.Integer({ minimum: 0, description: 'Epoch seconds of the sign-in' }),
  emailVerified: EmailVerifiedSchema,
}, { additionalProperties: false })
export type MfaVerifyResponse = Static<typeof MfaVerifyResponseSchema>
