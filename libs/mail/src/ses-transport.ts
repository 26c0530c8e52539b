import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2'
import nodemailer from 'nodemailer'
import type { MailTransport, OutgoingMail } from './transport.ts'

export interface SesTransportOptions {
  from: string
  timeoutSeconds: number
  region?: string | undefined
  /** e.g. a local SES emulator; unset for AWS. */
  endpoint?: string | undefined
}

/**
 * AWS SES v2 (SendEmail with raw content, composed by nodemailer so both transports send the same
 * MIME). SES replaces the Message-ID with its own; the outbox id is also carried as
 * `X-Gatehouse-Mail-Id` so a redelivery can still be recognised. Credentials: the default AWS chain.
 */
export function createSesTransport(options: SesTransportOptions): MailTransport {
  const sesClient = new SESv2Client({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: 1,
    requestHandler: { requestTimeout: Math.round(options.timeoutSeconds * 1000), connectionTimeout: Math.round(options.timeoutSeconds * 1000) },
  })
  const transporter = nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } })
  return {
    name: 'ses',
    async send(mail: OutgoingMail) {
      await transporter.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: { 'X-Gatehouse-Mail-Id': mail.messageId },
      })
    },
    close() {
      transporter.close()
      sesClient.destroy()
    },
  }
}
