/**
 * The kit leaves the monorepo: `npm run build`'s output is packed (`npm pack`), installed into an
 * empty project outside the repository, and used from plain JavaScript, together with the
 * authorizer bundle `dist/authorizer/authorizer.mjs`.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..', '..', '..')
const work = mkdtempSync(join(tmpdir(), 'gatehouse-rs-pack-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })

t.test('the packed tarball installs into a plain project and works from JavaScript', async (t) => {
  const out = join(work, 'dist')
  run(process.execPath, [join(root, 'tools', 'build', 'resource-server.ts'), '--out', out], root)
  const packageDir = join(out, 'libs', 'resource-server')
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  t.same(Object.keys(manifest.dependencies).sort(), ['fastify-plugin', 'jose'], 'it lists its own dependencies')
  t.match(manifest.exports['.'], { types: './index.d.ts', default: './index.js' })
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], packageDir).trim().split('\n').pop() as string
  const listing = run('tar', ['-tzf', join(work, tarball)], work)
  t.match(listing, /package\/index\.d\.ts/, 'type declarations are in the tarball')
  t.same(listing.split('\n').filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')), [], 'no TypeScript sources')

  const consumer = join(work, 'consumer')
  run('mkdir', ['-p', consumer], work)
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  // --prefer-offline: the dependencies come from the npm cache this repository's install filled.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, tarball)], consumer)
  copyFileSync(join(import.meta.dirname, 'fixtures', 'consumer.mjs'), join(consumer, 'consumer.mjs'))
  const bundle = pathToFileURL(join(out, 'authorizer', 'authorizer.mjs')).href
  const result = JSON.parse(run(process.execPath, ['consumer.mjs', bundle], consumer))
  t.same(result, {
    sub: 'user-1',
    scopes: ['openid', 'orders:read'],
    refused: 'invalid_token',
    lambda: { isAuthorized: true, context: { sub: 'user-1', scope: 'openid orders:read', sid: 's1' } },
    bundledType: 'function',
    bundledEffect: 'Allow',
  })
})
