/**
 * The whole deployment as one CDK app, built from plain inputs so tests and `npm run synth` build
 * exactly the same stacks: only where the function code comes from differs.
 */
import { App, Tags } from 'aws-cdk-lib'
import type { CodeSource } from './bundles.ts'
import { DataStack } from './data-stack.ts'
import { EcsStack } from './ecs-stack.ts'
import { LambdaStack } from './lambda-stack.ts'
import { NetworkStack } from './network-stack.ts'
import type { Stage } from './stage.ts'

export interface GatehouseApp {
  app: App
  network: NetworkStack
  data: DataStack
  lambda: LambdaStack
  ecs: EcsStack
}

export function buildApp(options: { stage: Stage; code: CodeSource; outdir?: string }): GatehouseApp {
  const { stage } = options
  const app = new App({ ...(options.outdir === undefined ? {} : { outdir: options.outdir }) })
  const env = { account: stage.account, region: stage.region }
  const id = (name: string) => `gatehouse-${stage.name}-${name}`
  const network = new NetworkStack(app, id('network'), { env, stage, description: 'gatehouse: VPC and the rate-limit Redis' })
  const data = new DataStack(app, id('data'), { env, stage, description: 'gatehouse: tables, KMS key, secrets, image repositories (all retained)', terminationProtection: true })
  const lambda = new LambdaStack(app, id('lambda'), { env, stage, network, data, code: options.code, description: 'gatehouse on Lambda: HTTP API, functions, live aliases, canaries' })
  const ecs = new EcsStack(app, id('ecs'), { env, stage, network, data, description: 'gatehouse on ECS Fargate: ALB, services, circuit breakers' })
  Tags.of(app).add('app', 'gatehouse')
  Tags.of(app).add('stage', stage.name)
  return { app, network, data, lambda, ecs }
}
