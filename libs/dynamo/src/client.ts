import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'

export interface DynamoClientOptions {
  /** e.g. http://127.0.0.1:8000 for DynamoDB Local; absent for AWS. */
  endpoint?: string | undefined
  region?: string | undefined
  /** Total tries per call, first one included. */
  maxAttempts?: number
  connectTimeoutMs?: number
  requestTimeoutMs?: number
  maxSockets?: number
  /** Called once per command (retries included) with its name, seconds taken and error name, if any. */
  observe?: (command: string, seconds: number, error: string | undefined) => void
}

export interface DynamoClients {
  client: DynamoDBClient
  doc: DynamoDBDocumentClient
  destroy(): void
}

function isLocal(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false
  const { hostname } = new URL(endpoint)
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '::1' || hostname === '[::1]'
}

/**
 * One client per process, built on purpose rather than on defaults:
 * - keep-alive sockets, so a request does not pay a TCP and TLS handshake;
 * - a short connect timeout and a request timeout well under the callers' own, so a slow
 *   DynamoDB turns into a clean 503 instead of a hung request;
 * - three attempts with the SDK's standard jittered back-off for throttling and 5xx.
 * Credentials come from the default AWS chain, except for a loopback endpoint (DynamoDB Local),
 * which accepts any key: there we use fixed local ones so the chain never probes instance metadata.
 */
export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const maxSockets = options.maxSockets ?? 64
  // DYNAMODB_ENDPOINT (options.endpoint) wins; else the SDK's own AWS_ENDPOINT_URL_DYNAMODB, read
  // here too so a loopback one gets the local credentials below.
  const endpoint = options.endpoint ?? (process.env['AWS_ENDPOINT_URL_DYNAMODB'] || undefined)
  const local = isLocal(endpoint) && process.env['AWS_ACCESS_KEY_ID'] === undefined
  // No region given: the SDK's default chain decides (AWS_REGION, the profile's region in
  // ~/.aws/config, instance metadata); none fails the first call loudly, never a guessed us-east-1.
  const region = options.region ?? (local ? (process.env['AWS_REGION'] ?? 'local') : undefined)
  const client = new DynamoDBClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    maxAttempts: options.maxAttempts ?? 3,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 3000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    }),
  })
  const observe = options.observe
  if (observe !== undefined) {
    // Outermost step, so the time includes the SDK's retries and back-off: what the caller waits.
    client.middlewareStack.add((next, context) => async (args) => {
      const started = performance.now()
      try {
        const output = await next(args)
        observe(context.commandName ?? 'unknown', (performance.now() - started) / 1000, undefined)
        return output
      } catch (error) {
        observe(context.commandName ?? 'unknown', (performance.now() - started) / 1000, (error as Error).name)
        throw error
      }
    }, { step: 'initialize', name: 'gatehouseObserve' })
  }
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  })
  return { client, doc, destroy: () => client.destroy() }
}
