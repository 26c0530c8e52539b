import { coarseIp, type RequestOrigin, type SecurityEventsRepository, type UserRecord, type UsersRepository } from '@gatehouse/dynamo'
import type { FastifyBaseLogger } from 'fastify'
import type { NoticeService } from '../mail/notices.ts'

/** How a completed sign-in proved who the user is, as the activity list shows it (`method`). */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery_code' | 'password+passkey' | 'passkey'

export interface SignInCompletionDeps {
  events: SecurityEventsRepository
  users: UsersRepository
  notices: NoticeService
  /** NEW_DEVICE_SIGNIN_NOTICE: mail the owner when a device new to the account signs in. */
  newDeviceNotice: boolean
  now: () => number
  log: FastifyBaseLogger
  /** Counts the completed sign-in (`gatehouse_sign_ins_total{outcome="success"}`), however it was made. */
  counted: () => void
}

/**
 * What follows a sign-in once it is complete, and only then: after the password for a user
 * without a factor, after the code step for one with a factor (a right password alone is not a
 * sign-in, so it records nothing and mails nothing). One `sign_in` event, and for a device new to
 * the account a "new sign-in" notice through the durable outbox, carrying only the time, the
 * coarse network and the User-Agent: never the device id or a token. The account's first sign-in
 * is not announced (the person who just signed up would be told about themselves).
 */
export function createSignInCompletion(deps: SignInCompletionDeps) {
  return async function signedIn(user: Pick<UserRecord, 'userId' | 'email' | 'firstSignInPending'>, method: SignInMethod, newDevice: boolean, origin: RequestOrigin): Promise<void> {
    deps.counted()
    await deps.events.record({ type: 'sign_in', userId: user.userId, method, newDevice, ...origin }, origin.log)
    try {
      const first = user.firstSignInPending === true && (await deps.users.clearFirstSignInPending(user.userId))
      if (!newDevice || first || !deps.newDeviceNotice) return
      await deps.notices.enqueueNotice({ email: user.email }, 'new-sign-in', {
        at: new Date(deps.now()).toISOString(),
        ip: coarseIp(origin.ip) ?? null,
        userAgent: origin.userAgent ?? null,
      })
    } catch (error) {
      // The sign-in has happened either way: a notice that could not be queued is logged, not fatal.
      deps.log.error({ err: error, userId: user.userId, notice: 'new-sign-in' }, 'new sign-in notice could not be queued')
    }
  }
}

export type SignedIn = ReturnType<typeof createSignInCompletion>
