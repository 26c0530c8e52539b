import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { retryingTransactionConflicts } from '@gatehouse/dynamo'
import type { RefreshTokenRecord } from './refresh-tokens-repository.ts'
import { userMarkerKey, type SessionRecord } from './sessions-repository.ts'

export interface TokenTables {
  sessions: string
  refreshTokens: string
}

export interface RotateInput {
  old: Pick<RefreshTokenRecord, 'tokenHash' | 'sessionId' | 'userId' | 'issuedAt' | 'authTime'>
  successor: RefreshTokenRecord
  /** The successor refresh token sealed under the presented one. */
  successorSealed: string
  nowIso: string
  nowSec: number
  userAgent?: string | undefined
  ip?: string | undefined
  /**
   * The chain still says `email_verified` false: the marker's check also asks that no
   * verification happened since (instead of a read of the marker before every such rotation).
   */
  unverified?: boolean
}

/**
 * Which condition cancelled a rotation; 'conflict' is a concurrent transaction (retry).
 * 'marker': the user's marker refused an unverified chain's rotation: a revoke-all ended the
 * session, or the address was verified since (read the marker to tell which).
 */
export type RotateOutcome = { ok: true } | { ok: false; failed: 'token' | 'session' | 'marker' | 'conflict' }

interface CancellationReason { Code?: string }

/**
 * The multi-item writes of the token service, each one DynamoDB transaction so that no reader
 * ever sees half of it.
 */
