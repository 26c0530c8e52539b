import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { USER_SESSIONS_INDEX } from '@gatehouse/dynamo'

/** One sign-in on one device: the family of refresh tokens that rotation produces. */
export interface SessionRecord {
  sessionId: string
  userId: string
  scope: string
  createdAt: string
  lastUsedAt: string
  /** Absolute cap, epoch seconds; also the table's TTL attribute. */
  expiresAt: number
  revokedAt?: string
  userAgent?: string
  ip?: string
}

/** TTL deletion is lazy (up to days late), so expiry is always checked here, never assumed. */
export function isSessionActive(session: SessionRecord | undefined, nowSec: number): session is SessionRecord {
  return session !== undefined && session.revokedAt === undefined && session.expiresAt > nowSec
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>

export function createSessionsRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    tableName,

    async get(sessionId: string): Promise<SessionRecord | undefined> {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: { sessionId }, ConsistentRead: true }))
      return result.Item as SessionRecord | undefined
    },

    /** Every session of a user, newest first (the GSI is eventually consistent). */
    async listByUser(userId: string): Promise<SessionRecord[]> {
      const sessions: SessionRecord[] = []
      let startKey: Record<string, unknown> | undefined
      do {
        const page = await doc.send(new QueryCommand({
          TableName: tableName,
          IndexName: USER_SESSIONS_INDEX,
          KeyConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': userId },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }))
        sessions.push(...(page.Items ?? []) as SessionRecord[])
        startKey = page.LastEvaluatedKey
      } while (startKey !== undefined)
      return sessions
    },

    /**
     * Marks a session revoked; false when it does not exist, belongs to another user or was
     * already revoked. Its refresh tokens stop working because rotation checks the session.
     */
    async revoke(sessionId: string, nowIso: string, userId?: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { sessionId },
          UpdateExpression: 'SET revokedAt = :now',
          ConditionExpression: `attribute_exists(sessionId) AND attribute_not_exists(revokedAt)${userId === undefined ? '' : ' AND userId = :userId'}`,
          ExpressionAttributeValues: { ':now': nowIso, ...(userId === undefined ? {} : { ':userId': userId }) },
        }))
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false
        throw error
      }
    },
  }
}
