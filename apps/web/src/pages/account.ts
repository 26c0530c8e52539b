import { ApiError, authed, forget, refresh, signOut } from '../api.ts'
import { describe, field, form, h, mount, showError, type Field } from '../dom.ts'
import { addPasskey, passkeysSupported } from '../passkey.ts'

interface Me { userId: string; email: string; createdAt: string; emailVerified?: boolean }
interface Session { id: string; createdAt: string; lastUsedAt: string; userAgent?: string; current: boolean }
interface Passkey { id: string; name: string; createdAt: string; lastUsedAt?: string; backedUp: boolean }
interface MfaStatus { totp: boolean; recoveryCodesLeft: number }
interface TotpSetup { secret: string; otpauthUri: string; qrSvg: string }
interface SecurityEvent { type: string; at: string; ip: string | null; userAgent: string | null; method?: string; newDevice?: boolean; revokedBy?: string }

const when = (iso: string): string => new Date(iso).toLocaleString()
const section = (title: string, ...content: (Node | string | false | undefined)[]): HTMLElement => {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content)
}

/** A button that runs an action and reports a failure in words next to itself. */
function action(label: string, run: () => Promise<void>, extra: Record<string, string> = {}): HTMLElement {
  const button = h('button', { type: 'button', ...extra }, label)
  const status = h('span', { class: 'error', role: 'alert', hidden: true })
  button.addEventListener('click', () => {
    button.disabled = true
    status.hidden = true
    run().catch((error: unknown) => {
      status.textContent = describe(error)
      status.hidden = false
    }).finally(() => { button.disabled = false })
  })
  return h('span', { class: 'action' }, button, status)
}

function profile(me: Me): HTMLElement {
  const verified = me.emailVerified === undefined ? undefined : me.emailVerified ? 'verified' : 'not verified yet'
  return section('Profile', h('dl', {},
    h('dt', {}, 'Email'), h('dd', {}, me.email, verified === undefined ? '' : ` (${verified})`),
    h('dt', {}, 'Member since'), h('dd', {}, when(me.createdAt))),
  me.emailVerified === false && action('Send a new verification link', async () => { await authed.post('/auth/email/verify/resend') }))
}

/**
 * The second factor a sensitive action asks for once two-step verification is on: one field for
 * either a current authenticator code (6 digits) or a recovery code (12 letters and digits), so
 * the two cannot be confused; hidden while the factor is off.
 */
const secondFactorFields: Field[] = []
let twoStepOn = false
function secondFactorField(name: string): Field {
  const f = field(name, 'Authenticator or recovery code', 'text', { autocomplete: 'one-time-code', required: false, hint: 'The 6 digits your authenticator app shows now, or one of your recovery codes.' })
  f.wrapper.hidden = !twoStepOn
  secondFactorFields.push(f)
  return f
}
function showSecondFactorFields(on: boolean): void {
  twoStepOn = on
  for (const f of secondFactorFields) {
    f.wrapper.hidden = !on
    f.input.required = on
    if (!on) f.input.value = ''
  }
}
/** `{code}` for 6 digits, `{recoveryCode}` for anything else typed, nothing for an empty or hidden field. */
function proofOf(f: Field): { code?: string; recoveryCode?: string } {
  const typed = f.input.value.trim()
  if (f.wrapper.hidden || typed === '') return {}
  const digits = typed.replace(/\s/g, '')
  return /^[0-9]{6}$/.test(digits) ? { code: digits } : { recoveryCode: typed }
}
/** The API errors about the second factor, shown beside its field. */
const SECOND_FACTOR_ERRORS = { MFA_REQUIRED: 'code', INVALID_MFA_CODE: 'code' } as const

