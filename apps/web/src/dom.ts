import { ApiError } from './api.ts'

type Child = Node | string | undefined | false
type Attributes = Record<string, string | boolean | undefined>

/** A tiny element builder: attributes as properties of the tag, no innerHTML anywhere. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : value)
  }
  for (const child of children) if (child !== undefined && child !== false) element.append(child)
  return element
}

export interface Field {
  wrapper: HTMLElement
  input: HTMLInputElement
  setError(message: string | undefined): void
}

/** A labelled input with its own error line, tied to it by aria-describedby. */
export function field(name: string, label: string, type: string, options: { autocomplete?: string; hint?: string; required?: boolean; value?: string } = {}): Field {
  const id = `f-${name}`
  const error = h('p', { class: 'error', id: `${id}-error`, role: 'alert', hidden: true })
  const hint = options.hint === undefined ? undefined : h('p', { class: 'hint', id: `${id}-hint` }, options.hint)
  const input = h('input', {
    id, name, type,
    autocomplete: options.autocomplete,
    required: options.required ?? true,
    value: options.value,
    'aria-describedby': [hint === undefined ? '' : `${id}-hint`, `${id}-error`].join(' ').trim(),
  })
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), input, hint, error)
  return {
    wrapper,
    input,
    setError(message) {
      error.textContent = message ?? ''
      error.hidden = message === undefined
      if (message === undefined) input.removeAttribute('aria-invalid')
      else input.setAttribute('aria-invalid', 'true')
    },
  }
}

export interface FormParts {
  form: HTMLFormElement
  status: HTMLElement
  button: HTMLButtonElement
}

/** A form with named fields, one submit button and a status line for errors no field owns. */
export function form(title: string, fields: Field[], buttonLabel: string, onSubmit: () => Promise<void>): FormParts {
  const status = h('p', { class: 'error', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit' }, buttonLabel)
  const element = h('form', { 'aria-label': title, novalidate: true }, ...fields.map((f) => f.wrapper), status, button)
  element.addEventListener('submit', (event) => {
    event.preventDefault()
    for (const f of fields) f.setError(undefined)
    status.hidden = true
    button.disabled = true
    onSubmit().catch((error: unknown) => {
      const message = describe(error)
      status.textContent = message
      status.hidden = message === ''
    }).finally(() => { button.disabled = false })
  })
  return { form: element, status, button }
}

export class FieldError extends Error {
  readonly field: Field
  constructor(f: Field, message: string) {
    super(message)
    this.field = f
  }
}

/**
 * Shows an API error beside the field it concerns: validation issues name their body property
 * (`/body/email`), and the policy codes map to the field that caused them.
 */
export function showError(error: unknown, fields: Record<string, Field>, byCode: Record<string, string> = {}): never {
  if (error instanceof FieldError) {
    error.field.setError(error.message)
    throw new Handled()
  }
  if (error instanceof ApiError) {
    const issues = (error.details?.['issues'] as { path: string; message: string; property?: string }[] | undefined) ?? []
    let shown = false
    for (const issue of issues) {
      const name = issue.path.replace(/^\/?body\/?/, '').split('/')[0] ?? ''
      const target = fields[name]
      if (target !== undefined) {
        target.setError(`${target.wrapper.querySelector('label')?.textContent ?? name} ${issue.message}`)
        shown = true
      }
    }
    const target = fields[byCode[error.code] ?? '']
    if (target !== undefined) {
      target.setError(error.message)
      shown = true
    }
    if (shown) throw new Handled()
  }
  throw error
}

/** Thrown once an error is already shown beside its field; the form's status line stays empty. */
export class Handled extends Error {}

export function describe(error: unknown): string {
  if (error instanceof Handled) return ''
  if (error instanceof ApiError) return error.message
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.'
  return error instanceof Error ? error.message : 'Something went wrong.'
}

/** Mounts a page into <main>: a heading, then its content. */
export function mount(title: string, ...content: Child[]): void {
  document.title = `${title} · gatehouse`
  const main = document.querySelector('main') ?? document.body.appendChild(h('main'))
  main.replaceChildren(h('h1', {}, title), ...content.filter((c): c is Node | string => c !== undefined && c !== false))
}

export function link(href: string, text: string): HTMLAnchorElement {
  return h('a', { href }, text)
}

/** The token from `#token=…`: the fragment never reaches a server log or a Referer. */
export function fragmentToken(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined
  // Off the address bar, so it is not left in history or shown over a shoulder.
  if (token !== undefined) history.replaceState(null, '', location.pathname)
  return token
}
