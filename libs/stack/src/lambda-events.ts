import { randomUUID } from 'node:crypto'
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda'

/** One HTTP request, as a test wants to send it through API Gateway to a Lambda handler. */
export interface EventRequest {
  method: string
  path: string
  body?: unknown
  cookie?: string
  headers?: Record<string, string>
  host?: string
  sourceIp?: string
}

function requestHeaders(request: EventRequest): Record<string, string> {
  return {
    host: request.host ?? 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'tap',
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  }
}

/** API Gateway REST API, Lambda proxy integration (payload format 1.0): cookies are a header. */
export function restApiEvent(request: EventRequest): APIGatewayProxyEvent {
  const headers = requestHeaders(request)
  if (request.cookie !== undefined) headers['cookie'] = request.cookie
  const sourceIp = request.sourceIp ?? '203.0.113.7'
  return {
    resource: '/{proxy+}',
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: request.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      resourceId: 'proxy1',
      resourcePath: '/{proxy+}',
      httpMethod: request.method,
      path: `/prod${request.path}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      identity: {
        sourceIp, userAgent: 'tap', accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null,
        principalOrgId: null, user: null, userArn: null,
      },
    },
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
  }
}

/** API Gateway HTTP API (payload format 2.0): cookies arrive in their own array. */
export function httpApiEvent(request: EventRequest): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: '',
    ...(request.cookie === undefined ? {} : { cookies: [request.cookie] }),
    headers: requestHeaders(request),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: requestHeaders(request).host ?? '',
      domainPrefix: 'abc123',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '203.0.113.7', userAgent: 'tap' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
  }
}

/** The Lambda context a handler receives; nothing in gatehouse reads it beyond passing it on. */
export function lambdaContext(): Context {
  const fail = (): never => { throw new Error('the Lambda context callbacks are not used') }
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'gatehouse-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:gatehouse-test',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/gatehouse-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: fail,
    fail,
    succeed: fail,
  }
}
