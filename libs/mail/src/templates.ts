import { render, type RenderedMail } from './layout.ts'

/** What every template may use besides its own data. */
export interface TemplateContext {
  /** e.g. https://id.example.com, no trailing slash. */
  publicUrl: string
}

/**
 * Every mail gatehouse sends, by name, with the data each needs. Link tokens travel in the URL
 * fragment (`#token=`), which browsers never send to a server or put in a Referer, so the token
 * stays out of access logs and third-party requests.
 */
export interface TemplateData {
  'verify-email': { token: string }
  'confirm-email-change': { token: string; newEmail: string }
  'reset-password': { token: string }
  'password-changed': Record<string, never>
  'email-changed': { newEmail: string }
  'account-deleted': Record<string, never>
  'sign-up-attempt': Record<string, never>
  'factor-enabled': Record<string, never>
  'factor-disabled': Record<string, never>
  'recovery-code-used': { left: number }
  /** A passkey added to or removed from the account, by its owner or by support: its name as the owner gave it. */
  'passkey-added': { name: string }
  'passkey-removed': { name: string; bySupport: boolean }
  /** A sign-in from a device new to the account: when (ISO), the coarse network (/24, /48), the User-Agent. */
  'new-sign-in': { at: string; ip: string | null; userAgent: string | null }
}
export type TemplateName = keyof TemplateData

const IGNORE = 'If this was not you, you can ignore this mail.'
const NOT_YOU = 'If this was not you, reset your password now and contact support.'

/** A client-supplied string shown in a mail: one line (no control characters), bounded. */
const shown = (value: string | null, max: number): string => (value === null || value.trim() === '' ? 'unknown' : value.replace(/\p{Cc}+/gu, ' ').trim().slice(0, max))

const link = (context: TemplateContext, page: string, token: string) => `${context.publicUrl}/${page}#token=${encodeURIComponent(token)}`

/** `ada@example.com` → `a***@example.com`: enough for the owner to recognise, less for anyone reading over a shoulder. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@')
  return `${local.slice(0, 1)}***@${domain}`
}

const TEMPLATES: { [K in TemplateName]: (data: TemplateData[K], context: TemplateContext) => RenderedMail } = {
  'verify-email': (data, context) => render({
    subject: 'Confirm your email address',
    paragraphs: ['Please confirm that this address belongs to you. The link works once, for 24 hours.'],
    action: { label: 'Confirm my address', url: link(context, 'verify-email', data.token) },
    footer: [IGNORE],
  }),
  'confirm-email-change': (data, context) => render({
    subject: 'Confirm your new email address',
    paragraphs: [`Your account's address will change to ${data.newEmail} once you confirm it. The link works once.`],
    action: { label: 'Confirm the new address', url: link(context, 'verify-email', data.token) },
    footer: [IGNORE],
  }),
  'reset-password': (data, context) => render({
    subject: 'Reset your password',
    paragraphs: ['Someone asked to reset the password of the account registered with this address. The link works once, for 30 minutes.'],
    action: { label: 'Choose a new password', url: link(context, 'reset-password', data.token) },
    footer: ['If you did not ask for this, ignore this mail: your password stays as it is.'],
  }),
  'password-changed': () => render({
    subject: 'Your password was changed',
    paragraphs: ['The password of your account was just changed, and every device signed in to it was signed out.'],
    footer: [NOT_YOU],
  }),
  'email-changed': (data) => render({
    subject: 'Your email address was changed',
    paragraphs: [`The address of your account was changed to ${maskEmail(data.newEmail)}. Mail about the account now goes there.`],
    footer: ['If this was not you, contact support right away.'],
  }),
  'account-deleted': () => render({
    subject: 'Your account was deleted',
    paragraphs: ['Your account and everything stored with it were deleted. This address can be used to sign up again.'],
    footer: ['If this was not you, contact support right away.'],
  }),
  'sign-up-attempt': (_data, context) => render({
    subject: 'Someone tried to sign up with your address',
    paragraphs: ['Someone tried to create an account with this address, which already has one. No second account was created.'],
    action: { label: 'Forgot your password? Reset it here', url: `${context.publicUrl}/forgot-password` },
    footer: [IGNORE],
  }),
  // Second-factor notices (issue 15).
  'factor-enabled': () => render({
    subject: 'Two-step sign-in was turned on',
    paragraphs: ['An authenticator app was added to your account: signing in now asks for a code from it.'],
    footer: [NOT_YOU],
  }),
  'factor-disabled': () => render({
    subject: 'Two-step sign-in was turned off',
    paragraphs: ['The authenticator app was removed from your account, and its recovery codes no longer work. Signing in asks only for your password.'],
    footer: [NOT_YOU],
  }),
  'recovery-code-used': (data) => render({
    subject: 'A recovery code was used',
    paragraphs: [`One of your recovery codes was just used to confirm it was you. ${data.left === 1 ? '1 code is' : `${data.left} codes are`} left.`, 'If you have lost your authenticator, sign in and set up a new one; new recovery codes replace the old ones.'],
    footer: [NOT_YOU],
  }),
  'passkey-added': (data) => render({
    subject: 'A passkey was added to your account',
    paragraphs: [`A passkey named "${shown(data.name, 64)}" can now sign in to your account without a password.`],
    footer: [NOT_YOU],
  }),
  'passkey-removed': (data) => render({
    subject: 'A passkey was removed from your account',
    paragraphs: [
      `The passkey named "${shown(data.name, 64)}" was removed from your account${data.bySupport ? ' by our support team, at your request' : ''} and can no longer sign in.`,
    ],
    footer: [NOT_YOU],
  }),
  // Only what helps the owner recognise the sign-in: no device id, no token, no full address.
  'new-sign-in': (data) => render({
    subject: 'New sign-in to your account',
    paragraphs: [
      'Your account was just signed in to from a device it had not been used on before.',
      `When: ${data.at.slice(0, 16).replace('T', ' ')} UTC`,
      `Network: ${shown(data.ip, 64)}`,
      `Device: ${shown(data.userAgent, 200)}`,
      'If this was you, there is nothing to do.',
    ],
    footer: [NOT_YOU],
  }),
}


export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name)
}

export function renderTemplate<K extends TemplateName>(name: K, data: TemplateData[K], context: TemplateContext): RenderedMail {
  return TEMPLATES[name](data, context)
}
