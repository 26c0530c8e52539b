import { randomUUID } from 'node:crypto'
import { createPasswordHasher, mapLimited } from '@gatehouse/crypto'
import { createUsersRepository, type DynamoClients } from '@gatehouse/dynamo'
import { normalizeEmail } from '@gatehouse/schemas'

export interface SeedOptions {
  clients: Pick<DynamoClients, 'doc'>
  /** Physical name of the Users table (`${prefix}Users`). */
  usersTable: string
  count: number
  /** bcrypt cost of the stored hashes: logins against these users pay exactly this. */
  cost: number
  /** How many users are hashed and written at once. */
  concurrency: number
  password: string
  /** User i gets `${emailPrefix}-${i}@seed.example`. */
  emailPrefix: string
  scope?: string
  onProgress?: (done: number) => void
}

export interface SeedResult {
  created: number
  /** Emails that already had an account (a re-run with the same prefix). */
  existing: number
  ms: number
  usersPerSecond: number
  emails: string[]
}

export const seedEmail = (emailPrefix: string, index: number): string => normalizeEmail(`${emailPrefix}-${index}@seed.example`)

/**
 * Creates real users, exactly as identity's sign-up stores them (user item and email guard in one
 * transaction, bcrypt hash at the given cost), so they can log in through the gateway. Hashing runs
 * on libuv's threadpool, so `concurrency` workers keep every core busy; DynamoDB writes overlap it.
 */
export async function seedUsers(options: SeedOptions): Promise<SeedResult> {
  const users = createUsersRepository(options.clients.doc, options.usersTable)
  const hasher = createPasswordHasher({ cost: options.cost })
  const emails = Array.from({ length: options.count }, (_, index) => seedEmail(options.emailPrefix, index))
  const started = performance.now()
  let created = 0
  let existing = 0
  await mapLimited(emails, options.concurrency, async (email) => {
    const createdAt = new Date().toISOString()
    const passwordHash = await hasher.hash(options.password)
    // A transaction conflict is another writer racing on this email; one retry settles it.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await users.create({ userId: randomUUID(), email, passwordHash, scope: options.scope ?? 'openid profile', createdAt, updatedAt: createdAt })
      if (result === 'conflict') continue
      if (result === 'created') created++
      else existing++
      break
    }
    options.onProgress?.(created + existing)
  })
  const ms = performance.now() - started
  return { created, existing, ms, usersPerSecond: (created + existing) / (ms / 1000), emails }
}
