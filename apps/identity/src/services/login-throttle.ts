import { createHash } from 'node:crypto'
import type { ExtraTransactItem } from '@gatehouse/dynamo'
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

/** One reserved password check; settle it exactly once. */
export interface LoginAttempt {
  /**
   * Clears the failure count (the next failure starts from one again) and trusts the device, as
   * of when this attempt began, or of `trustedAt` (epoch ms) when given: a credential change
   * passes its own time so the device that made it stays trusted. `alsoWrite` (the sign-in's
   * event and notice) is written in the same request; false when they were not written (their
   * write failed: the attempt was settled without them, and the caller writes them on its own).
   */
  succeeded(trustedAt?: number, alsoWrite?: ExtraTransactItem[]): Promise<boolean>
  /** The password was wrong: one more failure; true when this failure set the lock (a security event). */
  failed(): Promise<boolean>
  /** No answer came (bcrypt refused the work, a read failed): the place is given back, nothing counted. */
  abandoned(): Promise<void>
  /** The device was already trusted for this account (it had signed in there before). */
  readonly trustedDevice: boolean
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
/** When the account's credentials last changed: device trusts made before it no longer count. */
export const credentialsChangedKey = (email: string): string => `credentials-changed#${email}`

/**
 * How long a password check counted as in flight holds its place: one that never settles (its
 * process died mid-bcrypt) stops counting after this, so it cannot shrink the bound for long.
 */
const IN_FLIGHT_LEASE_MS = 30_000
/** Rounds an attempt waits (for checks in flight to settle, or for a lost compare-and-set) before we answer 429. */
const WAIT_ROUNDS = 24
/** Pause between rounds: grows from 10 ms to 250 ms (about 4 s over all rounds), with jitter. */
const pause = (round: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(250, 10 * 1.5 ** round) * (0.5 + Math.random() / 2)))

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
 * account counter, so guessing stays slow. A credential change ends every trust made before it.
 *
 * Only failures count towards the lock, but a check is reserved (`inFlight`) before bcrypt runs,
 * and no more checks run at once than failures are left before the lock: a burst of concurrent
 * guesses cannot slip through while earlier ones are still in bcrypt, and concurrent sign-ins
 * with the right password wait their turn instead of being refused (Keycloak #48272).
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
    const trusted = await attempts.isTrusted(trustedDeviceKey(email, deviceHash), credentialsChangedKey(email), Math.floor(now() / 1000))
    return trusted ? deviceAttemptKey(email, deviceHash) : attemptKey(email)
  }

  /** The stored item as it stands at `at`: TTL deletes lazily, and a lapsed lease reserves nothing. */
  function live(record: AttemptRecord | undefined, at: number): { failures: number; inFlight: number; lockedUntil: number } {
    if (record === undefined || record.expiresAt <= at / 1000) return { failures: 0, inFlight: 0, lockedUntil: 0 }
    const inFlight = (record.inFlightUntil ?? 0) > at ? (record.inFlight ?? 0) : 0
    return { failures: record.attempts, inFlight, lockedUntil: record.lockedUntil ?? 0 }
  }

  /**
   * Applies `change` to the counter by compare-and-set, rounds after a lost race starting from the
   * item the failed condition handed back. `change` returns null to delete the counter, or throws.
   * `known`: the counter as this caller last wrote it (no read first; a stale one only costs a lost
   * race). `alsoWrite` goes with the final write. Returns the counter as written.
   */
  async function update(key: string, change: (record: AttemptRecord | undefined, at: number) => AttemptRecord | null | 'wait', known?: { current: AttemptRecord | undefined }, alsoWrite: ExtraTransactItem[] = []): Promise<AttemptRecord | undefined> {
    let current = known?.current
    let fresh = known !== undefined
    for (let round = 0; round < WAIT_ROUNDS; round += 1) {
      if (!fresh) current = await attempts.get(key)
      const next = change(current, now())
      if (next === 'wait') {
        await pause(round)
        fresh = false
        continue
      }
      if (next === null && current === undefined) {
        await attempts.writeAll(alsoWrite)
        return undefined
      }
      const result = await attempts.compareAndSet(key, current, next, alsoWrite)
      if (result.written) return result.stored
      if (result.conflict === true) {
        // Another attempt's transaction held the counter: nothing was written; read it again.
        fresh = false
        await pause(round)
        continue
      }
      current = result.current
      fresh = true
      if (round > 2) await pause(round)
    }
    // Other attempts on this account keep winning the race: it is under a burst.
    throw tooManyAttempts(1)
  }

  /** A settled check gives back its place; null deletes a counter with nothing left to remember. */
  function settled(record: AttemptRecord, failures: number, lockedUntil: number, at: number, inFlight: number): AttemptRecord | null {
    if (failures === 0 && inFlight === 0) return null
    return {
      attempts: failures,
      ...(lockedUntil > at ? { lockedUntil } : {}),
      expiresAt: Math.max(record.expiresAt, Math.ceil(Math.max(at, lockedUntil) / 1000) + ttlSeconds),
      ...(inFlight > 0 ? { inFlight, inFlightUntil: record.inFlightUntil ?? at } : {}),
    }
  }

  /** `held`: the counter as `begin` wrote it, so settling needs no read first. */
  function attempt(email: string, key: string, deviceHash: string | undefined, begunAt: number, held: AttemptRecord | undefined): LoginAttempt {
    let locked = false
    const release = (failed: boolean, alsoWrite: ExtraTransactItem[] = []) => update(key, (record, at) => {
      const state = live(record, at)
      // A counter deleted meanwhile (a success, a credential change) starts a new streak.
      const base = record ?? { attempts: 0, expiresAt: Math.ceil(at / 1000) + ttlSeconds }
      const failures = failed ? state.failures + 1 : 0
      const lockSeconds = windowSeconds(failures)
      const lockedUntil = !failed ? 0 : lockSeconds > 0 ? Math.max(state.lockedUntil, at + lockSeconds * 1000) : state.lockedUntil
      locked = failed && lockSeconds > 0
      return settled(base, failures, lockedUntil, at, Math.max(0, state.inFlight - 1))
    }, { current: held }, alsoWrite)
    return {
      trustedDevice: key.startsWith('login-device#'),
      succeeded: async (trustedAt = begunAt, alsoWrite = []) => {
        // Dated from when the attempt began: a login whose password was checked before a
        // credential change is older than it, so the trust it writes now does not count. Written
        // with the counter's settling, in one request.
        const trust = deviceHash === undefined ? [] : [attempts.trustItem(trustedDeviceKey(email, deviceHash), trustedAt, Math.ceil(now() / 1000) + deviceTrustSeconds)]
        if (alsoWrite.length === 0) {
          await release(false, trust)
          return true
        }
        try {
          await release(false, [...trust, ...alsoWrite])
          return true
        } catch (error) {
          // A refusal of ours (429) stands; a failed write of the event or notice must not fail
          // the sign-in: settle without them, and say so.
          if (error instanceof AppError) throw error
          await release(false, trust)
          return false
        }
      },
      failed: async () => {
        await release(true)
        return locked
      },
      abandoned: () => update(key, (record, at) => {
        if (record === undefined) return null
        const state = live(record, at)
        return settled(record, state.failures, state.lockedUntil, at, Math.max(0, state.inFlight - 1))
      }, { current: held }).then(() => undefined),
    }
  }

  /**
   * Reserves a password check for `email` (on the device's own counter when it is trusted) before
   * bcrypt runs. Refused with 429 while locked; waits while the checks in flight would reach the
   * lock if they all failed. `newDevice`: the caller minted `deviceId` just now.
   */
  async function begin(email: string, deviceId?: string, newDevice = false): Promise<LoginAttempt> {
    const begunAt = now()
    const deviceHash = deviceId === undefined ? undefined : hashDeviceId(deviceId)
    const key = await counterKey(email, deviceHash, newDevice)
    // Most logins find no counter (a success deletes it): assume none and write without reading
    // first; a failed condition hands back the stored item.
    const held = await update(key, (record, at) => {
      const state = live(record, at)
      if (state.lockedUntil > at) throw tooManyAttempts(Math.max(1, Math.ceil((state.lockedUntil - at) / 1000)))
      // Checks allowed at once: the failures left before the lock; one once a lock has passed.
      if (state.inFlight >= Math.max(1, maxFailures - state.failures)) return 'wait'
      return {
        attempts: state.failures,
        ...(state.lockedUntil > 0 ? { lockedUntil: state.lockedUntil } : {}),
        expiresAt: Math.max(record?.expiresAt ?? 0, Math.ceil(at / 1000) + ttlSeconds),
        inFlight: state.inFlight + 1,
        inFlightUntil: at + IN_FLIGHT_LEASE_MS,
      }
    }, { current: undefined })
    return attempt(email, key, deviceHash, begunAt, held)
  }

  /**
   * A credential change (password change, and password reset): every device trusted for the
   * account before now is trusted no more (its attempts go back on the account counter), and the
   * account's failure counter is cleared. Returns the change's time (epoch ms); pass it to the
   * changing attempt's `succeeded` to keep the device that made the change trusted.
   */
  async function credentialsChanged(email: string): Promise<number> {
    // One millisecond ahead: a trust written in this same millisecond (a login checked just
    // before the change, under a coarse or frozen clock) is older than the change and ends too.
    const changedAt = now() + 1
    await attempts.markCredentialsChanged(credentialsChangedKey(email), attemptKey(email), changedAt, Math.ceil(changedAt / 1000) + deviceTrustSeconds)
    return changedAt
  }

  /**
   * A sign-in that needed no password (a passkey) on `deviceId`: whether the device was already
   * trusted for the account (so the caller knows if it is new), and it is trusted from now on, as
   * after a password sign-in. The account's failure counter is left alone: a passkey proves
   * nothing about who has been guessing the password.
   */
  async function deviceSignedIn(email: string, deviceId: string, newDevice: boolean): Promise<boolean> {
    const at = now()
    const trustKey = trustedDeviceKey(email, hashDeviceId(deviceId))
    const trusted = !newDevice && (await attempts.isTrusted(trustKey, credentialsChangedKey(email), Math.floor(at / 1000)))
    await attempts.trust(trustKey, at, Math.ceil(at / 1000) + deviceTrustSeconds)
    return trusted
  }

  return { begin, credentialsChanged, deviceSignedIn, windowSeconds }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>

/** A wrong password or second-factor code: what the throttle counts. Anything else counts nothing. */
const isWrongSecret = (error: unknown): boolean =>
  error instanceof AppError && (error.code === ErrorCodes.INVALID_CREDENTIALS || error.code === ErrorCodes.INVALID_MFA_CODE)

/**
 * Settles a reserved attempt whose checks threw: a wrong password or code counts one failure
 * (`onFailure` hears whether it set the lock); any other error (a 503, a missing code) gives the
 * place back uncounted. Rethrows the error.
 */
export async function settleFailure(attempt: LoginAttempt, error: unknown, onFailure?: (locked: boolean) => Promise<void>): Promise<never> {
  if (isWrongSecret(error)) {
    const locked = await attempt.failed()
    await onFailure?.(locked)
  } else {
    await attempt.abandoned().catch(() => undefined)
  }
  throw error
}

/** Runs the checks of one reserved attempt and settles it exactly once (success clears the count and trusts the device). */
export async function settleAttempt<T>(attempt: LoginAttempt, checks: () => Promise<T>, onFailure?: (locked: boolean) => Promise<void>): Promise<T> {
  const result = await checks().catch((error: unknown) => settleFailure(attempt, error, onFailure))
  await attempt.succeeded()
  return result
}
