import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import type { KeyRing } from '@gatehouse/crypto'
import { createDynamoClients, createSecurityEventsRepository, tableNames } from '@gatehouse/dynamo'
import { createAdminAuth, createMetrics, createServer, instrumentServer, dynamoObserver, registerHealthRoutes, type App } from '@gatehouse/platform'
import { loadSheddingFrom } from '@gatehouse/schemas'
import type { Logger } from 'pino'
import type { TokenConfig } from './config.ts'
import { registerTokenAdminRoutes } from './admin/admin-routes.ts'
import { createClientAuth } from './plugins/client-auth.ts'
import { createRefreshTokensRepository } from './repositories/refresh-tokens-repository.ts'
import { createSessionsRepository } from './repositories/sessions-repository.ts'
import { createTokenTransactions } from './repositories/token-transactions.ts'
import { introspectRoutes } from './routes/introspect.ts'
import { registerJwksRoute } from './routes/jwks.ts'
import { registerSessionRoutes } from './routes/sessions.ts'
import { registerUserSessionRoutes } from './routes/user-sessions.ts'
import { createAccessTokens } from './services/access-tokens.ts'
import { systemClock, type Clock } from './services/clock.ts'
import { createIntrospectionService } from './services/introspection-service.ts'
import { createRefreshService } from './services/refresh-service.ts'
import type { TokenServiceDeps } from './services/token-deps.ts'
import { createTokenMetrics } from './services/token-metrics.ts'
import { createSessionService } from './services/session-service.ts'
import { createSessionStateCache } from './services/session-state-cache.ts'
import { loadKeyRing } from './signing-keys.ts'

export interface BuildOptions {
  logger?: Logger
  /** Tests move time with this; production uses the system clock. */
  clock?: Clock
  /** Tests may hand over an already-built key ring instead of SIGNING_KEYS. */
  keyRing?: KeyRing
}

/** Builds the token service; never listens (main.ts does, tests inject). */
export async function buildApp(config: TokenConfig, options: BuildOptions = {}): Promise<App> {
  const auth = createClientAuth(config.SERVICE_CLIENTS, config.INTROSPECTION_CLIENTS)
  // The admin API's own credentials: service and introspection clients are unknown there (401).
  const authenticateAdmin = createAdminAuth(config.ADMIN_CLIENTS, { SERVICE_CLIENTS: config.SERVICE_CLIENTS, INTROSPECTION_CLIENTS: config.INTROSPECTION_CLIENTS })
  const keyRing = options.keyRing ?? (await loadKeyRing(config))
  const clock = options.clock ?? systemClock
  const metrics = await createMetrics({ port: config.METRICS_PORT, host: config.METRICS_HOST, service: 'token' })
  const app = createServer({
    service: 'token',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT,
    loadShedding: loadSheddingFrom(config),
    metrics,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  await instrumentServer(app)
  const observe = dynamoObserver(metrics)
  const dynamo = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, ...(observe === undefined ? {} : { observe }) })
  app.addHook('onClose', async () => {
    // A revoke-all that answered before its walk ended finishes first (its writes need the client).
    await sessionService.drain()
    dynamo.destroy()
  })
  const tables = tableNames(config.TABLE_PREFIX)

  const sessions = createSessionsRepository(dynamo.doc, tables.Sessions)
  const refreshTokens = createRefreshTokensRepository(dynamo.doc, tables.RefreshTokens)
  const transactions = createTokenTransactions(dynamo.doc, { sessions: tables.Sessions, refreshTokens: tables.RefreshTokens })
  const accessTokens = createAccessTokens({
    keyRing,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSec: config.ACCESS_TOKEN_TTL_SECONDS,
  })
  const sessionCache = createSessionStateCache({ load: (sessionId, userId) => sessions.getForUser(sessionId, userId), ttlMs: config.SESSION_CACHE_SECONDS * 1000, clock })
  const events = createSecurityEventsRepository(dynamo.doc, tables.SecurityEvents, { ttlSeconds: config.SECURITY_EVENTS_TTL_SECONDS, now: clock })
  const common: TokenServiceDeps = { sessions, refreshTokens, transactions, accessTokens, sessionCache, clock, events, metrics: createTokenMetrics(metrics), refreshTtlSec: config.REFRESH_TOKEN_TTL_SECONDS }
  const sessionService = createSessionService({ ...common, sessionMaxLifetimeSec: config.SESSION_MAX_LIFETIME_SECONDS, maxSessionsPerUser: config.MAX_SESSIONS_PER_USER, ...(config.AWS_REGION === undefined ? {} : { region: config.AWS_REGION }) })
  const refreshService = createRefreshService({ ...common, graceSec: config.REFRESH_GRACE_SECONDS })
  const introspection = createIntrospectionService({ accessTokens, sessionCache, clock })

  registerHealthRoutes(app, {
    dynamodb: async () => {
      await dynamo.client.send(new DescribeTableCommand({ TableName: tables.Sessions }))
    },
  })
  registerJwksRoute(app, keyRing)
  registerSessionRoutes(app, { auth, sessionService, refreshService })
  registerUserSessionRoutes(app, { auth, sessionService })
  await app.register(introspectRoutes, { auth, introspection })
  await app.register(async (admin) => {
    admin.addHook('onRequest', authenticateAdmin)
    registerTokenAdminRoutes(admin, { sessionService, events })
  })
  return app
}
