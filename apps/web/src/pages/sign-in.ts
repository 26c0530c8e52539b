import { ApiError, post, refresh, signIn, signInWithTokens } from '../api.ts'
import { describe, field, form, h, link, mount, showError } from '../dom.ts'
import { finishSignInWithPasskey, passkeysSupported, signInWithPasskey } from '../passkey.ts'

const ACCOUNT = '/account'

function passwordStep(): void {
  const email = field('email', 'Email', 'email', { autocomplete: 'username webauthn' })
  const password = field('password', 'Password', 'password', { autocomplete: 'current-password' })
  const parts = form('Sign in', [email, password], 'Sign in', async () => {
    try {
      await signIn(email.input.value, password.input.value)
      location.assign(ACCOUNT)
    } catch (error) {
      const mfa = error instanceof ApiError && error.code === 'MFA_REQUIRED' ? error.details : undefined
      if (mfa !== undefined) return secondStep(String(mfa['mfaToken']), (mfa['methods'] as string[] | undefined) ?? [])
      showError(error, { email, password }, { INVALID_CREDENTIALS: 'password', TOO_MANY_ATTEMPTS: 'password' })
    }
  })
  const passkeyStatus = h('p', { class: 'error', role: 'alert', hidden: true })
  const passkeyButton = h('button', { type: 'button', class: 'secondary' }, 'Sign in with a passkey')
  passkeyButton.addEventListener('click', () => {
    passkeyStatus.hidden = true
    signInWithPasskey().then(() => location.assign(ACCOUNT)).catch((error: unknown) => {
      passkeyStatus.textContent = error instanceof Error && error.name === 'NotAllowedError' ? 'The passkey prompt was closed or timed out. Try again.' : describe(error)
      passkeyStatus.hidden = false
    })
  })
  mount('Sign in',
    parts.form,
    passkeysSupported() && h('section', { 'aria-label': 'Passkey' }, passkeyButton, passkeyStatus),
    h('nav', {}, link('/forgot-password', 'Forgot your password?'), ' · ', link('/sign-up', 'Create an account')))
  email.input.focus()
}

/** In words: a closed prompt, a dead sign-in step, anything else as the API or the browser said it. */
function passkeyProblem(error: unknown): string {
  if (error instanceof Error && error.name === 'NotAllowedError') return 'The passkey prompt was closed or timed out. Try again.'
  if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') return 'That passkey could not be verified, or this sign-in step has expired. Try again, or start again.'
  return describe(error)
}

/** The second step after `403 MFA_REQUIRED` (issue 15): an authenticator code, a recovery code, or a passkey. */
function secondStep(mfaToken: string, methods: string[]): void {
  const code = field('code', 'Authenticator code', 'text', { autocomplete: 'one-time-code', hint: 'The 6 digits your authenticator app shows now.' })
  code.input.inputMode = 'numeric'
  const recovery = field('recoveryCode', 'Recovery code', 'text', { autocomplete: 'off', required: false, hint: 'Or one of the recovery codes you saved.' })
  code.input.required = false
  const fields = methods.includes('recovery_code') ? [code, recovery] : [code]
  const parts = form('Second step', fields, 'Verify', async () => {
    const body = recovery.input.value.trim() !== '' ? { mfaToken, recoveryCode: recovery.input.value.trim() } : { mfaToken, code: code.input.value.trim() }
    try {
      await signInWithTokens(await post('/auth/login/mfa', body))
      location.assign(ACCOUNT)
    } catch (error) {
      showError(error, { code, recoveryCode: recovery }, { INVALID_CREDENTIALS: 'code' })
    }
  })
  const passkeyStatus = h('p', { class: 'error', role: 'alert', hidden: true })
  const passkeyButton = h('button', { type: 'button', class: 'secondary' }, 'Use a passkey')
  passkeyButton.addEventListener('click', () => {
    passkeyStatus.hidden = true
    finishSignInWithPasskey(mfaToken).then(() => location.assign(ACCOUNT)).catch((error: unknown) => {
      passkeyStatus.textContent = passkeyProblem(error)
      passkeyStatus.hidden = false
    })
  })
  mount('Two-step verification',
    parts.form,
    methods.includes('passkey') && passkeysSupported() && h('section', { 'aria-label': 'Passkey' }, passkeyButton, passkeyStatus),
    h('nav', {}, link('/sign-in', 'Start again')))
  code.input.focus()
}

// Already signed in on this browser (a live refresh cookie): straight to the account.
refresh().then(() => location.assign(ACCOUNT), () => passwordStep())
