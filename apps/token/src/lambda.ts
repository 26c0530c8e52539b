/**
 * AWS Lambda entry point behind API Gateway (REST API payload v1 and HTTP API payload v2), around
 * the same buildApp the container runs. The configuration is checked and the app built once per
 * cold start, in the init phase (top-level await), and every invocation this execution
 * environment serves reuses it: its DynamoDB client and keep-alive sockets included.
 * A bad configuration fails the init with the message naming the variable, as main.ts does.
 */
import awsLambdaFastify from '@fastify/aws-lambda'
import { loadConfig, startTracing } from '@gatehouse/platform'
import { TokenConfigSchema } from './config.ts'

/** Exported so tests can close it; Lambda itself freezes and discards the environment. */
const config = loadConfig(TokenConfigSchema, process.env)
// OTEL_* set (e.g. the ADOT collector layer on localhost:4318): tracing first, then the app.
await startTracing('token')
const { buildApp } = await import('./app.ts')
export const app = await buildApp(config)
// decorateRequest off: no route reads the raw Lambda event, so none can be tricked by it.
export const handler = awsLambdaFastify(app, { decorateRequest: false })
await app.ready()
