import type { MailSettings } from './config.ts'
import { createSesTransport } from './ses-transport.ts'
import { createSmtpTransport } from './smtp-transport.ts'
import type { MailTransport } from './transport.ts'

export class MailConfigError extends Error {
  override name = 'MailConfigError'
}

/** The transport the configuration names; SMTP without SMTP_URL is a start-up error, not a silent no-op. */
export function createMailTransport(settings: MailSettings & { AWS_REGION?: string | undefined; SES_ENDPOINT?: string | undefined }): MailTransport {
  if (settings.MAIL_TRANSPORT === 'ses') {
    return createSesTransport({ from: settings.MAIL_FROM, timeoutSeconds: settings.MAIL_SEND_TIMEOUT_SECONDS, region: settings.AWS_REGION, endpoint: settings.SES_ENDPOINT })
  }
  if (settings.SMTP_URL === undefined) throw new MailConfigError('SMTP_URL is required when MAIL_TRANSPORT=smtp (e.g. smtp://127.0.0.1:1025)')
  return createSmtpTransport({ url: settings.SMTP_URL, from: settings.MAIL_FROM, timeoutSeconds: settings.MAIL_SEND_TIMEOUT_SECONDS })
}
