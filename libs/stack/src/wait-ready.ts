export interface WaitReadyOptions {
  /** The service's origin; `/health/ready` is asked. */
  url: string
  /** Why to stop waiting now (the process exited), or undefined to keep going. */
  gaveUp?: () => string | undefined
  timeoutMs?: number
  /** Pause between tries: 100 ms by default; the benchmark uses 5 to time start-up closely. */
  intervalMs?: number
}

/**
 * Polls a service's /health/ready until it answers 200; rejects naming why when the process gave
 * up or the time ran out. Every try is itself bounded, so a hung socket cannot stall the wait.
 */
export async function waitUntilReady(options: WaitReadyOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const reason = options.gaveUp?.()
    if (reason !== undefined) throw new Error(reason)
    try {
      const response = await fetch(`${options.url}/health/ready`, { signal: AbortSignal.timeout(2000) })
      await response.body?.cancel()
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100))
  }
}
