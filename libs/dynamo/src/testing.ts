import { randomBytes } from 'node:crypto'
import { createDynamoClients, type DynamoClients } from './client.ts'
import { createTables } from './create-tables.ts'
import { tableNames, type TableName } from './tables.ts'

export interface TestDynamo extends DynamoClients {
  endpoint: string
  prefix: string
  tables: Record<TableName, string>
}

/**
 * Tables of their own for one test file, on the DynamoDB Local that `npm test` started
 * (DYNAMODB_ENDPOINT). Every file gets a fresh prefix, so files run in parallel without sharing data.
 */
export async function useTestDynamo(t: { teardown(fn: () => unknown): void }, label = 'test'): Promise<TestDynamo> {
  const endpoint = process.env['DYNAMODB_ENDPOINT']
  if (endpoint === undefined || endpoint === '') {
    throw new Error('DYNAMODB_ENDPOINT is not set: run tests through `npm test` (tools/test/run.ts), which starts DynamoDB Local')
  }
  const prefix = `${label}-${randomBytes(4).toString('hex')}-`
  const clients = createDynamoClients({ endpoint })
  t.teardown(() => clients.destroy())
  await createTables(clients.client, prefix)
  return { ...clients, endpoint, prefix, tables: tableNames(prefix) }
}
