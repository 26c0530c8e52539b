import { ApiError, authed, forget, refresh, signOut } from '../api.ts'
import { describe, field, form, h, mount, showError } from '../dom.ts'
import { addPasskey, passkeysSupported } from '../passkey.ts'

interface Me { userId: string; email: string; createdAt: string; emailVerified?: boolean }
interface Session { id: string; createdAt: string; lastUsedAt: string; userAgent?: string; current: boolean }
interface Passkey { id: string; name: string; createdAt: string; lastUsedAt?: string; backedUp: boolean }

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

function changePassword(): HTMLElement {
  const currentPassword = field('currentPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const newPassword = field('newPassword', 'New password', 'password', { autocomplete: 'new-password', hint: 'At least 8 characters. Your other sessions will be signed out.' })
  const done = h('p', { class: 'ok', role: 'status' })
  const parts = form('Change password', [currentPassword, newPassword], 'Change password', async () => {
    done.textContent = ''
    try {
      await authed.post('/auth/password', { currentPassword: currentPassword.input.value, newPassword: newPassword.input.value })
    } catch (error) {
      showError(error, { currentPassword, newPassword }, { INVALID_CREDENTIALS: 'currentPassword', WEAK_PASSWORD: 'newPassword', PASSWORD_TOO_LONG: 'newPassword' })
    }
    currentPassword.input.value = ''
    newPassword.input.value = ''
    done.textContent = 'Password changed. Your other sessions were signed out.'
    await renderSessions()
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

function changeEmail(): HTMLElement {
  const newEmail = field('newEmail', 'New email', 'email', { autocomplete: 'email' })
  const currentPassword = field('emailPassword', 'Current password', 'password', { autocomplete: 'current-password' })
  const done = h('p', { class: 'ok', role: 'status' })
  const parts = form('Change email', [newEmail, currentPassword], 'Change email', async () => {
    try {
      await authed.post('/auth/email', { newEmail: newEmail.input.value, currentPassword: currentPassword.input.value })
    } catch (error) {
      showError(error, { newEmail, currentPassword }, { INVALID_CREDENTIALS: 'currentPassword', EMAIL_TAKEN: 'newEmail' })
    }
    done.textContent = `We sent a link to ${newEmail.input.value}. The address changes once you open it.`
  })
  return section('Change email', parts.form, done)
}

function deleteAccount(): HTMLElement {
  const currentPassword = field('deletePassword', 'Current password', 'password', { autocomplete: 'current-password', hint: 'Deleting your account cannot be undone.' })
  const parts = form('Delete account', [currentPassword], 'Delete my account', async () => {
    try {
      await authed.delete('/auth/account', { currentPassword: currentPassword.input.value })
    } catch (error) {
      showError(error, { currentPassword }, { INVALID_CREDENTIALS: 'currentPassword' })
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
    profile(me), changePassword(), sessions(), passkeys(), changeEmail(), deleteAccount())
  await Promise.all([renderSessions(), renderPasskeys()])
}

start().catch((error: unknown) => mount('Your account', h('p', { class: 'error', role: 'alert' }, describe(error))))
