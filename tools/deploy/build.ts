/**
 * Everything the container images need, in dist/: the three service bundles (tools/build/bundle.ts)
 * and the table-creation job. Run before `docker build` / `docker compose build`:
 *   node tools/deploy/build.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { bundleApp } from '../build/bundle.ts'

const root = join(import.meta.dirname, '..', '..')
export const APPS = ['identity', 'token', 'gateway'] as const
export const TABLES_JOB_DIR = join(root, 'dist', 'tools', 'tables')

/** dist/tools/tables/tables.mjs: self-contained (the AWS SDK bundled), so its image needs no npm install. */
export async function bundleTablesJob(): Promise<Record<string, number>> {
  mkdirSync(TABLES_JOB_DIR, { recursive: true })
  const result = await build({
    entryPoints: { tables: join(import.meta.dirname, 'tables-job.ts') },
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

export async function buildDeployArtifacts(): Promise<Record<string, number>> {
  const sizes = await Promise.all([...APPS.map((app) => bundleApp(`apps/${app}`)), bundleTablesJob()])
  return Object.assign({}, ...sizes) as Record<string, number>
}

if (import.meta.main) {
  const sizes = await buildDeployArtifacts()
  for (const [file, bytes] of Object.entries(sizes)) process.stdout.write(`${file}  ${(bytes / 1024).toFixed(1)} KiB\n`)
}
