import { post } from '../api.ts'
import { field, form, h, link, mount, showError } from '../dom.ts'

const email = field('email', 'Email', 'email', { autocomplete: 'username' })
const done = h('p', { class: 'ok', role: 'status' })
const parts = form('Reset your password', [email], 'Send reset link', async () => {
  try {
    await post('/auth/password/forgot', { email: email.input.value })
  } catch (error) {
    showError(error, { email })
  }
  // The API answers the same whether or not the account exists, and so does this page.
  done.textContent = `If an account exists for ${email.input.value}, we sent it a link to reset the password.`
})
mount('Forgot your password?', parts.form, done, h('nav', {}, link('/sign-in', 'Back to sign in')))
email.input.focus()
