/**
 * The Lambda cold-init baseline: a bare Fastify app behind @fastify/aws-lambda, built the way the
 * services' lambda.ts build theirs (init in the module's top-level await), bundled the same way.
 */
import awsLambdaFastify from '@fastify/aws-lambda'
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/health/ready', async () => ({ status: 'ok' }))
export const handler = awsLambdaFastify(app, { decorateRequest: false })
await app.ready()
