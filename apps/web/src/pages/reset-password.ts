import { post } from '../api.ts'
import { field, form, fragmentToken, h, link, mount, showError } from '../dom.ts'

const token = fragmentToken()
if (token === undefined) {
  mount('Choose a new password', h('p', { class: 'error', role: 'alert' }, 'This link has no reset token. Open the link from the email again, or ask for a new one.'),
    h('nav', {}, link('/forgot-password', 'Ask for a new link')))
} else {
  const newPassword = field('newPassword', 'New password', 'password', { autocomplete: 'new-password', hint: 'At least 8 characters. Every session will be signed out.' })
  const parts = form('Choose a new password', [newPassword], 'Set new password', async () => {
    try {
      await post('/auth/password/reset', { token, newPassword: newPassword.input.value })
    } catch (error) {
      showError(error, { newPassword }, { WEAK_PASSWORD: 'newPassword', PASSWORD_TOO_LONG: 'newPassword' })
    }
    mount('Password changed', h('p', { role: 'status' }, 'Your password is changed and every session was signed out.'), h('nav', {}, link('/sign-in', 'Sign in')))
  })
  mount('Choose a new password', parts.form)
  newPassword.input.focus()
}
