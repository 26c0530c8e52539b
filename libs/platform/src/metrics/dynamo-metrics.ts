import type { Metrics } from './metrics.ts'

const COMMANDS = [
  'GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand',
  'TransactWriteItemsCommand', 'DescribeTableCommand', 'other',
] as const
type Command = (typeof COMMANDS)[number]
const KNOWN = new Set<string>(COMMANDS)

/** DynamoDB's own names for "slow down": provisioned capacity, account limits, on-demand throttling. */
const THROTTLES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])

/**
 * The `observe` hook for createDynamoClients: call latency per operation (retries included) and
 * throttled calls, so a slow or throttling table shows before requests time out. Undefined when
 * metrics are off, so the client gets no middleware at all.
 */
export function dynamoObserver(metrics: Metrics): ((command: string, seconds: number, error: string | undefined) => void) | undefined {
  if (!metrics.enabled) return undefined
  const latency = metrics.histograms('gatehouse_dynamodb_call_duration_seconds', 'DynamoDB calls by operation, SDK retries included', 'operation', COMMANDS)
  const failures = metrics.counters('gatehouse_dynamodb_errors_total', 'DynamoDB calls that failed, by operation (conditional check failures included)', 'operation', COMMANDS)
  const throttles = metrics.counters('gatehouse_dynamodb_throttles_total', 'DynamoDB calls refused for throughput after the SDK\'s retries, by operation', 'operation', COMMANDS)
  return (command, seconds, error) => {
    const operation: Command = KNOWN.has(command) ? (command as Command) : 'other'
    latency[operation].observe(seconds)
    if (error === undefined) return
    failures[operation].inc()
    if (THROTTLES.has(error)) throttles[operation].inc()
  }
}
