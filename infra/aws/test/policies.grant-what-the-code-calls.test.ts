/**
 * Least privilege, checked on the synthesized policies: no wildcard action, a wildcard resource
 * only where the action has no resource to name, each role on its own service's tables only, and
 * each service's grant exactly the DynamoDB actions its code performs (no gaps, nothing extra).
 */
import t from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { TABLES } from '@gatehouse/dynamo'
import { resourcesOf, synthesize, type Resources } from './helper.ts'

const root = join(import.meta.dirname, '..', '..', '..')
const synthesized = synthesize(t)

interface Statement { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string }
interface RolePolicy { stack: string; roles: string[]; statements: Statement[] }

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

function policies(stack: string, resources: Resources): RolePolicy[] {
  return Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy').map((resource) => ({
    stack,
    roles: (resource.Properties!['Roles'] as { Ref: string }[]).map((role) => role.Ref),
    statements: (resource.Properties!['PolicyDocument'] as { Statement: Statement[] }).Statement,
  }))
}
const all = [
  ...policies('lambda', resourcesOf(synthesized.lambda)),
  ...policies('ecs', resourcesOf(synthesized.ecs)),
  ...policies('network', resourcesOf(synthesized.network)),
  ...policies('data', resourcesOf(synthesized.data)),
]

/** Actions IAM cannot scope to a resource (https://docs.aws.amazon.com/service-authorization/latest/reference/). */
const RESOURCELESS = new Set(['ecr:GetAuthorizationToken', 'dynamodb:ListStreams'])

t.test('no policy holds a wildcard action, or a wildcard resource its action does not need', async (t) => {
  t.ok(all.length > 0)
  for (const policy of all) {
    for (const statement of policy.statements) {
      const actions = list(statement.Action)
      for (const action of actions) t.notMatch(action, /\*/, `${policy.roles.join(',')}: ${action} names one action`)
      if (list(statement.Resource).includes('*')) {
        for (const action of actions) t.ok(RESOURCELESS.has(action), `${policy.roles.join(',')}: ${action} on * only because it has no resource`)
      }
      t.notMatch(JSON.stringify(statement.Resource), /"arn:[^"]*\*"/, `${policy.roles.join(',')}: no ARN pattern ending in a wildcard`)
      t.equal(statement.Effect, 'Allow')
    }
  }
  // AWS managed policies: only the two that Lambda and CodeDeploy document for this purpose.
  const managed = [resourcesOf(synthesized.lambda), resourcesOf(synthesized.ecs)].flatMap((resources) => Object.values(resources))
    .filter((resource) => resource.Type === 'AWS::IAM::Role')
    .flatMap((role) => (role.Properties!['ManagedPolicyArns'] as unknown[] | undefined) ?? [])
    .map((arn) => JSON.stringify(arn).match(/policy\/([\w/-]+)/)?.[1])
  t.same([...new Set(managed)].sort(), ['service-role/AWSCodeDeployRoleForLambdaLimited', 'service-role/AWSLambdaVPCAccessExecutionRole'])
  // The key policy delegates to IAM in this account (so the role policies above are what count), and to nobody else.
  const key = Object.values(resourcesOf(synthesized.data)).find((resource) => resource.Type === 'AWS::KMS::Key')!
  for (const statement of (key.Properties!['KeyPolicy'] as { Statement: { Principal: unknown }[] }).Statement) {
    t.match(JSON.stringify(statement.Principal), /:iam::000000000000:root/, 'key policy: this account only')
  }
})

type Owner = 'identity' | 'token'
/** The roles whose code is each service's: the Lambda functions and the ECS task roles. */
const ROLE_OWNERS: [RegExp, Owner | null][] = [
  [/^IdentityRole/, 'identity'], [/^MailWorkerRole/, 'identity'], [/^identityTaskTaskRole/, 'identity'],
  [/^TokenRole/, 'token'], [/^tokenTaskTaskRole/, 'token'],
  [/^(GatewayRole|AuthorizerRole|ExampleResourceRole|gatewayTaskTaskRole)/, null],
]
const ownerOf = (role: string): Owner | null | undefined => ROLE_OWNERS.find(([pattern]) => pattern.test(role))?.[1]

function dynamoGrants(owner: Owner | null): { actions: Set<string>; resources: string } {
  const actions = new Set<string>()
  let resources = ''
  for (const policy of all) {
    if (!policy.roles.some((role) => ownerOf(role) === owner)) continue
    for (const statement of policy.statements) {
      const dynamo = list(statement.Action).filter((action) => action.startsWith('dynamodb:'))
      dynamo.forEach((action) => actions.add(action))
      if (dynamo.length > 0) resources += JSON.stringify(statement.Resource)
    }
  }
  return { actions, resources }
}

t.test('every role with a DynamoDB grant belongs to a known service', async (t) => {
  for (const policy of all) {
    for (const role of policy.roles) {
      const touchesDynamo = policy.statements.some((statement) => list(statement.Action).some((action) => action.startsWith('dynamodb:')))
      if (touchesDynamo) t.not(ownerOf(role), undefined, `${role}: whose code is this? (add it to ROLE_OWNERS)`)
    }
  }
})

t.test('each role reaches its own service\'s tables and indexes only; the gateway and authorizer none', async (t) => {
  for (const owner of ['identity', 'token'] as const) {
    const { resources } = dynamoGrants(owner)
    for (const table of TABLES) {
      const mentioned = resources.includes(`${table.name}Table`)
      t.equal(mentioned, table.owner === owner, `${owner} ${table.owner === owner ? 'may' : 'may not'} touch ${table.name}`)
    }
    for (const table of TABLES.filter((candidate) => candidate.owner === owner)) {
      for (const index of table.globalSecondaryIndexes) t.match(resources, new RegExp(`/index/${index.IndexName}`), `${owner}: queries ${table.name}/${index.IndexName}`)
    }
    t.notMatch(resources, /index\/\*/)
  }
  t.equal(dynamoGrants(null).actions.size, 0, 'gateway, authorizer and the example resource: no DynamoDB at all')
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
  BatchGetCommand: 'dynamodb:BatchGetItem',
}
// Shared helpers in libs/dynamo that send a command on the caller's behalf (with the caller's grant).
const HELPER_ACTIONS: Record<string, string> = {
  getItemsConsistently: 'dynamodb:BatchGetItem',
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
  const own = shared.filter((file) => TABLES.some((table) => table.owner === owner && file.endsWith(`/${kebab(table.name)}.ts`)))
  return [...sourceFiles(join(root, 'apps', owner, 'src')), ...own]
}

t.test('each service\'s synthesized grant is exactly the actions its code performs (least privilege, no gaps)', async (t) => {
  for (const owner of ['identity', 'token'] as const) {
    const needed = new Set<string>()
    for (const file of codeOf(owner)) {
      const source = readFileSync(file, 'utf8')
      for (const [helper, action] of Object.entries(HELPER_ACTIONS)) if (new RegExp(`\\b${helper}\\(`).test(source)) needed.add(action)
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
    t.same([...dynamoGrants(owner).actions].sort(), [...needed].sort(), `${owner}: granted = used`)
  }
})
