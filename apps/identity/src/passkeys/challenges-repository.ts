import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/** `second-factor`: the sign-in step after a password, bound to the mfaToken's user. */
export type ChallengePurpose = 'register' | 'sign-in' | 'second-factor'

export interface ChallengeRecord {
  challenge: string
  purpose: ChallengePurpose
  /** Registration and the second factor: the user the ceremony is for. */
  userId?: string
  /** Epoch seconds; DynamoDB TTL deletes after it, and `consume` refuses after it. */
  expiresAt: number
}

export function createChallengesRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    async put(record: ChallengeRecord): Promise<void> {
      await doc.send(new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(challenge)' }))
    },

    /**
     * Deletes and returns the challenge in one conditional write: of two concurrent submissions
     * of one ceremony only one gets it back, so a challenge is never verified twice.
     */
    async consume(challenge: string): Promise<ChallengeRecord | undefined> {
      try {
        const { Attributes } = await doc.send(new DeleteCommand({
          TableName: tableName,
          Key: { challenge },
          ConditionExpression: 'attribute_exists(challenge)',
          ReturnValues: 'ALL_OLD',
        }))
        return Attributes as ChallengeRecord | undefined
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined
        throw error
      }
    },
  }
}
export type ChallengesRepository = ReturnType<typeof createChallengesRepository>
