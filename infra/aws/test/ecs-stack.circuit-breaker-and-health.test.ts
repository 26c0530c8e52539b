/**
 * On ECS every service rolls back a failed deployment by itself (circuit breaker, and the
 * gateway's alarms), a task counts as alive by `/health/live` and gets traffic only once
 * `/health/ready` passes, and identity scales on CPU.
 */
import t from 'tap'
import { Match } from 'aws-cdk-lib/assertions'
import { LIVENESS_PATH, READINESS_PATH } from '../src/ecs-stack.ts'
import { resourcesOf, synthesize } from './helper.ts'

const { ecs } = synthesize(t)
const resources = resourcesOf(ecs)
const services = Object.values(resources).filter((resource) => resource.Type === 'AWS::ECS::Service')

t.test('each service: circuit breaker with rollback, never below full capacity during a deploy', async (t) => {
  t.equal(services.length, 3)
  for (const service of services) {
    const deployment = service.Properties!['DeploymentConfiguration'] as Record<string, unknown>
    t.same(deployment['DeploymentCircuitBreaker'], { Enable: true, Rollback: true }, `${String(service.Properties!['ServiceName'])}: circuit breaker`)
    t.equal(deployment['MinimumHealthyPercent'], 100)
    t.equal(deployment['MaximumPercent'], 200)
  }
  const gateway = services.find((service) => service.Properties!['ServiceName'] === 'gateway')!
  const alarms = (gateway.Properties!['DeploymentConfiguration'] as { Alarms: { Enable: boolean; Rollback: boolean; AlarmNames: unknown[] } }).Alarms
  t.equal(alarms.Enable, true)
  t.equal(alarms.Rollback, true, 'the gateway also rolls back when its 5xx or p99 alarm fires')
  t.equal(alarms.AlarmNames.length, 2)
})

t.test('containers are checked on /health/live, the load balancer on /health/ready', async (t) => {
  const definitions = Object.values(resources).filter((resource) => resource.Type === 'AWS::ECS::TaskDefinition')
  t.equal(definitions.length, 3)
  for (const definition of definitions) {
    const [container] = definition.Properties!['ContainerDefinitions'] as Record<string, unknown>[]
    const check = container!['HealthCheck'] as { Command: string[] }
    t.match(check.Command.join(' '), new RegExp(`${LIVENESS_PATH}`), `${String(container!['Name'])}: liveness`)
    t.equal(container!['ReadonlyRootFilesystem'], true)
    t.same(definition.Properties!['RuntimePlatform'], { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' })
    t.notMatch(JSON.stringify(container!['Environment']), /"Name":"(INTERNAL_CLIENT_SECRET|SIGNING_KEYS|MFA_ENCRYPTION_KEYS|SERVICE_CLIENTS|INTROSPECTION_CLIENTS|SMTP_URL)"/, 'secrets only through `secrets`, never plain environment')
    t.ok((container!['Secrets'] as unknown[]).length > 0, 'secrets injected by ECS from Secrets Manager')
  }
  ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: READINESS_PATH, Port: 3000 })
})

t.test('identity scales on CPU', async (t) => {
  ecs.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 40, ScalableDimension: 'ecs:service:DesiredCount' })
  ecs.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 }),
  })
  t.pass('scaling target and CPU policy present')
})

t.test('only the gateway is public: HTTPS with HTTP redirected; identity and token via Service Connect', async (t) => {
  ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' })
  ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] })
  for (const name of ['identity', 'token']) {
    const service = services.find((candidate) => candidate.Properties!['ServiceName'] === name)!
    t.notOk(service.Properties!['LoadBalancers'], `${name}: no load balancer`)
    t.match(JSON.stringify(service.Properties!['ServiceConnectConfiguration']), new RegExp(`"DnsName":"${name}"`), `${name}: reachable as ${name}`)
  }
})
