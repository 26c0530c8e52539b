import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** One mail as the test SMTP server received it, parsed. */
export interface ReceivedMail {
  to: string[]
  subject: string
  text: string
  html: string
  messageId: string
  raw: string
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string
  port: number
  mails: ReceivedMail[]
  /** Resolves with the first mail (already received or still to come) that matches. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  /** The link of the given page (`reset-password`, `verify-email`) in a mail's text, and its token. */
  linkIn(mail: ReceivedMail, page: string): { url: string; token: string }
  /** Stops listening (a relay outage); `start()` listens again on the same port. */
  stop(): Promise<void>
  start(): Promise<void>
}

/**
 * A real SMTP server (smtp-server) in the test process: mail really travels over SMTP from
 * nodemailer to here, and tests follow the links it carries.
 */
export async function startTestSmtpServer(t: { teardown(fn: () => unknown): void }): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = []
  const waiters: Array<{ match: (mail: ReceivedMail) => boolean; resolve: (mail: ReceivedMail) => void }> = []
  let port = 0
  let server: SMTPServer | undefined

  const create = () => new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw).then((parsed) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId ?? '',
            raw,
          }
          mails.push(mail)
          for (const waiter of [...waiters]) {
            if (waiter.match(mail)) {
              waiters.splice(waiters.indexOf(waiter), 1)
              waiter.resolve(mail)
            }
          }
          callback()
        }, (error: Error) => callback(error))
      })
    },
  })

  const start = async () => {
    server = create()
    const listening = server
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject)
      listening.listen(port, '127.0.0.1', () => resolve())
    })
    port = (listening.server.address() as AddressInfo).port
  }
  const stop = async () => {
    const closing = server
    server = undefined
    if (closing !== undefined) await new Promise<void>((resolve) => closing.close(() => resolve()))
  }
  await start()
  t.teardown(stop)

  return {
    get url() { return `smtp://127.0.0.1:${port}` },
    get port() { return port },
    mails,
    waitFor(match, timeoutMs = 20_000) {
      const found = mails.find(match)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (mail: ReceivedMail) => { clearTimeout(timer); resolve(mail) } }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          reject(new Error(`no matching mail within ${timeoutMs} ms (received ${mails.length})`))
        }, timeoutMs)
        waiters.push(waiter)
      })
    },
    linkIn(mail, page) {
      const match = new RegExp(`(https?://\\S+/${page}#token=([A-Za-z0-9_%-]+))`).exec(mail.text)
      if (match === null) throw new Error(`no ${page} link in the mail "${mail.subject}"`)
      return { url: match[1]!, token: decodeURIComponent(match[2]!) }
    },
    stop,
    start,
  } satisfies TestSmtpServer
}
