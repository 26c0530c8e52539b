/**
 * The DynamoDB actions each service's code performs, and nothing more, on its own tables only.
 * TransactWriteItems has no IAM action of its own: DynamoDB authorises each item of a transaction
 * by its own action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), see
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html.
 * No Scan, no batch writes and no table administration: a compromised service reads and writes its
 * own items by key (identity's sign-in reads two or three keys in one BatchGetItem) and cannot
 * drop, export or reconfigure a table.
 * infra/aws/test/policies.grant-what-the-code-calls.test.ts checks this list against the code.
 */
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb'
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam'
import { TABLES, type TableDefinition } from '@gatehouse/dynamo'

export type Owner = TableDefinition['owner']
export const OWNERS: readonly Owner[] = ['identity', 'token']

export const SERVICE_ACTIONS: Record<Owner, readonly string[]> = {
  identity: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  token: ['dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
}

/** Reads by anything but the key go through GSIs, so Query is granted on index ARNs and never on a base table. */
export const INDEX_ACTIONS: readonly string[] = ['dynamodb:Query']

export const ownedTables = (owner: Owner): TableDefinition[] => TABLES.filter((table) => table.owner === owner)
export const streamedTables = (owner: Owner): TableDefinition[] => ownedTables(owner).filter((table) => table.stream !== undefined)

function built(tables: Map<TableDefinition['name'], TableV2>, table: TableDefinition): TableV2 {
  const resource = tables.get(table.name)
  if (resource === undefined) throw new Error(`${table.name}: in TABLES but not in the data stack`)
  return resource
}

/** Grants one service's code its own tables' items and indexes. */
export function grantOwnTables(grantee: IGrantable, owner: Owner, tables: Map<TableDefinition['name'], TableV2>): void {
  const own = ownedTables(owner)
  if (own.length === 0) return
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({
    sid: 'OwnTablesItemAccess',
    actions: [...SERVICE_ACTIONS[owner]],
    resources: own.map((table) => built(tables, table).tableArn),
  }))
  const indexArns = own.flatMap((table) => table.globalSecondaryIndexes.map((index) => `${built(tables, table).tableArn}/index/${index.IndexName}`))
  if (indexArns.length > 0) grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ sid: 'OwnIndexQueries', actions: [...INDEX_ACTIONS], resources: indexArns }))
}
