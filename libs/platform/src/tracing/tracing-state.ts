import type { FastifyInstance } from 'fastify'

/** What the rest of the platform needs once tracing is on; undefined (the default) means off. */
export interface ActiveTracing {
  /** @fastify/otel's plugin: a request span per request, child spans per hook and handler. */
  registerFastify(app: FastifyInstance): Promise<void>
  /** Runs `task` inside a child span of the active one. */
  inSpan<T>(name: string, task: () => Promise<T>): Promise<T>
  /** `{traceId, spanId}` of the active span, for log lines. */
  ids(): { traceId: string; spanId: string } | undefined
  flush(): Promise<void>
}

let active: ActiveTracing | undefined

export const activeTracing = (): ActiveTracing | undefined => active
export function setActiveTracing(tracing: ActiveTracing): void {
  active = tracing
}
