import { freePort } from '@gatehouse/dynamo-local'
import { serviceCommand } from '@gatehouse/stack'
import { throughputFigure } from '../load.ts'
import { processEnv, spawnUntilReady } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { introspectionLoad } from './introspection.ts'

/**
 * What metrics cost on the hottest path: the token service's /introspect with METRICS_PORT unset
 * (the stack's own process) and with it set (a second process with exactly that config plus a
 * metrics listener), in the same run, measured in turn so drift on the machine hits both alike.
 */
export async function metricsOverheadFigure(ctx: BenchContext): Promise<Figure> {
  const env = { ...processEnv(ctx.stack.services.token?.child.pid as number), METRICS_PORT: String(await freePort()) }
  const withMetrics = await spawnUntilReady(serviceCommand('token', ctx.fromDist), env)
  try {
    const half = Math.max(1, Math.round(ctx.durationSec / 2))
    ctx.log(`metrics overhead: introspection without and with metrics, ${ctx.connections} connections, in turn`)
    const without = [await introspectionLoad(ctx, ctx.stack.urls.token, half)]
    const metered = [await introspectionLoad(ctx, withMetrics.url, half)]
    without.push(await introspectionLoad(ctx, ctx.stack.urls.token, half))
    metered.push(await introspectionLoad(ctx, withMetrics.url, half))
    const merge = (runs: typeof without) => ({
      ...runs[0]!,
      perSecond: runs.reduce((sum, run) => sum + run.perSecond, 0) / runs.length,
      p50: Math.max(...runs.map((run) => run.p50)),
      p99: Math.max(...runs.map((run) => run.p99)),
      failed: runs.reduce((sum, run) => sum + run.failed, 0),
    })
    return throughputFigure({
      id: 'introspection-metrics',
      title: 'introspection/s with metrics on (METRICS_PORT set)',
      service: merge(metered),
      baseline: merge(without),
      ratioOf: 'with metrics ÷ without',
      goal: 'ratio ≥ 0.95',
      minRatio: 0.95,
    })
  } finally {
    await withMetrics.stop()
  }
}
