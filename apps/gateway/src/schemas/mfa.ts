import { Type, type Static } from '@sinclair/typebox'
import { AuthenticationResponseSchema, MfaTokenSchema, SecondFactorFields, TotpCodeSchema } from '@gatehouse/schemas'
import { PresentedPasswordSchema } from './auth.ts'

/** Public bodies of the second-factor endpoints; the answers reuse the shared schemas. */

export const TotpSetupBodySchema = Type.Object({ currentPassword: PresentedPasswordSchema }, { additionalProperties: false })
export type TotpSetupBody = Static<typeof TotpSetupBodySchema>

export const TotpConfirmBodySchema = Type.Object({ code: TotpCodeSchema }, { additionalProperties: false })
export type TotpConfirmBody = Static<typeof TotpConfirmBodySchema>

/** Turning the factor off and new recovery codes: the password and a current code (or a recovery code). */
export const SensitiveMfaBodySchema = Type.Object({ currentPassword: PresentedPasswordSchema, ...SecondFactorFields }, { additionalProperties: false })
export type SensitiveMfaBody = Static<typeof SensitiveMfaBodySchema>

/** `{mfaToken, code}`, `{mfaToken, recoveryCode}` or `{mfaToken, passkey}`: exactly one of the three (400 otherwise). */
export const LoginMfaBodySchema = Type.Object({
  mfaToken: MfaTokenSchema,
  ...SecondFactorFields,
  passkey: Type.Optional(AuthenticationResponseSchema),
}, { additionalProperties: false })
export type LoginMfaBody = Static<typeof LoginMfaBodySchema>

export const LoginMfaPasskeyOptionsBodySchema = Type.Object({ mfaToken: MfaTokenSchema }, { additionalProperties: false })
