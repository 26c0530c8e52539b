import { BusyError } from './errors.ts';

export interface LimiterOptions {
  /** Tasks allowed to wait; one more is refused at once with BusyError('queue-full'). Default: no bound. */
  maxQueue?: number;
  /**
   * Longest wait for a slot, in ms; past it the task is dropped unrun with BusyError('deadline').
   * Once a few tasks have run, a task whose place in line means it would wait longer than this at
   * the pace measured so far is refused at once with the same error: under a burst the excess gets
   * its answer now instead of after the deadline. Default: none.
   */
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
  /**
   * Whether a task offered now would be refused at once (the line full, or its wait past the
   * deadline at the measured pace): callers turn the excess away before doing any other work.
   */
  refusesNow(): boolean;
}

/** Tasks measured before the pace is trusted for admission, and the weight of each new one. */
const PACE_SAMPLES = 4;
const PACE_WEIGHT = 0.2;

export function createLimiter(limit: number, options: LimiterOptions = {}): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  const maxWaitMs = options.maxWaitMs;
  let running = 0;
  // How long a task holds its slot (ms), as an exponentially weighted mean of those that ran.
  let paceMs = 0;
  let measured = 0;
  const measure = (ms: number): void => {
    paceMs = measured === 0 ? ms : paceMs + PACE_WEIGHT * (ms - paceMs);
    measured++;
  };
  /** The wait ahead of a task joining the line now: the tasks in front of it, `limit` at a time. */
  const expectedWaitMs = (): number => ((waiting.length + 1) / limit) * paceMs;
  const waiting: Waiter[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next.start();
  };

  function enqueue(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new BusyError('gone'));
    if (waiting.length >= maxQueue) return Promise.reject(new BusyError('queue-full'));
    if (maxWaitMs !== undefined && measured >= PACE_SAMPLES && expectedWaitMs() > maxWaitMs) return Promise.reject(new BusyError('deadline'));
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
      if (maxWaitMs !== undefined) {
        timer = setTimeout(() => waiter.drop(new BusyError('deadline')), maxWaitMs);
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
    const startedAt = performance.now();
    try {
      return await task();
    } finally {
      measure(performance.now() - startedAt);
      release();
    }
  };
  const refusesNow = (): boolean => running >= limit
    && (waiting.length >= maxQueue || (maxWaitMs !== undefined && measured >= PACE_SAMPLES && expectedWaitMs() > maxWaitMs));
  return Object.defineProperties(run, { queued: { get: () => waiting.length }, refusesNow: { value: refusesNow } }) as Limiter;
}
