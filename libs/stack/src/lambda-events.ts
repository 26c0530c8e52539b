import { randomUUID } from 'node:crypto'

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
export function restApiEvent(request: EventRequest) {
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
      resourcePath: '/{proxy+}',
      httpMethod: request.method,
      path: `/prod${request.path}`,
      stage: 'prod',
      requestId: randomUUID(),
      identity: { sourceIp, userAgent: 'tap' },
    },
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
  }
}

/** API Gateway HTTP API (payload format 2.0): cookies arrive in their own array. */
export function httpApiEvent(request: EventRequest) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: '',
    ...(request.cookie === undefined ? {} : { cookies: [request.cookie] }),
    headers: requestHeaders(request),
    requestContext: {
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '203.0.113.7', userAgent: 'tap' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
  }
}
