import type { PasswordHasher } from '@gatehouse/crypto'
import type { UsersRepository } from '@gatehouse/dynamo'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, emailProblem, normalizeEmail } from '@gatehouse/schemas'
import type { IntentResolver } from '../mail/mail-worker.ts'
import type { NoticeService } from '../mail/notices.ts'
import type { OutboxRepository } from '../mail/outbox-repository.ts'
import type { LoginThrottle } from '../services/login-throttle.ts'
import type { PasswordPolicy } from '../services/password-policy.ts'
import type { OneTimeTokensRepository } from './one-time-tokens-repository.ts'

export interface PasswordResetDeps {
  users: UsersRepository
  usersTable: string
  tokens: OneTimeTokensRepository
  outbox: OutboxRepository
  notices: NoticeService
  hasher: PasswordHasher
  policy: PasswordPolicy
  throttle: LoginThrottle
  resetTtlSeconds: number
  now: () => number
}

/** One answer for every token that cannot be used: unknown, used, replaced or expired look the same. */
export const invalidLinkToken = (): AppError => new AppError(400, ErrorCodes.INVALID_LINK_TOKEN, 'This link is invalid or has expired; ask for a new one')

export function createPasswordReset(deps: PasswordResetDeps) {
  /**
   * Forgot-password records the intent and nothing else: one outbox write, the same for an
   * address with an account and one without, so neither the answer nor its timing can tell them
   * apart. Looking the account up and minting the token happen later, in the worker.
   */
  async function requestReset(rawEmail: string): Promise<void> {
    const email = normalizeEmail(rawEmail)
    // A malformed address is refused by its shape alone, which says nothing about accounts.
    const problem = emailProblem(email)
    if (problem !== undefined) throw new AppError(400, ErrorCodes.VALIDATION_FAILED, problem, { details: { field: 'email' } })
    await deps.outbox.enqueue({ kind: 'password-reset-request', email })
    deps.notices.wake()
  }

  /** The worker's half: an address with an account gets a token and its mail, written together. */
  const resolveResetRequest: IntentResolver = async (intent) => {
    if (intent.kind !== 'password-reset-request') return { action: 'drop' }
    const userId = await deps.users.emailOwner(intent.email)
    const user = userId === undefined ? undefined : await deps.users.getById(userId)
    // A disabled account (the admin API) gets no link, exactly as an address with no account.
    if (user === undefined || user.disabledAt !== undefined) return { action: 'drop' }
    const { token, writes } = deps.tokens.issue('password-reset', user.userId, user.email, deps.resetTtlSeconds)
    return { action: 'send', mail: { kind: 'mail', to: user.email, template: 'reset-password', data: { token } }, writes }
  }

  /**
   * Sets the new password and consumes the token in one transaction, with the "password changed"
   * notice. Then ends device trust and clears the throttle; the caller (the gateway) ends every
   * session. It does not sign the user in.
   */
  async function reset(token: string, newPassword: string): Promise<{ userId: string }> {
    const record = await deps.tokens.find('password-reset', token)
    if (record === undefined) throw invalidLinkToken()
    deps.policy(newPassword)
    const user = await deps.users.getById(record.userId)
    if (user === undefined || user.disabledAt !== undefined) throw invalidLinkToken()
    const passwordHash = await deps.hasher.hash(newPassword)
    const notice = deps.notices.noticeInTransaction(user.email, 'password-changed', {})
    // Following a link mailed to the account's current address proves that address too: the reset
    // also verifies it (so with REQUIRE_VERIFIED_EMAIL, forgot-password is a way in for a user whose
    // sign-up link expired). Conditioned on the address still being the one the link went to.
    const provesAddress = record.email === user.email
    const consumed = await deps.tokens.consume(record, [
      {
        Update: {
          TableName: deps.usersTable,
          Key: { userId: user.userId },
          UpdateExpression: provesAddress ? 'SET passwordHash = :hash, updatedAt = :now, emailVerified = :yes' : 'SET passwordHash = :hash, updatedAt = :now',
          ConditionExpression: provesAddress ? 'email = :email AND attribute_not_exists(disabledAt)' : 'attribute_exists(email) AND attribute_not_exists(disabledAt)',
          ExpressionAttributeValues: {
            ':hash': passwordHash,
            ':now': new Date(deps.now()).toISOString(),
            ...(provesAddress ? { ':yes': true, ':email': record.email } : {}),
          },
        },
      },
      notice.item,
    ])
    if (!consumed) throw invalidLinkToken()
    deps.notices.wake()
    await deps.throttle.credentialsChanged(user.email)
    return { userId: user.userId }
  }

  return { requestReset, resolveResetRequest, reset }
}

export type PasswordReset = ReturnType<typeof createPasswordReset>
