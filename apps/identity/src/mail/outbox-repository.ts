import { randomUUID } from 'node:crypto'
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { OUTBOX_DUE_INDEX } from '@gatehouse/dynamo'
import type { TemplateData, TemplateName } from '@gatehouse/mail'

/** Fixed shards of the due index: spreads outbox writes over a few partitions, and the worker reads each. */
export const OUTBOX_SHARDS = 4
/**
 * The outbox depth gauge counts at most this many index pages per shard and state (1 MB each, of
 * keys only: hundreds of thousands of mails), so a huge backlog reads as "at least" and a scrape
 * stays cheap.
 */
const COUNT_MAX_PAGES = 4
/** How long a delivered or parked mail stays (for support and idempotency), then DynamoDB TTL removes it. */
const RETENTION_SECONDS = 14 * 86_400

/**
 * A mail ready to send (`kind: 'mail'`), or an intent the worker turns into one (a password-reset
 * request names only an address: finding the account and minting the token happen in the worker,
 * so the request's work, and time, is the same whether or not the account exists).
 */
export type OutboxPayload =
  | { [K in TemplateName]: { kind: 'mail'; to: string; template: K; data: TemplateData[K] } }[TemplateName]
  | { kind: 'password-reset-request'; email: string }

/**
 * The due index holds pending mail under `shard#N` (what the worker reads) and parked mail under
 * `parked#N` (what an operator and the depth gauge read), so both are counted by key, never Scanned.
 */
const PENDING = 'shard#'
const PARKED = 'parked#'
const shardOf = (mailId: string) => parseInt(mailId.slice(0, 2), 16) % OUTBOX_SHARDS

export type OutboxItem = OutboxPayload & {
  mailId: string
  status: 'pending' | 'sent' | 'parked' | 'dropped'
  attempts: number
  createdAt: number
  dueShard?: string
  dueAt?: number
  expiresAt: number
}

/** A TransactWriteItems entry (the document client's form). */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number]

