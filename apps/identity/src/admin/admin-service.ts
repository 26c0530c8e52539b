import { AppError } from '@gatehouse/platform'
import { ErrorCodes, emailProblem, normalizeEmail, type AdminActivityPage, type AdminUser, type SecurityEventType } from '@gatehouse/schemas'
import type { EventLog, SecurityEventsRepository, UserRecord, UsersRepository } from '@gatehouse/dynamo'

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
  now: () => number
}

const notFound = (): AppError => new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')

/** Only what support needs; never the password hash. */
function adminView(user: UserRecord): AdminUser {
  return {
    userId: user.userId,
    email: user.email,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
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

  async function existing(userId: string): Promise<UserRecord> {
    const user = await users.getById(userId)
    if (user === undefined) throw notFound()
    return user
  }

  async function view(userId: string, actor: AdminActor): Promise<AdminUser> {
    const user = await existing(userId)
    await audit('admin_user_viewed', userId, actor)
    return adminView(user)
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
      return adminView(await existing(userId))
    },

    async enable(userId: string, actor: AdminActor): Promise<AdminUser> {
      if (!(await users.setDisabled(userId, undefined, new Date(deps.now()).toISOString()))) throw notFound()
      await audit('admin_account_enabled', userId, actor)
      return adminView(await existing(userId))
    },
  }
}

export type AdminService = ReturnType<typeof createAdminService>
