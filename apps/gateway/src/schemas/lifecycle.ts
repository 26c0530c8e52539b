import { Type, type Static } from '@sinclair/typebox'
import { EmailSchema, LinkTokenSchema, SecondFactorFields } from '@gatehouse/schemas'
import { NewPasswordSchema, PresentedPasswordSchema } from './auth.ts'

const CurrentPasswordSchema = Type.String({ minLength: 1, maxLength: 1024, description: 'The account\'s current password' })

/** Public bodies of the account-lifecycle endpoints (password reset, email verification). */
export const ForgotPasswordBodySchema = Type.Object({ email: EmailSchema }, { additionalProperties: false })
export type ForgotPasswordBody = Static<typeof ForgotPasswordBodySchema>

/** The one answer to forgot-password, whether or not the address has an account. */
export const AcceptedSchema = Type.Object({ message: Type.String() }, { additionalProperties: false })
export const FORGOT_ACCEPTED = { message: 'If an account uses this address, a link to reset its password is on its way.' } as const

export const ResetPasswordBodySchema = Type.Object({ token: LinkTokenSchema, newPassword: NewPasswordSchema }, { additionalProperties: false })
export type ResetPasswordBody = Static<typeof ResetPasswordBodySchema>

export const VerifyEmailBodySchema = Type.Object({ token: LinkTokenSchema }, { additionalProperties: false })
export type VerifyEmailBody = Static<typeof VerifyEmailBodySchema>

/** For a user with a second factor: a current code or an unused recovery code (403 MFA_REQUIRED otherwise). */
export const DeleteAccountBodySchema = Type.Object({ currentPassword: CurrentPasswordSchema, ...SecondFactorFields }, { additionalProperties: false })
export type DeleteAccountBody = Static<typeof DeleteAccountBodySchema>

/** For a user with a second factor: a current code or an unused recovery code (403 MFA_REQUIRED otherwise). */
export const ChangeEmailBodySchema = Type.Object(
  { newEmail: EmailSchema, currentPassword: PresentedPasswordSchema, ...SecondFactorFields },
  { additionalProperties: false },
)
export type ChangeEmailBody = Static<typeof ChangeEmailBodySchema>
