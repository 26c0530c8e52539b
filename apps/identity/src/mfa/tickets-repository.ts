import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/**
 * The sign-in step between a right password and the second factor. Keyed by the SHA-256 of the
 * opaque mfaToken; bound to the hash of the device cookie that started the sign-in.
 */
export interface MfaTicketRecord {
  ticketHash: string
  userId: string
  deviceHash: string
  /** Codes tried on this ticket so far (each counted before it is checked). */
  attempts: number
  createdAt: string
  /** Epoch seconds (TTL); checked in code too, since TTL deletes late. */
  expiresAt: number
  usedAt?: string
}

const isConditionFailure = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException'

export function createTicketsRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(record: MfaTicketRecord): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(ticketHash)' }))
    },

    async get(ticketHash: string): Promise<MfaTicketRecord | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { ticketHash }, ConsistentRead: true }))
      return Item as MfaTicketRecord | undefined
    },

    /**
     * Counts one code about to be checked, only while the ticket is live (unused, unexpired, under
     * the limit): the count after it, or undefined when the ticket was no longer usable.
     */
    async reserveAttempt(ticketHash: string, maxAttempts: number, nowSec: number): Promise<number | undefined> {
      try {
        const { Attributes } = await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { ticketHash },
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(ticketHash) AND attribute_not_exists(usedAt) AND attempts < :max AND expiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts, ':now': nowSec },
          ReturnValues: 'UPDATED_NEW',
        }))
        return Number(Attributes?.['attempts'])
      } catch (error) {
        if (isConditionFailure(error)) return undefined
        throw error
      }
    },

    /** Marks the ticket used; false when another request used it first, or it died meanwhile. */
    async consume(ticketHash: string, nowSec: number, nowIso: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { ticketHash },
          UpdateExpression: 'SET usedAt = :at',
          ConditionExpression: 'attribute_exists(ticketHash) AND attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':at': nowIso, ':now': nowSec },
        }))
        return true
      } catch (error) {
        if (isConditionFailure(error)) return false
        throw error
      }
    },
  }
}

export type TicketsRepository = ReturnType<typeof createTicketsRepository>
