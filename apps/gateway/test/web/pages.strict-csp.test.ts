import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PAGES } from '../../src/web/pages.ts'
import { buildGateway } from '../helper.ts'

/** A built folder as tools/build/web.ts leaves it: one shell per page, hashed assets. */
function webRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'gateway-web-'))
  mkdirSync(join(root, 'assets'))
  for (const page of PAGES) writeFileSync(join(root, `${page}.html`), `<!doctype html><title>${page}</title><script type="module" src="/assets/${page}-AB12.js"></script>`)
  writeFileSync(join(root, 'assets', 'sign-in-AB12.js'), 'export {}')
  writeFileSync(join(root, 'assets', '.hidden'), 'secret')
  return root
}

t.test('every page answers at its clean URL under the strict CSP', async (t) => {
  const root = webRoot()
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const app = await buildGateway(t, { WEB_ROOT: root })
  for (const page of PAGES) {
    const response = await app.inject({ method: 'GET', url: `/${page}` })
    t.equal(response.statusCode, 200, page)
    t.match(response.headers['content-type'], /^text\/html/)
    t.match(response.headers['content-security-policy'], /^default-src 'none'; script-src 'self'; style-src 'self';/)
    t.match(response.headers['content-security-policy'], /frame-ancestors 'none'/)
    t.equal(response.headers['referrer-policy'], 'no-referrer')
    t.equal(response.headers['cache-control'], 'no-cache', 'a shell is revalidated: a new build shows at once')
    t.match(response.body, page)
  }
  const asset = await app.inject({ method: 'GET', url: '/assets/sign-in-AB12.js' })
  t.equal(asset.statusCode, 200)
  t.match(asset.headers['cache-control'], /immutable/, 'hashed assets are cached for good')
  t.match(asset.headers['content-security-policy'], /default-src 'none'/)
  t.equal(asset.headers['x-content-type-options'], 'nosniff')
  t.equal((await app.inject({ method: 'GET', url: '/assets/.hidden' })).statusCode, 404, 'no dotfile')
  t.equal((await app.inject({ method: 'GET', url: '/assets/../sign-in.html' })).statusCode, 404, 'no way out of the assets folder')
  const home = await app.inject({ method: 'GET', url: '/' })
  t.equal(home.statusCode, 302)
  t.equal(home.headers['location'], '/sign-in')
  const docs = await app.inject({ method: 'GET', url: '/docs/json' })
  t.notOk(Object.keys(JSON.parse(docs.body).paths).some((path: string) => path.startsWith('/sign-in') || path.startsWith('/assets')), 'pages stay out of the API document')
  t.ok(JSON.parse(docs.body).paths['/auth/passkeys/sign-in/verify'], 'the passkey API is in it')
})

t.test('without the built pages the gateway serves the API only', async (t) => {
  const app = await buildGateway(t, { WEB_ROOT: join(tmpdir(), 'no-such-web-root') })
  const page = await app.inject({ method: 'GET', url: '/sign-in' })
  t.equal(page.statusCode, 404)
  t.match(JSON.parse(page.body), { error: { code: 'NOT_FOUND' } })
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
})
