import { Type, type Static } from '@sinclair/typebox'
import { EmailSchema, IsoDateSchema, NO_NUL_PATTERN, PASSWORD_MAX_BYTES, SecondFactorFields, SessionCursorSchema, SessionIdSchema, UserIdSchema } from '@gatehouse/schemas'

/**
 * The public API's shapes. Response schemas double as a filter: the refresh token, the session id
 * and anything else a downstream adds never reach the client unless listed here.
 */

export const ErrorRef = Type.Ref('ErrorResponse')

/**
 * Public password fields stop at 256 characters: far above anything bcrypt can use, yet small
 * enough that a body the gateway accepts, re-serialised for identity (at worst 6 bytes a character
 * as `\uXXXX`), always fits identity's own body limit. Identity still applies its 72-byte rule
 * and answers PASSWORD_TOO_LONG for a new password over it.
 */
export const PUBLIC_PASSWORD_MAX_LENGTH = 256

export const PresentedPasswordSchema = Type.String({ minLength: 1, maxLength: PUBLIC_PASSWORD_MAX_LENGTH, pattern: NO_NUL_PATTERN, description: 'Password to check' })
export const NewPasswordSchema = Type.String({
  minLength: 1,
  maxLength: PUBLIC_PASSWORD_MAX_LENGTH,
  pattern: NO_NUL_PATTERN,
  description: `New password: at least 8 characters, at most ${PASSWORD_MAX_BYTES} bytes in UTF-8, not a commonly used password`,
})

export const CredentialsSchema = Type.Object(
  { email: EmailSchema, password: PresentedPasswordSchema },
  { additionalProperties: false },
)
export type Credentials = Static<typeof CredentialsSchema>

/** Identity applies the password policy, so a too-long password gets PASSWORD_TOO_LONG, not a schema error. */
export const RegisterRequestSchema = Type.Object({ email: EmailSchema, password: NewPasswordSchema }, { additionalProperties: false })
export type RegisterRequest = Static<typeof RegisterRequestSchema>

export const RegisterResponseSchema = Type.Object({ userId: UserIdSchema })

/** The enumeration-safe sign-up's one answer, new address or taken: no userId, nothing that differs. */
export const SIGN_UP_ACCEPTED = 'Check your inbox: we sent a mail to this address with what to do next.'
export const SignUpAcceptedSchema = Type.Object(
  { message: Type.String({ description: 'The same text for every well-formed sign-up' }) },
  { additionalProperties: false, description: 'SIGNUP_ENUMERATION_SAFE: the sign-up was accepted; a new address got its account and verification link, a taken one a notice to its owner' },
)

/**
 * RFC 6749 §5.1 names, camel-cased like the rest of the API. The refresh token is a cookie, and in
 * the body only for `x-token-transport: body` (native apps, which keep no cookie jar).
 */
export const AccessTokenResponseSchema = Type.Object({
  accessToken: Type.String({ description: 'JWT access token (RFC 9068), sent as `Authorization: Bearer …`' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ minimum: 0, description: 'Seconds until the access token expires' }),
  refreshToken: Type.Optional(Type.String({ description: 'Only with `x-token-transport: body`: the refresh token (otherwise it is the HttpOnly cookie)' })),
  refreshExpiresIn: Type.Optional(Type.Integer({ minimum: 0, description: 'Only with `x-token-transport: body`: seconds until the refresh token expires' })),
})
export type AccessTokenResponse = Static<typeof AccessTokenResponseSchema>

/**
 * Cookie-authenticated endpoints take no fields, but must be sent as `application/json` (see the
 * CSRF guard); `{}` or an empty body both do.
 */
export const EmptyBodySchema = Type.Object({}, { additionalProperties: false })

/** Refresh and logout: `{}` with the cookie, or `{refreshToken}` with `x-token-transport: body`. */
export const RefreshBodySchema = Type.Object(
  { refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Only with `x-token-transport: body`' })) },
  { additionalProperties: false },
)

export const TokenTransportHeadersSchema = Type.Object({
  'x-token-transport': Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('body')], {
    description: '`body`: native apps get and give the refresh token in the JSON body and no cookie is set; `cookie` (default): browsers',
  })),
})

export const BearerHeadersSchema = Type.Object({
  authorization: Type.String({ description: 'Bearer <access token>' }),
})

export const MeResponseSchema = Type.Object({
  userId: UserIdSchema,
  email: Type.String(),
  createdAt: IsoDateSchema,
  emailVerified: Type.Boolean({ description: 'Whether the address was confirmed by following a mailed link' }),
})

export const PublicSessionSchema = Type.Object({
  id: SessionIdSchema,
  createdAt: IsoDateSchema,
  lastUsedAt: IsoDateSchema,
  userAgent: Type.Union([Type.String(), Type.Null()], { description: 'User-Agent seen at sign-in; null when none was sent' }),
  current: Type.Boolean({ description: 'True for the session of the access token making this request' }),
})
export type PublicSession = Static<typeof PublicSessionSchema>
/** Newest first; `next`: the cursor of the following page (`?cursor=`), absent on the last page. */
export const SessionListResponseSchema = Type.Object({
  sessions: Type.Array(PublicSessionSchema),
  next: Type.Optional(SessionCursorSchema),
})

export const SessionParamsSchema = Type.Object({ id: SessionIdSchema }, { additionalProperties: false })

export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: PresentedPasswordSchema,
    newPassword: NewPasswordSchema,
    // For a user with a second factor: a current code or an unused recovery code (403 MFA_REQUIRED otherwise).
    ...SecondFactorFields,
  },
  { additionalProperties: false },
)
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>
