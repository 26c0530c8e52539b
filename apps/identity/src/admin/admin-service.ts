import { AppError } from '@gatehouse/platform'
import { ErrorCodes, emailProblem, normalizeEmail, type AdminActivityPage, type AdminSignupsPage, type AdminUser, type SecurityEventType } from '@gatehouse/schemas'
import type { EventLog, SecurityEventsRepository, UserRecord, UsersRepository } from '@gatehouse/dynamo'
import type { OneTimeTokensRepository } from '../lifecycle/one-time-tokens-repository.ts'
import type { NoticeService } from '../mail/notices.ts'
import type { FactorsRepository } from '../mfa/factors-repository.ts'
import type { PasskeyService } from '../passkeys/passkey-service.ts'

/** Who acts and why: every admin call records one security event with both. */
export interface AdminActor {
  adminClient: string
  reason: string
  ip?: string | undefined
  log: EventLog
}

export interface AdminServiceDeps {
  users: UsersRepository
  events: SecurityEventsRepository
  tokens: OneTimeTokensRepository
  notices: NoticeService
  factors: FactorsRepository
  /** The "second factor turned off" notice (mfa/notices.ts). */
  factorRemoved: (userId: string) => Promise<void>
  /** Listing and removing passkeys (removal mails the owner a notice). */
  passkeys: Pick<PasskeyService, 'list' | 'remove'>
  /** The erasure self-service deletion runs (lifecycle/account-deletion.ts). */
  erase: (user: UserRecord) => Promise<void>
  resetTtlSeconds: number
  now: () => number
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const encodeSignupCursor = (at: { createdAt: string; userId: string }): string => Buffer.from(`${at.createdAt}|${at.userId}`, 'utf8').toString('base64url')
function decodeSignupCursor(cursor: string): { createdAt: string; userId: string } | undefined {
  const [createdAt, userId, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  return extra === undefined && createdAt !== undefined && userId !== undefined && ISO.test(createdAt) && UUID.test(userId) ? { createdAt, userId } : undefined
}

const notFound = (): AppError => new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')

/** Only what support needs; never the password hash or a factor's secret. */
function adminView(user: UserRecord, factors: AdminUser['factors']): AdminUser {
  return {
    userId: user.userId,
    email: user.email,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    emailVerified: user.emailVerified === true,
    factors,
    disabled: user.disabledAt !== undefined,
    ...(user.disabledAt === undefined ? {} : { disabledAt: user.disabledAt }),
    ...(user.disabledBy === undefined ? {} : { disabledBy: user.disabledBy }),
    ...(user.disabledReason === undefined ? {} : { disabledReason: user.disabledReason }),
  }
}

/** Identity's side of the admin API: finding users, their activity, disabling and enabling them. */
export function createAdminService(deps: AdminServiceDeps) {
  const { users, events } = deps
  const audit = (type: SecurityEventType, userId: string, actor: AdminActor): Promise<void> =>
    events.record({ type, userId, adminClient: actor.adminClient, reason: actor.reason, ip: actor.ip }, actor.log)

  async function current(userId: string): Promise<AdminUser> {
    const user = await existing(userId)
    const [totp, recovery, passkeys] = await Promise.all([deps.factors.getTotp(userId), deps.factors.getRecovery(userId), deps.passkeys.list(userId)])
    return adminView(user, { totp: totp !== undefined, recoveryCodesLeft: totp === undefined ? 0 : (recovery?.hashes?.size ?? 0), passkeys })
  }

  async function existing(userId: string): Promise<UserRecord> {
    const user = await users.getById(userId)
    if (user === undefined) throw notFound()
    return user
  }

  async function view(userId: string, actor: AdminActor): Promise<AdminUser> {
    const user = await current(userId)
    await audit('admin_user_viewed', userId, actor)
    return user
  }

  return {
    view,

    /** By the email guard (a consistent read of one item), never a Scan. */
    async findByEmail(rawEmail: string, actor: AdminActor): Promise<AdminUser> {
      const email = normalizeEmail(rawEmail)
      const problem = emailProblem(email)
      if (problem !== undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, problem, { details: { field: 'email' } })
      const ownerId = await users.emailOwner(email)
      if (ownerId === undefined) throw notFound()
      return view(ownerId, actor)
    },

    /**
     * Every user, newest sign-up first, a page at a time. No single user is looked at, so the
     * audit event goes to the admin client's own partition (`admin#<client>`) and the event log.
     */
    async signups(page: { limit: number; cursor?: string | undefined }, actor: AdminActor): Promise<AdminSignupsPage> {
      const after = page.cursor === undefined ? undefined : decodeSignupCursor(page.cursor)
      if (page.cursor !== undefined && after === undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this service issued', { details: { field: 'cursor' } })
      const found = await users.listBySignup(page.limit, after)
      await audit('admin_users_listed', `admin#${actor.adminClient}`, actor)
      return { users: found.users, ...(found.next === undefined ? {} : { next: encodeSignupCursor(found.next) }) }
    },

    async activity(userId: string, page: { limit: number; cursor?: string | undefined }, actor: AdminActor): Promise<AdminActivityPage> {
      await existing(userId)
      const found = await events.listForAdmin(userId, page)
      if (found === undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this service issued', { details: { field: 'cursor' } })
      await audit('admin_user_viewed', userId, actor)
      return found
    },

    /** Sign-in, reset and verification refuse a disabled account; token ends its sessions (the CLI's disable does both). */
    async disable(userId: string, actor: AdminActor): Promise<AdminUser> {
      const at = new Date(deps.now()).toISOString()
      if (!(await users.setDisabled(userId, { at, by: actor.adminClient, reason: actor.reason }, at))) throw notFound()
      await audit('admin_account_disabled', userId, actor)
      return current(userId)
    },

    async enable(userId: string, actor: AdminActor): Promise<AdminUser> {
      if (!(await users.setDisabled(userId, undefined, new Date(deps.now()).toISOString()))) throw notFound()
      await audit('admin_account_enabled', userId, actor)
      return current(userId)
    },

    /** A reset link mailed now (the token and its mail in one transaction); token ends the sessions. */
    async forcePasswordReset(userId: string, actor: AdminActor): Promise<void> {
      const user = await existing(userId)
      if (user.disabledAt !== undefined) throw new AppError(409, ErrorCodes.ACCOUNT_DISABLED, 'The account is disabled: enable it first, or its reset link would be refused')
      const { token, writes } = deps.tokens.issue('password-reset', user.userId, user.email, deps.resetTtlSeconds)
      await deps.notices.transact([...writes, deps.notices.noticeInTransaction(user.email, 'reset-password', { token }).item])
      deps.notices.wake()
      await audit('admin_password_reset_forced', userId, actor)
    },

    /** After an identity check done elsewhere: TOTP and recovery codes go, and the owner is told. */
    async removeSecondFactor(userId: string, actor: AdminActor): Promise<void> {
      await existing(userId)
      if ((await deps.factors.getTotp(userId)) === undefined) throw new AppError(404, ErrorCodes.NOT_FOUND, 'The user has no second factor')
      await deps.factors.disable(userId)
      await deps.factorRemoved(userId)
      await audit('admin_second_factor_removed', userId, actor)
    },

    /** After an identity check done elsewhere (a lost or stolen device): the passkey goes, and the owner is told. */
    async removePasskey(userId: string, passkeyId: string, actor: AdminActor): Promise<void> {
      await existing(userId)
      await deps.passkeys.remove(userId, passkeyId, true)
      await audit('admin_passkey_removed', userId, actor)
    },

    async markEmailVerified(userId: string, actor: AdminActor): Promise<AdminUser> {
      if (!(await users.setEmailVerified(userId, new Date(deps.now()).toISOString()))) throw notFound()
      await audit('admin_email_verified', userId, actor)
      return current(userId)
    },

    /** The erasure of self-service deletion; the audit event outlives the user until its TTL. */
    async deleteUser(userId: string, actor: AdminActor): Promise<void> {
      await deps.erase(await existing(userId))
      await audit('admin_account_deleted', userId, actor)
    },
  }
}

export type AdminService = ReturnType<typeof createAdminService>
