import { samplerFromEnv } from './sampler-from-env.ts'
import { activeTracing, setActiveTracing } from './tracing-state.ts'

/**
 * The AWS SDK instrumentation patches `Client.prototype.send` of `@smithy/core/client` when its
 * module hook sees that file load from node_modules. In an esbuild bundle (`dist/`, the images and
 * the Lambda packages) the SDK is inlined and no hook sees anything load, so hand the
 * instrumentation the very class the DynamoDB client extends (the bundle resolves this import to
 * the same inlined module) and let it apply its own patch. From source the hook has already
 * wrapped `send` by the time this import returns, and the check keeps it from wrapping twice.
 */
async function patchInlinedSmithyClient(
  aws: { getModuleDefinitions(): Array<{ files: Array<{ name: string; patch(moduleExports: unknown, moduleVersion?: string): unknown }> }> },
  isWrapped: (fn: unknown) => boolean,
): Promise<void> {
  const [client, manifest] = await Promise.all([import('@smithy/core/client'), import('@smithy/core/package.json', { with: { type: 'json' } })])
  if (isWrapped(client.Client.prototype.send)) return
  const file = aws.getModuleDefinitions().flatMap((definition) => definition.files).find((candidate) => candidate.name.startsWith('@smithy/core/'))
  if (file === undefined) throw new Error('@opentelemetry/instrumentation-aws-sdk no longer patches @smithy/core: DynamoDB spans would be missing from the bundles')
  file.patch(client, manifest.default.version)
}

/** On when an OTLP endpoint is configured, unless OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none says otherwise. */
export function tracingWanted(env: Record<string, string | undefined>): boolean {
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT']
  return endpoint !== undefined && endpoint !== '' && env['OTEL_SDK_DISABLED'] !== 'true' && env['OTEL_TRACES_EXPORTER'] !== 'none'
}

const numberFrom = (value: string | undefined): number | undefined => (value === undefined || value === '' || !Number.isFinite(Number(value)) ? undefined : Number(value))

/**
 * OpenTelemetry tracing, configured only by the standard OTEL_* variables (endpoint, protocol
 * `http/protobuf` or `http/json`, service name and resource attributes, sampler, batch sizes).
 * Unset, nothing is loaded: no SDK, no instrumentation, no cost. main.ts calls this before it
 * imports the app, so the AWS SDK instrumentation is in place before the SDK is loaded; undici's
 * reports through diagnostics_channel and @fastify/otel is a plugin, so neither depends on order.
 */
export async function startTracing(service: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (activeTracing() !== undefined) return true
  if (!tracingWanted(env)) return false
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? 'http/protobuf'
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; use http/protobuf or http/json (an ADOT or OpenTelemetry collector accepts both)`)
  }
  const [api, core, sdk, resources, contextHooks, instrumentation, undici, awsSdk, fastifyOtel, exporterModule] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-aws-sdk'),
    import('@fastify/otel'),
    protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ])
  // Endpoint, headers and timeout come from OTEL_EXPORTER_OTLP_* (the exporter reads them itself).
  const exporter = new exporterModule.OTLPTraceExporter()
  const batch = {
    ...(numberFrom(env['OTEL_BSP_SCHEDULE_DELAY']) === undefined ? {} : { scheduledDelayMillis: numberFrom(env['OTEL_BSP_SCHEDULE_DELAY'])! }),
    ...(numberFrom(env['OTEL_BSP_MAX_QUEUE_SIZE']) === undefined ? {} : { maxQueueSize: numberFrom(env['OTEL_BSP_MAX_QUEUE_SIZE'])! }),
    ...(numberFrom(env['OTEL_BSP_MAX_EXPORT_BATCH_SIZE']) === undefined ? {} : { maxExportBatchSize: numberFrom(env['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'])! }),
    ...(numberFrom(env['OTEL_BSP_EXPORT_TIMEOUT']) === undefined ? {} : { exportTimeoutMillis: numberFrom(env['OTEL_BSP_EXPORT_TIMEOUT'])! }),
  }
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the built-in name.
  const resource = resources.resourceFromAttributes({ 'service.name': `gatehouse-${service}` })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
  const provider = new sdk.TracerProvider({
    resource,
    sampler: samplerFromEnv(sdk, env),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, ...batch })],
  })
  api.context.setGlobalContextManager(new contextHooks.AsyncLocalStorageContextManager().enable())
  // W3C traceparent/tracestate (https://www.w3.org/TR/trace-context/) on every outgoing call.
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator())
  api.trace.setGlobalTracerProvider(provider)
  const fastify = new fastifyOtel.FastifyOtelInstrumentation({ registerOnInitialization: false })
  const aws = new awsSdk.AwsInstrumentation({ suppressInternalInstrumentation: true })
  instrumentation.registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new undici.UndiciInstrumentation(), aws, fastify],
  })
  await patchInlinedSmithyClient(aws, instrumentation.isWrapped)
  const tracer = api.trace.getTracer('gatehouse')
  setActiveTracing({
    registerFastify: async (app) => { await app.register(fastify.plugin()) },
    inSpan: (name, task) => tracer.startActiveSpan(name, async (span) => {
      try {
        return await task()
      } catch (error) {
        span.setStatus({ code: api.SpanStatusCode.ERROR })
        throw error
      } finally {
        span.end()
      }
    }),
    ids: () => {
      const context = api.trace.getActiveSpan()?.spanContext()
      return context === undefined ? undefined : { traceId: context.traceId, spanId: context.spanId }
    },
    flush: () => provider.forceFlush(),
  })
  return true
}
