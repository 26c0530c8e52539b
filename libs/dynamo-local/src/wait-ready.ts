import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

/** Polls ListTables until the endpoint answers, or fails after `timeoutMs`. */
export async function waitForDynamo(
  endpoint: string,
  timeoutMs: number,
  gaveUp: () => string | undefined = () => undefined,
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      const reason = gaveUp()
      if (reason !== undefined) throw new Error(reason)
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) })
        return
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB at ${endpoint} did not answer within ${timeoutMs} ms: ${(error as Error).message}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
    }
  } finally {
    client.destroy()
  }
}
