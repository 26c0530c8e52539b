import { guardKey, type RequestOrigin, type SecurityEventsRepository, type UsersRepository } from '@gatehouse/dynamo'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, normalizeEmail } from '@gatehouse/schemas'
import type { NoticeService } from '../mail/notices.ts'
import type { Reauthenticate } from '../mfa/reauthenticate.ts'
import type { SecondFactorProof } from '../mfa/second-factor.ts'
import type { OneTimeTokensRepository } from './one-time-tokens-repository.ts'
import { invalidLinkToken } from './password-reset.ts'

export interface EmailChangeDeps {
  users: UsersRepository
  usersTable: string
  tokens: OneTimeTokensRepository
  notices: NoticeService
  reauthenticate: Reauthenticate
  events: SecurityEventsRepository
  ttlSeconds: number
  now: () => number
}

export interface ChangeEmailInput {
  newEmail: string
  currentPassword: string
  deviceId?: string | undefined
  proof: SecondFactorProof
}

/**
 * Changing the address: asked for with the password (and second factor), done only when the link
 * mailed to the new address is followed. Whether the new address is taken is not checked at
 * request time (the answer would tell who has an account); the guard's condition refuses it at
 * confirmation, with the generic link error.
 */
export function createEmailChange(deps: EmailChangeDeps) {
  async function request(userId: string, input: ChangeEmailInput): Promise<void> {
    const user = await deps.reauthenticate(userId, input.currentPassword, input.deviceId, input.proof)
    const newEmail = normalizeEmail(input.newEmail)
    if (newEmail === user.email) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'The new address is the current one')
    const { token, writes } = deps.tokens.issue('email-change', user.userId, newEmail, deps.ttlSeconds)
    await deps.notices.transact([...writes, deps.notices.noticeInTransaction(newEmail, 'confirm-email-change', { token, newEmail }).item])
    deps.notices.wake()
  }

  /**
   * Undefined when the token is no email-change token (the caller tries verification). The guard
   * moves, the user's address changes and is verified, the token goes and the old address is
   * told, in one transaction: a taken address, a changed account or a used link change nothing.
   */
  async function confirm(token: string, origin: RequestOrigin): Promise<{ userId: string } | undefined> {
    const record = await deps.tokens.find('email-change', token)
    if (record === undefined) return undefined
    const user = await deps.users.getById(record.userId)
    if (user === undefined) throw invalidLinkToken()
    const at = new Date(deps.now()).toISOString()
    const consumed = await deps.tokens.consume(record, [
      {
        Delete: {
          TableName: deps.usersTable,
          Key: { userId: guardKey(user.email) },
          ConditionExpression: 'ownerId = :owner',
          ExpressionAttributeValues: { ':owner': user.userId },
        },
      },
      {
        Put: {
          TableName: deps.usersTable,
          Item: { userId: guardKey(record.email), ownerId: user.userId, createdAt: at },
          ConditionExpression: 'attribute_not_exists(userId)',
        },
      },
      {
        Update: {
          TableName: deps.usersTable,
          Key: { userId: user.userId },
          UpdateExpression: 'SET email = :new, emailVerified = :yes, updatedAt = :now',
          ConditionExpression: 'email = :old',
          ExpressionAttributeValues: { ':new': record.email, ':old': user.email, ':yes': true, ':now': at },
        },
      },
      deps.notices.noticeInTransaction(user.email, 'email-changed', { newEmail: record.email }).item,
    ])
    if (!consumed) throw invalidLinkToken()
    deps.notices.wake()
    await deps.events.record({ type: 'email_changed', userId: user.userId, ...origin }, origin.log)
    return { userId: user.userId }
  }

  return { request, confirm }
}

export type EmailChange = ReturnType<typeof createEmailChange>
