/**
 * The public HTTP API in front of the gateway (with the access log that the sign-in failure
 * alarm counts from), and an example protected API guarded by the resource-server kit's authorizer.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch'
import type { IKey } from 'aws-cdk-lib/aws-kms'
import { Code, type IFunction } from 'aws-cdk-lib/aws-lambda'
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { PERIOD, SIGN_IN_FAILURE_RATE, SIGN_IN_MIN_ATTEMPTS } from './alarms.ts'
import { LiveFunction } from './live-function.ts'

export const METRIC_NAMESPACE = 'gatehouse'
export const SIGN_IN_PATH = '/auth/login'

/** No credential, token or query string: only what routing and the alarms need. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
}

export function definePublicApi(scope: Construct, gateway: IFunction, apiName: string): { api: HttpApi; signInFailures: Alarm } {
  const accessLogs = new LogGroup(scope, 'PublicApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN })
  const api = new HttpApi(scope, 'PublicApi', {
    apiName,
    description: 'gatehouse public API (the gateway)',
    defaultIntegration: new HttpLambdaIntegration('Gateway', gateway),
    createDefaultStage: false,
  })
  api.addStage('RootStage', {
    stageName: '$default',
    autoDeploy: true,
    accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    // A ceiling far above real traffic that stops a flood before it reaches the functions (WAF and the gateway's own limits do the fine work).
    throttle: { rateLimit: 5000, burstLimit: 2000 },
  })
  const counted = (id: string, metricName: string, pattern: string) => {
    new MetricFilter(scope, id, { logGroup: accessLogs, metricNamespace: METRIC_NAMESPACE, metricName, filterPattern: FilterPattern.literal(pattern), metricValue: '1', defaultValue: 0 })
    return new Metric({ namespace: METRIC_NAMESPACE, metricName, statistic: 'Sum', period: PERIOD })
  }
  const attempts = counted('SignInAttempts', 'SignInAttempts', `{ $.path = "${SIGN_IN_PATH}" && $.method = "POST" }`)
  const failures = counted('SignInFailures', 'SignInFailures', `{ $.path = "${SIGN_IN_PATH}" && $.method = "POST" && $.status = 401 }`)
  const signInFailures = new Alarm(scope, 'SignInFailureSpike', {
    alarmDescription: `more than ${SIGN_IN_FAILURE_RATE * 100} % of sign-ins refused while at least ${SIGN_IN_MIN_ATTEMPTS} a minute are tried`,
    metric: new MathExpression({ expression: `IF(attempts >= ${SIGN_IN_MIN_ATTEMPTS}, failures / attempts, 0)`, usingMetrics: { attempts, failures }, period: PERIOD }),
    threshold: SIGN_IN_FAILURE_RATE,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  })
  return { api, signInFailures }
}

/**
 * What a resource server's team would deploy: an API whose every route first runs the kit's
 * authorizer. The authorizer answers with an IAM policy (the format REST and HTTP APIs both take);
 * results are not cached, so a revoked token is refused on its next request.
 */
export function defineExampleApi(scope: Construct, authorizer: IFunction, apiName: string, key: IKey): HttpApi {
  const resource = new LiveFunction(scope, 'ExampleResource', {
    functionName: apiName,
    description: 'example resource behind the authorizer: answers with the caller the authorizer vouched for',
    code: Code.fromInline('exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ principal: event.requestContext.authorizer?.lambda ?? null }) })'),
    handler: 'index.handler',
    environment: {},
    key,
    memorySize: 256,
    timeout: Duration.seconds(3),
  })
  const api = new HttpApi(scope, 'ExampleApi', {
    apiName,
    description: 'example protected API: every route behind the gatehouse authorizer',
    defaultAuthorizer: new HttpLambdaAuthorizer('GatehouseAuthorizer', authorizer, {
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.IAM],
      resultsCacheTtl: Duration.seconds(0),
    }),
  })
  api.addRoutes({ path: '/whoami', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('ExampleResource', resource.alias) })
  return api
}
