/** Milliseconds since the epoch; injected so tests can move time (grace windows, expiry, caches). */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

export interface Instant {
  ms: number
  sec: number
  iso: string
}

export function instant(clock: Clock): Instant {
  const ms = clock()
  return { ms, sec: Math.floor(ms / 1000), iso: new Date(ms).toISOString() }
}
