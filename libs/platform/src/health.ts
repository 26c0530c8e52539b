import { Type } from '@sinclair/typebox'
import type { App } from './server.ts'

export type ReadinessCheck = () => Promise<void>

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
})

/**
 * `/health/live`: the process runs. `/health/ready`: every dependency this instance needs
 * answers (each check bounded by a timeout), so a load balancer sends it traffic. Failing checks
 * are named but never described: their errors go to the log.
 */
export function registerHealthRoutes(app: App, checks: Record<string, ReadinessCheck>, timeoutMs = 2000): void {
  // Probes arrive every few seconds: log them only when something is wrong, never more than the
  // service's own level allows (a `silent` service stays silent).
  const quiet = ['fatal', 'error', 'silent'] as const
  const logLevel = quiet.find((level) => level === app.log.level) ?? 'warn'
  app.get('/health/live', { logLevel, schema: { hide: true, response: { 200: HealthSchema } } }, async () => ({ status: 'ok' as const }))
  app.get('/health/ready', { logLevel, schema: { hide: true, response: { 200: HealthSchema, 503: HealthSchema } } }, async (request, reply) => {
    const results: Record<string, string> = {}
    await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs)
        results[name] = 'ok'
      } catch (error) {
        request.log.warn({ check: name, err: error }, 'readiness check failed')
        results[name] = 'unavailable'
      }
    }))
    const ready = Object.values(results).every((result) => result === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: results })
  })
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
