/**
 * One DynamoDB table per entry of libs/dynamo's TABLES, and nothing in here names a table: a
 * table added to the list is created by the next deploy with the same guarantees as every other.
 */
import { RemovalPolicy } from 'aws-cdk-lib'
import type { ProjectionType} from 'aws-cdk-lib/aws-dynamodb';
import { type Attribute, AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb'
import type { Construct } from 'constructs'
import { TABLES, type TableDefinition } from '@gatehouse/dynamo'

export const tableConstructId = (table: TableDefinition): string => `${table.name}Table`

function attribute(table: TableDefinition, name: string): Attribute {
  const definition = table.attributes.find((candidate) => candidate.AttributeName === name)
  if (definition === undefined) throw new Error(`${table.name}: key attribute ${name} has no attribute definition`)
  const type = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY }[definition.AttributeType as 'S' | 'N' | 'B']
  if (type === undefined) throw new Error(`${table.name}.${name}: attribute type ${definition.AttributeType} is not a key type`)
  return { name, type }
}

function keys(table: TableDefinition, schema: TableDefinition['keySchema']): { partitionKey: Attribute; sortKey?: Attribute } {
  const hash = schema.find((key) => key.KeyType === 'HASH')?.AttributeName
  const range = schema.find((key) => key.KeyType === 'RANGE')?.AttributeName
  if (hash === undefined) throw new Error(`${table.name}: a key schema without a HASH key`)
  return { partitionKey: attribute(table, hash), ...(range === undefined ? {} : { sortKey: attribute(table, range) }) }
}

const STREAM_VIEWS = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
} as const

export function defineTable(scope: Construct, table: TableDefinition, prefix: string): TableV2 {
  return new TableV2(scope, tableConstructId(table), {
    tableName: `${prefix}${table.name}`,
    ...keys(table, table.keySchema),
    // On-demand: sign-in traffic is spiky (campaigns, mornings) and never throttles on a stale capacity guess.
    billing: Billing.onDemand(),
    globalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
      indexName: index.IndexName!,
      ...keys(table, index.KeySchema!),
      projectionType: index.Projection?.ProjectionType as ProjectionType,
      ...(index.Projection?.NonKeyAttributes === undefined ? {} : { nonKeyAttributes: index.Projection.NonKeyAttributes }),
    })),
    ...(table.ttlAttribute === undefined ? {} : { timeToLiveAttribute: table.ttlAttribute }),
    ...(table.stream === undefined ? {} : { dynamoStream: STREAM_VIEWS[table.stream] }),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    // Credentials and sessions outlive a stack deletion or a replacing update by mistake.
    removalPolicy: RemovalPolicy.RETAIN,
    // The AWS managed key puts every decrypt in CloudTrail and costs no key policy to get wrong.
    encryption: TableEncryptionV2.awsManagedKey(),
    tags: [{ key: 'app', value: 'gatehouse' }, { key: 'owner', value: table.owner }],
  })
}

export function defineTables(scope: Construct, prefix: string): Map<TableDefinition['name'], TableV2> {
  return new Map(TABLES.map((table) => [table.name, defineTable(scope, table, prefix)]))
}
