import nodemailer from 'nodemailer'
import type { MailTransport, OutgoingMail } from './transport.ts'

export interface SmtpTransportOptions {
  /** nodemailer connection URL (`smtp://host:port`, `smtps://user:pass@host:465`). */
  url: string
  from: string
  timeoutSeconds: number
}

/** SMTP through nodemailer, with every wait bounded so a stuck relay fails the attempt instead of hanging the worker. */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const timeoutMs = Math.round(options.timeoutSeconds * 1000)
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  })
  return {
    name: 'smtp',
    async send(mail: OutgoingMail) {
      await transporter.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId })
    },
    close() {
      transporter.close()
    },
  }
}
