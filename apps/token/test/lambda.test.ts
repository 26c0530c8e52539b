/** The token service as an AWS Lambda function: HTTP API (v2) events. */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { generateSigningKey } from '@gatehouse/crypto'
import { useTestDynamo } from '@gatehouse/dynamo-local'
import { httpApiEvent, lambdaContext } from '@gatehouse/stack'

const dynamo = await useTestDynamo(t, 'tok-lambda')
Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  TABLE_PREFIX: dynamo.prefix,
  SERVICE_CLIENTS: `gateway:${randomBytes(24).toString('base64url')}`,
  SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey('RS256')] }),
})
const { handler, app } = await import('../src/lambda.ts')
t.teardown(() => app.close())


t.test('a v2 event to /health/live answers 200', async (t) => {
  const result = await handler(httpApiEvent({ method: 'GET', path: '/health/live', host: 'token.internal', sourceIp: '10.0.0.5' }), lambdaContext())
  t.equal(result.statusCode, 200)
})

t.test('the JWKS is public and carries no private key material', async (t) => {
  const result = await handler(httpApiEvent({ method: 'GET', path: '/.well-known/jwks.json', host: 'token.internal', sourceIp: '10.0.0.5' }), lambdaContext())
  t.equal(result.statusCode, 200)
  const { keys } = JSON.parse(result.body) as { keys: Record<string, unknown>[] }
  t.equal(keys.length, 1)
  for (const field of ['d', 'p', 'q', 'dp', 'dq', 'qi']) t.notOk(field in keys[0]!, `no ${field}`)
})
