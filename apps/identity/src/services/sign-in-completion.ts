import { coarseIp, type ExtraTransactItem, type RequestOrigin, type SecurityEventsRepository, type UserRecord, type UsersRepository } from '@gatehouse/dynamo'
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

type SignedInUser = Pick<UserRecord, 'userId' | 'email' | 'firstSignInPending'>

/**
 * A sign-in's writes, prepared: `items` go into the caller's transaction, `committed` runs after
 * it; `stored` false: that transaction went without them, so they are written on their own.
 */
export interface SignInWrites {
  items: ExtraTransactItem[]
  committed: (stored: boolean) => Promise<void>
}

/**
 * What follows a sign-in once it is complete, and only then: after the password for a user
 * without a factor, after the code step for one with a factor (a right password alone is not a
 * sign-in, so it records nothing and mails nothing). One `sign_in` event, and for a device new to
 * the account a "new sign-in" notice through the durable outbox, carrying only the time, the
 * coarse network and the User-Agent: never the device id or a token. The account's first sign-in
 * is not announced (the person who just signed up would be told about themselves).
 *
 * `prepare` builds the event and notice as transaction items, so a password sign-in writes them
 * with its throttle settling and device trust in one request (issue 20: requests per sign-in);
 * `signedIn` writes them on their own, in one transaction, for the code step and passkeys.
 */
export function createSignInCompletion(deps: SignInCompletionDeps) {
  function prepare(user: SignedInUser, method: SignInMethod, newDevice: boolean, origin: RequestOrigin): SignInWrites {
    const event = deps.events.inTransaction({ type: 'sign_in', userId: user.userId, method, newDevice, ...origin })
    // Read consistently with the password's check: pending until this, the first sign-in, commits.
    const first = user.firstSignInPending === true
    const notice = newDevice && !first && deps.newDeviceNotice
      ? deps.notices.noticeInTransaction(user.email, 'new-sign-in', {
        at: new Date(deps.now()).toISOString(),
        ip: coarseIp(origin.ip) ?? null,
        userAgent: origin.userAgent ?? null,
      })
      : undefined
    const items = notice === undefined ? [event.item] : [event.item, notice.item]
    return {
      items,
      committed: async (stored) => {
        if (!stored) await storeAlone(user.userId, items)
        deps.counted()
        event.logged(origin.log)
        if (notice !== undefined) deps.notices.wake()
        if (!first) return
        // Only the account's first sign-in pays this write; a failure only means a later sign-in retries it.
        await deps.users.clearFirstSignInPending(user.userId).catch((error: unknown) => {
          deps.log.error({ err: error, userId: user.userId }, 'first sign-in mark could not be cleared')
        })
      },
    }
  }

  /**
   * The event and notice in one transaction of their own. The sign-in has happened either way:
   * the event's log line still carries it; a failure loses the item and the notice, which is
   * logged, not fatal.
   */
  async function storeAlone(userId: string, items: ExtraTransactItem[]): Promise<void> {
    try {
      await deps.notices.transact(items)
    } catch (error) {
      deps.log.error({ err: error, userId, event: 'sign_in' }, 'sign-in event and notice could not be stored')
    }
  }

  async function signedIn(user: SignedInUser, method: SignInMethod, newDevice: boolean, origin: RequestOrigin): Promise<void> {
    await prepare(user, method, newDevice, origin).committed(false)
  }

  return Object.assign(signedIn, { prepare })
}

export type SignedIn = ReturnType<typeof createSignInCompletion>
