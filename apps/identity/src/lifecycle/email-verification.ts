import type { ExtraTransactItem, UserRecord, UsersRepository } from '@gatehouse/dynamo'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { NoticeService } from '../mail/notices.ts'
import type { OneTimeTokensRepository } from './one-time-tokens-repository.ts'
import { invalidLinkToken } from './password-reset.ts'

export interface EmailVerificationDeps {
  users: UsersRepository
  usersTable: string
  tokens: OneTimeTokensRepository
  notices: NoticeService
  verifyTtlSeconds: number
  now: () => number
}

export function createEmailVerification(deps: EmailVerificationDeps) {
  /** The token and its mail, for the sign-up transaction (a user never exists without their link). */
  function signUpWrites(user: UserRecord): ExtraTransactItem[] {
    const { token, writes } = deps.tokens.issue('verify-email', user.userId, user.email, deps.verifyTtlSeconds)
    return [...writes, deps.notices.noticeInTransaction(user.email, 'verify-email', { token }).item]
  }

  /** A new link (replacing older ones); nothing for an address already verified. */
  async function resend(userId: string): Promise<void> {
    const user = await deps.users.getById(userId)
    if (user === undefined) throw new AppError(404, ErrorCodes.NOT_FOUND, 'User not found')
    if (user.emailVerified === true) return
    const writes = signUpWrites(user)
    await deps.notices.transact(writes)
    deps.notices.wake()
  }

  /** Marks the address verified, if it is still the address the link was mailed to. */
  async function verify(token: string): Promise<{ userId: string }> {
    const record = await deps.tokens.find('verify-email', token)
    if (record === undefined) throw invalidLinkToken()
    const consumed = await deps.tokens.consume(record, [{
      Update: {
        TableName: deps.usersTable,
        Key: { userId: record.userId },
        UpdateExpression: 'SET emailVerified = :yes, updatedAt = :now',
        // A disabled account cannot verify (the admin API): the link answers like any dead one.
        ConditionExpression: 'email = :email AND attribute_not_exists(disabledAt)',
        ExpressionAttributeValues: { ':yes': true, ':email': record.email, ':now': new Date(deps.now()).toISOString() },
      },
    }])
    if (!consumed) throw invalidLinkToken()
    return { userId: record.userId }
  }

  return { signUpWrites, resend, verify }
}

export type EmailVerification = ReturnType<typeof createEmailVerification>
