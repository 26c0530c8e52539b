import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { getItemsConsistently, type ItemRef } from '../batch-and-conflicts.ts'
import { EMAIL_INDEX, SIGNUP_INDEX, SIGNUP_SHARDS } from '../tables.ts'

/** A user item in the Users table. */
export interface UserRecord {
  userId: string
  email: string
  passwordHash: string
  scope: string
  createdAt: string
  updatedAt: string
  /** Set once a link mailed to `email` was followed; absent (false) for older users. */
  emailVerified?: boolean
  /** Set by the admin API: the account cannot sign in, reset or verify until enabled again. */
  disabledAt?: string
  disabledBy?: string
  disabledReason?: string
  /**
   * Set at sign-up, removed by the account's first completed sign-in: that one mails no
   * "new sign-in" notice (there is no earlier device to tell it from). Absent for older users.
   */
  firstSignInPending?: boolean
}

/** Who disabled an account, when and why (the admin API). */
export interface DisabledMark {
  at: string
  by: string
  reason: string
}

/** An extra TransactWriteItems entry written with the user (its verification token and mail). */
export type ExtraTransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number]

/** What login needs, as the email GSI projects it. */
export type LoginRecord = Pick<UserRecord, 'userId' | 'passwordHash' | 'scope'>

export type CreateResult = 'created' | 'email-taken' | 'conflict'

/**
 * The email guard item shares the Users table (so one transaction writes both) and has no `email`
 * attribute, so it never appears in the email GSI.
 */
export const guardKey = (email: string): string => `email#${email}`

/** The sign-up index partition of a user: the first hex digit of the (random, UUID) id, so 16 even shards. */
export const signupShardOf = (userId: string): string => `s#${Number.parseInt(userId.charAt(0), 16) % SIGNUP_SHARDS}`

/** One user as the sign-up index shows them. */
export interface SignupEntry { userId: string; email: string; createdAt: string; emailVerified: boolean; disabled: boolean }
/** Where a sign-up listing stopped: the last entry's (createdAt, userId), newest first. */
export interface SignupPosition { createdAt: string; userId: string }

