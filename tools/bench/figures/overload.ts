import { Pool } from 'undici'
import { percentiles, round, type Measurement } from '../load.ts'
import { rssMb } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { SERVICES } from './footprint.ts'
import { introspectionLoad } from './introspection.ts'

interface Burst {
  sent: number
  ok: number
  /** 503 carrying Retry-After, and their latencies (ms). */
  shed: number[]
  /** Anything else: another status, a 503 without Retry-After, an error. */
  other: number
  /** The 503s by their error message: which guard turned them away (bcrypt line, load shedding, a timeout). */
  shedBy: Map<string, number>
}

/**
 * Open loop: sign-ins are sent at `rate` per second whatever the answers, as a crowd (or a
 * credential-stuffing run) does, unlike autocannon's closed loop, which slows down with the server.
 */
async function burst(ctx: BenchContext, rate: number, seconds: number): Promise<Burst> {
  const pool = new Pool(ctx.stack.urls.gateway, { connections: Math.min(1024, Math.ceil(rate * 6) + 16) })
  const result: Burst = { sent: 0, ok: 0, shed: [], other: 0, shedBy: new Map() }
  const pending: Promise<void>[] = []
  const send = (email: string): Promise<void> => {
    const begun = performance.now()
    return pool.request({ method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: ctx.password }), headersTimeout: 30_000, bodyTimeout: 30_000 })
      .then(async (response) => {
        const text = await response.body.text()
        if (response.statusCode === 200) result.ok++
        else if (response.statusCode === 503 && response.headers['retry-after'] !== undefined) {
          result.shed.push(performance.now() - begun)
          const message = messageOf(text)
          result.shedBy.set(message, (result.shedBy.get(message) ?? 0) + 1)
        } else result.other++
      }, () => { result.other++ })
  }
  const started = performance.now()
  const total = Math.round(rate * seconds)
  try {
    while (result.sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
      while (result.sent < due) pending.push(send(ctx.emails[result.sent++ % ctx.emails.length] as string))
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    await Promise.all(pending)
  } finally {
    await pool.close()
  }
  return result
}

function messageOf(body: string): string {
  try {
    return String((JSON.parse(body) as { error?: { message?: unknown } }).error?.message ?? 'no message')
  } catch {
    return 'not JSON'
  }
}

async function allReady(ctx: BenchContext): Promise<string[]> {
  const down: string[] = []
  for (const name of SERVICES) {
    try {
      const response = await fetch(`${ctx.stack.urls[name]}/health/ready`, { signal: AbortSignal.timeout(5000) })
      await response.arrayBuffer()
      if (response.status !== 200) down.push(`${name} ${response.status}`)
    } catch (error) {
      down.push(`${name} ${(error as Error).message}`)
    }
  }
  return down
}

/**
 * Sign-ins at four times the sustainable rate (what the login figure measured): the excess must
 * get a fast 503 with Retry-After (identity's bounded bcrypt queue), introspection must keep its
 * tail, identity must give its memory back, and every service must still be ready after.
 */
export async function overloadFigures(ctx: BenchContext, sustainable: Measurement): Promise<Figure[]> {
  const seconds = ctx.reps > 1 ? 5 : Math.max(1, Math.min(2, ctx.durationSec))
  const rate = Math.max(4, 4 * sustainable.perSecond)
  const identityPid = ctx.stack.services.identity?.child.pid as number
  ctx.log(`overload: introspection unloaded, ${seconds} s`)
  const unloaded = await introspectionLoad(ctx, ctx.stack.urls.token, seconds)
  const rssBefore = rssMb(identityPid)
  ctx.log(`overload: sign-ins at ${rate.toFixed(1)}/s (4× ${sustainable.perSecond.toFixed(1)}/s) for ${seconds} s, introspection beside them`)
  const [sent, loaded] = await Promise.all([burst(ctx, rate, seconds), introspectionLoad(ctx, ctx.stack.urls.token, seconds)])
  // The queue has drained once every answer is in; a moment more for the heap to settle.
  await new Promise((resolve) => setTimeout(resolve, ctx.reps > 1 ? 2000 : 500))
  const rssAfter = rssMb(identityPid)
  const down = await allReady(ctx)
  const shed = percentiles(sent.shed)
  const shedShare = sent.shed.length / Math.max(1, sent.sent)
  const p99Ratio = Math.max(loaded.p99, 1) / Math.max(unloaded.p99, 1)
  return [
    {
      id: 'overload',
      title: `sign-in burst at 4× the sustainable rate (${seconds} s, open loop)`,
      measured: { offeredPerSecond: round(rate, 1), okPerSecond: round(sent.ok / seconds, 1), shedPct: round(shedShare * 100, 1), p50: shed.p50, p99: shed.p99, failed: sent.other },
      baseline: { perSecond: sustainable.perSecond },
      goal: 'excess: 503 + Retry-After, p50 ≤ 100 ms; nothing else fails; all ready after',
      met: sent.other === 0 && sent.shed.length > 0 && shed.p50 <= 100 && down.length === 0,
      note: `${sent.sent} sent: ${sent.ok} signed in, ${sent.shed.length} answered 503 with Retry-After (latencies above are theirs${sent.shedBy.size === 0 ? '' : `; ${[...sent.shedBy].map(([message, count]) => `${count}× "${message}"`).join(', ')}`}), ${sent.other} other${down.length === 0 ? '; every service ready after' : `; not ready after: ${down.join(', ')}`}`,
    },
    {
      id: 'overload-introspection',
      title: 'introspection p99 during the sign-in burst',
      measured: { p99: loaded.p99, p50: loaded.p50, perSecond: loaded.perSecond },
      baseline: { p99: unloaded.p99, p50: unloaded.p50, perSecond: unloaded.perSecond },
      ratio: p99Ratio,
      ratioOf: 'p99 during the burst ÷ p99 unloaded',
      goal: '≤ 2×',
      met: p99Ratio <= 2,
    },
    {
      id: 'overload-rss',
      title: 'identity resident memory after the burst',
      measured: { afterMb: rssAfter },
      baseline: { beforeMb: rssBefore },
      ratio: rssAfter / rssBefore,
      ratioOf: 'RSS after ÷ before',
      goal: '≤ 1.1 (within 10 %)',
      met: rssAfter / rssBefore <= 1.1 && down.length === 0,
    },
  ]
}
