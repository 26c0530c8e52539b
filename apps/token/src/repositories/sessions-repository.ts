import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { USER_SESSIONS_INDEX } from '@gatehouse/dynamo'

/** One sign-in on one device: the family of refresh tokens that rotation produces. */
export interface SessionRecord {
  sessionId: string
  userId: string
  /** The user id while the session is not revoked: the sparse user index's key, removed by every revocation. */
  activeUserId?: string
  scope: string
  createdAt: string
  /** When the user proved their credentials; revoke-all markers compare with it (absent on old items: `createdAt`). */
  authTime?: string
  lastUsedAt: string
  /** Absolute cap, epoch seconds; also the table's TTL attribute. */
  expiresAt: number
  revokedAt?: string
  userAgent?: string
  ip?: string
  /** The AWS region that opened it: its home, where its rotation is serialised (docs/deploy.md, "Beyond one region"). */
  region?: string
}

/** TTL deletion is lazy (up to days late), so expiry is always checked here, never assumed. */
export function isSessionActive(session: SessionRecord | undefined, nowSec: number): session is SessionRecord {
  return session !== undefined && session.revokedAt === undefined && session.expiresAt > nowSec
}

/**
 * A per-user marker item in the Sessions table (key `user#<userId>`, no `userId` attribute, so it
 * stays out of the user index): every session authenticated before `revokedBefore` is revoked, except
 * `keepSessionId` (authenticated in the same millisecond counts as before: when in doubt, revoke). Revoke-all writes it first, so a session that the eventually consistent user
 * index did not list yet is revoked all the same.
 */
export interface UserSessionsMarker {
  /** Absent when the marker only records a verification (below). */
  revokedBefore?: string
  keepSessionId?: string
  /**
   * When the user's address was verified (the gateway says so after identity consumed the link):
   * sessions signed in before it turn `email_verified` true at their next refresh.
   */
  emailVerifiedAt?: string
}

export const userMarkerKey = (userId: string): string => `user#${userId}`

/** The one time every revoke-all check compares with: when the user signed in. */
export const authTimeOf = (session: Pick<SessionRecord, 'authTime' | 'createdAt'>): string => session.authTime ?? session.createdAt

/** The session as the marker leaves it: revoked (at the marker's time) when the marker covers it. */
export function applyMarker(session: SessionRecord, marker: UserSessionsMarker | undefined): SessionRecord {
  if (marker?.revokedBefore === undefined || session.revokedAt !== undefined) return session
  if (authTimeOf(session) > marker.revokedBefore || session.sessionId === marker.keepSessionId) return session
  return { ...session, revokedAt: marker.revokedBefore }
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>

/** Where a listing stopped: the index key of its last item. */
interface ListPosition { sessionId: string; createdAt: string }

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Opaque to callers; it names a position only, the user comes from the request, never from the cursor. */
export const encodeSessionCursor = (position: ListPosition): string => Buffer.from(`${position.createdAt}|${position.sessionId}`, 'utf8').toString('base64url')

/** Undefined: not a cursor this service issued. */
export function decodeSessionCursor(cursor: string): ListPosition | undefined {
  const [createdAt, sessionId, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (extra !== undefined || createdAt === undefined || sessionId === undefined || !ISO.test(createdAt) || !UUID.test(sessionId)) return undefined
  return { createdAt, sessionId }
}

export interface SessionPage {
  sessions: SessionRecord[]
  /** Where the next page starts; undefined when the index has nothing after this page. */
  next?: ListPosition
}

/** Every revocation writes this: the session leaves the user index with its revocation. */
const REVOKE = 'REMOVE activeUserId'

export function createSessionsRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    tableName,

    async get(sessionId: string): Promise<SessionRecord | undefined> {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: { sessionId }, ConsistentRead: true }))
      return result.Item as SessionRecord | undefined
    },

    async getMarker(userId: string): Promise<UserSessionsMarker | undefined> {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: { sessionId: userMarkerKey(userId) }, ConsistentRead: true }))
      return result.Item as UserSessionsMarker | undefined
    },

    /** A session with its user's marker applied; undefined unless it exists and is that user's. */
    async getForUser(sessionId: string, userId: string): Promise<SessionRecord | undefined> {
      const [session, marker] = await Promise.all([this.get(sessionId), this.getMarker(userId)])
      return session === undefined || session.userId !== userId ? undefined : applyMarker(session, marker)
    },

    /**
     * Revokes every session of the user created before `nowIso` but `keepSessionId`. Only moves
     * forward: an older revoke-all arriving late never shortens a newer one.
     */
    async markAllRevoked(userId: string, nowIso: string, expiresAt: number, keepSessionId?: string): Promise<void> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { sessionId: userMarkerKey(userId) },
          UpdateExpression: keepSessionId === undefined
            ? 'SET revokedBefore = :now, expiresAt = :exp REMOVE keepSessionId'
            : 'SET revokedBefore = :now, expiresAt = :exp, keepSessionId = :keep',
          ConditionExpression: 'attribute_not_exists(revokedBefore) OR revokedBefore < :now',
          ExpressionAttributeValues: { ':now': nowIso, ':exp': expiresAt, ...(keepSessionId === undefined ? {} : { ':keep': keepSessionId }) },
        }))
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error
      }
    },

    /**
     * Records that the user's address is verified, for the sessions signed in before it (their next
     * refresh reads it). Kept as long as a session started now could live, as revoke-all's marker is.
     */
    async markEmailVerified(userId: string, nowIso: string, expiresAt: number): Promise<void> {
      await doc.send(new UpdateCommand({
        TableName: tableName,
        Key: { sessionId: userMarkerKey(userId) },
        UpdateExpression: 'SET emailVerifiedAt = if_not_exists(emailVerifiedAt, :now), expiresAt = :exp',
        ExpressionAttributeValues: { ':now': nowIso, ':exp': expiresAt },
      }))
    },

    /**
     * One page of the user's sessions not revoked yet, newest first, from the sparse user index
     * (eventually consistent; expired ones TTL has not deleted yet are still in it). `after`: the
     * previous page's `next`.
     */
    async listPage(userId: string, limit: number, after?: ListPosition): Promise<SessionPage> {
      const page = await doc.send(new QueryCommand({
        TableName: tableName,
        IndexName: USER_SESSIONS_INDEX,
        KeyConditionExpression: 'activeUserId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
        // One more than asked: `next` only when something follows (a last page is never empty).
        Limit: limit + 1,
        ...(after === undefined ? {} : { ExclusiveStartKey: { activeUserId: userId, createdAt: after.createdAt, sessionId: after.sessionId } }),
      }))
      const items = (page.Items ?? []) as SessionRecord[]
      const sessions = items.slice(0, limit)
      const last = sessions.at(-1)
      return { sessions, ...(items.length > limit && last !== undefined ? { next: { sessionId: last.sessionId, createdAt: last.createdAt } } : {}) }
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
          UpdateExpression: `SET revokedAt = :now ${REVOKE}`,
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