/** Newest first, ties broken by id (descending): the order every page and cursor uses. */
const newerFirst = (a: SignupPosition, b: SignupPosition): number =>
  a.createdAt === b.createdAt ? (a.userId < b.userId ? 1 : a.userId > b.userId ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1

export function createUsersRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    /**
     * Writes the user and its email guard in one transaction: a second user with the same email
     * fails atomically, which a GSI (eventually consistent) could never guarantee.
     */
    async create(user: UserRecord, extra: ExtraTransactItem[] = []): Promise<CreateResult> {
      try {
        await doc.send(new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: { ...user, signupShard: signupShardOf(user.userId) }, ConditionExpression: 'attribute_not_exists(userId)' } },
            {
              Put: {
                TableName: tableName,
                Item: { userId: guardKey(user.email), ownerId: user.userId, createdAt: user.createdAt },
                ConditionExpression: 'attribute_not_exists(userId)',
              },
            },
            ...extra,
          ],
        }))
        return 'created'
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error
        const reasons = error.CancellationReasons ?? []
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'email-taken'
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'conflict'
        throw error
      }
    },

    /**
     * One page of every user, newest sign-up first, from the sharded sign-up index: each shard is
     * queried for at most `limit` entries before `after`, and the merge keeps the newest `limit`.
     * `next` is set when a shard may hold more. Eventually consistent (a sign-up of the last
     * second may be missing).
     */
    async listBySignup(limit: number, after?: SignupPosition): Promise<{ users: SignupEntry[]; next?: SignupPosition }> {
      const shards = await Promise.all(Array.from({ length: SIGNUP_SHARDS }, async (_, shard) => {
        const page = await doc.send(new QueryCommand({
          TableName: tableName,
          IndexName: SIGNUP_INDEX,
          KeyConditionExpression: after === undefined ? 'signupShard = :s' : 'signupShard = :s AND createdAt <= :at',
          ExpressionAttributeValues: { ':s': `s#${shard}`, ...(after === undefined ? {} : { ':at': after.createdAt }) },
          ScanIndexForward: false,
          // Entries of the cursor's own millisecond that were already shown come back too: read past them.
          Limit: limit + 1,
        }))
        const items = (page.Items ?? []) as Array<Pick<UserRecord, 'userId' | 'email' | 'createdAt' | 'emailVerified' | 'disabledAt'>>
        const fresh = items.filter((item) => after === undefined || newerFirst(after, item) < 0)
        const truncated = page.LastEvaluatedKey !== undefined || items.length > limit
        return { fresh, more: truncated, oldest: truncated ? items.at(-1) : undefined }
      }))
      // A shard that had more than it returned knows nothing older than its oldest returned entry:
      // the page stops at the newest such horizon, so no entry of that shard is ever skipped.
      const horizons = shards.flatMap((shard) => (shard.oldest === undefined ? [] : [shard.oldest])).sort(newerFirst)
      const horizon = horizons[0]
      const merged = shards.flatMap((shard) => shard.fresh).sort(newerFirst).filter((item) => horizon === undefined || newerFirst(item, horizon) <= 0)
      const users = merged.slice(0, limit).map((item) => ({
        userId: item.userId, email: item.email, createdAt: item.createdAt, emailVerified: item.emailVerified === true, disabled: item.disabledAt !== undefined,
      }))
      const last = users.at(-1)
      const more = merged.length > limit || shards.some((shard) => shard.more)
      return { users, ...(more && last !== undefined ? { next: { createdAt: last.createdAt, userId: last.userId } } : {}) }
    },

    /** Consistent read of the guard: is this (normalised) email registered? */
    async emailOwner(email: string): Promise<string | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { userId: guardKey(email) }, ConsistentRead: true }))
      return typeof Item?.['ownerId'] === 'string' ? Item['ownerId'] : undefined
    },

    /** Looks the email up in the GSI; may lag a recent write by up to about a second. */
    async findByEmailIndex(email: string): Promise<LoginRecord | undefined> {
      const { Items } = await doc.send(new QueryCommand({
        TableName: tableName,
        IndexName: EMAIL_INDEX,
        KeyConditionExpression: 'email = :email',
        ExpressionAttributeValues: { ':email': email },
        Limit: 1,
      }))
      const item = Items?.[0]
      return item === undefined ? undefined : { userId: item['userId'], passwordHash: item['passwordHash'], scope: item['scope'] }
    },

    async getById(userId: string): Promise<UserRecord | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { userId }, ConsistentRead: true }))
      // Guard items share the table; only real users carry an email.
      return Item === undefined || typeof Item['email'] !== 'string' ? undefined : (Item as UserRecord)
    },

    /**
     * The user and one more item (sign-in's TOTP factor), both read consistently in one
     * BatchGetItem: one request where two GetItems were.
     */
    async getByIdWith(userId: string, other: ItemRef): Promise<{ user: UserRecord | undefined; other: Record<string, unknown> | undefined }> {
      const [item, found] = await getItemsConsistently(doc, [{ tableName, key: { userId } }, other])
      // Guard items share the table; only real users carry an email.
      const user = item === undefined || typeof item['email'] !== 'string' ? undefined : (item as unknown as UserRecord)
      return { user, other: found }
    },

    /**
     * Replaces the hash only if it is still the one the caller verified against, so a concurrent
     * password change is never silently overwritten. False when the hash had changed.
     */
    async replacePasswordHash(userId: string, expectedHash: string, newHash: string, updatedAt: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId },
          UpdateExpression: 'SET passwordHash = :new, updatedAt = :now',
          ConditionExpression: 'attribute_exists(email) AND passwordHash = :expected',
          ExpressionAttributeValues: { ':new': newHash, ':now': updatedAt, ':expected': expectedHash },
        }))
        return true
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false
        throw error
      }
    },

    /** Marks the current address verified (the admin API, after a check done elsewhere); false: no such user. */
    async setEmailVerified(userId: string, updatedAt: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId },
          UpdateExpression: 'SET emailVerified = :yes, updatedAt = :now',
          ConditionExpression: 'attribute_exists(email)',
          ExpressionAttributeValues: { ':yes': true, ':now': updatedAt },
        }))
        return true
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false
        throw error
      }
    },

    /**
     * Removes `firstSignInPending`; true only for the one call that removed it, so of two
     * concurrent first sign-ins exactly one counts as the first.
     */
    async clearFirstSignInPending(userId: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId },
          UpdateExpression: 'REMOVE firstSignInPending',
          ConditionExpression: 'firstSignInPending = :yes',
          ExpressionAttributeValues: { ':yes': true },
        }))
        return true
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false
        throw error
      }
    },

    /** Disables (a mark) or re-enables (undefined) an existing user; false when there is no such user. */
    async setDisabled(userId: string, mark: DisabledMark | undefined, updatedAt: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId },
          ...(mark === undefined
            ? { UpdateExpression: 'SET updatedAt = :now REMOVE disabledAt, disabledBy, disabledReason', ExpressionAttributeValues: { ':now': updatedAt } }
            : {
                UpdateExpression: 'SET updatedAt = :now, disabledAt = :at, disabledBy = :by, disabledReason = :reason',
                ExpressionAttributeValues: { ':now': updatedAt, ':at': mark.at, ':by': mark.by, ':reason': mark.reason },
              }),
          ConditionExpression: 'attribute_exists(email)',
        }))
        return true
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false
        throw error
      }
    },
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>
