import { Type } from '@sinclair/typebox'

/**
 * Pieces every service's configuration schema is built from. Keys are the environment variable
 * names themselves, so a validation error names exactly the variable to fix.
 */
export const LogLevelSchema = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
  { default: 'info' },
)

export const PortSchema = (defaultPort: number) => Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort })

/** Common to every service. */
export const BaseConfig = {
  LOG_LEVEL: LogLevelSchema,
  /** Largest request body accepted, in bytes; anything bigger gets 413 before it is parsed. */
  BODY_LIMIT: Type.Integer({ minimum: 256, maximum: 1_048_576, default: 8192 }),
  /** Graceful shutdown: how long in-flight requests get after SIGTERM, in seconds. */
  SHUTDOWN_GRACE_SECONDS: Type.Number({ minimum: 0, maximum: 3600, default: 10 }),
  /** Load shedding: mean event-loop delay (seconds) above which requests get 503 + Retry-After; 0 is off. */
  MAX_EVENT_LOOP_DELAY_SECONDS: Type.Number({ minimum: 0, maximum: 60, default: 1 }),
  /** Load shedding: share of V8's heap limit in use above which requests get 503 + Retry-After; 0 is off. */
  MAX_HEAP_USED_FRACTION: Type.Number({ minimum: 0, maximum: 1, default: 0.95 }),
  /** Prometheus metrics on a listener of their own; unset: off (prom-client is not even loaded). */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Where that listener binds: loopback by default, so only the host's scraper reaches it. */
  METRICS_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
}

/** The load-shedding options of `createServer`, from a service's configuration. */
export const loadSheddingFrom = (config: { MAX_EVENT_LOOP_DELAY_SECONDS: number; MAX_HEAP_USED_FRACTION: number }) => ({
  maxEventLoopDelaySeconds: config.MAX_EVENT_LOOP_DELAY_SECONDS,
  maxHeapUsedFraction: config.MAX_HEAP_USED_FRACTION,
})

/** DynamoDB access for the services that own tables. */
export const DynamoConfig = {
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ format: 'uri', description: 'Unset for AWS; DynamoDB Local URL otherwise' })),
  /** The AWS SDK's own name for the same thing; DYNAMODB_ENDPOINT wins where both are set. */
  AWS_ENDPOINT_URL_DYNAMODB: Type.Optional(Type.String({ format: 'uri' })),
  AWS_REGION: Type.Optional(Type.String({ minLength: 1 })),
  TABLE_PREFIX: Type.String({ default: 'gatehouse-', pattern: '^[A-Za-z0-9_.-]*$', maxLength: 200 }),
}

/**
 * Service clients allowed to call an internal API: `id:secret` pairs separated by commas.
 * Secrets shorter than 16 characters are refused.
 */
export const ServiceClientsSchema = Type.String({
  pattern: '^[A-Za-z0-9_.-]+:[^,:\\s]{16,}(,[A-Za-z0-9_.-]+:[^,:\\s]{16,})*$',
  description: 'Comma-separated client_id:secret pairs (secrets at least 16 characters)',
})

/** Parses a value that passed `ServiceClientsSchema` into id → secret. */
export function parseServiceClients(value: string): Map<string, string> {
  const clients = new Map<string, string>()
  for (const pair of value.split(',')) {
    const at = pair.indexOf(':')
    clients.set(pair.slice(0, at), pair.slice(at + 1))
  }
  return clients
}

/** The services that record security events (identity and token). */
export const SecurityEventsConfig = {
  /** How long a user's security events are kept (the SecurityEvents TTL): 365 days. */
  SECURITY_EVENTS_TTL_SECONDS: Type.Integer({ minimum: 86_400, maximum: 157_680_000, default: 31_536_000 }),
}

/**
 * The admin API's callers (support tooling, the `npm run admin` CLI), on identity and token.
 * Unset: the admin API refuses everyone. Never the same ids as SERVICE_CLIENTS or
 * INTROSPECTION_CLIENTS: a leaked gateway secret must not be able to disable accounts.
 */
export const AdminConfig = {
  ADMIN_CLIENTS: Type.Optional(ServiceClientsSchema),
}
