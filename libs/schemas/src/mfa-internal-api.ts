import { Type, type Static } from '@sinclair/typebox'
import { DeviceIdSchema, PresentedPasswordSchema } from './identity-api.ts'
import { MfaTokenSchema, SecondFactorFields, TotpCodeSchema } from './mfa-api.ts'
import { AuthenticationResponseSchema } from './passkeys.ts'

/**
 * Identity's internal second-factor routes (`/v1/users/:userId/mfa…`, `/v1/mfa/verify`). The
 * deviceId (the gateway's device cookie) lets re-authentication use the device's own throttle
 * counter, as a login does.
 */

// POST /v1/users/:userId/mfa/totp/setup → 200 TotpSetupResponse; 401 wrong password; 409 MFA_ALREADY_ENABLED
export const TotpSetupRequestSchema = Type.Object(
  { currentPassword: PresentedPasswordSchema, deviceId: Type.Optional(DeviceIdSchema) },
  { additionalProperties: false },
)
export type TotpSetupRequest = Static<typeof TotpSetupRequestSchema>

// POST /v1/users/:userId/mfa/totp/confirm → 200 RecoveryCodesResponse; 403 INVALID_MFA_CODE; 409
export const TotpConfirmRequestSchema = Type.Object({ code: TotpCodeSchema }, { additionalProperties: false })
export type TotpConfirmRequest = Static<typeof TotpConfirmRequestSchema>

// POST /v1/users/:userId/mfa/totp/disable → 204; POST /v1/users/:userId/mfa/recovery-codes → 200
// RecoveryCodesResponse. Both: 401 wrong password; 403 MFA_REQUIRED | INVALID_MFA_CODE; 409 MFA_NOT_ENABLED.
export const SensitiveMfaRequestSchema = Type.Object(
  { currentPassword: PresentedPasswordSchema, deviceId: Type.Optional(DeviceIdSchema), ...SecondFactorFields },
  { additionalProperties: false },
)
export type SensitiveMfaRequest = Static<typeof SensitiveMfaRequestSchema>

// POST /v1/mfa/verify → 200 MfaVerifyResponse; 400 unless exactly one of code, recoveryCode,
// passkey; 401 INVALID_CREDENTIALS (one answer for every failure); 429 TOO_MANY_ATTEMPTS (the
// account's login throttle)
export const MfaVerifyRequestSchema = Type.Object(
  { mfaToken: MfaTokenSchema, deviceId: DeviceIdSchema, ...SecondFactorFields, passkey: Type.Optional(AuthenticationResponseSchema) },
  { additionalProperties: false },
)
export type MfaVerifyRequest = Static<typeof MfaVerifyRequestSchema>

// POST /v1/mfa/passkey/options → 200 CeremonyOptions (the ticket user's passkeys, a challenge bound
// to that user); 401 INVALID_CREDENTIALS for a dead, used or foreign ticket
export const MfaPasskeyOptionsRequestSchema = Type.Object({ mfaToken: MfaTokenSchema, deviceId: DeviceIdSchema }, { additionalProperties: false })
export type MfaPasskeyOptionsRequest = Static<typeof MfaPasskeyOptionsRequestSchema>
