import { TABLES, type TableDefinition } from '@gatehouse/dynamo'

export type Owner = TableDefinition['owner']

/**
 * The DynamoDB actions each service's repositories and readiness check perform, and nothing more.
 * TransactWriteItems has no IAM action of its own: DynamoDB authorises each item in a transaction
 * by its own action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), see
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html.
 * No Scan, no batch calls and no table administration: a compromised service can read and write
 * its own items one key at a time and cannot drop, export or reconfigure a table.
 * tools/deploy/cloudformation.test.ts checks this list against the commands in apps/<svc>/src.
 */
export const SERVICE_ACTIONS: Record<Owner, readonly string[]> = {
  identity: ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  token: ['dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
}

/** Reads go through GSIs, so Query is granted on index ARNs; a base table only where it is marked `queriedByKey`. */
export const INDEX_ACTIONS: readonly string[] = ['dynamodb:Query']

export const SERVICES: readonly Owner[] = ['identity', 'token']

export const logicalTableId = (table: TableDefinition): string => `${table.name}Table`
export const logicalPolicyId = (owner: Owner): string => `${owner[0]!.toUpperCase()}${owner.slice(1)}ServicePolicy`

/** The tables a service touches: its own, and those it only appends to (token → SecurityEvents). */
export function ownedTables(owner: Owner): TableDefinition[] {
  return TABLES.filter((table) => table.owner === owner || table.appenders?.includes(owner) === true)
}

/** One managed policy per service: its own tables, and their indexes by name. */
export function servicePolicy(owner: Owner) {
  const tables = ownedTables(owner)
  const own = tables.filter((table) => table.owner === owner)
  const appended = tables.filter((table) => table.owner !== owner)
  const arn = (table: TableDefinition) => ({ 'Fn::GetAtt': [logicalTableId(table), 'Arn'] })
  const indexArns = own.flatMap((table) => table.globalSecondaryIndexes.map((index) => ({
    'Fn::Sub': `\${${logicalTableId(table)}.Arn}/index/${index.IndexName}`,
  })))
  const statements: Record<string, unknown>[] = [{
    Sid: 'OwnTablesItemAccess',
    Effect: 'Allow',
    Action: [...SERVICE_ACTIONS[owner]],
    Resource: own.map(arn),
  }]
  if (indexArns.length > 0) statements.push({ Sid: 'OwnIndexQueries', Effect: 'Allow', Action: [...INDEX_ACTIONS], Resource: indexArns })
  // A per-user listing by the table's own key (SecurityEvents): Query on that one table.
  const keyQueried = own.filter((table) => table.queriedByKey === true)
  if (keyQueried.length > 0) statements.push({ Sid: 'OwnKeyQueries', Effect: 'Allow', Action: [...INDEX_ACTIONS], Resource: keyQueried.map(arn) })
  // Another service's table this one only appends to: PutItem, nothing to read or change.
  if (appended.length > 0) statements.push({ Sid: 'AppendOnly', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: appended.map(arn) })
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: {
      Description: `gatehouse ${owner}: least-privilege access to ${tables.map((table) => table.name).join(' and ')} only`,
      ManagedPolicyName: { 'Fn::Sub': `\${TablePrefix}${owner}-service` },
      PolicyDocument: { Version: '2012-10-17', Statement: statements },
    },
  }
}
