import { Type, type Static } from '@sinclair/typebox'
import { EmailVerifiedSchema, IsoDateSchema, UserIdSchema } from './primitives.ts'
import { DeviceIdSchema } from './identity-api.ts'

const B64 = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]*$' })

/** A credential id as WebAuthn gives it (base64url); also a passkey's public id. */
export const PasskeyIdSchema = B64(1366)

export const PasskeyNameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S', description: 'A name the user chose, e.g. "Work laptop"' })

/**
 * The browser's ceremony answer (`startRegistration` / `startAuthentication` of
 * @simplewebauthn/browser, WebAuthn Level 3 `toJSON()`): the library checks its inside, the
 * schema bounds its size and shape.
 */
const CeremonyResponse = (inner: Record<string, ReturnType<typeof B64> | ReturnType<typeof Type.Optional>>) => Type.Object({
  id: PasskeyIdSchema,
  rawId: PasskeyIdSchema,
  type: Type.Literal('public-key'),
  response: Type.Object(inner, { additionalProperties: true }),
  clientExtensionResults: Type.Object({}, { additionalProperties: true }),
  authenticatorAttachment: Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')])),
}, { additionalProperties: false })

export const RegistrationResponseSchema = CeremonyResponse({ clientDataJSON: B64(4096), attestationObject: B64(16_384) })
export const AuthenticationResponseSchema = CeremonyResponse({
  clientDataJSON: B64(4096),
  authenticatorData: B64(4096),
  signature: B64(1024),
  userHandle: Type.Optional(B64(128)),
})

/** PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON, passed to the browser as they are. */
export const CeremonyOptionsSchema = Type.Object({ challenge: Type.String() }, { additionalProperties: true, description: 'WebAuthn options JSON for @simplewebauthn/browser' })
export type CeremonyOptions = Static<typeof CeremonyOptionsSchema>

export const PasskeySchema = Type.Object({
  id: PasskeyIdSchema,
  name: Type.String(),
  createdAt: IsoDateSchema,
  lastUsedAt: Type.Optional(IsoDateSchema),
  deviceType: Type.Union([Type.Literal('singleDevice'), Type.Literal('multiDevice')], { description: 'multiDevice: a synced passkey' }),
  backedUp: Type.Boolean({ description: 'Whether the passkey is backed up (synced) now' }),
})
export type Passkey = Static<typeof PasskeySchema>
export const PasskeyListSchema = Type.Object({ passkeys: Type.Array(PasskeySchema) })

// Internal (identity) API
export const RegisterPasskeyRequestSchema = Type.Object({ response: RegistrationResponseSchema, name: PasskeyNameSchema }, { additionalProperties: false })
/**
 * `userId`: the assertion must be that user's (a passkey used as a proof for a known account).
 * Without it this is a passwordless sign-in: identity records it (sign_in, method `passkey`) and,
 * for a device new to the account (`deviceId`, the device cookie; `newDevice`: minted just now),
 * mails the new-sign-in notice and trusts the device, as a password sign-in does.
 */
export const VerifyPasskeyRequestSchema = Type.Object({
  response: AuthenticationResponseSchema,
  userId: Type.Optional(UserIdSchema),
  deviceId: Type.Optional(DeviceIdSchema),
  newDevice: Type.Optional(Type.Literal(true)),
}, { additionalProperties: false })
export const PasskeyProofSchema = Type.Object({
  userId: UserIdSchema,
  scope: Type.String(),
  amr: Type.Array(Type.String(), { description: 'RFC 8176 methods: hwk or swk, and mfa when the user was verified' }),
  emailVerified: EmailVerifiedSchema,
})
export type PasskeyProofResponse = Static<typeof PasskeyProofSchema>
export const UserPasskeyParamsSchema = Type.Object({ userId: UserIdSchema, id: PasskeyIdSchema }, { additionalProperties: false })
export const RenamePasskeyRequestSchema = Type.Object({ name: PasskeyNameSchema }, { additionalProperties: false })
