/** One rendered mail, ready for a transport. */
export interface OutgoingMail {
  /** The full Message-ID header value, `<id@domain>`: the same on every retry of one mail. */
  messageId: string
  to: string
  subject: string
  text: string
  html: string
}

/**
 * What the outbox worker needs from a mail service, and no more. A transport either resolves
 * (accepted by the relay) or throws; it never retries by itself: retries belong to the outbox,
 * which remembers them durably.
 */
export interface MailTransport {
  readonly name: 'smtp' | 'ses'
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

/** A failure description safe to log: the error's code and class, never the message body or an address. */
export function describeSendError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; responseCode?: unknown }).code
    const responseCode = (error as { responseCode?: unknown }).responseCode
    return [error.name, typeof code === 'string' ? code : undefined, typeof responseCode === 'number' ? String(responseCode) : undefined]
      .filter((part) => part !== undefined)
      .join(' ')
  }
  return 'unknown'
}
