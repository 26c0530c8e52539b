import { Type, type Static } from '@sinclair/typebox'
import { IsoDateSchema, UserIdSchema } from './primitives.ts'
import { PasskeyIdSchema, PasskeySchema } from './passkeys.ts'

/**
 * The internal admin API (identity and token, under /admin/v1, ADMIN_CLIENTS only). Every call
 * says why it is made: the reason is stored with the security event that records the call.
 */
export const AdminReasonSchema = Type.String({ minLength: 3, maxLength: 500, pattern: '\\S', description: 'Why the admin acts (a ticket, an abuse report); stored in the audit event' })

/** Reads carry the reason in the query string (GET has no body). */
export const AdminReadQuerySchema = Type.Object({ reason: AdminReasonSchema }, { additionalProperties: false })
export type AdminReadQuery = Static<typeof AdminReadQuerySchema>

export const AdminFindQuerySchema = Type.Object({
  reason: AdminReasonSchema,
  email: Type.String({ minLength: 3, maxLength: 320, description: 'Normalised by the service as at sign-up' }),
}, { additionalProperties: false })
export type AdminFindQuery = Static<typeof AdminFindQuerySchema>

export const AdminActivityQuerySchema = Type.Object({
  reason: AdminReasonSchema,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4][0-9]|50)$', description: 'Events per page, 1 to 50 (default 20)' })),
}, { additionalProperties: false })
export type AdminActivityQuery = Static<typeof AdminActivityQuerySchema>

export const AdminSessionsQuerySchema = Type.Object({
  reason: AdminReasonSchema,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'Sessions per page, 1 to 100 (default 20)' })),
}, { additionalProperties: false })
export type AdminSessionsQuery = Static<typeof AdminSessionsQuerySchema>

export const AdminSignupsQuerySchema = Type.Object({
  reason: AdminReasonSchema,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'Users per page, 1 to 100 (default 50)' })),
}, { additionalProperties: false })
export type AdminSignupsQuery = Static<typeof AdminSignupsQuerySchema>

/** Every user, newest sign-up first (the sharded sign-up index, never a Scan). */
export const AdminSignupsPageSchema = Type.Object({
  users: Type.Array(Type.Object({
    userId: UserIdSchema,
    email: Type.String(),
    createdAt: IsoDateSchema,
    emailVerified: Type.Boolean(),
    disabled: Type.Boolean(),
  }, { additionalProperties: false })),
  next: Type.Optional(Type.String({ description: 'The cursor of the following (older) page' })),
}, { additionalProperties: false })
export type AdminSignupsPage = Static<typeof AdminSignupsPageSchema>

export const AdminPasskeyParamsSchema = Type.Object({ userId: UserIdSchema, passkeyId: PasskeyIdSchema }, { additionalProperties: false })

/** Body of every admin action. */
export const AdminActionSchema = Type.Object({ reason: AdminReasonSchema }, { additionalProperties: false })
export type AdminAction = Static<typeof AdminActionSchema>

/** What support sees of a user: never a hash, a secret or a factor's seed. */
export const AdminUserSchema = Type.Object({
  userId: UserIdSchema,
  email: Type.String(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  emailVerified: Type.Boolean(),
  /** Enrolled factors: whether, and the passkeys as their owner sees them; never a secret or a public key. */
  factors: Type.Object({ totp: Type.Boolean(), recoveryCodesLeft: Type.Integer({ minimum: 0 }), passkeys: Type.Array(PasskeySchema) }, { additionalProperties: false }),
  disabled: Type.Boolean(),
  disabledAt: Type.Optional(IsoDateSchema),
  disabledBy: Type.Optional(Type.String({ description: 'Admin client that disabled the account' })),
  disabledReason: Type.Optional(Type.String()),
}, { additionalProperties: false })
export type AdminUser = Static<typeof AdminUserSchema>
