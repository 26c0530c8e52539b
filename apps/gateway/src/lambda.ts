/**
 * AWS Lambda entry point behind API Gateway (REST API payload v1 and HTTP API payload v2), around
 * the same buildApp the container runs. The configuration is checked and the app built once per
 * cold start, in the init phase (top-level await), and every invocation this execution
 * environment serves reuses it: its downstream keep-alive connections included.
 * A bad configuration fails the init with the message naming the variable, as main.ts does.
 */
import awsLambdaFastify from '@fastify/aws-lambda'
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { loadConfig, startTracing } from '@gatehouse/platform'
import { GatewayConfigSchema } from './config.ts'

/** Exported so tests can close it; Lambda itself freezes and discards the environment. */
const config = loadConfig(GatewayConfigSchema, process.env)
// OTEL_* set (e.g. the ADOT collector layer on localhost:4318): tracing first, then the app.
await startTracing('gateway')
const { buildApp } = await import('./app.ts')
export const app = await buildApp(config)
// decorateRequest off: no route reads the raw Lambda event, so none can be tricked by it.
const proxy = awsLambdaFastify(app, {
  decorateRequest: false,
  // The OpenAPI UI serves a few images; API Gateway must receive those base64-encoded.
  binaryMimeTypes: ['image/png', 'image/x-icon'],
})
await app.ready()

/** API Gateway REST API (payload v1) or HTTP API (payload v2) proxy event. */
type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2
type LambdaResult = Awaited<ReturnType<typeof proxy>> & { multiValueHeaders?: Record<string, string[]> }

/**
 * Payload v2 answers cookies in `cookies`. For v1 the library leaves a single Set-Cookie in
 * `headers`, which holds one value per name: move it to `multiValueHeaders`, the one place a REST
 * API response can carry several cookies, so a response setting two never loses one.
 */
export async function handler(event: LambdaEvent, context: Context): Promise<LambdaResult> {
  const result: LambdaResult = await proxy(event, context)
  const single = result.headers['set-cookie']
  if (!('version' in event && event.version === '2.0') && single !== undefined) {
    delete result.headers['set-cookie']
    result.multiValueHeaders = { ...result.multiValueHeaders, 'set-cookie': [single] }
  }
  return result
}