function changePassword(): HTMLElement {
  const currentPassword = field('currentPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const newPassword = field('newPassword', 'New password', 'password', { autocomplete: 'new-password', hint: 'At least 8 characters. Your other sessions will be signed out.' })
  const code = secondFactorField('passwordCode')
  const done = h('p', { class: 'ok', role: 'status' })
  const parts = form('Change password', [currentPassword, newPassword, code], 'Change password', async () => {
    done.textContent = ''
    try {
      await authed.post('/auth/password', { currentPassword: currentPassword.input.value, newPassword: newPassword.input.value, ...proofOf(code) })
    } catch (error) {
      showError(error, { currentPassword, newPassword, code, recoveryCode: code }, { INVALID_CREDENTIALS: 'currentPassword', WEAK_PASSWORD: 'newPassword', PASSWORD_TOO_LONG: 'newPassword', ...SECOND_FACTOR_ERRORS })
    }
    currentPassword.input.value = ''
    newPassword.input.value = ''
    code.input.value = ''
    // Said once the session list shows it (the others gone); the activity and a spent recovery code follow.
    await renderSessions()
    done.textContent = 'Password changed. Your other sessions were signed out.'
    await Promise.all([renderActivity(), renderTwoStep({ keepOpen: true })])
  })
  return section('Change password', parts.form, done)
}

const sessionList = h('ul', { class: 'list', 'aria-label': 'Sessions' })
const moreSessions = h('div')
const sessionItem = (s: Session): HTMLElement => h('li', {},
  h('span', {}, h('strong', {}, s.userAgent ?? 'Unknown device'), s.current ? ' (this device)' : '',
    h('br'), `Signed in ${when(s.createdAt)} · last active ${when(s.lastUsedAt)}`),
  s.current ? '' : action('Revoke', async () => { await authed.delete(`/auth/sessions/${s.id}`); await renderSessions() }, { 'aria-label': `Revoke session on ${s.userAgent ?? 'unknown device'} from ${when(s.createdAt)}` }))

/** The first page of sessions (newest first); "Show more sessions" appends the next while the API gives a cursor. */
async function renderSessions(cursor?: string): Promise<void> {
  const { sessions, next } = await authed.get(`/auth/sessions${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`) as { sessions: Session[]; next?: string }
  if (cursor === undefined) sessionList.replaceChildren(...sessions.map(sessionItem))
  else sessionList.append(...sessions.map(sessionItem))
  moreSessions.replaceChildren(next === undefined ? '' : action('Show more sessions', () => renderSessions(next)))
}

function sessions(): HTMLElement {
  return section('Sessions', sessionList, moreSessions, action('Sign out everywhere', async () => {
    await authed.post('/auth/logout-all')
    forget()
    location.assign('/sign-in')
  }))
}

const passkeyList = h('ul', { class: 'list', 'aria-label': 'Passkeys' })
async function renderPasskeys(): Promise<void> {
  const { passkeys } = await authed.get('/auth/passkeys') as { passkeys: Passkey[] }
  passkeyList.replaceChildren(...passkeys.map((p) => {
    const rename = field(`rename-${p.id}`, `Name of passkey ${p.name}`, 'text', { value: p.name, autocomplete: 'off' })
    const parts = form(`Rename passkey ${p.name}`, [rename], 'Rename', async () => {
      try {
        await authed.patch(`/auth/passkeys/${p.id}`, { name: rename.input.value })
      } catch (error) {
        showError(error, { name: rename })
      }
      await renderPasskeys()
    })
    parts.button.setAttribute('aria-label', `Rename passkey ${p.name}`)
    return h('li', {},
      h('span', {}, h('strong', {}, p.name), h('br'), `Added ${when(p.createdAt)}${p.lastUsedAt === undefined ? '' : ` · last used ${when(p.lastUsedAt)}`}${p.backedUp ? ' · synced' : ''}`),
      parts.form,
      action('Remove', async () => { await authed.delete(`/auth/passkeys/${p.id}`); await renderPasskeys() }, { 'aria-label': `Remove passkey ${p.name}` }))
  }))
  if (passkeys.length === 0) passkeyList.append(h('li', {}, 'No passkeys yet.'))
}

function passkeys(): HTMLElement {
  const name = field('passkeyName', 'Passkey name', 'text', { autocomplete: 'off', hint: 'So you can tell your passkeys apart, e.g. "Work laptop".', value: 'My passkey' })
  const parts = form('Add a passkey', [name], 'Add a passkey', async () => {
    try {
      await addPasskey(name.input.value)
      name.input.value = ''
    } catch (error) {
      if (error instanceof Error && error.name === 'NotAllowedError') throw new Error('The passkey prompt was closed or timed out. Try again.')
      showError(error, { name })
    }
    await renderPasskeys()
  })
  return section('Passkeys', passkeyList, passkeysSupported() ? parts.form : h('p', {}, 'This browser cannot create passkeys.'))
}

/** Recovery codes, shown once: the user is told to keep them before they go on. */
function recoveryCodesNotice(codes: string[], after: () => void): HTMLElement {
  const done = h('button', { type: 'button' }, 'I have saved my recovery codes')
  done.addEventListener('click', after)
  // Focus moves here (tabindex -1), so a keyboard or screen-reader user lands on the codes.
  return h('div', { class: 'notice', role: 'region', 'aria-label': 'Your recovery codes', tabindex: '-1' },
    h('p', {}, h('strong', {}, 'Save these recovery codes now.'), ' Each one signs you in once if you lose your authenticator app. They are shown only this once: write them down or keep them in a password manager.'),
    h('ol', { class: 'codes', 'aria-label': 'Recovery codes' }, ...codes.map((code) => h('li', {}, h('code', {}, code)))),
    done)
}

/** The QR code as an <img>: the pages' CSP allows `img-src data:`, never inline markup or script. */
const qrImage = (svg: string): HTMLImageElement => h('img', {
  class: 'qr', width: '200', height: '200',
  src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
  alt: 'QR code to scan with your authenticator app',
})

const twoStepBody = h('div')
/** True while an enrolment or a set of new codes is on screen: another form's refresh leaves it there. */
let twoStepOpen = false
function showTwoStep(open: boolean, ...content: (Node | string)[]): void {
  twoStepOpen = open
  twoStepBody.replaceChildren(...content)
  // The next thing to do gets the focus: the code field of an enrolment, or the codes to save.
  if (open) twoStepBody.querySelector<HTMLElement>('.notice, input')?.focus()
}
async function renderTwoStep(options: { keepOpen?: boolean } = {}): Promise<void> {
  const status = await authed.get('/auth/mfa') as MfaStatus
  showSecondFactorFields(status.totp)
  if (options.keepOpen === true && twoStepOpen) return
  if (status.totp) showTwoStep(false, ...twoStepOnView(status))
  else showTwoStep(false, ...twoStepOffView())
}

/** Off: the current password starts enrolment; the secret then waits for a code from the app. */
function twoStepOffView(): Node[] {
  const currentPassword = field('totpPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const parts = form('Set up two-step verification', [currentPassword], 'Set up an authenticator app', async () => {
    let setup: TotpSetup
    try {
      setup = await authed.post('/auth/mfa/totp/setup', { currentPassword: currentPassword.input.value }) as TotpSetup
    } catch (error) {
      showError(error, { currentPassword }, { INVALID_CREDENTIALS: 'currentPassword', TOO_MANY_ATTEMPTS: 'currentPassword' })
    }
    showTwoStep(true, ...enrolView(setup))
  })
  return [h('p', {}, h('strong', {}, 'Off.'), ' Add an authenticator app, so your password alone is not enough to sign in.'), parts.form]
}

