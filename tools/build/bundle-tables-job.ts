/**
 * `nx build tools`: the table-creation job the compose stack runs once before the services,
 * dist/tools/tables/tables.mjs. Self-contained (the AWS SDK bundled), so its image needs no
 * `npm install` at all. Part of `npm run build`, like the service bundles.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '..', '..')
export const TABLES_JOB_DIR = join(root, 'dist', 'tools', 'tables')

export async function bundleTablesJob(): Promise<Record<string, number>> {
  mkdirSync(TABLES_JOB_DIR, { recursive: true })
  const result = await build({
    entryPoints: { tables: join(root, 'tools', 'deploy', 'tables-job.ts') },
    outdir: TABLES_JOB_DIR,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    minify: true,
    keepNames: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  })
  writeFileSync(join(TABLES_JOB_DIR, 'package.json'), `${JSON.stringify({ name: '@gatehouse/tables-job-dist', private: true, type: 'module' }, null, 2)}\n`)
  const sizes: Record<string, number> = {}
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.mjs')) sizes[relative(root, resolve(file))] = output.bytes
  }
  return sizes
}

if (import.meta.main) {
  for (const [file, bytes] of Object.entries(await bundleTablesJob())) process.stdout.write(`${file}  ${(bytes / 1024).toFixed(1)} KiB\n`)
}
