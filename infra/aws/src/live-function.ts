/**
 * One function as the canary needs it: its own role (logs to its own group, nothing else until
 * the caller grants it), a version per deploy, the `live` alias that every caller invokes,
 * provisioned concurrency on that alias where cold starts would show, and a CodeDeploy group
 * that shifts the alias 10 % for 5 minutes and rolls back on any alarm.
 */
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib'
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch'
import { LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy'
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2'
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import type { IKey } from 'aws-cdk-lib/aws-kms'
import { Alias, Architecture, Function as LambdaFunction, Runtime, type Code } from 'aws-cdk-lib/aws-lambda'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'

export const LIVE_ALIAS = 'live'

export interface LiveFunctionProps {
  functionName: string
  description: string
  code: Code
  handler: string
  environment: Record<string, string>
  /** Encrypts the environment, which carries secrets resolved at deploy time. */
  key: IKey
  memorySize: number
  timeout: Duration
  vpc?: IVpc
  securityGroups?: ISecurityGroup[]
  /** Warm environments on the alias; omitted for functions whose latency nobody waits on. */
  provisionedConcurrency?: number
}

export class LiveFunction extends Construct {
  readonly fn: LambdaFunction
  readonly alias: Alias
  readonly role: Role
  readonly logGroup: LogGroup

  constructor(scope: Construct, id: string, props: LiveFunctionProps) {
    super(scope, id)
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: its own log group, and what its stack grants`,
      // ENIs in the VPC: AWS's managed policy, the one grant that cannot name its resources.
      managedPolicies: props.vpc === undefined ? [] : [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    })
    this.logGroup.grantWrite(this.role)
    // The environment carries deploy-time secrets encrypted under the customer key; each role may
    // decrypt only its own function's (Lambda sets the function name as the encryption context).
    this.role.addToPrincipalPolicy(new PolicyStatement({
      sid: 'DecryptOwnEnvironment',
      actions: ['kms:Decrypt'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': props.functionName } },
    }))
    this.fn = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      code: props.code,
      handler: props.handler,
      role: this.role,
      logGroup: this.logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      environmentEncryption: props.key,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.vpc === undefined ? {} : { vpc: props.vpc, securityGroups: props.securityGroups ?? [] }),
    })
    this.alias = new Alias(this, 'Live', {
      aliasName: LIVE_ALIAS,
      version: this.fn.currentVersion,
      ...(props.provisionedConcurrency === undefined ? {} : { provisionedConcurrentExecutions: props.provisionedConcurrency }),
    })
  }

  /** CodeDeploy moves the alias: 10 % of traffic for 5 minutes, then all of it, unless an alarm fires. */
  canary(alarms: IAlarm[]): LambdaDeploymentGroup {
    return new LambdaDeploymentGroup(this, 'Canary', {
      alias: this.alias,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    })
  }
}