export function createTokenTransactions(doc: DynamoDBDocumentClient, tables: TokenTables) {
  return {
    /**
     * The session and its first refresh token, with the user's session count on their marker
     * (MAX_SESSIONS_PER_USER without a Query at every sign-in). `count.below`: add one only while
     * the count is under the cap; false (nothing written) when it is not, or there is no count
     * yet: the caller walks the user's sessions, ends the oldest, and writes again with
     * `count.set`, the live sessions it found plus this one. The count is an upper bound: it
     * never goes down when a session ends or expires, so it only brings the next walk forward.
     */
    async createSession(session: SessionRecord, token: RefreshTokenRecord, count: { below: number } | { set: number } | undefined, markerExpiresAt: number): Promise<boolean> {
      const counter = count === undefined
        ? []
        : [{
          Update: {
            TableName: tables.sessions,
            Key: { sessionId: userMarkerKey(session.userId) },
            // The marker outlives every session it counts; a revoke-all marker keeps its own longer expiry.
            ...('below' in count
              ? {
                UpdateExpression: 'ADD sessionCount :one SET expiresAt = if_not_exists(expiresAt, :exp)',
                ConditionExpression: 'sessionCount < :below',
                ExpressionAttributeValues: { ':one': 1, ':below': count.below, ':exp': markerExpiresAt },
              }
              : {
                UpdateExpression: 'SET sessionCount = :set, expiresAt = if_not_exists(expiresAt, :exp)',
                ExpressionAttributeValues: { ':set': count.set, ':exp': markerExpiresAt },
              }),
          },
        }]
      const items = [
        { Put: { TableName: tables.sessions, Item: session, ConditionExpression: 'attribute_not_exists(sessionId)' } },
        { Put: { TableName: tables.refreshTokens, Item: token, ConditionExpression: 'attribute_not_exists(tokenHash)' } },
        ...counter,
      ]
      // The marker is shared with the user's rotations (their revoke-all check) and other
      // sign-ins: one in flight refuses ours for a moment, so a conflict is tried again.
      return retryingTransactionConflicts(async () => {
        try {
          await doc.send(new TransactWriteCommand({ TransactItems: items }))
          return true
        } catch (error) {
          const reasons = (error as { name?: string; CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []
          // Only the count's condition failed (the session and token ids are fresh and random).
          const countOnly = counter.length > 0 && reasons[2]?.Code === 'ConditionalCheckFailed' && reasons.slice(0, 2).every((reason) => reason.Code !== 'ConditionalCheckFailed')
          if ((error as Error).name === 'TransactionCanceledException' && countOnly) return false
          throw error
        }
      }, 5)
    },

    /**
     * Rotation, atomically: the old token is consumed only if it is unused, unrevoked and
     * unexpired and its session is active, and only then does the successor exist. Two
     * concurrent rotations of one token can never both commit.
     */
    async rotate(input: RotateInput): Promise<RotateOutcome> {
      const hints: Record<string, string> = {}
      if (input.userAgent !== undefined) hints['userAgent'] = input.userAgent
      if (input.ip !== undefined) hints['ip'] = input.ip
      const hintNames = Object.keys(hints)
      try {
        await doc.send(new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tables.refreshTokens,
                Key: { tokenHash: input.old.tokenHash },
                UpdateExpression: 'SET consumedAt = :now, successorHash = :successorHash, successorSealed = :sealed',
                ConditionExpression: 'attribute_exists(tokenHash) AND attribute_not_exists(consumedAt) AND attribute_not_exists(revokedAt) AND expiresAt > :nowSec',
                ExpressionAttributeValues: {
                  ':now': input.nowIso,
                  ':successorHash': input.successor.tokenHash,
                  ':sealed': input.successorSealed,
                  ':nowSec': input.nowSec,
                },
              },
            },
            {
              Update: {
                TableName: tables.sessions,
                Key: { sessionId: input.old.sessionId },
                UpdateExpression: ['SET lastUsedAt = :now', ...hintNames.map((name) => `#${name} = :${name}`)].join(', '),
                ConditionExpression: 'attribute_exists(sessionId) AND attribute_not_exists(revokedAt) AND expiresAt > :nowSec',
                ...(hintNames.length > 0 ? { ExpressionAttributeNames: Object.fromEntries(hintNames.map((name) => [`#${name}`, name])) } : {}),
                ExpressionAttributeValues: {
                  ':now': input.nowIso,
                  ':nowSec': input.nowSec,
                  ...Object.fromEntries(hintNames.map((name) => [`:${name}`, hints[name]])),
                },
              },
            },
            { Put: { TableName: tables.refreshTokens, Item: input.successor, ConditionExpression: 'attribute_not_exists(tokenHash)' } },
            {
              // A revoke-all after the session's sign-in ends it, listed by the index or not.
              ConditionCheck: {
                TableName: tables.sessions,
                Key: { sessionId: userMarkerKey(input.old.userId) },
                ConditionExpression: `(attribute_not_exists(revokedBefore) OR revokedBefore < :authTime OR keepSessionId = :sid)${input.unverified === true ? ' AND attribute_not_exists(emailVerifiedAt)' : ''}`,
                ExpressionAttributeValues: { ':authTime': input.old.authTime ?? input.old.issuedAt, ':sid': input.old.sessionId },
              },
            },
          ],
        }))
        return { ok: true }
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error
        const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return { ok: false, failed: 'token' }
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return { ok: false, failed: 'session' }
        if (reasons[3]?.Code === 'ConditionalCheckFailed') return { ok: false, failed: input.unverified === true ? 'marker' : 'session' }
        return { ok: false, failed: 'conflict' }
      }
    },

    /** RFC 7009 revocation of a refresh token: the token and its whole session end. */
    async revokeTokenAndSession(token: Pick<RefreshTokenRecord, 'tokenHash' | 'sessionId'>, nowIso: string): Promise<void> {
      await doc.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tables.refreshTokens,
              Key: { tokenHash: token.tokenHash },
              UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
              ExpressionAttributeValues: { ':now': nowIso },
            },
          },
          {
            Update: {
              TableName: tables.sessions,
              Key: { sessionId: token.sessionId },
              // Out of the user index with the revocation (its key attribute goes).
              UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now) REMOVE activeUserId',
              ConditionExpression: 'attribute_exists(sessionId)',
              ExpressionAttributeValues: { ':now': nowIso },
            },
          },
        ],
      }))
    },
  }
}
export type TokenTransactions = ReturnType<typeof createTokenTransactions>
