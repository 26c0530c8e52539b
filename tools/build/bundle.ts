/**
 * `nx build <app>`: one self-contained ESM bundle per entry point (the container's `main` and the
 * Lambda `lambda` handler), with only the native bcrypt addon left outside, so an image or a
 * Lambda package needs `bcrypt` and nothing else from npm.
 *
 * Usage: node tools/build/bundle.ts apps/<name>
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, relative } from 'node:path'
import { build, type BuildOptions } from 'esbuild'

const root = join(import.meta.dirname, '..', '..')
export const EXTERNAL = ['bcrypt']

/**
 * Files a dependency reads from disk at run time, which a bundle cannot inline: copied next to
 * the bundle. @fastify/swagger-ui serves its UI (and reads its logo) from its `static` folder.
 */
const ASSETS: Record<string, { package: string; folder: string }[]> = {
  gateway: [{ package: '@fastify/swagger-ui', folder: 'static' }],
}

function copyAssets(name: string, outdir: string): void {
  const require = createRequire(join(root, 'apps', name, 'package.json'))
  for (const asset of ASSETS[name] ?? []) {
    const source = join(dirname(require.resolve(`${asset.package}/package.json`)), asset.folder)
    cpSync(source, join(outdir, asset.folder), { recursive: true })
  }
}

/** How every server bundle is built (the benchmark's bare Lambda too, so the two compare alike). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  external: EXTERNAL,
  sourcemap: 'linked',
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require() and read __dirname.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
  },
} satisfies BuildOptions

/** Bundles into `<outRoot>/<projectRoot>`; dist/ unless a caller (the benchmark's smoke run) wants its own. */
export async function bundleApp(projectRoot: string, outRoot = join(root, 'dist')): Promise<Record<string, number>> {
  const name = basename(projectRoot)
  const outdir = join(outRoot, projectRoot)
  mkdirSync(outdir, { recursive: true })
  // Output name → source file; the mail worker Lambda is bundled as `mail-worker.mjs`.
  const named: Record<string, string> = { main: 'main', lambda: 'lambda', 'mail-worker': 'mail-worker-lambda' }
  const entries = Object.entries(named).filter(([, source]) => existsSync(join(root, projectRoot, 'src', `${source}.ts`)))
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: Object.fromEntries(entries.map(([output, source]) => [output, join(root, projectRoot, 'src', `${source}.ts`)])),
    outdir,
    metafile: true,
  })
  const sizes: Record<string, number> = {}
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.mjs')) sizes[relative(root, file)] = output.bytes
  }
  copyAssets(name, outdir)
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ name: `@gatehouse/${name}-dist`, private: true, type: 'module', dependencies: { bcrypt: '6.0.0' } }, null, 2)}\n`)
  writeFileSync(join(outdir, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`)
  return sizes
}

if (import.meta.main) {
  const projectRoot = process.argv[2]
  if (projectRoot === undefined) {
    process.stderr.write('usage: node tools/build/bundle.ts apps/<name>\n')
    process.exit(2)
  }
  const sizes = await bundleApp(projectRoot)
  for (const [file, bytes] of Object.entries(sizes)) process.stdout.write(`${file}  ${(bytes / 1024).toFixed(1)} KiB\n`)
}
