/**
 * The CloudFormation template agrees with TABLES (the definitions create-tables and the tests use),
 * is what the generator prints, creates the same tables on DynamoDB Local, and grants each
 * service exactly the DynamoDB actions its source code performs, on its own tables only.
 */
import t from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { TABLES, createTableInput, createTables, describeTable, useTestDynamo } from '@gatehouse/dynamo'
import { renderTemplate, tablesTemplate } from './cloudformation.ts'
import { INDEX_ACTIONS, SERVICES, SERVICE_ACTIONS, logicalPolicyId, logicalTableId, ownedTables } from './iam.ts'

const root = join(import.meta.dirname, '..', '..')
const template = tablesTemplate()
type Resource = { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }
const resources = template.Resources as Record<string, Resource>

t.test('the committed template is exactly what the generator prints (regenerate on drift)', async (t) => {
  const committed = readFileSync(join(root, 'docs', 'cloudformation', 'tables.json'), 'utf8')
  t.equal(committed, renderTemplate(), 'run: node tools/deploy/cloudformation.ts > docs/cloudformation/tables.json')
})

t.test('every table in TABLES, and only those, with the same keys, attributes, GSIs, TTL and billing', async (t) => {
  const tableIds = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table').map(([id]) => id)
  t.same(tableIds.sort(), TABLES.map(logicalTableId).sort())
  for (const table of TABLES) {
    const resource = resources[logicalTableId(table)]!
    const input = createTableInput(table, '')
    const properties = resource.Properties
    t.same(properties['TableName'], { 'Fn::Sub': `\${TablePrefix}${table.name}` }, `${table.name}: name under the prefix`)
    t.equal(properties['BillingMode'], input.BillingMode, `${table.name}: on-demand`)
    t.equal(properties['BillingMode'], 'PAY_PER_REQUEST')
    t.same(properties['KeySchema'], input.KeySchema, `${table.name}: key schema`)
    t.same(properties['AttributeDefinitions'], input.AttributeDefinitions, `${table.name}: attributes`)
    t.same(properties['GlobalSecondaryIndexes'], input.GlobalSecondaryIndexes, `${table.name}: GSIs and projections`)
    t.same(
      properties['TimeToLiveSpecification'],
      table.ttlAttribute === undefined ? undefined : { AttributeName: table.ttlAttribute, Enabled: true },
      `${table.name}: TTL attribute`,
    )
    t.same(properties['PointInTimeRecoverySpecification'], { PointInTimeRecoveryEnabled: true }, `${table.name}: PITR`)
    t.equal(properties['DeletionProtectionEnabled'], true, `${table.name}: deletion protection`)
    t.equal(resource.DeletionPolicy, 'Retain', `${table.name}: survives stack deletion`)
  }
})

t.test('the template\'s tables, created on DynamoDB Local, match what createTables makes', async (t) => {
  const dynamo = await useTestDynamo(t, 'cfn')
  const fromTemplate = `cfn-${randomBytes(4).toString('hex')}-`
  for (const table of TABLES) {
    const properties = resources[logicalTableId(table)]!.Properties as Record<string, never>
    const name = `${fromTemplate}${table.name}`
    await dynamo.client.send(new CreateTableCommand({
      TableName: name,
      BillingMode: properties['BillingMode'],
      KeySchema: properties['KeySchema'],
      AttributeDefinitions: properties['AttributeDefinitions'],
      GlobalSecondaryIndexes: properties['GlobalSecondaryIndexes'],
    }))
    const ttl = properties['TimeToLiveSpecification'] as { AttributeName: string; Enabled: boolean } | undefined
    if (ttl !== undefined) await dynamo.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl }))
  }
  await createTables(dynamo.client, dynamo.prefix)
  for (const table of TABLES) {
    const a = await describeTable(dynamo.client, `${fromTemplate}${table.name}`)
    const b = await describeTable(dynamo.client, `${dynamo.prefix}${table.name}`)
    t.same(a.table?.KeySchema, b.table?.KeySchema, `${table.name}: keys`)
    t.same(a.table?.BillingModeSummary?.BillingMode, b.table?.BillingModeSummary?.BillingMode, `${table.name}: billing`)
    const indexes = (description: typeof a) => (description.table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }))
    t.same(indexes(a), indexes(b), `${table.name}: indexes`)
    t.equal(a.ttl?.AttributeName, b.ttl?.AttributeName, `${table.name}: TTL`)
  }
})

