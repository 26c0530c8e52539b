import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/**
 * One account's login attempt counter. Times are epoch milliseconds except `expiresAt`, which is
 * epoch seconds for DynamoDB TTL.
 */
export interface AttemptRecord {
  attempts: number
  lockedUntil?: number
  expiresAt: number
}

export type CompareAndSetResult = { written: true } | { written: false; current: AttemptRecord | undefined }

/** The item a failed condition returns comes in DynamoDB's wire form (the document client leaves errors as they are). */
function fromAttributes(item: Record<string, AttributeValue> | undefined): AttemptRecord | undefined {
  if (item?.['attempts']?.N === undefined || item['expiresAt']?.N === undefined) return undefined
  const lockedUntil = item['lockedUntil']?.N
  return { attempts: Number(item['attempts'].N), expiresAt: Number(item['expiresAt'].N), ...(lockedUntil === undefined ? {} : { lockedUntil: Number(lockedUntil) }) }
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
     * Writes `next` only if the stored count is still `previous` (0: no item). On a lost race the
     * answer carries the item as stored (ReturnValuesOnConditionCheckFailure), so the caller's
     * next round needs no read of its own.
     */
    async compareAndSet(key: string, previous: number, next: AttemptRecord): Promise<CompareAndSetResult> {
      try {
        await doc.send(new PutCommand({
          TableName: tableName,
          Item: { key, ...next },
          ConditionExpression: previous === 0 ? 'attribute_not_exists(#key)' : 'attempts = :previous',
          ...(previous === 0 ? { ExpressionAttributeNames: { '#key': 'key' } } : { ExpressionAttributeValues: { ':previous': previous } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }))
        return { written: true }
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
        return { written: false, current: fromAttributes((error as { Item?: Record<string, AttributeValue> }).Item) }
      }
    },

    async reset(key: string): Promise<void> {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { key } }))
    },

    /**
     * After a successful login: clears the counter and (re)trusts the device until `expiresAt`
     * (epoch seconds, the TTL), side by side. Two
     * single-item writes rather than one BatchWriteItem, so the service's IAM policy can keep
     * refusing batch calls (infra/aws/src/table-grants.ts).
     */
    async resetAndTrust(counterKey: string, trustKey: string, expiresAt: number): Promise<void> {
      await Promise.all([
        doc.send(new DeleteCommand({ TableName: tableName, Key: { key: counterKey } })),
        doc.send(new PutCommand({ TableName: tableName, Item: { key: trustKey, expiresAt } })),
      ])
    },

    /**
     * Whether a trust item exists and has not expired at `nowSeconds`: DynamoDB TTL deletes
     * expired items only eventually (often days later), so the expiry is checked here too.
     */
    async isTrusted(key: string, nowSeconds: number): Promise<boolean> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { key }, ConsistentRead: true }))
      return Item !== undefined && Number(Item['expiresAt']) > nowSeconds
    },
  }
}

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
