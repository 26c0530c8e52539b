/**
 * `nx build web`: the hosted pages as static files. esbuild (already the services' bundler)
 * rather than Vite: one page is a few kilobytes of TypeScript, there is no dev server to need,
 * and it adds no dependency. Each page gets its own entry (shared code split into chunks), a
 * content-hashed name so assets can be cached forever, and an HTML shell with no inline script
 * or style, so the strict Content-Security-Policy holds.
 *
 * Usage: node tools/build/web.ts [outdir]   (default dist/apps/web)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '..', '..')
const source = join(root, 'apps', 'web', 'src')

/** Clean URL → title. The gateway serves `/<page>` from `<page>.html`. */
export const PAGES: Record<string, string> = {
  'sign-in': 'Sign in',
  'sign-up': 'Create an account',
  account: 'Your account',
  'forgot-password': 'Forgot your password?',
  'reset-password': 'Choose a new password',
  'verify-email': 'Verify your email',
}

export interface PageSize {
  /** Every script the page loads (entry and its chunks), minified, then gzip. */
  scriptBytes: number
  scriptGzipBytes: number
}

/** The entry and every chunk it loads before running, transitively. */
function staticImports(entry: string, outputs: Record<string, { imports: { path: string; kind: string }[] }>): string[] {
  const seen = new Set<string>([entry])
  for (const file of seen) {
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') seen.add(i.path)
  }
  return [...seen]
}

export async function buildWeb(outdir = join(root, 'dist', 'apps', 'web')): Promise<Record<string, PageSize>> {
  rmSync(outdir, { recursive: true, force: true })
  mkdirSync(outdir, { recursive: true })
  const result = await build({
    entryPoints: [...Object.keys(PAGES).map((page) => join(source, 'pages', `${page}.ts`)), join(source, 'styles.css')],
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari16'],
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  const outputs = result.metafile.outputs
  const entryOf = (file: string): string | undefined => Object.keys(outputs).find((out) => outputs[out]?.entryPoint === relative(root, file))
  const url = (out: string): string => `/assets/${basename(out)}`
  const css = entryOf(join(source, 'styles.css'))
  if (css === undefined) throw new Error('styles.css was not built')
  const sizes: Record<string, PageSize> = {}
  for (const [page, title] of Object.entries(PAGES)) {
    const entry = entryOf(join(source, 'pages', `${page}.ts`))
    if (entry === undefined) throw new Error(`${page} was not built`)
    const scripts = staticImports(entry, outputs)
    const preload = scripts.slice(1).map((chunk) => `<link rel="modulepreload" href="${url(chunk)}">`).join('')
    writeFileSync(join(outdir, `${page}.html`), `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · gatehouse</title><link rel="stylesheet" href="${url(css)}">${preload}<script type="module" src="${url(entry)}"></script></head><body><main><h1>${title}</h1><noscript><p>These pages need JavaScript.</p></noscript></main></body></html>\n`)
    const bytes = scripts.map((file) => readFileSync(join(root, file)))
    sizes[page] = {
      scriptBytes: bytes.reduce((sum, b) => sum + b.length, 0),
      scriptGzipBytes: bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
    }
  }
  writeFileSync(join(outdir, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`)
  return sizes
}

if (import.meta.main) {
  const sizes = await buildWeb(process.argv[2])
  for (const [page, size] of Object.entries(sizes)) {
    process.stdout.write(`${page.padEnd(16)} ${(size.scriptBytes / 1024).toFixed(1)} KiB script, ${(size.scriptGzipBytes / 1024).toFixed(1)} KiB gzip\n`)
  }
}