t.test('each service\'s policy names only its own tables and their indexes, with no wildcards', async (t) => {
  for (const owner of SERVICES) {
    const policy = resources[logicalPolicyId(owner)]!
    t.equal(policy.Type, 'AWS::IAM::ManagedPolicy')
    const text = JSON.stringify(policy)
    const own = ownedTables(owner)
    for (const table of TABLES) {
      const mentioned = text.includes(`"${logicalTableId(table)}"`) || text.includes(`\${${logicalTableId(table)}.Arn}`)
      t.equal(mentioned, own.includes(table), `${owner} ${own.includes(table) ? 'may' : 'may not'} touch ${table.name}`)
    }
    const indexArns = own.flatMap((table) => table.globalSecondaryIndexes.map((index) => `\${${logicalTableId(table)}.Arn}/index/${index.IndexName}`))
    for (const arn of indexArns) t.ok(text.includes(arn), `${owner}: ${arn}`)
    t.notMatch(text, /"\*"|dynamodb:\*|index\/\*/, `${owner}: no wildcard action or resource`)
    t.notMatch(text, /Scan|Batch|CreateTable|DeleteTable|UpdateTable/, `${owner}: no scans, batches or table administration`)
  }
})

// What each DynamoDB call needs in IAM; a command not listed here fails the test until it is.
const COMMAND_ACTIONS: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  QueryCommand: 'dynamodb:Query',
}
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter, at: number) => `${at === 0 ? '' : '-'}${letter.toLowerCase()}`)

/** A service's own source, plus the shared repositories in libs/dynamo for the tables it owns (users.ts → Users). */
function codeOf(owner: string): string[] {
  const shared = sourceFiles(join(root, 'libs', 'dynamo', 'src', 'repositories'))
  for (const file of shared) {
    const table = TABLES.find((candidate) => file.endsWith(`/${kebab(candidate.name)}.ts`))
    if (table === undefined) throw new Error(`${file}: no table of that name, so no owner to grant its calls to`)
  }
  const own = shared.filter((file) => TABLES.some((table) => (table.owner === owner || table.appenders?.some((appender) => appender === owner) === true) && file.endsWith(`/${kebab(table.name)}.ts`)))
  return [...sourceFiles(join(root, 'apps', owner, 'src')), ...own]
}

t.test('each policy grants exactly the actions the service\'s code performs (least privilege, no gaps)', async (t) => {
  for (const owner of SERVICES) {
    const needed = new Set<string>()
    for (const file of codeOf(owner)) {
      const source = readFileSync(file, 'utf8')
      for (const [, command] of source.matchAll(/new (\w+Command)\(/g)) {
        const action = COMMAND_ACTIONS[command!]
        if (command === 'TransactWriteCommand') {
          for (const [, item] of source.matchAll(/\b(Put|Update|Delete|ConditionCheck):\s*\{/g)) needed.add(TRANSACT_ITEM_ACTIONS[item!]!)
        } else {
          t.ok(action, `${owner}: ${command} in ${relative(root, file)} maps to an IAM action`)
          if (action !== undefined) needed.add(action)
        }
      }
    }
    const granted = new Set([...SERVICE_ACTIONS[owner], ...(ownedTables(owner).some((table) => table.globalSecondaryIndexes.length > 0) ? INDEX_ACTIONS : [])])
    t.same([...needed].sort(), [...granted].sort(), `${owner}: granted = used`)
  }
})
