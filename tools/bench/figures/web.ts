import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildWeb, PAGES, type PageSize } from '../../build/web.ts'
import type { BenchContext, Figure } from '../types.ts'

const LIMIT_BYTES = 50_000

/**
 * The first page's script (its entry and every chunk it loads before running, minified, gzip 9)
 * from `<bundleRoot>/apps/web/sizes.json`, which tools/build/web.ts writes; built when absent.
 */
export async function webFigure(ctx: BenchContext, bundleRoot: string): Promise<Figure> {
  const outdir = join(bundleRoot, 'apps', 'web')
  const path = join(outdir, 'sizes.json')
  if (!existsSync(path)) {
    ctx.log('building the hosted pages')
    await buildWeb(outdir)
  }
  const sizes = JSON.parse(readFileSync(path, 'utf8')) as Record<string, PageSize>
  const first = Object.keys(PAGES)[0] as string
  const size = sizes[first]
  if (size === undefined) throw new Error(`${path} has no ${first} page`)
  return {
    id: 'web-first-page',
    title: `hosted pages: first page's script (/${first})`,
    measured: { scriptGzipBytes: size.scriptGzipBytes, scriptBytes: size.scriptBytes },
    goal: '≤ 50 KB gzip',
    met: size.scriptGzipBytes <= LIMIT_BYTES,
  }
}
