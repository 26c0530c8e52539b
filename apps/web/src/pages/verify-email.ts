import { post } from '../api.ts'
import { describe, fragmentToken, h, link, mount } from '../dom.ts'

const token = fragmentToken()
const next = h('nav', {}, link('/account', 'Go to your account'))
if (token === undefined) {
  mount('Verify your email', h('p', { class: 'error', role: 'alert' }, 'This link has no verification token. Open the link from the email again.'), next)
} else {
  mount('Verify your email', h('p', { role: 'status' }, 'Checking your link…'))
  post('/auth/email/verify', { token }).then(
    () => mount('Email verified', h('p', { role: 'status' }, 'Thank you: your address is verified.'), next),
    (error: unknown) => mount('Verify your email', h('p', { class: 'error', role: 'alert' }, describe(error)), next),
  )
}
