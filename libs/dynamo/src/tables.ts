import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb'

/**
 * The one definition of every table: create-tables, the tests and the CloudFormation template
 * are all generated from this list, so they cannot drift apart.
 */
export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}${name}`. */
  name: 'Users' | 'LoginAttempts' | 'Factors' | 'MfaTickets' | 'RefreshTokens' | 'Sessions' | 'MailOutbox' | 'SecurityEvents' | 'OneTimeTokens' | 'Passkeys' | 'WebAuthnChallenges'
  /** Which service may touch it (least-privilege IAM is generated from this). */
  owner: 'identity' | 'token'
  /** Other services that only append items (PutItem), e.g. token recording security events. */
  appenders?: readonly ('identity' | 'token')[]
  /** The owner lists items by the base table's own key (a Query on the table, not on an index). */
  queriedByKey?: true
  keySchema: NonNullable<CreateTableCommandInput['KeySchema']>
  attributes: NonNullable<CreateTableCommandInput['AttributeDefinitions']>
  globalSecondaryIndexes: NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>
  /** Attribute holding an epoch-seconds expiry that DynamoDB TTL deletes after. */
  ttlAttribute?: string
  /**
   * A DynamoDB stream on the table (the mail outbox uses one to wake its worker). Infrastructure
   * reads it from here: a table that sets it gets a stream, and the owner's worker consumes it.
   */
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY'
}

export const EMAIL_INDEX = 'email-index'
/** Users by sign-up time, in SIGNUP_SHARDS partitions (`s#<first hex digit of the id>`): the admin "all users" listing, never a Scan. */
export const SIGNUP_INDEX = 'signupShard-createdAt-index'
export const SIGNUP_SHARDS = 16
export const USER_SESSIONS_INDEX = 'activeUserId-createdAt-index'
export const OUTBOX_DUE_INDEX = 'dueShard-dueAt-index'
export const USER_PASSKEYS_INDEX = 'userId-createdAt-index'

