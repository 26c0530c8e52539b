import { createLimiter } from './limiter.ts';

/**
 * `task` for every item, at most `concurrency` at once (through the same FIFO limiter that bounds
 * bcrypt), results in item order. After the first failure no further task starts, and the
 * returned promise rejects with it once those already running have settled.
 */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = createLimiter(Math.max(1, Math.min(concurrency, items.length)));
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(items.map((item, index) => limit(async () => {
    if (failure !== undefined) throw failure.error;
    try {
      return await task(item, index);
    } catch (error) {
      failure ??= { error };
      throw error;
    }
  })));
  if (failure !== undefined) throw failure.error;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
