/**
 * The compose stack's one-shot table-creation job (docker/tables.Dockerfile): waits until DynamoDB
 * answers (the dynamodb-local container starts in parallel and has no health check of its own),
 * creates every table idempotently, and exits 0, which releases the services that depend on it.
 * Bundled by `npm run build` (tools/build/bundle-tables-job.ts) into dist/tools/tables/tables.mjs.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { Type } from '@sinclair/typebox'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { loadConfig } from '@gatehouse/platform'
import { DynamoConfig } from '@gatehouse/schemas'

const JobConfigSchema = Type.Object({
  ...DynamoConfig,
  /** How long to wait for DynamoDB to accept connections before giving up. */
  WAIT_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 60 }),
})

async function main(): Promise<number> {
  const config = loadConfig(JobConfigSchema, process.env)
  const clients = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, maxAttempts: 1 })
  try {
    const deadline = Date.now() + config.WAIT_SECONDS * 1000
    for (;;) {
      try {
        await clients.client.send(new ListTablesCommand({ Limit: 1 }))
        break
      } catch (error) {
        if (Date.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
    const result = await createTables(clients.client, config.TABLE_PREFIX)
    for (const name of result.created) process.stdout.write(`created  ${name}\n`)
    for (const name of result.existing) process.stdout.write(`exists   ${name}\n`)
    return 0
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 1
  } finally {
    clients.destroy()
  }
}

process.exitCode = await main()
