/**
 * The data stack holds every table of libs/dynamo's TABLES and nothing else, each exactly as the
 * list defines it, with the guarantees production needs; a table added to the list needs no infra change.
 */
import t from 'tap'
import { App, Stack } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { TABLES, createTableInput, type TableDefinition } from '@gatehouse/dynamo'
import { defineTable } from '../src/tables.ts'
import { resourcesOf, synthesize } from './helper.ts'

const synthesized = synthesize(t)
const resources = resourcesOf(synthesized.data)
const tables = Object.values(resources).filter((resource) => resource.Type === 'AWS::DynamoDB::GlobalTable')

t.test('one table per entry of TABLES, named under the stage prefix, and no other', async (t) => {
  t.same(tables.map((table) => table.Properties!['TableName']).sort(), TABLES.map((table) => `test-${table.name}`).sort())
})

t.test('keys, attributes, indexes and projections are the list\'s own', async (t) => {
  for (const table of TABLES) {
    const input = createTableInput(table, 'test-')
    const properties = tables.find((candidate) => candidate.Properties!['TableName'] === input.TableName)!.Properties!
    t.same(properties['KeySchema'], input.KeySchema, `${table.name}: key schema`)
    const attributes = (properties['AttributeDefinitions'] as { AttributeName: string }[]).map((attribute) => attribute).sort((a, b) => a.AttributeName.localeCompare(b.AttributeName))
    t.same(attributes, [...input.AttributeDefinitions!].sort((a, b) => a.AttributeName!.localeCompare(b.AttributeName!)), `${table.name}: attributes`)
    const indexes = (properties['GlobalSecondaryIndexes'] as Record<string, unknown>[] | undefined) ?? []
    t.same(indexes.map((index) => ({ IndexName: index['IndexName'], KeySchema: index['KeySchema'], Projection: index['Projection'] })), input.GlobalSecondaryIndexes ?? [], `${table.name}: GSIs`)
    t.same(properties['TimeToLiveSpecification'], table.ttlAttribute === undefined ? undefined : { AttributeName: table.ttlAttribute, Enabled: true }, `${table.name}: TTL`)
    t.same(properties['StreamSpecification'], table.stream === undefined ? undefined : { StreamViewType: table.stream }, `${table.name}: stream`)
  }
})

t.test('every table: on-demand, point-in-time recovery, deletion protection, retained, encrypted', async (t) => {
  for (const table of tables) {
    const name = String(table.Properties!['TableName'])
    t.equal(table.Properties!['BillingMode'], 'PAY_PER_REQUEST', `${name}: on-demand`)
    const replicas = table.Properties!['Replicas'] as Record<string, unknown>[]
    t.equal(replicas.length, 1, `${name}: one region today (docs/deploy.md, "Beyond one region")`)
    t.same(replicas[0]!['PointInTimeRecoverySpecification'], { PointInTimeRecoveryEnabled: true }, `${name}: PITR`)
    t.equal(replicas[0]!['DeletionProtectionEnabled'], true, `${name}: deletion protection`)
    t.equal(table.DeletionPolicy, 'Retain', `${name}: survives a stack deletion`)
    t.equal(table.UpdateReplacePolicy, 'Retain', `${name}: survives a replacing update`)
    t.same(table.Properties!['SSESpecification'], { SSEEnabled: true, SSEType: 'KMS' }, `${name}: encrypted under KMS`)
  }
})

t.test('a table the list marks with a stream gets one (the mail outbox wakes its worker)', async () => {
  const stack = new Stack(new App(), 'Streams')
  const outbox: TableDefinition = {
    name: 'Users', owner: 'identity', stream: 'NEW_IMAGE', ttlAttribute: 'expiresAt', globalSecondaryIndexes: [],
    keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], attributes: [{ AttributeName: 'id', AttributeType: 'S' }],
  }
  defineTable(stack, outbox, 'x-')
  Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    TableName: 'x-Users',
    StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    Replicas: Match.anyValue(),
  })
})

t.test('the key that encrypts the secrets rotates, and every secret and repository is retained', async (t) => {
  synthesized.data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true })
  for (const resource of Object.values(resources).filter((candidate) => ['AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::ECR::Repository'].includes(candidate.Type))) {
    t.equal(resource.DeletionPolicy, 'Retain', `${resource.Type} ${String(resource.Properties?.['Name'] ?? resource.Properties?.['RepositoryName'] ?? '')}: retained`)
  }
  const secrets = Object.values(resources).filter((resource) => resource.Type === 'AWS::SecretsManager::Secret')
  for (const secret of secrets) t.ok(secret.Properties!['KmsKeyId'], `${String(secret.Properties!['Name'])}: under the customer key`)
})
