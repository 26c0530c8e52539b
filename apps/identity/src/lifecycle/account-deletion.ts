import { guardKey, type UserRecord } from '@gatehouse/dynamo'
import type { NoticeService } from '../mail/notices.ts'
import type { Reauthenticate } from '../mfa/reauthenticate.ts'
import type { SecondFactorProof } from '../mfa/second-factor.ts'

/**
 * Removes one kind of per-user data. Every table identity keeps about a user has one eraser in
 * the list given to createAccountDeletion (app.ts); a new feature (second factors, security
 * events) adds its own there, in that one place.
 */
export type UserEraser = (user: UserRecord) => Promise<void>

export interface AccountDeletionDeps {
  usersTable: string
  /** The password and, for a user with a factor, a current code (throttled like a login). */
  reauthenticate: Reauthenticate
  notices: NoticeService
  erasers: UserEraser[]
}

export function createAccountDeletion(deps: AccountDeletionDeps) {
  /**
   * Erasers first: if one fails the account still exists and the erasure can run again; the user
   * item goes last, so nothing is ever left behind without a user to find it by. Self-service
   * deletion and the admin API's both end here.
   */
  async function erase(user: UserRecord): Promise<void> {
    for (const eraseOne of deps.erasers) await eraseOne(user)
    const notice = deps.notices.noticeInTransaction(user.email, 'account-deleted', {})
    await deps.notices.transact([
      { Delete: { TableName: deps.usersTable, Key: { userId: user.userId }, ConditionExpression: 'passwordHash = :hash', ExpressionAttributeValues: { ':hash': user.passwordHash } } },
      { Delete: { TableName: deps.usersTable, Key: { userId: guardKey(user.email) } } },
      notice.item,
    ])
    deps.notices.wake()
  }

  /**
   * Re-authenticates (the password and, for a user with a factor, a current code or an unused
   * recovery code, throttled like a login), runs every eraser, then deletes the user and its email
   * guard in one transaction with the "account deleted" notice, so the address can sign up again
   * at once. The caller (the gateway) ends every session in the token service.
   */
  async function deleteAccount(userId: string, currentPassword: string, deviceId: string | undefined, proof: SecondFactorProof = {}): Promise<{ userId: string }> {
    const user = await deps.reauthenticate(userId, currentPassword, deviceId, proof)
    await erase(user)
    return { userId: user.userId }
  }

  return { deleteAccount, erase }
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>
