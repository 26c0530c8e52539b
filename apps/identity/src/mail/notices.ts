import type { UsersRepository } from '@gatehouse/dynamo'
import type { TemplateData, TemplateName } from '@gatehouse/mail'
import type { OutboxRepository, TransactItem } from './outbox-repository.ts'
import type { MailWorker } from './mail-worker.ts'

/** Whom a notice goes to: a user (their current address) or an address (a former one, a deleted account's). */
export type NoticeRecipient = { userId: string } | { email: string }

export interface NoticeService {
  /**
   * Queues a notice for durable delivery and wakes the worker. A user who no longer exists gets
   * nothing (undefined). The call returns once the mail is in the outbox, never waits for SMTP.
   */
  enqueueNotice<K extends TemplateName>(recipient: NoticeRecipient, template: K, data: TemplateData[K]): Promise<string | undefined>
  /** The same mail as one item of the caller's transaction (written with the change it announces). */
  noticeInTransaction<K extends TemplateName>(email: string, template: K, data: TemplateData[K]): { mailId: string; item: TransactItem }
  /** Writes the caller's items (tokens, notices) in one transaction. */
  transact(items: TransactItem[]): Promise<void>
  /** After the caller's transaction committed: deliver soon. */
  wake(): void
}

export function createNoticeService(deps: { outbox: OutboxRepository; users: UsersRepository; worker: MailWorker | undefined }): NoticeService {
  const wake = () => deps.worker?.kick()
  return {
    async enqueueNotice(recipient, template, data) {
      const email = 'email' in recipient ? recipient.email : (await deps.users.getById(recipient.userId))?.email
      if (email === undefined) return undefined
      const mailId = await deps.outbox.enqueue({ kind: 'mail', to: email, template, data } as never)
      wake()
      return mailId
    },
    noticeInTransaction(email, template, data) {
      return deps.outbox.enqueueInTransaction({ kind: 'mail', to: email, template, data } as never)
    },
    transact: (items) => deps.outbox.transact(items),
    wake,
  }
}
