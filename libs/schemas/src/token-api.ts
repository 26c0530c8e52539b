import { Type, type Static } from '@sinclair/typebox'
import { EmailVerifiedSchema, ScopeSchema, SessionIdSchema, UserIdSchema, IsoDateSchema } from './primitives.ts'
import { RevokedBySchema } from './security-events.ts'
import { AmrSchema } from './mfa-api.ts'

/**
 * The token service's internal API (apps/token) and the claims of the access tokens it signs.
 * The gateway builds its typed client from these; the token service validates with them.
 */

/** An opaque refresh token as issued: 256 random bits, base64url. Looser bounds so a mangled
 * cookie reads as an unknown token (401) rather than a schema error. */
export const RefreshTokenSchema = Type.String({ minLength: 1, maxLength: 512, description: 'Opaque refresh token' })

/** Device hints recorded on a session so a user can recognise it in a session list. */
export const UserAgentSchema = Type.String({ maxLength: 512 })
export const IpAddressSchema = Type.String({ maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$', description: 'IPv4 or IPv6 address' })

const DeviceHints = {
  userAgent: Type.Optional(UserAgentSchema),
  ip: Type.Optional(IpAddressSchema),
}

// POST /v1/sessions
// amr (RFC 8176) and authTime describe the sign-in; every access token of the
// session carries them, refreshed ones too. authTime defaults to now.
export const IssueTokensRequestSchema = Type.Object(
  {
    userId: UserIdSchema,
    scope: ScopeSchema,
    amr: Type.Optional(AmrSchema),
    /**
     * When the user proved their credentials (the gateway's clock before it asked identity). A
     * revoke-all marker is compared with this, not with the session's creation, so a login
     * checked just before a password change cannot outlive it. Later than now counts as now.
     */
    authTime: Type.Optional(IsoDateSchema),
    /**
     * Whether the address was verified at sign-in (identity's answer); absent counts as false.
     * Refreshes keep it, or turn it true once POST /v1/users/:userId/email-verified said so.
     */
    emailVerified: Type.Optional(EmailVerifiedSchema),
    ...DeviceHints,
  },
  { additionalProperties: false },
)
export type IssueTokensRequest = Static<typeof IssueTokensRequestSchema>

export const TokenPairSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: Type.Integer({ minimum: 0 }),
  refreshToken: Type.String(),
  /** Seconds until the refresh token expires (never past the session's absolute cap). */
  refreshExpiresIn: Type.Integer({ minimum: 0 }),
  sessionId: SessionIdSchema,
})
export type TokenPair = Static<typeof TokenPairSchema>

// POST /v1/refresh
export const RefreshRequestSchema = Type.Object(
  { refreshToken: RefreshTokenSchema, ...DeviceHints },
  { additionalProperties: false },
)
export type RefreshRequest = Static<typeof RefreshRequestSchema>

/** details.reason of a 401 INVALID_REFRESH_TOKEN. */
export const RefreshFailureReasonSchema = Type.Union([
  Type.Literal('unknown'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
  Type.Literal('reused'),
])
export type RefreshFailureReason = Static<typeof RefreshFailureReasonSchema>

// POST /v1/revoke (RFC 7009: unknown tokens answer 200 too)
export const RevokeRequestSchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 8192 }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type RevokeRequest = Static<typeof RevokeRequestSchema>
export const EmptyObjectSchema = Type.Object({}, { additionalProperties: false })

// Session management
// (GET /v1/users/:userId/sessions and revoke-all take UserIdParamsSchema from identity-api.ts.)
export const UserSessionParamsSchema = Type.Object({ userId: UserIdSchema, sessionId: SessionIdSchema }, { additionalProperties: false })
export type UserSessionParams = Static<typeof UserSessionParamsSchema>

export const SessionSummarySchema = Type.Object({
  sessionId: SessionIdSchema,
  createdAt: IsoDateSchema,
  lastUsedAt: IsoDateSchema,
  userAgent: Type.Optional(UserAgentSchema),
  ip: Type.Optional(IpAddressSchema),
})
export type SessionSummary = Static<typeof SessionSummarySchema>

/** An opaque page cursor (base64url) of a session listing; only the token service can read it. */
export const SessionCursorSchema = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'The `next` of the previous page' })

