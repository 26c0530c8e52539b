import { Type, type Static } from '@sinclair/typebox'
import { AdminConfig, BaseConfig, DynamoConfig, SecurityEventsConfig, PortSchema, ServiceClientsSchema } from '@gatehouse/schemas'

export const TokenConfigSchema = Type.Object({
  ...BaseConfig,
  ...DynamoConfig,
  ...SecurityEventsConfig,
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: PortSchema(3002),
  /** Internal callers with full access (`id:secret,…`); the gateway is one of them. */
  SERVICE_CLIENTS: ServiceClientsSchema,
  /** Resource servers that may call /introspect and nothing else (`id:secret,…`). */
  INTROSPECTION_CLIENTS: Type.Optional(ServiceClientsSchema),
  ...AdminConfig,
  /** The private JWK set as JSON; or SIGNING_KEYS_FILE, a path to it. Exactly one of the two. */
  SIGNING_KEYS: Type.Optional(Type.String({ minLength: 2 })),
  SIGNING_KEYS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'http://localhost:3000' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'gatehouse' }),
  /** RFC 9700 §4.14 / BCP: short access tokens bound how long a stolen one is useful. */
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, maximum: 31_536_000, default: 2_592_000 }),
  /** Absolute cap on a session, however often it refreshes. */
  SESSION_MAX_LIFETIME_SECONDS: Type.Integer({ minimum: 300, maximum: 31_536_000, default: 7_776_000 }),
  /**
   * Active sessions a user may hold; a sign-in past it ends the oldest (`session_limit`). Bounds
   * every per-user listing; 100 is far above what a person uses (phones, browsers, TVs).
   */
  MAX_SESSIONS_PER_USER: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  /** How long a rotated refresh token still yields the same successor (concurrent tabs, retries). */
  REFRESH_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 120, default: 10 }),
  /** How long an instance may trust a cached session state, in seconds; below 1 so revocation shows within 1 s. */
  SESSION_CACHE_SECONDS: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.5 }),
})
export type TokenConfig = Static<typeof TokenConfigSchema>
