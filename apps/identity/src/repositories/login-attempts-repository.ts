import { randomInt } from 'node:crypto'
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { getItemsConsistently, isTransactionConflict, retryingTransactionConflicts, type ExtraTransactItem } from '@gatehouse/dynamo'

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

/**
 * `stored`: the counter as written (undefined: deleted), so the next write needs no read of its
 * own. `conflict`: a concurrent transaction held the item (DynamoDB refuses rather than waits):
 * nothing was written and the stored item is unknown; read it again and go on.
 */
export type CompareAndSetResult =
  | { written: true; stored: AttemptRecord | undefined }
  | { written: false; current: AttemptRecord | undefined; conflict?: true }

/**
 * A fresh revision: random, so a counter deleted and made again (a success, a credential change)
 * never repeats the revision an older copy holds, and that copy's compare-and-set cannot succeed
 * against someone else's counter. 2^48 values; only equality is ever asked of it.
 */
const newRev = (): number => randomInt(2 ** 48 - 1) + 1

type Reason = { Code?: string; Item?: Record<string, AttributeValue> }

/** The item a failed condition returns comes in DynamoDB's wire form (the document client leaves errors as they are). */
function fromAttributes(item: Record<string, AttributeValue> | undefined): AttemptRecord | undefined {
  if (item?.['attempts']?.N === undefined || item['expiresAt']?.N === undefined) return undefined
  const optional = Object.fromEntries((['lockedUntil', 'inFlight', 'inFlightUntil', 'rev'] as const)
    .flatMap((name) => (item[name]?.N === undefined ? [] : [[name, Number(item[name].N)]])))
  return { attempts: Number(item['attempts'].N), expiresAt: Number(item['expiresAt'].N), ...optional }
}

function withoutKey(stored: AttemptRecord & { key: string }): AttemptRecord {
  const { key: _key, ...record } = stored
  return record
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
     * (undefined: no item), together with `alsoWrite` (the sign-in's trust, event and notice: one
     * transaction, one request). On a lost race nothing is written and the answer carries the item
     * as stored (ReturnValuesOnConditionCheckFailure), so the caller's next round needs no read.
     */
    async compareAndSet(key: string, previous: AttemptRecord | undefined, next: AttemptRecord | null, alsoWrite: ExtraTransactItem[] = []): Promise<CompareAndSetResult> {
      const condition = { ...unchanged(previous), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
      const stored = next === null ? undefined : { key, ...next, rev: newRev() }
      const write = stored === undefined
        ? { Delete: { TableName: tableName, Key: { key }, ...condition } }
        : { Put: { TableName: tableName, Item: stored, ...condition } }
      try {
        if (alsoWrite.length > 0) await doc.send(new TransactWriteCommand({ TransactItems: [write, ...alsoWrite] }))
        else if (stored === undefined) await doc.send(new DeleteCommand({ TableName: tableName, Key: { key }, ...condition }))
        else await doc.send(new PutCommand({ TableName: tableName, Item: stored, ...condition }))
        return { written: true, stored: stored === undefined ? undefined : withoutKey(stored) }
      } catch (error) {
        const name = (error as Error).name
        if (name === 'ConditionalCheckFailedException') return { written: false, current: fromAttributes((error as { Item?: Record<string, AttributeValue> }).Item) }
        // In a transaction the counter's condition is the first item's: its reason carries the stored item.
        const reason = (error as { CancellationReasons?: Reason[] }).CancellationReasons?.[0]
        if (name === 'TransactionCanceledException' && reason?.Code === 'ConditionalCheckFailed') return { written: false, current: fromAttributes(reason.Item) }
        if (isTransactionConflict(error)) return { written: false, current: undefined, conflict: true }
        throw error
      }
    },

    /** The sign-in's other writes when its counter is already gone (a credential change deleted it): one request. */
    async writeAll(items: ExtraTransactItem[]): Promise<void> {
      if (items.length > 0) await retryingTransactionConflicts(() => doc.send(new TransactWriteCommand({ TransactItems: items })))
    },

    async reset(key: string): Promise<void> {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { key } }))
    },

    /** (Re)trusts a device for an account, as of `trustedAt` (epoch ms), until `expiresAt` (epoch seconds, the TTL). */
    async trust(trustKey: string, trustedAt: number, expiresAt: number): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: { key: trustKey, trustedAt, expiresAt } }))
    },

    /** The same trust as one item of the settling write (`compareAndSet`'s `alsoWrite`). */
    trustItem(trustKey: string, trustedAt: number, expiresAt: number): ExtraTransactItem {
      return { Put: { TableName: tableName, Item: { key: trustKey, trustedAt, expiresAt } } }
    },

    /**
     * Whether a trust item exists, has not expired at `nowSeconds` (DynamoDB TTL deletes expired
     * items only eventually, often days later, so the expiry is checked here too) and was made
     * no earlier than the account's last credential change (`changedKey`). Items from before
     * trust carried `trustedAt` count as made at 0: any change ends them.
     */
    async isTrusted(key: string, changedKey: string, nowSeconds: number): Promise<boolean> {
      // Both items in one consistent BatchGetItem: one request, not two.
      const [trust, changed] = await getItemsConsistently(doc, [{ tableName, key: { key } }, { tableName, key: { key: changedKey } }])
      if (trust === undefined || Number(trust['expiresAt']) <= nowSeconds) return false
      return changed === undefined || Number(trust['trustedAt'] ?? 0) >= Number(changed['changedAt'])
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
      // A sign-in settling this counter in a transaction right now refuses the delete for a moment.
      await Promise.all([mark, retryingTransactionConflicts(() => doc.send(new DeleteCommand({ TableName: tableName, Key: { key: counterKey } })))])
    },
  }
}

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
