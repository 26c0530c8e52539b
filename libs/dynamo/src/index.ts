export { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './client.ts'
export {
  TABLES,
  EMAIL_INDEX,
  USER_SESSIONS_INDEX,
  OUTBOX_DUE_INDEX,
  USER_PASSKEYS_INDEX,
  tableDefinition,
  tableNames,
  createTableInput,
  type TableDefinition,
  type TableName,
} from './tables.ts'
export { createTables, describeTable, type CreateTablesResult } from './create-tables.ts'
export { useTestDynamo, type TestDynamo } from './testing.ts'
// The Users repository lives here rather than in apps/identity because the seed tool writes
// users too, and must write exactly what sign-up writes (the user and its email guard).
export {
  createUsersRepository,
  guardKey,
  signupShardOf,
  type UsersRepository,
  type UserRecord,
  type LoginRecord,
  type CreateResult,
  type ExtraTransactItem,
} from './repositories/users.ts'
// Security activity is written by identity and token alike, so its one repository is shared.
export {
  createSecurityEventsRepository,
  type SecurityEventsRepository,
  type SecurityEventInput,
  type SecurityEventsOptions,
  type EventOrigin,
  type RequestOrigin,
  type EventLog,
} from './repositories/security-events.ts'
export { coarseIp } from './coarse-ip.ts'
export { getItemsConsistently, isTransactionConflict, retryingTransactionConflicts, type ItemRef } from './batch-and-conflicts.ts'
