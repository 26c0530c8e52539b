import type { App } from '@gatehouse/platform'

/**
 * The public API speaks JSON only: the text/plain parser is removed (a cross-site HTML form can
 * send text/plain without a CORS preflight), and an empty `application/json` body reads as `{}`
 * so `fetch('/auth/refresh', {method: 'POST', headers: {'content-type': 'application/json'}})`
 * works. Prototype-poisoning keys are refused by Fastify's own parser.
 */
export function useJsonOnly(app: App): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString()
    if (text.trim() === '') {
      done(null, {})
      return
    }
    parse(request, text, done)
  })
}