export function createOutboxRepository(doc: DynamoDBDocumentClient, tableName: string, now: () => number) {
  const newItem = (payload: OutboxPayload): OutboxItem => {
    const mailId = randomUUID()
    const at = now()
    return {
      ...payload,
      mailId,
      status: 'pending',
      attempts: 0,
      createdAt: at,
      // The shard comes from the id, which is random: writes spread evenly.
      dueShard: `${PENDING}${shardOf(mailId)}`,
      dueAt: at,
      expiresAt: Math.ceil(at / 1000) + RETENTION_SECONDS,
    }
  }
  const putItem = (item: OutboxItem): TransactItem => ({ Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(mailId)' } })

  return {
    tableName,
    /**
     * The Put that enqueues a mail, for the caller's own transaction: its token (or change) and
     * its mail are written together or not at all.
     */
    enqueueInTransaction(payload: OutboxPayload): { mailId: string; item: TransactItem } {
      const item = newItem(payload)
      return { mailId: item.mailId, item: putItem(item) }
    },

    /** Enqueues a mail on its own (a notice that announces something already written). */
    async enqueue(payload: OutboxPayload): Promise<string> {
      const item = newItem(payload)
      await doc.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(mailId)' }))
      return item.mailId
    },

    /** Ids of mail due by now on one shard, oldest first (the sparse index holds only pending mail). */
    async due(shard: number, limit: number): Promise<string[]> {
      const { Items } = await doc.send(new QueryCommand({
        TableName: tableName,
        IndexName: OUTBOX_DUE_INDEX,
        KeyConditionExpression: 'dueShard = :shard AND dueAt <= :now',
        ExpressionAttributeValues: { ':shard': `${PENDING}${shard}`, ':now': now() },
        Limit: limit,
      }))
      return (Items ?? []).map((item) => item['mailId'] as string)
    },

    /**
     * Takes a due mail for one attempt: pushes its due time out by the lease (another worker will
     * not pick it up meanwhile, and if this one dies the mail is due again when the lease ends) and
     * counts the attempt. Undefined when another worker got there first or it is no longer due.
     */
    async claim(mailId: string, leaseSeconds: number): Promise<OutboxItem | undefined> {
      const at = now()
      try {
        const { Attributes } = await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { mailId },
          UpdateExpression: 'SET dueAt = :lease, attempts = attempts + :one',
          ConditionExpression: 'begins_with(dueShard, :pending) AND dueAt <= :now',
          ExpressionAttributeValues: { ':lease': at + leaseSeconds * 1000, ':one': 1, ':now': at, ':pending': PENDING },
          ReturnValues: 'ALL_NEW',
        }))
        return Attributes as OutboxItem
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return undefined
        throw error
      }
    },

    /** The update that turns a claimed intent into a deliverable mail, for a transaction with what it needs (the token). */
    resolveItem(claimed: OutboxItem, mail: Extract<OutboxPayload, { kind: 'mail' }>): TransactItem {
      return {
        Update: {
          TableName: tableName,
          Key: { mailId: claimed.mailId },
          UpdateExpression: 'SET #kind = :kind, #to = :to, template = :template, #data = :data REMOVE email',
          ConditionExpression: 'attempts = :attempts AND #kind = :intent',
          ExpressionAttributeNames: { '#kind': 'kind', '#to': 'to', '#data': 'data' },
          ExpressionAttributeValues: { ':kind': 'mail', ':to': mail.to, ':template': mail.template, ':data': mail.data, ':attempts': claimed.attempts, ':intent': claimed.kind },
        },
      }
    },

    async transact(items: TransactItem[]): Promise<void> {
      await doc.send(new TransactWriteCommand({ TransactItems: items }))
    },

    /** Delivered: out of the due index, and the data (which may hold a link token) dropped. */
    async markSent(mailId: string): Promise<void> {
      await settle(mailId, 'sent')
    },
    /** Nothing to send (a reset asked for an address with no account). */
    async markDropped(mailId: string): Promise<void> {
      await settle(mailId, 'dropped')
    },
    /**
     * Failed too often: off the worker's shards, onto the parked ones (kept, with its data, for an
     * operator, until TTL); the worker never claims it again.
     */
    async park(mailId: string, lastError: string): Promise<void> {
      const at = now()
      await doc.send(new UpdateCommand({
        TableName: tableName,
        Key: { mailId },
        UpdateExpression: 'SET #status = :parked, lastError = :error, parkedAt = :now, dueShard = :shard, dueAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':parked': 'parked', ':error': lastError, ':now': at, ':shard': `${PARKED}${shardOf(mailId)}` },
      }))
    },

    /**
     * Mail waiting (pending: due or backing off or in hand) and parked, counted on the due index
     * with `Select: COUNT`, one Query per shard and state: the outbox depth gauge.
     */
    async depth(): Promise<{ pending: number; parked: number }> {
      const count = async (shard: string) => {
        let total = 0
        let start: Record<string, unknown> | undefined
        for (let page = 0; page < COUNT_MAX_PAGES; page += 1) {
          const { Count, LastEvaluatedKey } = await doc.send(new QueryCommand({
            TableName: tableName,
            IndexName: OUTBOX_DUE_INDEX,
            KeyConditionExpression: 'dueShard = :shard',
            ExpressionAttributeValues: { ':shard': shard },
            Select: 'COUNT',
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }))
          total += Count ?? 0
          start = LastEvaluatedKey
          if (start === undefined) break
        }
        return total
      }
      const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard)
      const [pending, parked] = await Promise.all([PENDING, PARKED].map(async (state) =>
        (await Promise.all(shards.map((shard) => count(`${state}${shard}`)))).reduce((sum, n) => sum + n, 0)))
      return { pending: pending!, parked: parked! }
    },
    async reschedule(mailId: string, dueAt: number, lastError: string): Promise<void> {
      await doc.send(new UpdateCommand({
        TableName: tableName,
        Key: { mailId },
        UpdateExpression: 'SET dueAt = :due, lastError = :error',
        ConditionExpression: 'begins_with(dueShard, :pending)',
        ExpressionAttributeValues: { ':due': dueAt, ':error': lastError, ':pending': PENDING },
      }))
    },
  }

  async function settle(mailId: string, status: 'sent' | 'dropped'): Promise<void> {
    await doc.send(new UpdateCommand({
      TableName: tableName,
      Key: { mailId },
      UpdateExpression: 'SET #status = :status, settledAt = :now REMOVE dueShard, dueAt, #data, email',
      ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
      ExpressionAttributeValues: { ':status': status, ':now': now() },
    }))
  }
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>
