/** One mail as a template renders it: the same words in plain text and in HTML. */
export interface RenderedMail {
  subject: string
  text: string
  html: string
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)
}

export interface MailBody {
  subject: string
  /** Paragraphs, plain text (escaped for the HTML part). */
  paragraphs: string[]
  /** A button-like link, shown in both parts; the URL carries any token in its fragment. */
  action?: { label: string; url: string }
  /** Paragraphs after the link. */
  footer?: string[]
}

/** Composes both parts from one description, so the text and HTML bodies cannot say different things. */
export function render(body: MailBody): RenderedMail {
  const footer = body.footer ?? []
  const text = [
    ...body.paragraphs,
    ...(body.action === undefined ? [] : [`${body.action.label}:\n${body.action.url}`]),
    ...footer,
  ].join('\n\n') + '\n'
  const paragraph = (line: string) => `<p>${escapeHtml(line)}</p>`
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...body.paragraphs.map(paragraph),
    ...(body.action === undefined ? [] : [`<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.label)}</a></p>`,
      `<p style="font-size:smaller">${escapeHtml(body.action.url)}</p>`]),
    ...footer.map(paragraph),
    '</body></html>',
  ].join('\n')
  return { subject: body.subject, text, html }
}
