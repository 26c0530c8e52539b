import { createHash } from 'node:crypto'
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createPasswordHasher, hashToken, mapLimited } from '@gatehouse/crypto'
import { guardKey, signupShardOf, tableNames } from '@gatehouse/dynamo'
import { seedEmail } from './seed.ts'

/**
 * Bulk seeding for scale runs (issue 20): a million users in minutes. Every user shares one
 * precomputed bcrypt hash of the password (so they can all sign in) and is written with
 * BatchWriteItem, exactly the items sign-up writes (user with its sign-up shard, and the email
 * guard), minus the transaction: nothing else writes these tables during a seed. Ids and refresh
 * tokens are derived from the email prefix and the index, so a re-run overwrites the same items
 * (idempotent) and a scale run can rebuild any seeded session's refresh token without storing it.
 */
export interface BulkSeedOptions {
  doc: DynamoDBDocumentClient
  tablePrefix: string
  /** Users `from` … `from + count - 1` (so a second call adds more to the same population). */
  from?: number
  count: number
  cost: number
  password: string
  emailPrefix: string
  /** Sessions to open, spread round robin over the users seeded by this call (each with one live refresh token). */
  sessions?: number
  /** Index of the first session (ids and refresh tokens derive from it): a second call continues the numbering. */
  sessionFrom?: number
  /** Sessions given to user `from` on top of the spread ones (a user with thousands of sessions). */
  sessionsForFirstUser?: number
  /** Batches (25 items each) in flight at once. */
  concurrency?: number
  scope?: string
  /** Epoch ms; sessions expire 30 days after it. */
  now?: number
  onProgress?: (written: number, total: number) => void
}

export interface BulkSeedResult {
  users: number
  sessions: number
  items: number
  ms: number
  itemsPerSecond: number
}

const BATCH = 25

/** A UUID (version 4 layout) derived from a seed string: stable across runs, unique per input. */
export function derivedUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex.charAt(16), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const seededUserId = (emailPrefix: string, index: number): string => derivedUuid(`${emailPrefix}:user:${index}`)
export const seededSessionId = (emailPrefix: string, index: number): string => derivedUuid(`${emailPrefix}:session:${index}`)
/** The refresh token of seeded session `index`: 32 bytes, base64url, as the token service mints them. */
export const seededRefreshToken = (emailPrefix: string, index: number): string =>
  createHash('sha256').update(`${emailPrefix}:refresh:${index}`).digest('base64url')

/** Writes items in batches of 25, retrying what DynamoDB left unprocessed with a growing pause. */
async function writeAll(doc: DynamoDBDocumentClient, items: { table: string; item: Record<string, unknown> }[], concurrency: number, progress: (n: number) => void): Promise<void> {
  const batches: (typeof items)[] = []
  for (let at = 0; at < items.length; at += BATCH) batches.push(items.slice(at, at + BATCH))
  await mapLimited(batches, concurrency, async (batch) => {
    let requestItems: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {}
    for (const { table, item } of batch) (requestItems[table] ??= []).push({ PutRequest: { Item: item } })
    for (let attempt = 0; Object.keys(requestItems).length > 0; attempt++) {
      if (attempt > 10) throw new Error('DynamoDB kept items unprocessed after 10 retries')
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)))
      const result = await doc.send(new BatchWriteCommand({ RequestItems: requestItems }))
      requestItems = (result.UnprocessedItems ?? {}) as typeof requestItems
    }
    progress(batch.length)
  })
}

export async function bulkSeed(options: BulkSeedOptions): Promise<BulkSeedResult> {
  const tables = tableNames(options.tablePrefix)
  const from = options.from ?? 0
  const concurrency = options.concurrency ?? 16
  const scope = options.scope ?? 'openid profile'
  const now = options.now ?? Date.now()
  const passwordHash = await createPasswordHasher({ cost: options.cost }).hash(options.password)
  const started = performance.now()
  const sessions = (options.sessions ?? 0) + (options.sessionsForFirstUser ?? 0)
  const total = options.count * 2 + sessions * 2
  let written = 0
  const progress = (n: number) => {
    written += n
    options.onProgress?.(written, total)
  }

  // Users in chunks, so a million never sit in memory as items at once.
  const CHUNK = 20_000
  for (let start = 0; start < options.count; start += CHUNK) {
    const items: { table: string; item: Record<string, unknown> }[] = []
    for (let index = from + start; index < from + Math.min(options.count, start + CHUNK); index++) {
      const email = seedEmail(options.emailPrefix, index)
      const userId = seededUserId(options.emailPrefix, index)
      const createdAt = new Date(now - (from + options.count - index)).toISOString()
      items.push({ table: tables.Users, item: { userId, email, passwordHash, scope, createdAt, updatedAt: createdAt, signupShard: signupShardOf(userId) } })
      items.push({ table: tables.Users, item: { userId: guardKey(email), ownerId: userId, createdAt } })
    }
    await writeAll(options.doc, items, concurrency, progress)
  }

  const sessionFrom = options.sessionFrom ?? 0
  const nowSec = Math.floor(now / 1000)
  const sessionExpiresAt = nowSec + 30 * 86_400
  for (let start = 0; start < sessions; start += CHUNK) {
    const items: { table: string; item: Record<string, unknown> }[] = []
    for (let offset = start; offset < Math.min(sessions, start + CHUNK); offset++) {
      const index = sessionFrom + offset
      const spread = offset < (options.sessions ?? 0)
      const userIndex = spread ? from + (offset % options.count) : from
      const userId = seededUserId(options.emailPrefix, userIndex)
      const sessionId = seededSessionId(options.emailPrefix, index)
      const at = new Date(now - (sessions - offset)).toISOString()
      items.push({ table: tables.Sessions, item: { sessionId, userId, activeUserId: userId, scope, createdAt: at, authTime: at, lastUsedAt: at, expiresAt: sessionExpiresAt, userAgent: 'seeded session' } })
      items.push({
        table: tables.RefreshTokens,
        item: { tokenHash: hashToken(seededRefreshToken(options.emailPrefix, index)), sessionId, userId, scope, issuedAt: at, authTime: at, expiresAt: sessionExpiresAt, sessionExpiresAt, amr: ['pwd'] },
      })
    }
    await writeAll(options.doc, items, concurrency, progress)
  }
  const ms = performance.now() - started
  return { users: options.count, sessions, items: written, ms, itemsPerSecond: written / (ms / 1000) }
}
