export interface RunningDynamo {
  endpoint: string
  /** Where it came from: DYNAMODB_ENDPOINT, a testcontainers container, or the embedded jar. */
  kind: 'external' | 'container' | 'embedded'
  /** Stops what we started; a no-op for an external endpoint. */
  stop(): Promise<void>
}
