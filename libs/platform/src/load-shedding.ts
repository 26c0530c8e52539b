import { getHeapStatistics } from 'node:v8'
import underPressure from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCodes } from '@gatehouse/schemas'
import type { App } from './server.ts'

export interface LoadSheddingOptions {
  /** Mean event-loop delay, in seconds, above which requests are shed; 0 turns the check off. */
  maxEventLoopDelaySeconds: number
  /** Share of V8's heap limit in use above which requests are shed; 0 turns the check off. */
  maxHeapUsedFraction: number
  /** How often the process is sampled, in ms (tests sample fast). */
  sampleIntervalMs?: number
}

/** Seconds a shed client is told to wait. */
const RETRY_AFTER_SECONDS = 1
/** Never shed: an overloaded process is alive, and an orchestrator must not kill it for being busy. */
const NEVER_SHED = new Set(['/health/live'])

/**
 * Load shedding (@fastify/under-pressure): while the event loop lags or the heap nears its limit,
 * requests get a fast 503 with Retry-After in the shared error shape, instead of queueing until
 * every one of them times out. Readiness is shed too, so the load balancer steers traffic away.
 */
export function registerLoadShedding(app: App, options: LoadSheddingOptions): void {
  void app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelaySeconds * 1000,
    maxHeapUsedBytes: options.maxHeapUsedFraction > 0 ? Math.floor(options.maxHeapUsedFraction * getHeapStatistics().heap_size_limit) : 0,
    ...(options.sampleIntervalMs === undefined ? {} : { sampleInterval: options.sampleIntervalMs }),
    // Typed as returning void, but a returned body is what under-pressure sends (its index.js
    // `handlePressure`); undefined lets the request through.
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply) => {
      if (NEVER_SHED.has(request.url)) return undefined
      void reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS))
      // Readiness keeps its own shape (health.ts), naming the failing check.
      if (request.url === '/health/ready') return { status: 'unavailable', checks: { load: 'unavailable' } }
      return { error: { code: ErrorCodes.SERVICE_UNAVAILABLE, message: 'The service is overloaded; try again shortly', requestId: request.id } }
    }) as unknown as (request: FastifyRequest, reply: FastifyReply) => void,
  })
}
