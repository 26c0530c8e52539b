/**
 * At most `limit` tasks at once; the rest wait in FIFO order. bcrypt runs on libuv's shared
 * threadpool: left unbounded under a login burst it takes every thread and every core, starving
 * the event loop's other work (DNS, file reads, other services on the host).
 */
export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting for a slot right now (a metrics gauge reads it). */
  readonly queued: number;
}

/** `onStart`: called as each task gets its slot, with how long it waited (ms; 0 when a slot was free). */
export function createLimiter(limit: number, onStart?: (waitedMs: number) => void): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next();
  };
  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < limit) {
      running++;
      onStart?.(0);
    } else {
      const queuedAt = onStart === undefined ? 0 : performance.now();
      await new Promise<void>((resolve) => waiting.push(resolve));
      onStart?.(performance.now() - queuedAt);
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
  return Object.defineProperty(run, 'queued', { get: () => waiting.length }) as Limiter;
}
