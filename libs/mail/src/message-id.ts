/** The domain of the sender address (`Name <a@b.example>` → `b.example`), for Message-IDs. */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from
  const domain = address.split('@')[1]?.trim()
  return domain === undefined || domain === '' ? 'localhost' : domain
}

/**
 * RFC 5322 Message-ID from the outbox item's id: every retry of one mail carries the same one, so
 * a receiver (or the catcher) can tell a redelivery from a second mail.
 */
export function messageIdFor(outboxId: string, from: string): string {
  return `<${outboxId}@${senderDomain(from)}>`
}
