/**
 * The seed's serverless layout: the gateway behind a public HTTP API; identity and token private
 * (an internal load balancer in the VPC, one listener each, reachable only from the gateway and
 * the authorizer); the mail worker; and the resource-server kit's authorizer guarding an example
 * protected API. Every function: Node 24 on arm64, its own least-privilege role, a `live` alias
 * moved by a CodeDeploy canary that rolls back on alarm.
 */
import { CfnOutput, CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib'
import { Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2'
import { ApplicationLoadBalancer, ApplicationProtocol, HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import { LambdaTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction as LambdaRuleTarget } from 'aws-cdk-lib/aws-events-targets'
import { StartingPosition } from 'aws-cdk-lib/aws-lambda'
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import type { Construct } from 'constructs'
import { latencyAlarm, P99_MS, PERIOD, rateAlarm, SERVER_ERROR_RATE } from './alarms.ts'
import { BUNDLES, handlerOf, type CodeSource } from './bundles.ts'
import { configRevision, type DataStack, type SecretName } from './data-stack.ts'
import { defineExampleApi, definePublicApi } from './http-apis.ts'
import { LiveFunction } from './live-function.ts'
import { allowRedisFrom, type NetworkStack } from './network-stack.ts'
import type { Stage } from './stage.ts'
import { grantOwnTables, streamedTables } from './table-grants.ts'

export const IDENTITY_PORT = 3001
export const TOKEN_PORT = 3002

export interface LambdaStackProps extends StackProps {
  stage: Stage
  network: NetworkStack
  data: DataStack
  code: CodeSource
}

export class LambdaStack extends Stack {
  readonly functions: Record<keyof typeof BUNDLES, LiveFunction>

  constructor(scope: Construct, id: string, props: LambdaStackProps) {
    super(scope, id, props)
    const { stage, network, data } = props
    const warm = (name: string, fallback: number) => new CfnParameter(this, `${name}ProvisionedConcurrency`, {
      type: 'Number',
      default: fallback,
      minValue: 1,
      description: `Warm environments on the ${name} live alias (each one costs even when idle)`,
    }).valueAsNumber
    // Resolved by CloudFormation at deploy time into the KMS-encrypted environment; never in the template.
    const secret = (name: SecretName): string => data.secrets[name].secretValue.unsafeUnwrap()
    const named = (name: string) => `gatehouse-${stage.name}-${name}`
    const common = { key: data.key, timeout: Duration.seconds(10) }
    // CloudFormation re-resolves a secret only when the function's configuration changes: raising
    // this after putting a new secret version (a rotated signing key) publishes and canaries new versions.
    const generation = configRevision(this)

    const gatewayGroup = new SecurityGroup(this, 'GatewayFunctions', { vpc: network.vpc, description: 'gateway functions', allowAllOutbound: true })
    const authorizerGroup = new SecurityGroup(this, 'AuthorizerFunctions', { vpc: network.vpc, description: 'authorizer functions', allowAllOutbound: true })
    const internalGroup = new SecurityGroup(this, 'InternalBalancer', { vpc: network.vpc, description: 'identity and token, internal only', allowAllOutbound: false })
    internalGroup.addIngressRule(Peer.securityGroupId(gatewayGroup.securityGroupId), Port.tcp(IDENTITY_PORT), 'gateway to identity')
    internalGroup.addIngressRule(Peer.securityGroupId(gatewayGroup.securityGroupId), Port.tcp(TOKEN_PORT), 'gateway to token')
    internalGroup.addIngressRule(Peer.securityGroupId(authorizerGroup.securityGroupId), Port.tcp(TOKEN_PORT), 'authorizer to JWKS and introspection')
    allowRedisFrom(this, 'GatewayFunctionsToRedis', network, gatewayGroup)
    const internal = new ApplicationLoadBalancer(this, 'Internal', { vpc: network.vpc, internetFacing: false, securityGroup: internalGroup, vpcSubnets: { subnets: network.vpc.privateSubnets } })
    const identityUrl = `http://${internal.loadBalancerDnsName}:${IDENTITY_PORT}`
    const tokenUrl = `http://${internal.loadBalancerDnsName}:${TOKEN_PORT}`

    const identity = new LiveFunction(this, 'Identity', {
      ...common,
      functionName: named('identity'),
      description: 'gatehouse identity: users, passwords, second factors',
      code: props.code(BUNDLES.identity),
      handler: handlerOf(BUNDLES.identity),
      // 1769 MB is one full vCPU: bcrypt at cost 12 is CPU-bound.
      memorySize: 1769,
      provisionedConcurrency: warm('Identity', 2),
      environment: {
        CONFIG_REVISION: generation,
        TABLE_PREFIX: stage.tablePrefix,
        SERVICE_CLIENTS: secret('serviceClients'),
        MFA_ENCRYPTION_KEYS: secret('mfaEncryptionKeys'),
        // The outbox is delivered by the mail-worker function, not inside a request's environment.
        MAIL_WORKER: 'off',
      },
    })
    grantOwnTables(identity.fn, 'identity', data.tables)

    const token = new LiveFunction(this, 'Token', {
      ...common,
      functionName: named('token'),
      description: 'gatehouse token: signing, sessions, refresh rotation, introspection, JWKS',
      code: props.code(BUNDLES.token),
      handler: handlerOf(BUNDLES.token),
      memorySize: 1024,
      environment: {
        CONFIG_REVISION: generation,
        TABLE_PREFIX: stage.tablePrefix,
        SIGNING_KEYS: secret('signingKeys'),
        SERVICE_CLIENTS: secret('serviceClients'),
        INTROSPECTION_CLIENTS: secret('introspectionClients'),
        JWT_ISSUER: stage.issuer,
        JWT_AUDIENCE: stage.audience,
      },
    })
    grantOwnTables(token.fn, 'token', data.tables)

    const gateway = new LiveFunction(this, 'Gateway', {
      ...common,
      functionName: named('gateway'),
      description: 'gatehouse gateway: the public API and hosted pages',
      code: props.code(BUNDLES.gateway),
      handler: handlerOf(BUNDLES.gateway),
      memorySize: 1024,
      timeout: Duration.seconds(15),
      vpc: network.vpc,
      securityGroups: [gatewayGroup],
      provisionedConcurrency: warm('Gateway', 2),
      environment: {
        CONFIG_REVISION: generation,
        IDENTITY_URL: identityUrl,
        TOKEN_URL: tokenUrl,
        INTERNAL_CLIENT_ID: 'gateway',
        INTERNAL_CLIENT_SECRET: secret('gatewayClientSecret'),
        // Several gateway environments run at once: the rate limits must be counted in one place.
        REDIS_URL: network.redisUrl,
        // API Gateway is the one trusted hop (client IP for rate limits, https for the CSRF origin check).
        TRUST_PROXY: '1',
      },
    })

    const mailWorker = new LiveFunction(this, 'MailWorker', {
      ...common,
      functionName: named('mail-worker'),
      description: 'gatehouse mail worker: delivers the outbox with retries',
      code: props.code(BUNDLES.mailWorker),
      handler: handlerOf(BUNDLES.mailWorker),
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: {
        CONFIG_REVISION: generation,
        TABLE_PREFIX: stage.tablePrefix,
        SERVICE_CLIENTS: secret('serviceClients'),
        MFA_ENCRYPTION_KEYS: secret('mfaEncryptionKeys'),
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: secret('smtpUrl'),
        MAIL_FROM: stage.mailFrom,
      },
    })
    grantOwnTables(mailWorker.fn, 'identity', data.tables)
    // A sweep every minute retries what failed; a stream (where the outbox table has one) wakes it at once.
    new Rule(this, 'MailSweep', { schedule: Schedule.rate(Duration.minutes(1)), targets: [new LambdaRuleTarget(mailWorker.alias)] })
    for (const table of streamedTables('identity')) {
      mailWorker.alias.addEventSource(new DynamoEventSource(data.tables.get(table.name)!, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
      }))
    }

    const authorizer = new LiveFunction(this, 'Authorizer', {
      ...common,
      functionName: named('authorizer'),
      description: 'resource-server kit: API Gateway Lambda authorizer for the example protected API',
      code: props.code(BUNDLES.authorizer),
      handler: handlerOf(BUNDLES.authorizer),
      memorySize: 512,
      timeout: Duration.seconds(5),
      vpc: network.vpc,
      securityGroups: [authorizerGroup],
      provisionedConcurrency: warm('Authorizer', 1),
      environment: {
        CONFIG_REVISION: generation,
        JWKS_URL: `${tokenUrl}/.well-known/jwks.json`,
        JWT_ISSUER: stage.issuer,
        JWT_AUDIENCE: stage.audience,
        REQUIRED_SCOPE: 'example:read',
        INTROSPECTION_URL: `${tokenUrl}/introspect`,
        INTROSPECTION_CLIENT_ID: 'example-api',
        INTROSPECTION_CLIENT_SECRET: secret('authorizerClientSecret'),
      },
    })

    const identityListener = internal.addListener('IdentityListener', { port: IDENTITY_PORT, protocol: ApplicationProtocol.HTTP, open: false })
    const identityTargets = identityListener.addTargets('Identity', { targets: [new LambdaTarget(identity.alias)] })
    const tokenListener = internal.addListener('TokenListener', { port: TOKEN_PORT, protocol: ApplicationProtocol.HTTP, open: false })
    const tokenTargets = tokenListener.addTargets('Token', { targets: [new LambdaTarget(token.alias)] })

    const publicApi = definePublicApi(this, gateway.alias, named('api'))
    const exampleApi = defineExampleApi(this, authorizer.alias, named('example-api'), common.key)

    const apiRequests = publicApi.api.metricCount({ period: PERIOD, statistic: 'Sum' })
    gateway.canary([
      rateAlarm(this, 'Gateway5xx', 'gateway: more than 1 % of public requests answered 5xx', publicApi.api.metricServerError({ period: PERIOD, statistic: 'Sum' }), apiRequests, SERVER_ERROR_RATE),
      latencyAlarm(this, 'GatewayP99', `gateway: p99 above ${P99_MS.gateway} ms`, publicApi.api.metricLatency({ period: PERIOD, statistic: 'p99' }), P99_MS.gateway),
      publicApi.signInFailures,
    ])
    identity.canary([
      rateAlarm(this, 'Identity5xx', 'identity: more than 1 % answered 5xx', identityTargets.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: 'Sum' }), identityTargets.metrics.requestCount({ period: PERIOD, statistic: 'Sum' }), SERVER_ERROR_RATE),
      latencyAlarm(this, 'IdentityP99', `identity: p99 above ${P99_MS.identity} ms`, identity.alias.metricDuration({ period: PERIOD, statistic: 'p99' }), P99_MS.identity),
      publicApi.signInFailures,
    ])
    token.canary([
      rateAlarm(this, 'Token5xx', 'token: more than 1 % answered 5xx', tokenTargets.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: 'Sum' }), tokenTargets.metrics.requestCount({ period: PERIOD, statistic: 'Sum' }), SERVER_ERROR_RATE),
      latencyAlarm(this, 'TokenP99', `token: p99 above ${P99_MS.token} ms`, token.alias.metricDuration({ period: PERIOD, statistic: 'p99' }), P99_MS.token),
      publicApi.signInFailures,
    ])
    authorizer.canary([
      rateAlarm(this, 'AuthorizerErrors', 'authorizer: more than 1 % of invocations failed', authorizer.alias.metricErrors({ period: PERIOD, statistic: 'Sum' }), authorizer.alias.metricInvocations({ period: PERIOD, statistic: 'Sum' }), SERVER_ERROR_RATE),
      latencyAlarm(this, 'AuthorizerP99', `authorizer: p99 above ${P99_MS.authorizer} ms`, authorizer.alias.metricDuration({ period: PERIOD, statistic: 'p99' }), P99_MS.authorizer),
    ])
    mailWorker.canary([
      rateAlarm(this, 'MailWorkerErrors', 'mail worker: more than 1 % of runs failed', mailWorker.alias.metricErrors({ period: PERIOD, statistic: 'Sum' }), mailWorker.alias.metricInvocations({ period: PERIOD, statistic: 'Sum' }), SERVER_ERROR_RATE),
    ])

    this.functions = { gateway, identity, token, mailWorker, authorizer }
    new CfnOutput(this, 'PublicApiUrl', { value: publicApi.api.apiEndpoint })
    new CfnOutput(this, 'ExampleApiUrl', { value: exampleApi.apiEndpoint })
  }
}