function enrolView(setup: TotpSetup): Node[] {
  const code = field('totpCode', 'Code from the app', 'text', { autocomplete: 'one-time-code', hint: 'The 6 digits the app shows for gatehouse.' })
  code.input.inputMode = 'numeric'
  const parts = form('Confirm the authenticator app', [code], 'Turn on two-step verification', async () => {
    let codes: string[]
    try {
      codes = (await authed.post('/auth/mfa/totp/confirm', { code: code.input.value.replace(/\s/g, '') }) as { recoveryCodes: string[] }).recoveryCodes
    } catch (error) {
      showError(error, { code }, { INVALID_MFA_CODE: 'code', INVALID_CREDENTIALS: 'code' })
    }
    showSecondFactorFields(true)
    showTwoStep(true, h('p', { class: 'ok', role: 'status' }, 'Two-step verification is on.'), recoveryCodesNotice(codes, () => { void renderTwoStep() }))
    void renderActivity()
  })
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel')
  cancel.addEventListener('click', () => { void renderTwoStep() })
  return [
    h('p', {}, '1. Scan this QR code with your authenticator app.'),
    qrImage(setup.qrSvg),
    h('p', {}, 'Cannot scan it? Type this key into the app instead:'),
    h('p', {}, h('code', { class: 'secret', 'aria-label': 'Key for manual entry' }, setup.secret.replace(/(.{4})/g, '$1 ').trim())),
    h('p', {}, '2. Enter the code the app shows, to prove it works.'),
    parts.form,
    cancel,
  ]
}

