import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serviceCommand, type ServiceName } from '@gatehouse/stack'
import { round } from '../load.ts'
import { processEnv, rssMb, spawnUntilReady, startBaseline } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'

export const SERVICES: readonly ServiceName[] = ['identity', 'token', 'gateway']

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return round(sorted[Math.floor(sorted.length / 2)] as number, 1)
}

/**
 * Process start → /health/ready for a second copy of each running service (same command, same
 * configuration, a free port) against a bare Fastify app started and polled the same way.
 */
export async function startupFigures(ctx: BenchContext): Promise<Figure[]> {
  const times = async (start: () => ReturnType<typeof spawnUntilReady>): Promise<number> => {
    const samples: number[] = []
    for (let rep = 0; rep < ctx.reps; rep++) {
      const spawned = await start()
      samples.push(spawned.readyMs)
      await spawned.stop()
    }
    return median(samples)
  }
  ctx.log(`start-up: bare Fastify app, ${ctx.reps}×`)
  const bare = await times(() => startBaseline('bare'))
  const figures: Figure[] = []
  for (const name of SERVICES) {
    ctx.log(`start-up: ${name}, ${ctx.reps}×`)
    const env = processEnv(ctx.stack.services[name]?.child.pid as number)
    const ms = await times(() => spawnUntilReady(serviceCommand(name, ctx.fromDist), env))
    const ratio = ms / bare
    figures.push({
      id: `startup-${name}`,
      title: `${name}: process start → ready (${ctx.fromDist ? 'bundle' : 'sources'})`,
      measured: { ms },
      baseline: { ms: bare },
      ratio,
      ratioOf: 'start-up ÷ bare Fastify start-up',
      goal: '≤ 2×',
      met: ratio <= 2,
    })
  }
  return figures
}

/** Samples every service's RSS while loads run and keeps the highest. */
export function rssSampler(ctx: BenchContext, everyMs = 200): { idle: Record<ServiceName, number>; stop(): Record<ServiceName, number> } {
  const read = (): Record<ServiceName, number> =>
    Object.fromEntries(SERVICES.map((name) => [name, rssMb(ctx.stack.services[name]?.child.pid as number)])) as Record<ServiceName, number>
  const idle = read()
  const peak = { ...idle }
  const timer = setInterval(() => {
    try {
      for (const [name, mb] of Object.entries(read()) as Array<[ServiceName, number]>) peak[name] = Math.max(peak[name], mb)
    } catch {
      // a service exited: the figure that needed it fails on its own
    }
  }, everyMs)
  return { idle, stop: () => { clearInterval(timer); return peak } }
}

export function memoryFigures(idle: Record<ServiceName, number>, peak: Record<ServiceName, number>): Figure[] {
  return SERVICES.map((name) => ({
    id: `rss-${name}`,
    title: `${name}: resident memory, idle / peak under load`,
    measured: { idleMb: idle[name], loadMb: peak[name] },
    goal: '≤ 100 MB idle',
    met: idle[name] <= 100,
  }))
}

/** The esbuild bundles' sizes as `nx build` (tools/build/bundle.ts) wrote them. */
export function bundleFigures(bundleRoot: string): Figure[] {
  return SERVICES.map((name) => {
    const path = join(bundleRoot, 'apps', name, 'sizes.json')
    const sizes = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>) : {}
    const main = Object.entries(sizes).find(([file]) => file.endsWith('main.mjs'))?.[1] ?? 0
    const lambda = Object.entries(sizes).find(([file]) => file.endsWith('lambda.mjs'))?.[1]
    return {
      id: `bundle-${name}`,
      title: `${name}: bundle size`,
      measured: { mainBytes: main, ...(lambda === undefined ? {} : { lambdaBytes: lambda }) },
      goal: 'reported',
      met: null,
    }
  })
}
