import { createDynamoClients, tableNames } from '@gatehouse/dynamo'
import { createServer, registerHealthRoutes, type App } from '@gatehouse/platform'
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import type { Logger } from 'pino'
import type { IdentityConfig } from './config.ts'

export interface BuildOptions {
  logger?: Logger
}

/** Builds the identity service; never listens (main.ts does, tests inject). */
export async function buildApp(config: IdentityConfig, options: BuildOptions = {}): Promise<App> {
  const app = createServer({
    service: 'identity',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  const dynamo = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION })
  app.addHook('onClose', async () => dynamo.destroy())
  const tables = tableNames(config.TABLE_PREFIX)

  registerHealthRoutes(app, {
    dynamodb: async () => {
      await dynamo.client.send(new DescribeTableCommand({ TableName: tables.Users }))
    },
  })
  return app
}
