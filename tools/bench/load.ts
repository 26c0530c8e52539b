import autocannon from 'autocannon'
import type { Figure } from './types.ts'

/** One measured side of a figure. Latencies in milliseconds. */
export interface Measurement {
  /** Successful operations per second. */
  perSecond: number
  p50: number
  p99: number
  ok: number
  failed: number
  durationSec: number
}

/** A throughput row: our path against its baseline, met when the ratio reaches `minRatio` (and `extra`). */
export function throughputFigure(row: {
  id: string
  title: string
  service: Measurement
  baseline: Measurement
  ratioOf: string
  goal: string
  minRatio: number
  extra?: boolean
}): Figure {
  const ratio = row.service.perSecond / row.baseline.perSecond
  return {
    id: row.id,
    title: row.title,
    measured: { perSecond: row.service.perSecond, p50: row.service.p50, p99: row.service.p99, failed: row.service.failed },
    baseline: { perSecond: row.baseline.perSecond, p50: row.baseline.p50, p99: row.baseline.p99 },
    ratio,
    ratioOf: row.ratioOf,
    goal: row.goal,
    met: ratio >= row.minRatio && (row.extra ?? true),
  }
}

export interface HttpLoad {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  connections: number
  durationSec: number
  /** Per-request set-up (e.g. the next user, the next refresh cookie). */
  setupRequest?: (request: { headers?: Record<string, string>; body?: string | Buffer }) => { headers?: Record<string, string>; body?: string | Buffer } | undefined
  onResponse?: (status: number, body: string, headers: Record<string, string | string[]>) => void
}

/** autocannon against one loopback URL, closed loop, bounded in time. Only 2xx count as done. */
export async function httpLoad(load: HttpLoad): Promise<Measurement> {
  const url = new URL(load.url)
  if (url.hostname !== '127.0.0.1') throw new Error(`benchmarks target 127.0.0.1 only, not ${url.hostname}`)
  const request: Record<string, unknown> = {
    method: load.method ?? 'GET',
    path: `${url.pathname}${url.search}`,
    ...(load.headers === undefined ? {} : { headers: load.headers }),
    ...(load.body === undefined ? {} : { body: load.body }),
  }
  if (load.setupRequest !== undefined) request['setupRequest'] = load.setupRequest
  if (load.onResponse !== undefined) {
    const onResponse = load.onResponse
    request['onResponse'] = (status: number, body: string, _context: unknown, headers: Record<string, string | string[]>) => onResponse(status, body, headers)
  }
  const result = await autocannon({
    url: url.origin,
    connections: load.connections,
    duration: load.durationSec,
    requests: [request],
    timeout: 30,
  })
  const ok = result['2xx']
  const failed = result.non2xx + result.errors + result.timeouts
  return {
    perSecond: ok / load.durationSec,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failed,
    durationSec: load.durationSec,
  }
}

/**
 * An in-process closed loop: `concurrency` workers each run `op` back to back for `durationSec`,
 * the same shape of load autocannon puts on a server, for baselines that are not HTTP.
 */
export async function loop(op: (worker: number) => Promise<void>, concurrency: number, durationSec: number): Promise<Measurement> {
  const latencies: number[] = []
  let failed = 0
  const started = performance.now()
  const deadline = started + durationSec * 1000
  const worker = async (index: number): Promise<void> => {
    while (performance.now() < deadline) {
      const begun = performance.now()
      try {
        await op(index)
        latencies.push(performance.now() - begun)
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)))
  const elapsed = (performance.now() - started) / 1000
  return { perSecond: latencies.length / elapsed, ...percentiles(latencies), ok: latencies.length, failed, durationSec: elapsed }
}

export function percentiles(values: number[]): { p50: number; p99: number } {
  if (values.length === 0) return { p50: 0, p99: 0 }
  const sorted = Float64Array.from(values).sort()
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number)
  return { p50: at(0.5), p99: at(0.99) }
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits))
