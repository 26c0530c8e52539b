/**
 * `nx build resource-server`: the kit other teams install, and the Lambda authorizer.
 * - `dist/libs/resource-server/`: JavaScript and .d.ts from tsc, with a package.json whose
 *   exports point at them (the workspace one points at the .ts sources), ready for `npm pack`.
 * - `dist/authorizer/authorizer.mjs`: one self-contained ESM bundle exporting `handler`.
 *
 * Usage: node tools/build/resource-server.ts [--out DIR]   (DIR defaults to dist/)
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const root = join(import.meta.dirname, '..', '..')
const project = join(root, 'libs', 'resource-server')

/** Emits the package into `<outRoot>/libs/resource-server`; returns that folder. */
export function buildPackage(outRoot = join(root, 'dist')): string {
  const outDir = join(outRoot, 'libs', 'resource-server')
  rmSync(outDir, { recursive: true, force: true })
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(project, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' })
  // tsc rewrites `./x.ts` to `./x.js` in JavaScript but not in declarations; consumers need .js.
  for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.d.ts'))) {
    const path = join(outDir, file)
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'))
  }
  const source = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown> & { exports: Record<string, string> }
  const exports = Object.fromEntries(Object.entries(source.exports).map(([name, file]) => {
    const base = file.replace(/^\.\/src\//, './').replace(/\.ts$/, '')
    return [name, { types: `${base}.d.ts`, default: `${base}.js` }]
  }))
  const { exports: _sourceExports, ...rest } = source
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ ...rest, exports, files: ['**/*.js', '**/*.d.ts', 'README.md'] }, null, 2)}\n`)
  cpSync(join(project, 'README.md'), join(outDir, 'README.md'))
  return outDir
}

/** Bundles the authorizer into `<outRoot>/authorizer/authorizer.mjs`; returns its size in bytes. */
export async function buildAuthorizer(outRoot = join(root, 'dist')): Promise<number> {
  const outDir = join(outRoot, 'authorizer')
  mkdirSync(outDir, { recursive: true })
  const result = await build({
    entryPoints: { authorizer: join(project, 'src', 'lambda', 'handler.ts') },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Lambda Node runtime still supported; the bundle runs on 22 and 24 alike.
    target: 'node22',
    outExtension: { '.js': '.mjs' },
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  })
  const bytes = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('authorizer.mjs'))?.[1].bytes ?? 0
  writeFileSync(join(outDir, 'sizes.json'), `${JSON.stringify({ 'authorizer.mjs': bytes }, null, 2)}\n`)
  return bytes
}

if (import.meta.main) {
  const flag = process.argv.indexOf('--out')
  const outRoot = flag === -1 ? join(root, 'dist') : (process.argv[flag + 1] as string)
  const outDir = buildPackage(outRoot)
  const bytes = await buildAuthorizer(outRoot)
  process.stdout.write(`${outDir}\n${join(outRoot, 'authorizer', 'authorizer.mjs')}  ${(bytes / 1024).toFixed(1)} KiB\n`)
}