/** On: new recovery codes and turning it off both need the password and a current code. */
function twoStepOnView(status: MfaStatus): (Node | string)[] {
  const left = status.recoveryCodesLeft
  const codesPassword = field('codesPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const codesCode = field('codesCode', 'Authenticator or recovery code', 'text', { autocomplete: 'one-time-code', hint: 'The 6 digits your authenticator app shows now, or one of your recovery codes.' })
  const regenerate = form('New recovery codes', [codesPassword, codesCode], 'Get new recovery codes', async () => {
    let codes: string[]
    try {
      codes = (await authed.post('/auth/mfa/recovery-codes', { currentPassword: codesPassword.input.value, ...proofOf(codesCode) }) as { recoveryCodes: string[] }).recoveryCodes
    } catch (error) {
      showError(error, { currentPassword: codesPassword, code: codesCode, recoveryCode: codesCode }, { INVALID_CREDENTIALS: 'currentPassword', ...SECOND_FACTOR_ERRORS })
    }
    showTwoStep(true, h('p', { class: 'ok', role: 'status' }, 'New recovery codes made; the old ones no longer work.'), recoveryCodesNotice(codes, () => { void renderTwoStep() }))
  })
  const offPassword = field('offPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const offCode = field('offCode', 'Authenticator or recovery code', 'text', { autocomplete: 'one-time-code', hint: 'The 6 digits your authenticator app shows now, or one of your recovery codes.' })
  const off = form('Turn off two-step verification', [offPassword, offCode], 'Turn off two-step verification', async () => {
    try {
      await authed.delete('/auth/mfa/totp', { currentPassword: offPassword.input.value, ...proofOf(offCode) })
    } catch (error) {
      showError(error, { currentPassword: offPassword, code: offCode, recoveryCode: offCode }, { INVALID_CREDENTIALS: 'currentPassword', ...SECOND_FACTOR_ERRORS })
    }
    await Promise.all([renderTwoStep(), renderActivity()])
  })
  off.button.classList.add('danger')
  return [
    h('p', {}, h('strong', {}, 'On:'), ' signing in asks for a code from your authenticator app. ',
      left === 1 ? '1 recovery code left.' : `${left} recovery codes left.`),
    left <= 3 ? h('p', { class: 'hint' }, 'Few recovery codes left: make a new set below.') : '',
    h('h3', {}, 'New recovery codes'),
    h('p', { class: 'hint' }, 'Makes 10 new codes; the ones you have stop working.'),
    regenerate.form,
    h('h3', {}, 'Turn off'),
    off.form,
  ]
}

const twoStep = (): HTMLElement => section('Two-step verification', twoStepBody)

const EVENT_WORDS: Record<string, string> = {
  sign_in: 'Signed in',
  sign_in_throttled: 'Sign-in slowed down after wrong passwords',
  sign_in_refused_disabled: 'Sign-in refused: the account is disabled',
  password_changed: 'Password changed',
  password_reset: 'Password reset with an email link',
  email_changed: 'Email address changed',
  second_factor_added: 'Second factor added',
  second_factor_removed: 'Second factor removed',
  recovery_codes_renewed: 'New recovery codes made (the old ones stopped working)',
  session_revoked: 'Session ended',
  refresh_reuse_detected: 'A used sign-in token came back: the session was ended',
  account_deletion_requested: 'Account deletion requested',
  admin_account_disabled: 'An administrator disabled the account',
  admin_account_enabled: 'An administrator enabled the account',
  admin_sessions_revoked: 'An administrator ended every session',
  admin_session_revoked: 'An administrator ended a session',
  admin_password_reset_forced: 'An administrator required a new password',
  admin_second_factor_removed: 'An administrator removed the second factor',
  admin_email_verified: 'An administrator marked the address verified',
  admin_account_deleted: 'An administrator deleted the account',
}
const METHOD_WORDS: Record<string, string> = {
  password: 'with the password',
  'password+totp': 'with the password and an authenticator code',
  'password+recovery_code': 'with the password and a recovery code',
  'password+passkey': 'with the password and a passkey',
  passkey: 'with a passkey',
  totp: 'with an authenticator app',
}
const REVOKED_BY_WORDS: Record<string, string> = {
  user: 'by you',
  logout_all: 'by "sign out everywhere"',
  password_change: 'by a password change',
  password_reset: 'by a password reset',
  account_deletion: 'by the account deletion',
  admin: 'by an administrator',
  session_limit: 'by a newer sign-in (too many sessions)',
}

function activityItem(e: SecurityEvent): HTMLElement {
  const what = [
    EVENT_WORDS[e.type] ?? e.type.replace(/_/g, ' '),
    e.method === undefined ? '' : ` ${METHOD_WORDS[e.method] ?? `with ${e.method}`}`,
    e.revokedBy === undefined ? '' : ` ${REVOKED_BY_WORDS[e.revokedBy] ?? `by ${e.revokedBy}`}`,
  ].join('')
  const where = [when(e.at), e.ip === null ? undefined : `network ${e.ip}`, e.userAgent ?? undefined].filter((part) => part !== undefined).join(' · ')
  return h('li', {}, h('span', {}, h('strong', {}, what), e.newDevice === true ? ' (new device)' : '', h('br'), where))
}

const activityList = h('ul', { class: 'list', 'aria-label': 'Security activity' })
const moreActivity = h('div')
const ACTIVITY_PAGE = 10
/** The newest events; "Show more activity" appends the next page while the API gives a cursor. */
async function renderActivity(cursor?: string): Promise<void> {
  const { events, next } = await authed.get(`/auth/activity?limit=${ACTIVITY_PAGE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`) as { events: SecurityEvent[]; next?: string }
  if (cursor === undefined) activityList.replaceChildren(...events.map(activityItem))
  else activityList.append(...events.map(activityItem))
  if (cursor === undefined && events.length === 0) activityList.append(h('li', {}, 'Nothing yet.'))
  moreActivity.replaceChildren(next === undefined ? '' : action('Show more activity', () => renderActivity(next)))
}

const activity = (): HTMLElement => section('Recent security activity', h('p', { class: 'hint' }, 'Sign-ins and changes to your account, newest first. Something you do not recognise? Change your password and sign out everywhere.'), activityList, moreActivity)

function changeEmail(): HTMLElement {
  const newEmail = field('newEmail', 'New email', 'email', { autocomplete: 'email' })
  const currentPassword = field('emailPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const code = secondFactorField('emailCode')
  const done = h('p', { class: 'ok', role: 'status' })
  const parts = form('Change email', [newEmail, currentPassword, code], 'Change email', async () => {
    done.textContent = ''
    try {
      await authed.post('/auth/email', { newEmail: newEmail.input.value, currentPassword: currentPassword.input.value, ...proofOf(code) })
    } catch (error) {
      showError(error, { newEmail, currentPassword, code, recoveryCode: code }, { INVALID_CREDENTIALS: 'currentPassword', EMAIL_TAKEN: 'newEmail', ...SECOND_FACTOR_ERRORS })
    }
    currentPassword.input.value = ''
    code.input.value = ''
    await renderTwoStep({ keepOpen: true })
    done.textContent = `We sent a link to ${newEmail.input.value}. The address changes once you open it.`
  })
  return section('Change email', parts.form, done)
}

function deleteAccount(): HTMLElement {
  const currentPassword = field('deletePassword', 'Current password', 'password', { autocomplete: 'current-password', hint: 'Deleting your account cannot be undone.' })
  const code = secondFactorField('deleteCode')
  const parts = form('Delete account', [currentPassword, code], 'Delete my account', async () => {
    try {
      await authed.delete('/auth/account', { currentPassword: currentPassword.input.value, ...proofOf(code) })
    } catch (error) {
      showError(error, { currentPassword, code, recoveryCode: code }, { INVALID_CREDENTIALS: 'currentPassword', ...SECOND_FACTOR_ERRORS })
    }
    forget()
    location.assign('/sign-up')
  })
  parts.button.classList.add('danger')
  return section('Delete account', parts.form)
}

async function start(): Promise<void> {
  try {
    await refresh()
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return location.assign('/sign-in')
    throw error
  }
  const me = await authed.get('/auth/me') as Me
  mount('Your account',
    h('p', {}, 'Signed in as ', h('strong', {}, me.email), ' ', action('Sign out', async () => { await signOut(); location.assign('/sign-in') })),
    profile(me), changePassword(), sessions(), passkeys(), twoStep(), changeEmail(), activity(), deleteAccount())
  await Promise.all([renderSessions(), renderPasskeys(), renderTwoStep(), renderActivity()])
}

start().catch((error: unknown) => mount('Your account', h('p', { class: 'error', role: 'alert' }, describe(error))))
