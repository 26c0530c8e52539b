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
  type UsersRepository,
  type UserRecord,
  type LoginRecord,
  type CreateResult,
} from './repositories/users.ts'
