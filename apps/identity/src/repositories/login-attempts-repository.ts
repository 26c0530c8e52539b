import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/**
 * One account's login attempt counter. Times are epoch milliseconds except `expiresAt`, which is
 * epoch seconds for DynamoDB TTL.
 */
export interface AttemptRecord {
  /** Failed attempts in the current streak. */
  attempts: number
  lockedUntil?: number
  expiresAt: number
  /** Password checks under way (counted before bcrypt runs, settled after), valid until `inFlightUntil`. */
  inFlight?: number
  inFlightUntil?: number
  /** Bumped by every write: the compare in compare-and-set (absent on items written before it). */
  rev?: number
}

export type CompareAndSetResult = { written: true } | { written: false; current: AttemptRecord | undefined }

/** The item a failed condition returns comes in DynamoDB's wire form (the document client leaves errors as they are). */
function fromAttributes(item: Record<string, AttributeValue> | undefined): AttemptRecord | undefined {
  if (item?.['attempts']?.N === undefined || item['expiresAt']?.N === undefined) return undefined
  const optional = Object.fromEntries((['lockedUntil', 'inFlight', 'inFlightUntil', 'rev'] as const)
    .flatMap((name) => (item[name]?.N === undefined ? [] : [[name, Number(item[name].N)]])))
  return { attempts: Number(item['attempts'].N), expiresAt: Number(item['expiresAt'].N), ...optional }
}

/** The condition that `previous` is still what is stored (undefined: no item). */
function unchanged(previous: AttemptRecord | undefined): { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, number> } {
  if (previous === undefined) return { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': 'key' } }
  if (previous.rev === undefined) return { ConditionExpression: 'attribute_not_exists(rev) AND attempts = :previous', ExpressionAttributeValues: { ':previous': previous.attempts } }
  return { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': previous.rev } }
}

/**
 * Login attempt counters (per account, and per trusted device of an account) and trusted-device
 * marks in the LoginAttempts table, shared by every identity
 * instance. Writes are compare-and-set on the count, so two concurrent attempts can never both
 * be counted as the same one.
 */
export function createLoginAttemptsRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    async get(key: string): Promise<AttemptRecord | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { key }, ConsistentRead: true }))
      return Item === undefined ? undefined : (Item as AttemptRecord)
    },

    /**
     * Writes `next` (null: deletes the counter) only if the stored item is still `previous`
     * (undefined: no item). On a lost race the answer carries the item as stored
     * (ReturnValuesOnConditionCheckFailure), so the caller's next round needs no read of its own.
     */
    async compareAndSet(key: string, previous: AttemptRecord | undefined, next: AttemptRecord | null): Promise<CompareAndSetResult> {
      try {
        const condition = { ...unchanged(previous), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
        if (next === null) await doc.send(new DeleteCommand({ TableName: tableName, Key: { key }, ...condition }))
        else await doc.send(new PutCommand({ TableName: tableName, Item: { key, ...next, rev: (previous?.rev ?? 0) + 1 }, ...condition }))
        return { written: true }
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
        return { written: false, current: fromAttributes((error as { Item?: Record<string, AttributeValue> }).Item) }
      }
    },

    async reset(key: string): Promise<void> {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { key } }))
    },

    /** (Re)trusts a device for an account, as of `trustedAt` (epoch ms), until `expiresAt` (epoch seconds, the TTL). */
    async trust(trustKey: string, trustedAt: number, expiresAt: number): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: { key: trustKey, trustedAt, expiresAt } }))
    },

    /**
     * Whether a trust item exists, has not expired at `nowSeconds` (DynamoDB TTL deletes expired
     * items only eventually, often days later, so the expiry is checked here too) and was made
     * no earlier than the account's last credential change (`changedKey`). Items from before
     * trust carried `trustedAt` count as made at 0: any change ends them.
     */
    async isTrusted(key: string, changedKey: string, nowSeconds: number): Promise<boolean> {
      const [trust, changed] = await Promise.all([
        doc.send(new GetCommand({ TableName: tableName, Key: { key }, ConsistentRead: true })),
        doc.send(new GetCommand({ TableName: tableName, Key: { key: changedKey }, ConsistentRead: true })),
      ])
      if (trust.Item === undefined || Number(trust.Item['expiresAt']) <= nowSeconds) return false
      return changed.Item === undefined || Number(trust.Item['trustedAt'] ?? 0) >= Number(changed.Item['changedAt'])
    },

    /**
     * Records a credential change at `changedAt` (epoch ms) under `changedKey`, kept until
     * `expiresAt` (the longest a trust made before it could live), and deletes the account's
     * failure counter. Only moves forward: a late, older change never revives a trust.
     */
    async markCredentialsChanged(changedKey: string, counterKey: string, changedAt: number, expiresAt: number): Promise<void> {
      const mark = doc.send(new UpdateCommand({
        TableName: tableName,
        Key: { key: changedKey },
        UpdateExpression: 'SET changedAt = :at, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(changedAt) OR changedAt < :at',
        ExpressionAttributeValues: { ':at': changedAt, ':exp': expiresAt },
      })).catch((error: unknown) => {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
      })
      await Promise.all([mark, doc.send(new DeleteCommand({ TableName: tableName, Key: { key: counterKey } }))])
    },
  }
}

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
