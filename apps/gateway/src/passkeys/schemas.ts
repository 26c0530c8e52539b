import { Type } from '@sinclair/typebox'
import { AuthenticationResponseSchema, PasskeyIdSchema, PasskeyNameSchema, RegistrationResponseSchema } from '@gatehouse/schemas'

export const RegisterPasskeyBodySchema = Type.Object({ response: RegistrationResponseSchema, name: PasskeyNameSchema }, { additionalProperties: false })
export const PasskeySignInBodySchema = Type.Object({ response: AuthenticationResponseSchema }, { additionalProperties: false })
export const PasskeyParamsSchema = Type.Object({ id: PasskeyIdSchema }, { additionalProperties: false })
export const RenamePasskeyBodySchema = Type.Object({ name: PasskeyNameSchema }, { additionalProperties: false })
