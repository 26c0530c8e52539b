/** The token service as an AWS Lambda function: HTTP API (v2) events. */
import t from 'tap'
import { randomBytes, randomUUID } from 'node:crypto'
import { generateSigningKey } from '@gatehouse/crypto'
import { useTestDynamo } from '@gatehouse/dynamo-local'

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

const httpApiEvent = (method: string, path: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'token.internal' },
  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.5' }, requestId: randomUUID(), stage: '$default' },
  isBase64Encoded: false,
})

t.test('a v2 event to /health/live answers 200', async (t) => {
  const result = await handler(httpApiEvent('GET', '/health/live'), {})
  t.equal(result.statusCode, 200)
})

t.test('the JWKS is public and carries no private key material', async (t) => {
  const result = await handler(httpApiEvent('GET', '/.well-known/jwks.json'), {})
  t.equal(result.statusCode, 200)
  const { keys } = JSON.parse(result.body) as { keys: Record<string, unknown>[] }
  t.equal(keys.length, 1)
  for (const field of ['d', 'p', 'q', 'dp', 'dq', 'qi']) t.notOk(field in keys[0]!, `no ${field}`)
})
