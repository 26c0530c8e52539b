import type { FastifyBaseLogger } from 'fastify'
import type { NoticeService } from '../mail/notices.ts'

/**
 * The second-factor notices, through the durable outbox: factor turned on or off, a recovery code
 * used (with how many are left). Queued right after the change committed, never sent inline. A
 * failure to queue is logged and does not undo or fail the change the user just made (it has
 * happened either way); the notice is then lost, which the log line records.
 */
export function createFactorNotices(notices: NoticeService, log: FastifyBaseLogger) {
  const queue = async (userId: string, send: () => Promise<unknown>, what: string): Promise<void> => {
    try {
      await send()
    } catch (error) {
      log.error({ err: error, userId, notice: what }, 'second-factor notice could not be queued')
    }
  }
  return {
    factorEnabled: (userId: string) => queue(userId, () => notices.enqueueNotice({ userId }, 'factor-enabled', {}), 'factor-enabled'),
    factorDisabled: (userId: string) => queue(userId, () => notices.enqueueNotice({ userId }, 'factor-disabled', {}), 'factor-disabled'),
    passkeyAdded: (userId: string, name: string) => queue(userId, () => notices.enqueueNotice({ userId }, 'passkey-added', { name }), 'passkey-added'),
    passkeyRemoved: (userId: string, name: string, bySupport: boolean) => queue(userId, () => notices.enqueueNotice({ userId }, 'passkey-removed', { name, bySupport }), 'passkey-removed'),
    recoveryCodeUsed: (userId: string, left: number) => queue(userId, () => notices.enqueueNotice({ userId }, 'recovery-code-used', { left }), 'recovery-code-used'),
  }
}
