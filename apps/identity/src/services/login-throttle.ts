import { createHash } from 'node:crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { AttemptRecord, LoginAttemptsRepository } from '../repositories/login-attempts-repository.ts'

export interface LoginThrottleOptions {
  attempts: LoginAttemptsRepository
  /** Epoch milliseconds; injectable so tests can move time. */
  now: () => number
  maxFailures: number
  lockBaseSeconds: number
  lockMaxSeconds: number
  ttlSeconds: number
  /** How long a device stays trusted for an account after its last successful login. */
  deviceTrustSeconds: number
}

export interface LoginAttempt {
  /** Clears the failure count: the next failure starts from one again. */
  succeeded(): Promise<void>
}

/** `login#<normalised email>`: unknown emails are counted too, so the throttle cannot reveal which accounts exist. */
export const attemptKey = (email: string): string => `login#${email}`

/**
 * Only a SHA-256 of the device id is stored: a table dump does not hand out device cookies. The
 * fixed-length hash comes before the email, so no email (which may contain `#`) can spell another
 * account's key.
 */
export const hashDeviceId = (deviceId: string): string => createHash('sha256').update(deviceId).digest('base64url')
export const deviceAttemptKey = (email: string, deviceHash: string): string => `login-device#${deviceHash}#${email}`
export const trustedDeviceKey = (email: string, deviceHash: string): string => `trusted-device#${deviceHash}#${email}`
/** Since when (epoch seconds) the account's device trust counts; written by a password reset. */
export const trustEpochKey = (email: string): string => `trust-epoch#${email}`

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
 * failure and is capped at `lockMaxSeconds`.
 *
 * Device cookies (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies):
 * a device that has signed in to the account before is counted on a counter of its own, so a
 * stranger who knows the email, guessing from devices of their own, can lock out only untrusted
 * devices, never the owner on a device they have used. Attempts without a trusted device share the
 * account counter, so guessing stays slow.
 *
 * Each attempt is counted before the password is checked, and the attempt that reaches the limit
 * writes its lock in the same conditional write: a burst of concurrent guesses cannot slip through
 * while earlier ones are still in bcrypt. A success deletes the counter it was charged to.
 */
export function createLoginThrottle(options: LoginThrottleOptions) {
  const { attempts, now, maxFailures, lockBaseSeconds, lockMaxSeconds, ttlSeconds, deviceTrustSeconds } = options

  /** Lock length, in seconds, once `failures` consecutive attempts have failed. */
  function windowSeconds(failures: number): number {
    if (failures < maxFailures) return 0
    return Math.min(lockMaxSeconds, lockBaseSeconds * 2 ** Math.min(failures - maxFailures, 30))
  }

  /** The counter this attempt is charged to: its device's own when the device is trusted. */
  async function counterKey(email: string, deviceHash: string | undefined, newDevice: boolean): Promise<string> {
    // A device id minted for this very request cannot have been trusted: no read needed.
    if (deviceHash === undefined || newDevice) return attemptKey(email)
    // Trust granted before the last credential reset does not count: a trust item carries only its
    // expiry, so it was granted at expiry minus deviceTrustSeconds.
    // Both reads at once: no added latency on the login path.
    const [epoch, expiry] = await Promise.all([attempts.trustEpoch(trustEpochKey(email)), attempts.trustExpiry(trustedDeviceKey(email, deviceHash))])
    const trusted = expiry > Math.floor(now() / 1000) && (epoch === 0 || expiry >= epoch + deviceTrustSeconds)
    return trusted ? deviceAttemptKey(email, deviceHash) : attemptKey(email)
  }

  /** A success clears the counter it was charged to and (re)trusts the device for the account. */
  function success(email: string, key: string, deviceHash: string | undefined): LoginAttempt {
    return {
      succeeded: async () => {
        if (deviceHash === undefined) await attempts.reset(key)
        else await attempts.resetAndTrust(key, trustedDeviceKey(email, deviceHash), Math.ceil(now() / 1000) + deviceTrustSeconds)
      },
    }
  }

  /** `newDevice`: the caller minted `deviceId` just now; it is charged to the account's counter and trusted on success. */
  async function begin(email: string, deviceId?: string, newDevice = false): Promise<LoginAttempt> {
    const deviceHash = deviceId === undefined ? undefined : hashDeviceId(deviceId)
    const key = await counterKey(email, deviceHash, newDevice)
    // A successful login deletes its counter, so most attempts find none: the first round writes
    // "attempt 1" on the condition that no counter exists, without reading first. If one exists
    // (earlier failures, a lock), the failed condition hands back the stored item and the rounds
    // go on from it exactly as after a read: nothing is skipped, the count still comes first.
    let current: AttemptRecord | undefined
    for (let round = 0; round < CAS_TRIES; round += 1) {
      const at = now()
      if (current?.lockedUntil !== undefined && current.lockedUntil > at) {
        throw tooManyAttempts(Math.max(1, Math.ceil((current.lockedUntil - at) / 1000)))
      }
      const stored = current?.attempts ?? 0
      // TTL deletes lazily: a counter past its expiry is a fresh start, not an old streak.
      const previous = current !== undefined && current.expiresAt <= at / 1000 ? 0 : stored
      const lockSeconds = windowSeconds(previous + 1)
      const result = await attempts.compareAndSet(key, stored, {
        attempts: previous + 1,
        ...(lockSeconds > 0 ? { lockedUntil: at + lockSeconds * 1000 } : {}),
        expiresAt: Math.ceil(at / 1000) + lockSeconds + ttlSeconds,
      })
      if (result.written) return success(email, key, deviceHash)
      // The item as stored when the condition failed; read it when DynamoDB did not say (it
      // always does; a missing item here would mean it was deleted in between).
      current = result.current ?? (await attempts.get(key))
    }
    // Other attempts on this account keep winning the race: it is under a burst.
    throw tooManyAttempts(1)
  }

  /**
   * After a password reset: the account's failure counter is cleared (the owner proved control
   * of the mailbox) and every device trusted so far stops being trusted. Issue 11's credential-
   * change mechanism replaces this once it lands.
   */
  async function endTrustAndClear(email: string): Promise<void> {
    const nowSeconds = Math.ceil(now() / 1000)
    await Promise.all([
      attempts.reset(attemptKey(email)),
      // +1: a trust written in the same second as the reset, before it, is ended too.
      attempts.setTrustEpoch(trustEpochKey(email), nowSeconds + 1, nowSeconds + 1 + deviceTrustSeconds),
    ])
  }

  return { begin, windowSeconds, endTrustAndClear }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>
