/**
 * The same three services as containers on Fargate: the gateway behind a public ALB, identity and
 * token reachable only through Service Connect. Deployments roll with a circuit breaker that rolls
 * back on failed tasks or on the gateway's alarms; identity scales on CPU (bcrypt is CPU-bound).
 */
import { CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib'
import { Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2'
import {
  AlarmBehavior, Cluster, ContainerImage, CpuArchitecture, FargateService, FargateTaskDefinition, LogDrivers, OperatingSystemFamily, Protocol,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs'
import { ApplicationLoadBalancer, ApplicationProtocol, HttpCodeTarget, ListenerCertificate, SslPolicy } from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import { PolicyStatement } from 'aws-cdk-lib/aws-iam'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Secret as SecretsManagerSecret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager'
import type { Construct } from 'constructs'
import { latencyAlarm, P99_MS, PERIOD, rateAlarm, SERVER_ERROR_RATE } from './alarms.ts'
import { configRevision, type DataStack, type SecretName, type ServiceName } from './data-stack.ts'
import { allowRedisFrom, type NetworkStack } from './network-stack.ts'
import type { Stage } from './stage.ts'
import { grantOwnTables } from './table-grants.ts'

export const PORTS: Record<ServiceName, number> = { gateway: 3000, identity: 3001, token: 3002 }
export const LIVENESS_PATH = '/health/live'
export const READINESS_PATH = '/health/ready'

/** Slim images have no curl: the image's own Node asks the liveness route. */
export const healthCommand = (port: number): string[] => [
  'CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${LIVENESS_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
]

export interface EcsStackProps extends StackProps {
  stage: Stage
  network: NetworkStack
  data: DataStack
}

export class EcsStack extends Stack {
  readonly services: Record<ServiceName, FargateService>

  constructor(scope: Construct, id: string, props: EcsStackProps) {
    super(scope, id, props)
    const { stage, network, data } = props
    const imageTag = new CfnParameter(this, 'ImageTag', { type: 'String', description: 'git SHA the images were pushed under (tags are immutable)', allowedPattern: '^[0-9a-f]{7,40}$' })
    const certificateArn = new CfnParameter(this, 'CertificateArn', { type: 'String', description: 'ACM certificate of the public host name' })
    const cluster = new Cluster(this, 'Cluster', {
      vpc: network.vpc,
      clusterName: `gatehouse-${stage.name}`,
      defaultCloudMapNamespace: { name: 'gatehouse.internal', useForServiceConnect: true },
    })
    const groups = {
      gateway: new SecurityGroup(this, 'GatewayTasks', { vpc: network.vpc, description: 'gateway tasks', allowAllOutbound: true }),
      identity: new SecurityGroup(this, 'IdentityTasks', { vpc: network.vpc, description: 'identity tasks', allowAllOutbound: true }),
      token: new SecurityGroup(this, 'TokenTasks', { vpc: network.vpc, description: 'token tasks', allowAllOutbound: true }),
    }
    allowRedisFrom(this, 'GatewayTasksToRedis', network, groups.gateway)
    for (const internal of ['identity', 'token'] as const) {
      groups[internal].addIngressRule(Peer.securityGroupId(groups.gateway.securityGroupId), Port.tcp(PORTS[internal]), `gateway to ${internal}`)
    }
    // Imported by ARN, so the grant lands on the execution role (this stack) and never in the data
    // stack's key or secret policies, which would make the stateful stack depend on this one.
    const generation = configRevision(this)
    const imported = new Map<SecretName, ISecret>()
    const secret = (name: SecretName) => {
      if (!imported.has(name)) imported.set(name, SecretsManagerSecret.fromSecretCompleteArn(this, `${name}Ref`, data.secrets[name].secretArn))
      return EcsSecret.fromSecretsManager(imported.get(name)!)
    }

    const task = (service: ServiceName, cpu: number, memoryLimitMiB: number, environment: Record<string, string>, secrets: Record<string, EcsSecret>) => {
      const definition = new FargateTaskDefinition(this, `${service}Task`, {
        cpu,
        memoryLimitMiB,
        runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
      })
      definition.addContainer(service, {
        image: ContainerImage.fromEcrRepository(data.repositories[service], imageTag.valueAsString),
        environment: { HOST: '0.0.0.0', PORT: String(PORTS[service]), CONFIG_REVISION: generation, ...environment },
        // Injected by ECS at task start: never in the task definition, the image or a log line.
        secrets,
        portMappings: [{ name: 'http', containerPort: PORTS[service], protocol: Protocol.TCP }],
        readonlyRootFilesystem: true,
        // More than the service's shutdown grace: in-flight requests finish before SIGKILL.
        stopTimeout: Duration.seconds(30),
        healthCheck: { command: healthCommand(PORTS[service]), interval: Duration.seconds(10), timeout: Duration.seconds(3), retries: 3, startPeriod: Duration.seconds(10) },
        logging: LogDrivers.awsLogs({ streamPrefix: service, logGroup: new LogGroup(this, `${service}Logs`, { retention: RetentionDays.ONE_MONTH }) }),
      })
      // The secrets are encrypted under the data stack's key: ECS decrypts them through Secrets Manager only.
      definition.obtainExecutionRole().addToPrincipalPolicy(new PolicyStatement({
        sid: 'DecryptSecretsViaSecretsManager',
        actions: ['kms:Decrypt'],
        resources: [data.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stage.region}.amazonaws.com` } },
      }))
      return definition
    }
    const service = (name: ServiceName, definition: FargateTaskDefinition, desiredCount: number, extra: Partial<ConstructorParameters<typeof FargateService>[2]> = {}) =>
      new FargateService(this, `${name}Service`, {
        cluster,
        serviceName: name,
        taskDefinition: definition,
        desiredCount,
        securityGroups: [groups[name]],
        vpcSubnets: { subnets: network.vpc.privateSubnets },
        assignPublicIp: false,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        serviceConnectConfiguration: name === 'gateway' ? {} : { services: [{ portMappingName: 'http', dnsName: name, port: PORTS[name] }] },
        ...extra,
      })

    // On ECS identity delivers the outbox in-process (MAIL_WORKER defaults to on).
    const identityTask = task('identity', 1024, 2048, { TABLE_PREFIX: stage.tablePrefix, MAIL_TRANSPORT: 'smtp', MAIL_FROM: stage.mailFrom }, {
      SERVICE_CLIENTS: secret('serviceClients'),
      MFA_ENCRYPTION_KEYS: secret('mfaEncryptionKeys'),
      SMTP_URL: secret('smtpUrl'),
    })
    grantOwnTables(identityTask.taskRole, 'identity', data.tables)
    const tokenTask = task('token', 512, 1024, { TABLE_PREFIX: stage.tablePrefix, JWT_ISSUER: stage.issuer, JWT_AUDIENCE: stage.audience }, {
      SIGNING_KEYS: secret('signingKeys'),
      SERVICE_CLIENTS: secret('serviceClients'),
      INTROSPECTION_CLIENTS: secret('introspectionClients'),
    })
    grantOwnTables(tokenTask.taskRole, 'token', data.tables)
    const gatewayTask = task('gateway', 512, 1024, {
      IDENTITY_URL: `http://identity:${PORTS.identity}`,
      TOKEN_URL: `http://token:${PORTS.token}`,
      INTERNAL_CLIENT_ID: 'gateway',
      REDIS_URL: network.redisUrl,
      TRUST_PROXY: '1',
    }, { INTERNAL_CLIENT_SECRET: secret('gatewayClientSecret') })

    const identity = service('identity', identityTask, 2)
    const token = service('token', tokenTask, 2)
    identity.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 40 }).scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    })

    const alb = new ApplicationLoadBalancer(this, 'Public', { vpc: network.vpc, internetFacing: true })
    alb.addRedirect({ sourcePort: 80, targetPort: 443 })
    const https = alb.addListener('Https', {
      port: 443,
      protocol: ApplicationProtocol.HTTPS,
      sslPolicy: SslPolicy.RECOMMENDED_TLS,
      certificates: [ListenerCertificate.fromArn(certificateArn.valueAsString)],
    })
    const gatewayTargets = https.addTargets('Gateway', {
      port: PORTS.gateway,
      protocol: ApplicationProtocol.HTTP,
      // Ready = can reach DynamoDB / both downstream services; a live but unready task gets no traffic.
      healthCheck: { path: READINESS_PATH, interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
      deregistrationDelay: Duration.seconds(30),
    })
    const alarms = [
      rateAlarm(this, 'Gateway5xx', 'gateway tasks: more than 1 % answered 5xx', gatewayTargets.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: 'Sum' }), gatewayTargets.metrics.requestCount({ period: PERIOD, statistic: 'Sum' }), SERVER_ERROR_RATE),
      latencyAlarm(this, 'GatewayP99', `gateway tasks: p99 above ${P99_MS.gateway} ms`, gatewayTargets.metrics.targetResponseTime({ period: PERIOD, statistic: 'p99' }), P99_MS.gateway / 1000),
    ]
    const gateway = service('gateway', gatewayTask, 2, {
      deploymentAlarms: { alarmNames: alarms.map((alarm) => alarm.alarmName), behavior: AlarmBehavior.ROLLBACK_ON_ALARM },
    })
    gateway.node.addDependency(identity, token)
    gatewayTargets.addTarget(gateway)
    this.services = { gateway, identity, token }
  }
}
