import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { BUNDLE_OPTIONS } from '../../build/bundle.ts'
import { round } from '../load.ts'
import { processEnv } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { SERVICES } from './footprint.ts'

const run = promisify(execFile)

/**
 * One cold init in a fresh `node`: from just before the import of the handler module to its
 * resolution, which (top-level await) includes building the app and app.ready(), as Lambda's init
 * phase does. Node's own start-up is outside the clock, the same for every side.
 */
const INIT = [
  'const started = performance.now()',
  'await import(process.env.BENCH_LAMBDA_MODULE)',
  'process.stdout.write(String(performance.now() - started))',
  'process.exit(0)',
].join('\n')

async function initMs(module: string, env: Record<string, string>, reps: number): Promise<number> {
  const samples: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', INIT], {
      env: { ...env, BENCH_LAMBDA_MODULE: pathToFileURL(module).href },
      timeout: 60_000,
    })
    samples.push(Number(stdout))
  }
  samples.sort((a, b) => a - b)
  return round(samples[Math.floor(samples.length / 2)] as number, 1)
}

/**
 * Each service's Lambda bundle (`<bundleRoot>/apps/<svc>/lambda.mjs`, with the running service's
 * configuration) against a bare Fastify Lambda (tools/bench/bare-lambda.ts) bundled the same way.
 */
export async function lambdaInitFigures(ctx: BenchContext, bundleRoot: string): Promise<Figure[]> {
  const reps = ctx.reps > 1 ? 3 : 1
  const bareDir = mkdtempSync(join(tmpdir(), 'gatehouse-bare-lambda-'))
  try {
    await build({ ...BUNDLE_OPTIONS, entryPoints: { 'bare-lambda': join(import.meta.dirname, '..', 'bare-lambda.ts') }, outdir: bareDir })
    ctx.log(`lambda init: bare Fastify Lambda, ${reps}×`)
    const bare = await initMs(join(bareDir, 'bare-lambda.mjs'), { PATH: process.env['PATH'] ?? '' }, reps)
    const figures: Figure[] = []
    for (const name of SERVICES) {
      ctx.log(`lambda init: ${name}, ${reps}×`)
      const env = processEnv(ctx.stack.services[name]?.child.pid as number)
      const ms = await initMs(join(bundleRoot, 'apps', name, 'lambda.mjs'), env, reps)
      figures.push({
        id: `lambda-init-${name}`,
        title: `${name}: Lambda cold init (module load + build)`,
        measured: { ms },
        baseline: { ms: bare },
        ratio: ms / bare,
        ratioOf: 'init ÷ bare Fastify Lambda init',
        goal: '≤ 1.5×',
        met: ms / bare <= 1.5,
        note: `median of ${reps} fresh processes each`,
      })
    }
    return figures
  } finally {
    rmSync(bareDir, { recursive: true, force: true })
  }
}
