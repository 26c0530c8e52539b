import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { LoginAttemptsRepository } from '../repositories/login-attempts-repository.ts'

export interface LoginThrottleOptions {
  attempts: LoginAttemptsRepository
  /** Epoch milliseconds; injectable so tests can move time. */
  now: () => number
  maxFailures: number
  lockBaseSeconds: number
  lockMaxSeconds: number
  ttlSeconds: number
}

export interface LoginAttempt {
  /** Clears the failure count: the next failure starts from one again. */
  succeeded(): Promise<void>
}

/** `login#<normalised email>`: unknown emails are counted too, so the throttle cannot reveal which accounts exist. */
export const attemptKey = (email: string): string => `login#${email}`

/** Compare-and-set rounds lost to concurrent attempts on one account before we answer 429. */
const CAS_TRIES = 5

const tooManyAttempts = (retryAfterSeconds: number): AppError =>
  new AppError(429, ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts; try again in ${retryAfterSeconds} seconds`, {
    details: { retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  })

/**
 * Brute-force defence per account (OWASP ASVS V2.2.1): after `maxFailures` consecutive failures,
 * further attempts are refused without running bcrypt, for a window that doubles with each
 * failure and is capped at `lockMaxSeconds`, so an attacker can slow an account's owner down but
 * never lock them out for good.
 *
 * Each attempt is counted before the password is checked, and the attempt that reaches the limit
 * writes its lock in the same conditional write: a burst of concurrent guesses cannot slip through
 * while earlier ones are still in bcrypt. A success deletes the counter.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const { attempts, now, maxFailures, lockBaseSeconds, lockMaxSeconds, ttlSeconds } = options

  /** Lock length, in seconds, once `failures` consecutive attempts have failed. */
  function windowSeconds(failures: number): number {
    if (failures < maxFailures) return 0
    return Math.min(lockMaxSeconds, lockBaseSeconds * 2 ** Math.min(failures - maxFailures, 30))
  }

  async function begin(email: string): Promise<LoginAttempt> {
    const key = attemptKey(email)
    for (let round = 0; round < CAS_TRIES; round += 1) {
      const at = now()
      const current = await attempts.get(key)
      if (current?.lockedUntil !== undefined && current.lockedUntil > at) {
        throw tooManyAttempts(Math.max(1, Math.ceil((current.lockedUntil - at) / 1000)))
      }
      const previous = current?.attempts ?? 0
      const lockSeconds = windowSeconds(previous + 1)
      const written = await attempts.compareAndSet(key, previous, {
        attempts: previous + 1,
        ...(lockSeconds > 0 ? { lockedUntil: at + lockSeconds * 1000 } : {}),
        expiresAt: Math.ceil(at / 1000) + lockSeconds + ttlSeconds,
      })
      if (written) return { succeeded: () => attempts.reset(key) }
    }
    // Other attempts on this account keep winning the race: it is under a burst.
    throw tooManyAttempts(1)
  }

  return { begin, windowSeconds }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>
