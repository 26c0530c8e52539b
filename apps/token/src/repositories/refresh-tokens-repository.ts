import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/**
 * A refresh token as stored: only its SHA-256 hash is the key, and the successor minted by its
 * rotation is kept sealed under the token itself, so a database read yields no usable token.
 */
export interface RefreshTokenRecord {
  tokenHash: string
  sessionId: string
  userId: string
  scope: string
  issuedAt: string
  /** The session's authentication time, carried down the rotation chain (absent on old items: `issuedAt`). */
  authTime?: string
  /** Epoch seconds; also the table's TTL attribute. Never past the session's cap. */
  expiresAt: number
  sessionExpiresAt: number
  /** How the session's sign-in happened (RFC 8176): every access token says so, as it says `auth_time`. */
  amr?: string[]
  /**
   * Whether the user's address was verified when this token was minted (the access tokens'
   * `email_verified`). Once true it stays true down the chain; while false, each rotation looks at
   * the user's marker for a verification that happened since (absent on old items: false).
   */
  emailVerified?: boolean
  consumedAt?: string
  successorHash?: string
  successorSealed?: string
  revokedAt?: string
}

export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>

export function createRefreshTokensRepository(doc: DynamoDBDocumentClient, tableName: string) {
  return {
    tableName,

    async get(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: { tokenHash }, ConsistentRead: true }))
      return result.Item as RefreshTokenRecord | undefined
    },
  }
}
