import { Type, type Static } from '@sinclair/typebox'

/**
 * Mail delivery settings, spread into the config schema of a service that sends mail (identity,
 * and its mail-worker Lambda). Checked once at start-up like every other variable.
 */
export const MailConfig = {
  /** `smtp` (nodemailer, SMTP_URL) or `ses` (AWS SES v2, credentials from the default chain). */
  MAIL_TRANSPORT: Type.Union([Type.Literal('smtp'), Type.Literal('ses')], { default: 'smtp' }),
  /** A nodemailer connection URL, e.g. `smtps://user:pass@smtp.example.com:465`; needed for `smtp`. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  /** The sender, `Name <address>` or a bare address; its domain names the Message-IDs. */
  MAIL_FROM: Type.String({ minLength: 3, default: 'gatehouse <no-reply@localhost>' }),
  /** The public origin the links in mail point at (the gateway or the pages in front of it). */
  PUBLIC_URL: Type.String({ pattern: '^https?://[^/#?]+$', default: 'http://localhost:3000' }),
  /** One SMTP/SES call's budget (connect, greeting, each socket read) before it counts as failed. */
  MAIL_SEND_TIMEOUT_SECONDS: Type.Number({ minimum: 0.1, maximum: 120, default: 10 }),
}
export const MailConfigSchema = Type.Object(MailConfig)
export type MailSettings = Static<typeof MailConfigSchema>
