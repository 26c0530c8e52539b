import { readdirSync, readFileSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * Gives libuv's worker threads, where bcrypt runs, a lower scheduling priority (a higher nice
 * value) than the event loop. bcrypt is throughput work that takes whole cores for tens of ms; at
 * nice 0 it competes as an equal with every event loop on the host (identity's own, and the token
 * service's where they share cores), whose requests then wait behind it. Lowered, bcrypt still
 * gets every cycle nobody else wants. Linux names the threads `libuv-worker` and lets a process
 * lower its own threads' priority without privileges; elsewhere this does nothing.
 * Returns how many threads were changed.
 */
export function lowerThreadPoolPriority(nice: number): number {
  let changed = 0
  let threads: string[]
  try {
    threads = readdirSync('/proc/self/task')
  } catch {
    return 0
  }
  for (const tid of threads) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'libuv-worker') continue
      setPriority(Number(tid), nice)
      changed += 1
    } catch {
      // The thread ended meanwhile, or the OS refused: bcrypt keeps the default priority.
    }
  }
  return changed
}
