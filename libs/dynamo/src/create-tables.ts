import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { TABLES, createTableInput, type TableDefinition } from './tables.ts'

export interface CreateTablesResult {
  created: string[]
  existing: string[]
}

/** Creates every table under `prefix`; tables that exist are left as they are. Safe to re-run. */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<CreateTablesResult> {
  const result: CreateTablesResult = { created: [], existing: [] }
  await Promise.all(TABLES.map(async (definition) => {
    const name = `${prefix}${definition.name}`
    const created = await createOne(client, definition, prefix)
    ;(created ? result.created : result.existing).push(name)
    await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: name })
    if (definition.ttlAttribute !== undefined) await enableTtl(client, name, definition.ttlAttribute)
  }))
  result.created.sort()
  result.existing.sort()
  return result
}

async function createOne(client: DynamoDBClient, definition: TableDefinition, prefix: string): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(createTableInput(definition, prefix)))
    return true
  } catch (error) {
    if (error instanceof ResourceInUseException) return false
    throw error
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
  const description = current.TimeToLiveDescription
  if (description?.AttributeName === attribute && description.TimeToLiveStatus !== 'DISABLED') return
  await client.send(new UpdateTimeToLiveCommand({
    TableName: tableName,
    TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
  }))
}

/** Used by tests and tools to check what exists. */
export async function describeTable(client: DynamoDBClient, tableName: string) {
  const [table, ttl] = await Promise.all([
    client.send(new DescribeTableCommand({ TableName: tableName })),
    client.send(new DescribeTimeToLiveCommand({ TableName: tableName })),
  ])
  return { table: table.Table, ttl: ttl.TimeToLiveDescription }
}
