/**
 * Every function runs Node 24 on arm64 behind a `live` alias; the latency-critical aliases keep
 * provisioned concurrency sized by parameters; CodeDeploy shifts each alias 10 % for 5 minutes,
 * watched by alarms on 5xx rate, p99 latency and sign-in failures, and rolls back on any of them.
 */
import t from 'tap'
import { Match } from 'aws-cdk-lib/assertions'
import { resourcesOf, synthesize } from './helper.ts'

const { lambda } = synthesize(t)
const resources = resourcesOf(lambda)
const byType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type)
const functionIds = byType('AWS::Lambda::Function').map(([id]) => id)
const idOf = (name: string): string => functionIds.find((id) => id.startsWith(name))!

t.test('gateway, identity, token, mail worker and authorizer: Node 24, arm64, their bundle\'s handler', async (t) => {
  for (const [name, handler] of [['Gateway', 'lambda.handler'], ['Identity', 'lambda.handler'], ['Token', 'lambda.handler'], ['MailWorker', 'mail-worker.handler'], ['Authorizer', 'authorizer.handler']] as const) {
    const properties = resources[idOf(name)]!.Properties!
    t.equal(properties['Runtime'], 'nodejs24.x', `${name}: Node 24`)
    t.same(properties['Architectures'], ['arm64'], `${name}: arm64`)
    t.equal(properties['Handler'], handler, `${name}: handler`)
    t.ok(properties['KmsKeyArn'], `${name}: environment encrypted under the customer key`)
  }
})

t.test('the environment carries secrets as deploy-time references, never as values in the template', async (t) => {
  const env = (name: string) => (resources[idOf(name)]!.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables
  for (const [name, variable] of [['Token', 'SIGNING_KEYS'], ['Identity', 'MFA_ENCRYPTION_KEYS'], ['Gateway', 'INTERNAL_CLIENT_SECRET'], ['Authorizer', 'INTROSPECTION_CLIENT_SECRET']] as const) {
    t.match(JSON.stringify(env(name)[variable]), /resolve:secretsmanager:/, `${name}.${variable} resolved from Secrets Manager`)
  }
  t.same(Object.keys(env('Authorizer')).sort(), ['INTROSPECTION_CLIENT_ID', 'INTROSPECTION_CLIENT_SECRET', 'INTROSPECTION_URL', 'JWKS_URL', 'JWT_AUDIENCE', 'JWT_ISSUER', 'NODE_OPTIONS', 'REQUIRED_SCOPE', 'CONFIG_REVISION'].sort())
  for (const name of ['Gateway', 'Identity', 'Token', 'MailWorker', 'Authorizer']) {
    t.same(env(name)['CONFIG_REVISION'], { Ref: 'ConfigRevision' }, `${name}: a rotated secret reaches it by raising ConfigRevision`)
  }
  t.match(JSON.stringify(env('Gateway')['REDIS_URL']), /rediss:\/\//, 'the gateway counts rate limits in Redis, over TLS')
})

t.test('a live alias per function; provisioned concurrency on gateway, identity and authorizer from parameters', async (t) => {
  const aliases = byType('AWS::Lambda::Alias')
  t.equal(aliases.length, functionIds.length, 'one alias per function')
  for (const [, alias] of aliases) t.equal(alias.Properties!['Name'], 'live')
  for (const name of ['Gateway', 'Identity', 'Authorizer']) {
    lambda.hasParameter(`${name}ProvisionedConcurrency`, { Type: 'Number', MinValue: 1 })
    lambda.hasResourceProperties('AWS::Lambda::Alias', {
      FunctionName: { Ref: idOf(name) },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: { Ref: `${name}ProvisionedConcurrency` } },
    })
  }
  const warm = aliases.filter(([, alias]) => alias.Properties!['ProvisionedConcurrencyConfig'] !== undefined)
  t.equal(warm.length, 3, 'only the latency-critical aliases pay for warm environments')
})

t.test('every alias moves by a CodeDeploy canary (10 % for 5 minutes) that rolls back on alarm', async (t) => {
  const groups = byType('AWS::CodeDeploy::DeploymentGroup')
  t.equal(groups.length, 5, 'one deployment group per service function')
  for (const [id, group] of groups) {
    const properties = group.Properties!
    t.same(properties['DeploymentConfigName'], 'CodeDeployDefault.LambdaCanary10Percent5Minutes', `${id}: canary`)
    t.same(properties['AutoRollbackConfiguration'], { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] }, `${id}: rolls back`)
    const alarms = (properties['AlarmConfiguration'] as { Enabled: boolean; Alarms: unknown[] })
    t.equal(alarms.Enabled, true, `${id}: alarms gate it`)
    t.ok(alarms.Alarms.length >= 1, `${id}: at least one alarm`)
  }
  // The alias is the one thing CodeDeploy moves: CloudFormation hands each update of it to the group.
  for (const [, alias] of byType('AWS::Lambda::Alias').filter(([id]) => !id.startsWith('ExampleResource'))) {
    t.ok((alias as { UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: unknown } }).UpdatePolicy?.CodeDeployLambdaAliasUpdate, 'alias update goes through CodeDeploy')
  }
})

t.test('the gateway\'s canary watches its 5xx rate, its p99 and the sign-in failure rate', async (t) => {
  const group = byType('AWS::CodeDeploy::DeploymentGroup').find(([id]) => id.startsWith('Gateway'))![1]
  const names = JSON.stringify((group.Properties!['AlarmConfiguration'] as { Alarms: unknown[] }).Alarms)
  for (const alarm of ['Gateway5xx', 'GatewayP99', 'SignInFailureSpike']) t.match(names, new RegExp(alarm), `watches ${alarm}`)
  lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('errors / total') })]) })
  lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { ExtendedStatistic: 'p99', MetricName: 'Latency', Namespace: 'AWS/ApiGateway' })
  lambda.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('/auth/login.*401'), MetricTransformations: [Match.objectLike({ MetricName: 'SignInFailures' })] })
  for (const service of ['Identity', 'Token']) {
    const serviceGroup = byType('AWS::CodeDeploy::DeploymentGroup').find(([id]) => id.startsWith(service))![1]
    const watched = JSON.stringify(serviceGroup.Properties!['AlarmConfiguration'])
    t.match(watched, new RegExp(`${service}5xx`), `${service}: 5xx`)
    t.match(watched, new RegExp(`${service}P99`), `${service}: p99`)
  }
})

t.test('identity and token are not public: only an internal load balancer reaches them, from the gateway and authorizer', async (t) => {
  lambda.resourceCountIs('AWS::ApiGatewayV2::Api', 2)
  lambda.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' })
  const ingress = byType('AWS::EC2::SecurityGroup').flatMap(([, group]) => (group.Properties!['SecurityGroupIngress'] as Record<string, unknown>[] | undefined) ?? [])
  for (const rule of ingress) t.notOk(rule['CidrIp'] === '0.0.0.0/0', 'no security group admits the internet')
  lambda.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', AuthorizerResultTtlInSeconds: 0, IdentitySource: ['$request.header.Authorization'] })
})
