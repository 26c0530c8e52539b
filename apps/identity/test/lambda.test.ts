/** The identity service as an AWS Lambda function: HTTP API (v2) and REST API (v1) events. */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { httpApiEvent, lambdaContext, restApiEvent } from '@gatehouse/stack'

const dynamo = await useTestDynamo(t, 'id-lambda')
Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  TABLE_PREFIX: dynamo.prefix,
  SERVICE_CLIENTS: `gateway:${randomBytes(24).toString('base64url')}`,
  BCRYPT_COST: '4',
  MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
})
const { handler, app } = await import('../src/lambda.ts')
t.teardown(() => app.close())


t.test('a v2 event to /health/live answers 200', async (t) => {
  const result = await handler(httpApiEvent({ method: 'GET', path: '/health/live', host: 'identity.internal', sourceIp: '10.0.0.5' }), lambdaContext())
  t.equal(result.statusCode, 200)
})

t.test('readiness reaches DynamoDB through the reused app', async (t) => {
  const result = await handler(httpApiEvent({ method: 'GET', path: '/health/ready', host: 'identity.internal', sourceIp: '10.0.0.5' }), lambdaContext())
  t.equal(result.statusCode, 200)
})

t.test('a v1 event without service credentials is refused in the shared error shape', async (t) => {
  const result = await handler(restApiEvent({
    method: 'POST',
    path: '/v1/users',
    host: 'identity.internal',
    sourceIp: '10.0.0.5',
    body: { email: 'a@example.com', password: 'a perfectly fine passphrase' },
  }), lambdaContext())
  t.equal(result.statusCode, 401)
  t.match(JSON.parse(result.body), { error: { code: String, message: String, requestId: String } })
})
