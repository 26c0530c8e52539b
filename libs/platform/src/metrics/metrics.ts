import type { Registry } from 'prom-client'

/** One counter child per label value, bound once: `signIns.success.inc()` allocates nothing. */
export type BoundCounters<V extends string> = Readonly<Record<V, { inc(value?: number): void }>>
export type BoundHistograms<V extends string> = Readonly<Record<V, { observe(value: number): void }>>

/**
 * What services count and time. Label values are closed lists given up front (outcomes, limit
 * names, operations), so no email, IP, user id or token can ever become a label. With metrics off
 * every instrument is one shared no-op and prom-client is never loaded.
 */
export interface Metrics {
  readonly enabled: boolean
  counters<V extends string>(name: string, help: string, label: string, values: readonly V[]): BoundCounters<V>
  histograms<V extends string>(name: string, help: string, label: string, values: readonly V[], buckets?: number[]): BoundHistograms<V>
  /** A value read when scraped (queue depths). */
  gauge(name: string, help: string, read: () => number): void
  /**
   * Values per label read when scraped, possibly with I/O (the outbox depth counts index items).
   * A failed read leaves the series out of that scrape rather than failing the whole page.
   */
  gauges<V extends string>(name: string, help: string, label: string, values: readonly V[], read: () => Promise<Record<V, number>>): void
  /** For the listener; undefined when off. */
  readonly registry: Registry | undefined
  /** Per-route HTTP histogram; undefined when off (then no hook is installed at all). */
  readonly observeRequest: ((method: string, route: string, status: number, seconds: number) => void) | undefined
  /** Where the listener goes (METRICS_HOST, METRICS_PORT). */
  readonly listen: { host: string; port: number } | undefined
}

const NOOP = { inc: () => {}, observe: () => {} }
const noopRecord = <V extends string>(values: readonly V[]) => Object.fromEntries(values.map((value) => [value, NOOP])) as Record<V, typeof NOOP>

export const disabledMetrics: Metrics = {
  enabled: false,
  counters: (_name, _help, _label, values) => noopRecord(values),
  histograms: (_name, _help, _label, values) => noopRecord(values),
  gauge: () => {},
  gauges: () => {},
  registry: undefined,
  observeRequest: undefined,
  listen: undefined,
}

export interface MetricsOptions {
  /** METRICS_PORT: unset, metrics are off. */
  port?: number | undefined
  host: string
  service: string
}

/** Seconds buckets for request and DynamoDB latency: 1 ms to 5 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** Loads prom-client only when metrics are on; one registry per app (tests build several). */
export async function createMetrics(options: MetricsOptions): Promise<Metrics> {
  if (options.port === undefined) return disabledMetrics
  const prom = await import('prom-client')
  const registry = new prom.Registry()
  registry.setDefaultLabels({ service: options.service })
  // Process (CPU, memory, handles, GC) and event-loop lag and utilisation.
  prom.collectDefaultMetrics({ register: registry })
  const requests = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code (count: rate; status >= 500: errors)',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  return {
    enabled: true,
    registry,
    listen: { host: options.host, port: options.port },
    observeRequest: (method, route, status, seconds) => requests.labels(method, route, String(status)).observe(seconds),
    counters(name, help, label, values) {
      const counter = new prom.Counter({ name, help, labelNames: [label], registers: [registry] })
      // Every series exists from the start at 0, so a rate() alarm sees the first event too.
      for (const value of values) counter.inc({ [label]: value }, 0)
      return Object.fromEntries(values.map((value) => [value, counter.labels(value)])) as never
    },
    histograms(name, help, label, values, buckets = LATENCY_BUCKETS) {
      const histogram = new prom.Histogram({ name, help, labelNames: [label], buckets, registers: [registry] })
      for (const value of values) histogram.zero({ [label]: value })
      return Object.fromEntries(values.map((value) => [value, histogram.labels(value)])) as never
    },
    gauge(name, help, read) {
      new prom.Gauge({ name, help, registers: [registry], collect() { this.set(read()) } })
    },
    gauges(name, help, label, values, read) {
      new prom.Gauge({
        name, help, labelNames: [label], registers: [registry],
        async collect() {
          this.reset()
          let counts: Record<string, number>
          try { counts = await read() } catch { return }
          for (const value of values) this.set({ [label]: value }, counts[value] ?? 0)
        },
      })
    },
  }
}
