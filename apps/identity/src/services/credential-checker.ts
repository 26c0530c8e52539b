import type { PasswordHasher } from '@gatehouse/crypto'
import type { ItemRef, UserRecord, UsersRepository } from '@gatehouse/dynamo'

export interface CredentialCheckerDeps {
  users: UsersRepository
  hasher: PasswordHasher
  iso: () => string
  /** Where a user's active TOTP lives: read with the user, in the same request. */
  totpRef: (userId: string) => ItemRef
}

/** The user a right password belongs to, and whether a TOTP is active (the sign-in's next step). */
export type CheckedUser = UserRecord & { totpEnrolled: boolean }

/**
 * Finds a user by (normalised) email and checks the password; undefined for an unknown email or a
 * wrong password alike. Every path pays exactly one bcrypt compare, except right after a password
 * change or a sign-up, while the GSI lags (see below).
 */
export function createCredentialChecker({ users, hasher, iso, totpRef }: CredentialCheckerDeps) {
  /** The user and their TOTP factor in one consistent BatchGetItem. */
  async function read(userId: string): Promise<CheckedUser | undefined> {
    const { user, other } = await users.getByIdWith(userId, totpRef(userId))
    return user === undefined ? undefined : { ...user, totpEnrolled: other !== undefined }
  }

  async function check(email: string, password: string, signal?: AbortSignal): Promise<CheckedUser | undefined> {
    const indexed = await users.findByEmailIndex(email)
    if (indexed === undefined) return checkAfterIndexMiss(email, password, signal)
    // The GSI may still carry the hash from before a password change: read the user consistently
    // while bcrypt runs (no added latency), and trust the index only when it agrees.
    const [fresh, matchesIndexed] = await Promise.all([read(indexed.userId), hasher.verify(password, indexed.passwordHash, signal)])
    if (fresh === undefined) return undefined
    const matches = fresh.passwordHash === indexed.passwordHash ? matchesIndexed : await hasher.verify(password, fresh.passwordHash, signal)
    return matches ? upgrade(fresh, password) : undefined
  }

  /**
   * The GSI is eventually consistent, so a user who signed up a moment ago may be missing from it:
   * a consistent read of the email guard settles it. That read runs while the dummy compare does,
   * so an unknown email costs index + max(read, bcrypt), like a known one, and its response time
   * does not reveal which accounts exist. Only an account the index has not caught up with yet
   * (about a second after sign-up) pays a second, real compare.
   */
  async function checkAfterIndexMiss(email: string, password: string, signal?: AbortSignal): Promise<CheckedUser | undefined> {
    const [ownerId] = await Promise.all([users.emailOwner(email), hasher.verifyDummy(password, signal)])
    const user = ownerId === undefined ? undefined : await read(ownerId)
    if (user === undefined) return undefined
    return (await hasher.verify(password, user.passwordHash, signal)) ? upgrade(user, password) : undefined
  }

  /** A hash made at a lower cost than configured is replaced while the password is at hand. */
  async function upgrade(user: CheckedUser, password: string): Promise<CheckedUser> {
    if (hasher.needsRehash(user.passwordHash)) {
      await users.replacePasswordHash(user.userId, user.passwordHash, await hasher.hash(password), iso())
    }
    return user
  }

  return { check }
}
