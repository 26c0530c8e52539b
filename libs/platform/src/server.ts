import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Logger } from 'pino'
import { ErrorResponseSchema } from '@gatehouse/schemas'
import { installErrorHandling } from './error-handler.ts'
import { lazyChildLoggerFactory } from './lazy-child-logger.ts'
import { registerLoadShedding, type LoadSheddingOptions } from './load-shedding.ts'
import { loggerOptions } from './logger.ts'
import { installHttpMetrics } from './metrics/http-metrics.ts'
import { activeTracing } from './tracing/tracing-state.ts'
import type { Metrics } from './metrics/metrics.ts'
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts'

export interface ServerOptions {
  service: string
  logLevel: string
  bodyLimit: number
  /** Tests may pass their own pino instance (e.g. writing to a buffer to assert on log lines). */
  logger?: Logger
  /** Trust X-Forwarded-For from this many proxy hops (the gateway behind a load balancer). */
  trustProxy?: FastifyServerOptions['trustProxy']
  /** Shed load (503 + Retry-After) while the event loop lags or the heap is nearly full. */
  loadShedding?: LoadSheddingOptions
  /** From createMetrics (METRICS_PORT / METRICS_HOST); absent or off: no hooks, no listener. */
  metrics?: Metrics
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/**
 * The Fastify base every service starts from: strict validation (unknown fields and wrong types
 * are errors, never silently dropped or coerced), a request id on every log line and response,
 * redacting logs, the shared error shape, and a small body limit.
 */
export function createServer(options: ServerOptions): App {
  const app = Fastify({
    ...(options.logger === undefined ? { logger: loggerOptions(options.logLevel, options.service) } : { loggerInstance: options.logger as FastifyBaseLogger }),
    bodyLimit: options.bodyLimit,
    genReqId: requestIdFrom,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    childLoggerFactory: lazyChildLoggerFactory,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>()
  // JSON only: text/plain is a CORS "simple" type that a cross-site page can send without a
  // preflight, so accepting it would reopen the CSRF door the gateway's JSON-only rule closes.
  app.removeContentTypeParser('text/plain')
  app.addSchema(ErrorResponseSchema)
  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  installErrorHandling(app)
  if (options.loadShedding !== undefined) registerLoadShedding(app, options.loadShedding)
  if (options.metrics !== undefined) installHttpMetrics(app, options.metrics)
  return app
}

/**
 * Registers @fastify/otel when tracing is on (before any route, so every route is covered) and
 * flushes spans on close; nothing at all when it is off.
 */
export async function instrumentServer(app: App): Promise<void> {
  const tracing = activeTracing()
  if (tracing === undefined) return
  await tracing.registerFastify(app)
  app.addHook('onClose', async () => tracing.flush())
}

export const tracingActive = (): boolean => activeTracing() !== undefined

/** A child span around `task` when tracing is on; otherwise `task` itself, unwrapped. */
export function inSpan<T>(name: string, task: () => Promise<T>): Promise<T> {
  const tracing = activeTracing()
  return tracing === undefined ? task() : tracing.inSpan(name, task)
}
