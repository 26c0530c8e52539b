import { BusyError, type PasswordHasher } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'

/**
 * bcrypt work refused unrun (its line full, its wait past the deadline, its caller gone) becomes
 * a fast 503 with Retry-After: under a credential-stuffing burst the excess is turned away at
 * once instead of queueing until every real login times out.
 */
export const busyUnavailable = (): AppError => new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, 'Too many sign-ins are being checked right now; try again shortly', {
  headers: { 'retry-after': '1' },
})

export function busyAsUnavailable(hasher: PasswordHasher): PasswordHasher {
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work
    } catch (error) {
      if (!(error instanceof BusyError)) throw error
      throw busyUnavailable()
    }
  }
  return {
    ...hasher,
    cost: hasher.cost,
    hash: (password, signal) => guard(hasher.hash(password, signal)),
    verify: (password, hash, signal) => guard(hasher.verify(password, hash, signal)),
    verifyDummy: (password, signal) => guard(hasher.verifyDummy(password, signal)),
    prepareDummy: () => hasher.prepareDummy(),
    needsRehash: (hash) => hasher.needsRehash(hash),
    refusesNow: () => hasher.refusesNow(),
  }
}

/** Aborts when the caller hangs up before its answer is sent (the gateway gave up): queued bcrypt work is dropped. */
export function callerGone(raw: { once(event: 'close', listener: () => void): unknown; writableFinished: boolean }): AbortSignal {
  const controller = new AbortController()
  raw.once('close', () => { if (!raw.writableFinished) controller.abort() })
  return controller.signal
}
