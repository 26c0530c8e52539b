import { Type, type Static } from '@sinclair/typebox'
import { IsoDateSchema, SessionIdSchema } from './primitives.ts'

/**
 * A user's security activity: what happened to their account, shown to them (GET /auth/activity)
 * and written as one structured log line each (`event: <type>`) for a SIEM. Types not recorded yet
 * are listed so the flows that will record them (reset, email change, second factors, deletion)
 * share one vocabulary.
 */
export const SECURITY_EVENT_TYPES = [
  'sign_in',
  'sign_in_throttled',
  'password_changed',
  'password_reset',
  'email_changed',
  'second_factor_added',
  'second_factor_removed',
  'recovery_codes_renewed',
  'session_revoked',
  'refresh_reuse_detected',
  'account_deletion_requested',
  // Sign-in with the right password to an account an admin disabled (answered like a wrong one).
  'sign_in_refused_disabled',
  // Admin API (issue 19): each carries the admin client id and the reason it was given.
  'admin_user_viewed',
  'admin_account_disabled',
  'admin_account_enabled',
  'admin_sessions_revoked',
  'admin_session_revoked',
  'admin_password_reset_forced',
  'admin_second_factor_removed',
  'admin_passkey_removed',
  'admin_users_listed',
  'admin_email_verified',
  'admin_account_deleted',
] as const
/** Admin events shown to the admin API only: a user (or an abuser) does not see who looked them up. */
export const ADMIN_ONLY_EVENT_TYPES: readonly SecurityEventType[] = ['admin_user_viewed']
export const SecurityEventTypeSchema = Type.Union(SECURITY_EVENT_TYPES.map((type) => Type.Literal(type)))
export type SecurityEventType = Static<typeof SecurityEventTypeSchema>

/**
 * Who ended a session: the user (sign-out, the session list, sign-out everywhere), a flow that ends
 * them all, or `session_limit`: a sign-in past MAX_SESSIONS_PER_USER ended the oldest one.
 */
export const RevokedBySchema = Type.Union(
  ['user', 'logout_all', 'password_change', 'password_reset', 'account_deletion', 'admin', 'session_limit'].map((by) => Type.Literal(by)),
)
export type RevokedBy = Static<typeof RevokedBySchema>

/** One event as the user sees it. `ip` is coarse (a /24 or a /48), never the full address. */
export const SecurityEventSchema = Type.Object({
  type: SecurityEventTypeSchema,
  at: IsoDateSchema,
  ip: Type.Union([Type.String(), Type.Null()], { description: 'Network the request came from: an IPv4 /24 or an IPv6 /48' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Optional(SessionIdSchema),
  /** sign_in: how the user proved who they are (`password`, `password+totp`, `password+recovery_code`; `password+passkey`, `passkey`). */
  method: Type.Optional(Type.String({ maxLength: 32 })),
  /** sign_in: first sign-in to this account from this device (its device cookie). */
  newDevice: Type.Optional(Type.Boolean()),
  /** session_revoked: who ended it. */
  revokedBy: Type.Optional(RevokedBySchema),
}, { additionalProperties: false })
export type SecurityEvent = Static<typeof SecurityEventSchema>

/** An opaque page cursor (base64url); only the service that issued it can read it. */
export const ActivityCursorSchema = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })

/** Query strings are not coerced (validation is strict), so `limit` is a decimal string, 1 to 50. */
export const ActivityQuerySchema = Type.Object({
  cursor: Type.Optional(ActivityCursorSchema),
  limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4][0-9]|50)$', description: 'Events per page, 1 to 50 (default 20)' })),
}, { additionalProperties: false })
export type ActivityQuery = Static<typeof ActivityQuerySchema>

/** GET /v1/users/:userId/activity (identity) and GET /auth/activity (gateway): newest first. */
export const ActivityPageSchema = Type.Object({
  events: Type.Array(SecurityEventSchema),
  next: Type.Optional(ActivityCursorSchema),
}, { additionalProperties: false })
export type ActivityPage = Static<typeof ActivityPageSchema>

/** One event as the admin API shows it: the user's view plus who acted and why (admin events). */
export const AdminSecurityEventSchema = Type.Object({
  ...SecurityEventSchema.properties,
  adminClient: Type.Optional(Type.String({ maxLength: 64 })),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false })
export type AdminSecurityEvent = Static<typeof AdminSecurityEventSchema>

export const AdminActivityPageSchema = Type.Object({
  events: Type.Array(AdminSecurityEventSchema),
  next: Type.Optional(ActivityCursorSchema),
}, { additionalProperties: false })
export type AdminActivityPage = Static<typeof AdminActivityPageSchema>
