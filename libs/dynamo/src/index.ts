export { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './client.ts'
export {
  TABLES,
  EMAIL_INDEX,
  USER_SESSIONS_INDEX,
  tableDefinition,
  tableNames,
  createTableInput,
  type TableDefinition,
  type TableName,
} from './tables.ts'
export { createTables, describeTable, type CreateTablesResult } from './create-tables.ts'
export { useTestDynamo, type TestDynamo } from './testing.ts'
