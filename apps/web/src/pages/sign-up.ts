import { ApiError, post, signIn } from '../api.ts'
import { field, form, h, link, mount, showError } from '../dom.ts'

const email = field('email', 'Email', 'email', { autocomplete: 'username' })
const password = field('password', 'Password', 'password', {
  autocomplete: 'new-password',
  hint: 'At least 8 characters; a long phrase is best. Common passwords are refused.',
})
const parts = form('Create an account', [email, password], 'Create account', async () => {
  try {
    const created = await post('/auth/register', { email: email.input.value, password: password.input.value })
    const checkEmail = () => mount('Check your email', h('p', { role: 'status' }, `We sent a message to ${email.input.value}. Follow its link to go on.`))
    // An enumeration-safe deployment answers 202 (one body for everyone) and mails the next step.
    if (created === undefined) return checkEmail()
    try {
      await signIn(email.input.value, password.input.value)
    } catch (error) {
      // REQUIRE_VERIFIED_EMAIL: the account exists, and the link just mailed is the way in.
      if (error instanceof ApiError && error.code === 'EMAIL_NOT_VERIFIED') return checkEmail()
      throw error
    }
    location.assign('/account')
  } catch (error) {
    showError(error, { email, password }, { EMAIL_TAKEN: 'email', WEAK_PASSWORD: 'password', PASSWORD_TOO_LONG: 'password' })
  }
})
mount('Create an account', parts.form, h('nav', {}, 'Already have an account? ', link('/sign-in', 'Sign in')))
email.input.focus()
