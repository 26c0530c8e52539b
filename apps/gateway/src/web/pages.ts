import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { App } from '@gatehouse/platform'
import { PAGE_HEADERS } from './page-csp.ts'

/** The clean URLs; `/<page>` is served from `<WEB_ROOT>/<page>.html`. */
export const PAGES = ['sign-in', 'sign-up', 'account', 'forgot-password', 'reset-password', 'verify-email'] as const

/**
 * Serves the built pages (`npm run build` → dist/apps/web) on the gateway's own origin, so the
 * refresh cookie (SameSite=Strict; Path=/auth) and the CSRF guard work with no CORS at all.
 * The HTML shells are read once at start-up; assets carry content hashes and are cached for a
 * year. A gateway without the built folder serves the API only and says so in its log.
 */
export async function registerWebPages(app: App, webRoot: string): Promise<boolean> {
  const root = resolve(webRoot)
  if (!existsSync(join(root, 'sign-in.html'))) {
    app.log.info({ webRoot: root }, 'hosted pages not built (npm run build): serving the API only')
    return false
  }
  const html = Object.fromEntries(PAGES.map((page) => [page, readFileSync(join(root, `${page}.html`))]))
  for (const page of PAGES) {
    app.get(`/${page}`, { schema: { hide: true } }, async (_request, reply) => {
      // HTML is small and changes with every build: revalidate, never cache a stale shell.
      return reply.headers(PAGE_HEADERS).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html[page])
    })
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/sign-in'))
  await app.register(async (assets) => {
    assets.addHook('onSend', async (_request, reply) => { reply.headers(PAGE_HEADERS) })
    await assets.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'ignore',
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
    })
  })
  return true
}
