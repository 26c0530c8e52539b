import { randomUUID } from 'node:crypto'
import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { createMetrics, createServer, instrumentServer, registerHealthRoutes, REQUEST_ID_HEADER, type App } from '@gatehouse/platform'
import { loadSheddingFrom } from '@gatehouse/schemas'
import { corsOrigins, trustProxy, type GatewayConfig } from './config.ts'
import { createDownstream, type Downstream } from './clients/downstream.ts'
import { createIdentityClient } from './clients/identity-client.ts'
import { createMfaClient } from './clients/mfa-client.ts'
import { createTokenClient } from './clients/token-client.ts'
import { createBearerGuard } from './plugins/bearer-auth.ts'
import { createCsrfGuard } from './plugins/csrf.ts'
import { createDeviceCookie } from './plugins/device-cookie.ts'
import { useJsonOnly } from './plugins/json-body.ts'
import { registerOpenApi } from './plugins/openapi.ts'
import { registerRateLimits } from './plugins/rate-limits.ts'
import { registerSecurityHeaders } from './plugins/security-headers.ts'
import { createRefreshCookie } from './plugins/refresh-cookie.ts'
import { createAuthService } from './services/auth-service.ts'
import { createJwksCache } from './services/jwks-cache.ts'
import { registerAccountRoutes } from './routes/account.ts'
import { registerAuthRoutes } from './routes/auth.ts'
import { registerJwksRoute } from './routes/jwks.ts'
import { createLifecycleClient } from './clients/lifecycle-client.ts'
import { registerAccountDeletionRoute } from './routes/account-deletion.ts'
import { registerEmailRoutes } from './routes/email.ts'
import { registerPasswordResetRoutes } from './routes/password-reset.ts'
import { registerMfaRoutes } from './routes/mfa.ts'
import { createMfaFlows } from './services/mfa-flows.ts'
import { registerWebPages } from './web/pages.ts'
import { createPasskeysClient } from './passkeys/passkeys-client.ts'
import { registerPasskeyRoutes } from './passkeys/routes.ts'

export interface BuildOptions {
  logger?: Logger
}

/** Builds the public gateway; never listens (main.ts does, tests inject). */
export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<App> {
  const hops = trustProxy(config)
  const metrics = await createMetrics({ port: config.METRICS_PORT, host: config.METRICS_HOST, service: 'gateway' })
  const app = createServer({
    metrics,
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT,
    loadShedding: loadSheddingFrom(config),
    // Fastify 5.12 reads a bare hop count as "trust nothing" (it cannot tell a direct client
    // from the proxy), which made every client look like the load balancer and the per-IP limits
    // one shared bucket. The gateway is reachable only through its load balancer, so trust
    // exactly TRUST_PROXY hops, as a function Fastify passes to proxy-addr unchanged.
    trustProxy: hops === false ? false : (_address: string, hop: number) => hop < hops,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  await instrumentServer(app)
  useJsonOnly(app)
  await registerSecurityHeaders(app)
  await app.register(cookie)
  const origins = corsOrigins(config)
  await app.register(cors, {
    origin: origins.length === 0 ? false : origins,
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', REQUEST_ID_HEADER],
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  })
  await registerOpenApi(app, config)

  const redis = config.REDIS_URL === undefined ? undefined : await connectRedis(app, config.REDIS_URL)
  const limits = await registerRateLimits(app, config, redis, metrics)

  const downstream = (name: string, url: string, timeoutMs: number): Downstream => createDownstream({
    name, url, timeoutMs, clientId: config.INTERNAL_CLIENT_ID, clientSecret: config.INTERNAL_CLIENT_SECRET,
  })
  const identityService = downstream('identity', config.IDENTITY_URL, config.IDENTITY_TIMEOUT_SECONDS * 1000)
  const tokenService = downstream('token', config.TOKEN_URL, config.TOKEN_TIMEOUT_SECONDS * 1000)
  app.addHook('onClose', async () => {
    await Promise.all([identityService.close(), tokenService.close(), redis?.quit().catch(() => redis.disconnect())])
  })
  const token = createTokenClient(tokenService)
  const auth = createAuthService({ identity: createIdentityClient(identityService), token })
  const refreshCookie = createRefreshCookie(config.REFRESH_COOKIE_NAME, config.COOKIE_SECURE)

  // RFC 6749 §5.1: token responses must not be cached; nothing under /auth is cacheable anyway.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/auth/')) reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
  })

  const deviceCookie = createDeviceCookie(config.DEVICE_COOKIE_NAME, config.COOKIE_SECURE, config.DEVICE_COOKIE_MAX_AGE_SECONDS)
  const csrf = createCsrfGuard(origins)
  const bearer = createBearerGuard(token)
  registerAuthRoutes(app, { auth, cookie: refreshCookie, deviceCookie, limits, csrf })
  registerAccountRoutes(app, { auth, cookie: refreshCookie, deviceCookie, bearer })
  const lifecycle = createLifecycleClient(identityService)
  registerPasswordResetRoutes(app, { lifecycle, token, limits })
  registerEmailRoutes(app, { lifecycle, token, limits, bearer, deviceCookie })
  registerAccountDeletionRoute(app, { lifecycle, token, cookie: refreshCookie, deviceCookie, bearer })
  registerMfaRoutes(app, { flows: createMfaFlows({ mfa: createMfaClient(identityService), token }), cookie: refreshCookie, deviceCookie, limits, csrf, bearer })
  registerPasskeyRoutes(app, { passkeys: createPasskeysClient(identityService), token, cookie: refreshCookie, deviceCookie, limits, csrf, bearer })
  registerJwksRoute(app, createJwksCache(token, config.JWKS_CACHE_SECONDS), config.JWKS_CACHE_SECONDS)
  await registerWebPages(app, config.WEB_ROOT)

  const ping = (service: Downstream) => async () => {
    const answer = await service.call({ id: randomUUID(), log: app.log }, { method: 'GET', path: '/health/live', anonymous: true })
    if (answer.status !== 200) throw new Error(`${service.name} answered ${answer.status}`)
  }
  registerHealthRoutes(app, { identity: ping(identityService), token: ping(tokenService) })
  return app
}

/**
 * Short timeouts: a slow Redis must not hold requests (the limiter then fails open). The client
 * is loaded only when REDIS_URL is set: a single gateway keeps its limits in memory and need not
 * pay for ioredis (about 50 ms of start-up and several MB resident, measured).
 */
async function connectRedis(app: App, url: string): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { connectTimeout: 2000, commandTimeout: 500, maxRetriesPerRequest: 1, enableAutoPipelining: true })
  redis.on('error', (error: Error) => app.log.warn({ err: { message: error.message } }, 'redis error'))
  return redis
}
