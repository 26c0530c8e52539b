import type { ItemRef } from '@gatehouse/dynamo'
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/** The active authenticator: the secret sealed (MfaKeys), and the last time step accepted. */
export interface TotpRecord {
  userId: string
  factor: 'totp'
  secretSealed: string
  lastTimeStep: number
  enabledAt: string
}

/** An enrolment started but not yet confirmed with a code; DynamoDB TTL and the code drop it. */
export interface PendingTotpRecord {
  userId: string
  factor: 'totp-pending'
  secretSealed: string
  createdAt: string
  /** Epoch seconds (TTL); checked in code too. */
  expiresAt: number
}

/** The current recovery codes, only as keyed digests (MfaKeys.mac under `keyId`). */
export interface RecoveryRecord {
  userId: string
  factor: 'recovery'
  keyId: string
  hashes?: Set<string>
  createdAt: string
}

const isConditionFailure = (error: unknown): boolean =>
  (error as Error).name === 'ConditionalCheckFailedException' || (error as Error).name === 'TransactionCanceledException'

/**
 * A user's second factors in the Factors table (`userId` + `factor`). Every write that decides
 * something (a time step used, a recovery code spent, an enrolment confirmed) is one conditional
 * write, so two concurrent requests can never both win.
 */
export function createFactorsRepository(doc: DynamoDBDocumentClient, tableName: string) {
  const get = async <T>(userId: string, factor: string): Promise<T | undefined> => {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { userId, factor }, ConsistentRead: true }))
    return Item as T | undefined
  }

  return {
    getTotp: (userId: string) => get<TotpRecord>(userId, 'totp'),
    /** Where the active TOTP lives, for a read batched with the user's (sign-in). */
    totpRef: (userId: string): ItemRef => ({ tableName, key: { userId, factor: 'totp' } }),
    getPending: (userId: string) => get<PendingTotpRecord>(userId, 'totp-pending'),
    getRecovery: (userId: string) => get<RecoveryRecord>(userId, 'recovery'),

    async putPending(record: PendingTotpRecord): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: record }))
    },

    /**
     * Turns the pending enrolment into the active factor and stores the first recovery codes, in
     * one transaction: false when a factor is already active or the pending one changed meanwhile.
     */
    async confirm(pending: PendingTotpRecord, timeStep: number, recovery: RecoveryRecord, nowIso: string): Promise<boolean> {
      const totp: TotpRecord = { userId: pending.userId, factor: 'totp', secretSealed: pending.secretSealed, lastTimeStep: timeStep, enabledAt: nowIso }
      try {
        await doc.send(new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: totp, ConditionExpression: 'attribute_not_exists(userId)' } },
            {
              Delete: {
                TableName: tableName,
                Key: { userId: pending.userId, factor: 'totp-pending' },
                ConditionExpression: 'secretSealed = :sealed',
                ExpressionAttributeValues: { ':sealed': pending.secretSealed },
              },
            },
            { Put: { TableName: tableName, Item: recovery } },
          ],
        }))
        return true
      } catch (error) {
        if (isConditionFailure(error)) return false
        throw error
      }
    },

    /** Records `timeStep` as used; false when it (or a later one) was used already: a replay. */
    async useTimeStep(userId: string, timeStep: number): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId, factor: 'totp' },
          UpdateExpression: 'SET lastTimeStep = :step',
          ConditionExpression: 'attribute_exists(userId) AND lastTimeStep < :step',
          ExpressionAttributeValues: { ':step': timeStep },
        }))
        return true
      } catch (error) {
        if (isConditionFailure(error)) return false
        throw error
      }
    },

    /** Spends one recovery code; the number left, or undefined when it was not (or no longer) there. */
    async useRecoveryHash(userId: string, keyId: string, digest: string): Promise<number | undefined> {
      try {
        const { Attributes } = await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { userId, factor: 'recovery' },
          UpdateExpression: 'DELETE hashes :spent',
          ConditionExpression: 'keyId = :keyId AND contains(hashes, :digest)',
          ExpressionAttributeValues: { ':spent': new Set([digest]), ':digest': digest, ':keyId': keyId },
          ReturnValues: 'ALL_NEW',
        }))
        return (Attributes?.['hashes'] as Set<string> | undefined)?.size ?? 0
      } catch (error) {
        if (isConditionFailure(error)) return undefined
        throw error
      }
    },

    /** A new set of recovery codes: the old ones are gone in the same write. */
    async replaceRecovery(record: RecoveryRecord): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: record }))
    },

    /** Turns the factor off: the authenticator and its recovery codes go together. */
    async disable(userId: string): Promise<void> {
      await doc.send(new TransactWriteCommand({
        TransactItems: ['totp', 'recovery'].map((factor) => ({ Delete: { TableName: tableName, Key: { userId, factor } } })),
      }))
    },

    /** Account erasure: every factor item the user can have (the keys are known, no listing). */
    async eraseUser(userId: string): Promise<void> {
      await Promise.all(['totp', 'totp-pending', 'recovery'].map((factor) =>
        doc.send(new DeleteCommand({ TableName: tableName, Key: { userId, factor } }))))
    },
  }
}

export type FactorsRepository = ReturnType<typeof createFactorsRepository>
