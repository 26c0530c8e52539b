/**
 * Failed client authentications per source address, in fixed windows: after `maxFailures` in a
 * window, that address is refused (429) until the window ends, whatever it presents. Counted once
 * for Basic and client_secret_post alike, so switching methods buys no extra guesses. Per
 * instance and bounded in memory: the internal network is the only way in, and a secret of 16+
 * random characters cannot be guessed at this rate anyway; this stops a misconfigured or
 * compromised neighbour from hammering the comparison.
 */
export interface ClientAuthThrottle {
  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfter(address: string): number
  recordFailure(address: string): void
}

export function createClientAuthThrottle(options: { maxFailures?: number; windowSeconds?: number; maxAddresses?: number; now?: () => number } = {}): ClientAuthThrottle {
  const maxFailures = options.maxFailures ?? 20
  const windowMs = (options.windowSeconds ?? 60) * 1000
  const maxAddresses = options.maxAddresses ?? 10_000
  const now = options.now ?? Date.now
  const windows = new Map<string, { start: number; failures: number }>()
  const current = (address: string): { start: number; failures: number } | undefined => {
    const entry = windows.get(address)
    if (entry !== undefined && now() - entry.start >= windowMs) {
      windows.delete(address)
      return undefined
    }
    return entry
  }
  return {
    retryAfter(address) {
      const entry = current(address)
      return entry !== undefined && entry.failures >= maxFailures ? Math.max(1, Math.ceil((entry.start + windowMs - now()) / 1000)) : 0
    },
    recordFailure(address) {
      const entry = current(address)
      if (entry !== undefined) {
        entry.failures += 1
        return
      }
      windows.set(address, { start: now(), failures: 1 })
      // The oldest window goes first, so a flood of addresses cannot grow memory without bound.
      if (windows.size > maxAddresses) windows.delete(windows.keys().next().value as string)
    },
  }
}
