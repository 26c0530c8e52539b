import { BusyError } from './errors.ts';

export interface LimiterOptions {
  /** Tasks allowed to wait; one more is refused at once with BusyError('queue-full'). Default: no bound. */
  maxQueue?: number;
  /** Longest wait for a slot, in ms; past it the task is dropped unrun with BusyError('deadline'). Default: none. */
  maxWaitMs?: number;
  /** Called as each task gets its slot, with how long it waited (ms; 0 when a slot was free). */
  onStart?: (waitedMs: number) => void;
}

export type Limited = <T>(task: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

interface Waiter {
  start(): void;
  drop(error: Error): void;
}

/**
 * At most `limit` tasks at once; the rest wait in FIFO order. bcrypt runs on libuv's shared
 * threadpool: left unbounded under a login burst it takes every thread and every core, starving
 * the event loop's other work (DNS, file reads, other services on the host).
 *
 * The queue is bounded too, and so is each wait: under a credential-stuffing burst the excess is
 * refused at once (the caller answers 503 with Retry-After) instead of growing a line in which
 * every real login times out, and work whose caller has gone (`signal` aborted: the gateway gave
 * up) leaves the line unrun. Work already running cannot be recalled: bcrypt has no cancel.
 */
export interface Limiter extends Limited {
  /** Tasks waiting for a slot right now (a metrics gauge reads it). */
  readonly queued: number;
}

export function createLimiter(limit: number, options: LimiterOptions = {}): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  let running = 0;
  const waiting: Waiter[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next.start();
  };

  function enqueue(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new BusyError('gone'));
    if (waiting.length >= maxQueue) return Promise.reject(new BusyError('queue-full'));
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        start: () => { settle(); resolve(); },
        drop: (error) => {
          settle();
          const at = waiting.indexOf(waiter);
          if (at >= 0) waiting.splice(at, 1);
          reject(error);
        },
      };
      const onAbort = (): void => waiter.drop(new BusyError('gone'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.maxWaitMs !== undefined) {
        timer = setTimeout(() => waiter.drop(new BusyError('deadline')), options.maxWaitMs);
      }
      waiting.push(waiter);
    });
  }

  const run: Limited = async (task, signal) => {
    if (running < limit) {
      running++;
      options.onStart?.(0);
    } else {
      const queuedAt = options.onStart === undefined ? 0 : performance.now();
      await enqueue(signal);
      options.onStart?.(performance.now() - queuedAt);
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
  return Object.defineProperty(run, 'queued', { get: () => waiting.length }) as Limiter;
}