export const TABLES: readonly TableDefinition[] = [
  {
    name: 'Users',
    owner: 'identity',
    // Users hold `userId`; email guard items (`userId = "email#<email>"`) share the table so a
    // transaction can write both, and carry no `email` attribute, so they stay out of the GSI.
    keySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    attributes: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'email', AttributeType: 'S' },
      { AttributeName: 'signupShard', AttributeType: 'S' },
      { AttributeName: 'createdAt', AttributeType: 'S' },
    ],
    globalSecondaryIndexes: [
      {
        IndexName: EMAIL_INDEX,
        KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        // What login needs, and no more: the hash, the scope and the user id (the key).
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['passwordHash', 'scope', 'createdAt'] },
      },
      {
        // Every user by sign-up time (guards carry no `signupShard`, so they stay out): support's
        // paged "all users" and "who signed up in the last hour" (a spam wave), never a Scan.
        // Sharded so sign-ups at 70M-user rates spread over partitions; a page merges the shards.
        IndexName: SIGNUP_INDEX,
        KeySchema: [
          { AttributeName: 'signupShard', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['email', 'emailVerified', 'disabledAt'] },
      },
    ],
  },
  {
    name: 'LoginAttempts',
    owner: 'identity',
    // The login throttle's failure counters (per account, and per trusted device of an account)
    // and the devices trusted for an account; keys are built by identity's repository.
    keySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
    attributes: [{ AttributeName: 'key', AttributeType: 'S' }],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'Factors',
    owner: 'identity',
    // A user's second factors, one partition per user, bounded by construction: `totp` (the
    // active authenticator, secret sealed), `totp-pending` (an enrolment not yet confirmed, TTL)
    // and `recovery` (the hashes of the current recovery codes, one string set). Read with
    // GetItem only; erasing a user deletes these known keys.
    keySchema: [
      { AttributeName: 'userId', KeyType: 'HASH' },
      { AttributeName: 'factor', KeyType: 'RANGE' },
    ],
    attributes: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'factor', AttributeType: 'S' },
    ],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'MfaTickets',
    owner: 'identity',
    // The sign-in step between a right password and the second factor: key = SHA-256 of the
    // opaque mfaToken, so a table read yields no usable ticket; five minutes, TTL.
    keySchema: [{ AttributeName: 'ticketHash', KeyType: 'HASH' }],
    attributes: [{ AttributeName: 'ticketHash', AttributeType: 'S' }],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'Passkeys',
    owner: 'identity',
    // One item per WebAuthn credential, keyed by its credential id (what a sign-in presents);
    // a user's passkeys are a bounded query on the index (at most PASSKEYS_MAX_PER_USER).
    keySchema: [{ AttributeName: 'credentialId', KeyType: 'HASH' }],
    attributes: [
      { AttributeName: 'credentialId', AttributeType: 'S' },
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'createdAt', AttributeType: 'S' },
    ],
    globalSecondaryIndexes: [
      {
        IndexName: USER_PASSKEYS_INDEX,
        KeySchema: [
          { AttributeName: 'userId', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  },
  {
    name: 'WebAuthnChallenges',
    owner: 'identity',
    // Single-use, short-lived challenges, keyed by the challenge itself and deleted as they are
    // used; TTL sweeps the abandoned ones (expiry is also checked in code).
    keySchema: [{ AttributeName: 'challenge', KeyType: 'HASH' }],
    attributes: [{ AttributeName: 'challenge', AttributeType: 'S' }],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'RefreshTokens',
    owner: 'token',
    keySchema: [{ AttributeName: 'tokenHash', KeyType: 'HASH' }],
    attributes: [{ AttributeName: 'tokenHash', AttributeType: 'S' }],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'Sessions',
    owner: 'token',
    // Only a session not yet revoked carries `activeUserId` (its user id): revoking one removes it,
    // so the user index is sparse and a listing, the per-user cap or a revoke-all reads the live
    // sessions only, never the revoked ones that wait for TTL (issue 11, finding 3).
    keySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
    attributes: [
      { AttributeName: 'sessionId', AttributeType: 'S' },
      { AttributeName: 'activeUserId', AttributeType: 'S' },
      { AttributeName: 'createdAt', AttributeType: 'S' },
    ],
    globalSecondaryIndexes: [
      {
        IndexName: USER_SESSIONS_INDEX,
        KeySchema: [
          { AttributeName: 'activeUserId', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'MailOutbox',
    owner: 'identity',
    // Every mail gatehouse sends, written in the same transaction as whatever it announces (a
    // token, a change). Only mail still to be delivered carries `dueShard` and `dueAt`, so the
    // index is sparse and holds exactly the pending work: the worker queries it by shard (a few
    // fixed shards, so no single partition takes every write) for `dueAt <= now`, never a Scan.
    keySchema: [{ AttributeName: 'mailId', KeyType: 'HASH' }],
    attributes: [
      { AttributeName: 'mailId', AttributeType: 'S' },
      { AttributeName: 'dueShard', AttributeType: 'S' },
      { AttributeName: 'dueAt', AttributeType: 'N' },
    ],
    globalSecondaryIndexes: [
      {
        IndexName: OUTBOX_DUE_INDEX,
        KeySchema: [
          { AttributeName: 'dueShard', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        // The worker claims each item with a conditional update that returns it: keys suffice.
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'SecurityEvents',
    owner: 'identity',
    // One partition per user, sorted by time (`eventKey` = ISO time + '#' + random), so a user's
    // activity is one Query, newest first, paginated; nothing else ever reads it. Token appends
    // the events it sees (revocations, refresh-token reuse).
    keySchema: [
      { AttributeName: 'userId', KeyType: 'HASH' },
      { AttributeName: 'eventKey', KeyType: 'RANGE' },
    ],
    attributes: [
      { AttributeName: 'userId', AttributeType: 'S' },
      { AttributeName: 'eventKey', AttributeType: 'S' },
    ],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
    appenders: ['token'],
    queriedByKey: true,
  },
  {
    name: 'OneTimeTokens',
    owner: 'identity',
    // Link tokens (password reset, email verification, email change), keyed by the SHA-256 of the
    // token, never the token. Beside them, one pointer item per user and purpose
    // (`tokenHash = "current#<purpose>#<userId>"`) names the only token of that purpose still
    // valid: issuing a new link replaces it, so older links die, and deleting the account deletes it.
    keySchema: [{ AttributeName: 'tokenHash', KeyType: 'HASH' }],
    attributes: [{ AttributeName: 'tokenHash', AttributeType: 'S' }],
    globalSecondaryIndexes: [],
    ttlAttribute: 'expiresAt',
  },
]

export type TableName = TableDefinition['name']

export function tableDefinition(name: TableName): TableDefinition {
  const definition = TABLES.find((table) => table.name === name)
  if (definition === undefined) throw new Error(`unknown table ${name}`)
  return definition
}

/** Physical table names for one environment prefix, e.g. `dev-` → `dev-Users`. */
export function tableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(TABLES.map((table) => [table.name, `${prefix}${table.name}`])) as Record<TableName, string>
}

export function createTableInput(definition: TableDefinition, prefix: string): CreateTableCommandInput {
  return {
    TableName: `${prefix}${definition.name}`,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: definition.keySchema,
    AttributeDefinitions: definition.attributes,
    ...(definition.globalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes: definition.globalSecondaryIndexes } : {}),
  }
}
