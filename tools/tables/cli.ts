/**
 * Creates every gatehouse table, idempotently, against any DynamoDB:
 *   npm run tables -- --endpoint http://127.0.0.1:8000 --prefix dev-
 *   npm run tables -- --prefix prod-          (real AWS, default credential chain, AWS_REGION)
 */
import { parseArgs } from 'node:util'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string', default: process.env['DYNAMODB_ENDPOINT'] },
    region: { type: 'string', default: process.env['AWS_REGION'] },
    prefix: { type: 'string', default: process.env['TABLE_PREFIX'] ?? 'gatehouse-' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  process.stdout.write('usage: npm run tables -- [--endpoint URL] [--region REGION] [--prefix PREFIX]\n')
  process.exit(0)
}
const clients = createDynamoClients({ endpoint: values.endpoint, region: values.region })
try {
  const result = await createTables(clients.client, values.prefix)
  for (const name of result.created) process.stdout.write(`created  ${name}\n`)
  for (const name of result.existing) process.stdout.write(`exists   ${name}\n`)
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`)
  process.exitCode = 1
} finally {
  clients.destroy()
}