/** Query strings are not coerced (validation is strict), so `limit` is a decimal string, 1 to 100. */
export const SessionPageQuerySchema = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'Sessions per page, 1 to 100 (default 20)' })),
  cursor: Type.Optional(SessionCursorSchema),
}, { additionalProperties: false })
export type SessionPageQuery = Static<typeof SessionPageQuerySchema>

/** Active sessions, newest first; `next`: the cursor of the following page, absent on the last. */
export const SessionListSchema = Type.Object({ sessions: Type.Array(SessionSummarySchema), next: Type.Optional(SessionCursorSchema) })
export type SessionList = Static<typeof SessionListSchema>

export const RevokeAllRequestSchema = Type.Object(
  // revokedBy: the flow ending them, for the user's security activity (default logout_all).
  { exceptSessionId: Type.Optional(SessionIdSchema), revokedBy: Type.Optional(RevokedBySchema) },
  { additionalProperties: false },
)
export type RevokeAllRequest = Static<typeof RevokeAllRequestSchema>

/** The claims of every access token (RFC 9068 §2.2); header is `{alg, typ: "at+jwt", kid}`. */
export const AccessTokenClaimsSchema = Type.Object({
  iss: Type.String(),
  aud: Type.Union([Type.String(), Type.Array(Type.String())]),
  sub: UserIdSchema,
  scope: ScopeSchema,
  sid: SessionIdSchema,
  jti: Type.String(),
  iat: Type.Integer(),
  exp: Type.Integer(),
  client_id: Type.Optional(Type.String()),
  /** RFC 8176: how the user signed in (`pwd`; `pwd otp mfa` after a TOTP step). */
  amr: Type.Optional(Type.Array(Type.String())),
  /** OpenID Connect Core §2: when the user signed in, epoch seconds (refreshing does not move it). */
  auth_time: Type.Optional(Type.Integer()),
  /** OpenID Connect Core §5.1: whether the user's address was verified (as of the sign-in or the last refresh). */
  email_verified: Type.Optional(Type.Boolean()),
})
export type AccessTokenClaims = Static<typeof AccessTokenClaimsSchema>

// POST /introspect (RFC 7662 §2.1), form-encoded
export const IntrospectionRequestSchema = Type.Object(
  {
    token: Type.String({ maxLength: 8192 }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
    // client_secret_post (RFC 6749 §2.3.1), the alternative to HTTP Basic.
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
)
export type IntrospectionRequest = Static<typeof IntrospectionRequestSchema>

/** RFC 6749 §5.2 error body: what /introspect answers instead of the house error shape. */
export const OAuthErrorSchema = Type.Object(
  {
    error: Type.Union([Type.Literal('invalid_request'), Type.Literal('invalid_client'), Type.Literal('server_error')]),
    error_description: Type.Optional(Type.String()),
  },
)
export type OAuthError = Static<typeof OAuthErrorSchema>

export const ActiveIntrospectionSchema = Type.Object({
  active: Type.Literal(true),
  ...AccessTokenClaimsSchema.properties,
  token_type: Type.Literal('Bearer'),
})
export type ActiveIntrospection = Static<typeof ActiveIntrospectionSchema>

/** RFC 7662 §2.2: an inactive token reveals nothing else, so the answer is exactly this. */
export const InactiveIntrospectionSchema = Type.Object({ active: Type.Literal(false) })
export type InactiveIntrospection = Static<typeof InactiveIntrospectionSchema>

export const IntrospectionResponseSchema = Type.Union([ActiveIntrospectionSchema, InactiveIntrospectionSchema])
export type IntrospectionResponse = Static<typeof IntrospectionResponseSchema>

// GET /.well-known/jwks.json (RFC 7517 §5): public members only; the schema drops anything else.
export const PublicJwkSchema = Type.Object({
  kty: Type.Union([Type.Literal('RSA'), Type.Literal('EC'), Type.Literal('OKP')]),
  kid: Type.String(),
  alg: Type.Union([Type.Literal('RS256'), Type.Literal('ES256'), Type.Literal('EdDSA')]),
  use: Type.Literal('sig'),
  crv: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()),
  e: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
})
export type PublicJwkShape = Static<typeof PublicJwkSchema>
export const JwksSchema = Type.Object({ keys: Type.Array(PublicJwkSchema) })
export type Jwks = Static<typeof JwksSchema>
