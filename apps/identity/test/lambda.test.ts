/** The identity service as an AWS Lambda function: HTTP API (v2) and REST API (v1) events. */
import t from 'tap'
import { randomBytes, randomUUID } from 'node:crypto'
import { useTestDynamo } from '@gatehouse/dynamo-local'

const dynamo = await useTestDynamo(t, 'id-lambda')
Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  TABLE_PREFIX: dynamo.prefix,
  SERVICE_CLIENTS: `gateway:${randomBytes(24).toString('base64url')}`,
  BCRYPT_COST: '4',
})
const { handler, app } = await import('../src/lambda.ts')
t.teardown(() => app.close())

const httpApiEvent = (method: string, path: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'identity.internal' },
  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.5' }, requestId: randomUUID(), stage: '$default' },
  isBase64Encoded: false,
})

t.test('a v2 event to /health/live answers 200', async (t) => {
  const result = await handler(httpApiEvent('GET', '/health/live'), {})
  t.equal(result.statusCode, 200)
})

t.test('readiness reaches DynamoDB through the reused app', async (t) => {
  const result = await handler(httpApiEvent('GET', '/health/ready'), {})
  t.equal(result.statusCode, 200)
})

t.test('a v1 event without service credentials is refused in the shared error shape', async (t) => {
  const result = await handler({
    resource: '/{proxy+}',
    path: '/v1/users',
    httpMethod: 'POST',
    headers: { host: 'identity.internal', 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    requestContext: { stage: 'prod', requestId: randomUUID(), identity: { sourceIp: '10.0.0.5' } },
    body: JSON.stringify({ email: 'a@example.com', password: 'a perfectly fine passphrase' }),
    isBase64Encoded: false,
  }, {})
  t.equal(result.statusCode, 401)
  t.match(JSON.parse(result.body), { error: { code: String, message: String, requestId: String } })
})
