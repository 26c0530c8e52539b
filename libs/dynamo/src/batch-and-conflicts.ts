import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/** One item by its full key, in any table. */
export interface ItemRef {
  tableName: string
  key: Record<string, string>
}

/** Rounds of a BatchGetItem that DynamoDB answered only in part (throttled keys come back unprocessed). */
const BATCH_ROUNDS = 5

const sameKey = (item: Record<string, unknown>, key: Record<string, string>): boolean =>
  Object.entries(key).every(([name, value]) => item[name] === value)

/**
 * Up to 100 items, read consistently in one BatchGetItem (one request where there were as many
 * GetItems), answered in the order asked (undefined: no such item). Keys DynamoDB leaves
 * unprocessed are asked for again, with a growing pause, at most 5 rounds.
 */
export async function getItemsConsistently(doc: DynamoDBDocumentClient, refs: readonly ItemRef[]): Promise<(Record<string, unknown> | undefined)[]> {
  const requestOf = (pending: readonly ItemRef[]) => {
    const request: Record<string, { Keys: Record<string, string>[]; ConsistentRead: true }> = {}
    for (const ref of pending) (request[ref.tableName] ??= { Keys: [], ConsistentRead: true }).Keys.push(ref.key)
    return request
  }
  const found: (Record<string, unknown> | undefined)[] = refs.map(() => undefined)
  let pending = [...refs]
  for (let round = 0; pending.length > 0; round += 1) {
    if (round === BATCH_ROUNDS) throw new Error('BatchGetItem kept leaving keys unprocessed')
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round))
    const answer = await doc.send(new BatchGetCommand({ RequestItems: requestOf(pending) }))
    refs.forEach((ref, index) => {
      const item = answer.Responses?.[ref.tableName]?.find((candidate) => sameKey(candidate, ref.key))
      if (item !== undefined) found[index] = item
    })
    const unprocessed = answer.UnprocessedKeys ?? {}
    pending = pending.filter((ref) => unprocessed[ref.tableName]?.Keys?.some((key) => sameKey(key, ref.key)) === true)
  }
  return found
}

/**
 * A write DynamoDB refused because a transaction was writing the same item at that moment (it
 * refuses rather than waits, and the SDK does not retry it): `TransactionConflictException` for a
 * plain write, reason `TransactionConflict` in a cancelled transaction.
 */
export function isTransactionConflict(error: unknown): boolean {
  const { name, CancellationReasons } = error as { name?: string; CancellationReasons?: { Code?: string }[] }
  return name === 'TransactionConflictException'
    || (name === 'TransactionCanceledException' && (CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict'))
}

/** Runs `write` again, up to `tries` in all, with a growing jittered pause, while it meets a transaction conflict. */
export async function retryingTransactionConflicts<T>(write: () => Promise<T>, tries = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write()
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= tries) throw error
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * (0.5 + Math.random())))
    }
  }
}
