import { DeleteCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { generateOpaqueToken, hashToken } from '@gatehouse/crypto'
import type { TransactItem } from '../mail/outbox-repository.ts'

export type TokenPurpose = 'password-reset' | 'verify-email' | 'email-change'
export const TOKEN_PURPOSES: readonly TokenPurpose[] = ['password-reset', 'verify-email', 'email-change']

export interface TokenRecord {
  tokenHash: string
  purpose: TokenPurpose
  userId: string
  /** The address the link was mailed to (verification, change: the address it proves). */
  email: string
  /** Epoch ms; checked in code, because TTL deletes lazily. */
  expiresAtMs: number
  /** Epoch seconds, for DynamoDB TTL. */
  expiresAt: number
}

const pointerKey = (purpose: TokenPurpose, userId: string) => `current#${purpose}#${userId}`

/**
 * Single-use link tokens. Issuing returns the writes for the caller's transaction (the token, the
 * pointer that makes it the only valid one of its purpose, and, from the caller, the mail that
 * carries it). Consuming is one transaction too: the token is deleted on the condition that it
 * still exists and is still the current one, together with the effect (the new password), so two
 * concurrent submissions of one token cannot both succeed.
 */
export function createOneTimeTokensRepository(doc: DynamoDBDocumentClient, tableName: string, now: () => number) {
  return {
    issue(purpose: TokenPurpose, userId: string, email: string, ttlSeconds: number): { token: string; writes: TransactItem[] } {
      const token = generateOpaqueToken()
      const tokenHash = hashToken(token)
      const expiresAtMs = now() + ttlSeconds * 1000
      const expiresAt = Math.ceil(expiresAtMs / 1000)
      const record: TokenRecord = { tokenHash, purpose, userId, email, expiresAtMs, expiresAt }
      return {
        token,
        writes: [
          { Put: { TableName: tableName, Item: record } },
          // Replacing the pointer is what invalidates every older link of this purpose.
          { Put: { TableName: tableName, Item: { tokenHash: pointerKey(purpose, userId), currentHash: tokenHash, expiresAt } } },
        ],
      }
    },

    /** The live token of this purpose, or undefined for unknown, replaced or expired ones. */
    async find(purpose: TokenPurpose, token: string): Promise<TokenRecord | undefined> {
      const tokenHash = hashToken(token)
      const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { tokenHash }, ConsistentRead: true }))
      const record = Item as TokenRecord | undefined
      if (record === undefined || record.purpose !== purpose || record.expiresAtMs <= now()) return undefined
      return record
    },

    /**
     * Deletes the token and its pointer, with `effects`, in one transaction. False when another
     * submission consumed it first, a newer link replaced it, or an effect's condition failed.
     */
    async consume(record: TokenRecord, effects: TransactItem[]): Promise<boolean> {
      try {
        await doc.send(new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: { tokenHash: record.tokenHash }, ConditionExpression: 'attribute_exists(tokenHash)' } },
            {
              Delete: {
                TableName: tableName,
                Key: { tokenHash: pointerKey(record.purpose, record.userId) },
                ConditionExpression: 'currentHash = :hash',
                ExpressionAttributeValues: { ':hash': record.tokenHash },
              },
            },
            ...effects,
          ],
        }))
        return true
      } catch (error) {
        if (error instanceof TransactionCanceledException) return false
        throw error
      }
    },

    /** Account deletion: the current token of every purpose, and its pointer. */
    async eraseUser(userId: string): Promise<void> {
      for (const purpose of TOKEN_PURPOSES) {
        const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { tokenHash: pointerKey(purpose, userId) }, ConsistentRead: true }))
        const current = Item?.['currentHash']
        if (typeof current === 'string') await doc.send(new DeleteCommand({ TableName: tableName, Key: { tokenHash: current } }))
        await doc.send(new DeleteCommand({ TableName: tableName, Key: { tokenHash: pointerKey(purpose, userId) } }))
      }
    },
  }
}

export type OneTimeTokensRepository = ReturnType<typeof createOneTimeTokensRepository>
