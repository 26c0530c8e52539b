import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { USER_PASSKEYS_INDEX } from '@gatehouse/dynamo'

/** One WebAuthn credential. The public key is stored base64url; nothing here is secret. */
export interface PasskeyRecord {
  credentialId: string
  userId: string
  name: string
  publicKey: string
  counter: number
  transports: string[]
  deviceType: 'singleDevice' | 'multiDevice'
  backedUp: boolean
  createdAt: string
  lastUsedAt?: string
}

export function createPasskeysRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(record: PasskeyRecord): Promise<boolean> {
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(credentialId)' }))
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false
        throw error
      }
    },

    async get(credentialId: string): Promise<PasskeyRecord | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { credentialId }, ConsistentRead: true }))
      return Item as PasskeyRecord | undefined
    },

    /** The user's passkeys, oldest first, at most `limit` (the per-user cap bounds it). */
    async listByUser(userId: string, limit: number): Promise<PasskeyRecord[]> {
      const { Items } = await doc.send(new QueryCommand({
        TableName: tableName,
        IndexName: USER_PASSKEYS_INDEX,
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': userId },
        Limit: limit,
      }))
      return (Items ?? []) as PasskeyRecord[]
    },

    /**
     * After a sign-in: the new counter, only if it still moves forward (a concurrent use with the
     * same counter loses), and the backup state the authenticator reports now.
     */
    async recordUse(credentialId: string, previousCounter: number, counter: number, backedUp: boolean, at: string): Promise<boolean> {
      try {
        await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { credentialId },
          UpdateExpression: 'SET #c = :c, backedUp = :b, lastUsedAt = :t',
          ConditionExpression: 'attribute_exists(credentialId) AND #c = :prev',
          ExpressionAttributeNames: { '#c': 'counter' },
          ExpressionAttributeValues: { ':c': counter, ':b': backedUp, ':t': at, ':prev': previousCounter },
        }))
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false
        throw error
      }
    },

    async rename(userId: string, credentialId: string, name: string): Promise<PasskeyRecord | undefined> {
      try {
        const { Attributes } = await doc.send(new UpdateCommand({
          TableName: tableName,
          Key: { credentialId },
          UpdateExpression: 'SET #n = :n',
          ConditionExpression: 'userId = :u',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':n': name, ':u': userId },
          ReturnValues: 'ALL_NEW',
        }))
        return Attributes as PasskeyRecord
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined
        throw error
      }
    },

    /** The passkey as it was before it went; undefined when it is not that user's. */
    async remove(userId: string, credentialId: string): Promise<PasskeyRecord | undefined> {
      try {
        const { Attributes } = await doc.send(new DeleteCommand({
          TableName: tableName, Key: { credentialId }, ConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId }, ReturnValues: 'ALL_OLD',
        }))
        return Attributes as PasskeyRecord
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined
        throw error
      }
    },
  }
}
export type PasskeysRepository = ReturnType<typeof createPasskeysRepository>
