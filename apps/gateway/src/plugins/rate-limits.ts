import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { Redis } from 'ioredis'
import { AppError, type App, type Metrics } from '@gatehouse/platform'
import { ErrorCodes, normalizeEmail } from '@gatehouse/schemas'
import type { GatewayConfig } from '../config.ts'
import { DEVICE_ID } from './device-cookie.ts'
import './bearer-auth.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>
type PreParsingHook = <P>(request: FastifyRequest, reply: FastifyReply, payload: P) => Promise<P>

export interface AuthLimits {
  /**
   * preParsing: per client IP, before the body is read, and after the global limit (an onRequest
   * hook), so the stricter limit's numbers are the ones in the headers.
   */
  loginPerIp: PreParsingHook
  /** preHandler: per normalised email and client IP, after validation. */
  loginPerEmail: Hook
  registerPerIp: PreParsingHook
  registerPerEmail: Hook
  /** Endpoints that send mail: per client IP (before parsing), per address in the body, per signed-in account. */
  mailPerIp: PreParsingHook
  mailPerEmail: Hook
  mailPerAccount: Hook
}

function tooMany(seconds: number): AppError {
  return new AppError(429, ErrorCodes.RATE_LIMITED, `Too many requests; retry in ${seconds} seconds`, {
    details: { retryAfterSeconds: seconds },
    headers: { 'retry-after': String(seconds) },
  })
}

/** Emails are hashed in counter keys so Redis never holds a list of addresses. */
const emailKey = (email: string): string => createHash('sha256').update(normalizeEmail(email)).digest('base64url')
const emailAndIpKey = (email: string, ip: string): string =>
  createHash('sha256').update(`${normalizeEmail(email)}\n${normalizeIP(ip)}`).digest('base64url')

/**
 * A global per-IP limit on every route, and stricter limits on login and register per IP and
 * per normalised email (OWASP ASVS V2.2.1: anti-automation against credential stuffing and
 * account enumeration). Counters are in memory, or in Redis when given one, so every gateway
 * instance counts against the same limits.
 *
 * Login's per-email limit is keyed on email + client IP: keyed on the email alone, anyone who
 * knows an address could spend its budget from anywhere and lock the owner out, again every
 * window. Per email + IP it still stops one source hammering one account, the per-IP limit stops
 * one source spraying many, and identity's per-account throttle (which spares the owner's trusted
 * devices) bounds guessing spread over many addresses. Register stays per email: an existing
 * account cannot be registered again anyway, so nobody is locked out of anything.
 */
/** The limits by name, as `gatehouse_rate_limit_refusals_total{limit}` labels them. */
const LIMITS = ['global', 'login-ip', 'login-email-ip', 'register-ip', 'register-email', 'mail-ip', 'mail-email', 'mail-account'] as const
type LimitName = (typeof LIMITS)[number]

export async function registerRateLimits(app: App, config: GatewayConfig, redis: Redis | undefined, metrics: Metrics): Promise<AuthLimits> {
  const refusals = metrics.counters('gatehouse_rate_limit_refusals_total', 'Requests refused by a gateway rate limit, by limit', 'limit', LIMITS)
  await app.register(rateLimit, {
    global: false,
    max: config.RATE_LIMIT_GLOBAL_PER_MINUTE,
    timeWindow: 60_000,
    nameSpace: 'gatehouse-rl:',
    ...(redis === undefined ? {} : { redis }),
    // Redis down: fail open rather than refuse every request; identity's per-account lockout
    // still stops password guessing.
    skipOnError: true,
    allowList: (request) => request.url.startsWith('/health/'),
    errorResponseBuilder: (_request, context) => {
      refusals.global.inc()
      return tooMany(Math.max(1, Math.ceil(context.ttl / 1000)))
    },
  })
  // An application-wide hook rather than the plugin's per-route one: it runs before every route's
  // own hooks, so a flood of bad bearer tokens is limited before each costs an introspection.
  app.addHook('onRequest', app.rateLimit())

  const windowMs = config.RATE_LIMIT_AUTH_WINDOW_SECONDS * 1000
  const limiter = (name: LimitName, max: number, key: (request: FastifyRequest) => string, timeWindow = windowMs): Hook => {
    const check = app.createRateLimit({ max, timeWindow, keyGenerator: (request) => `${name}:${key(request)}` })
    return async (request, reply) => {
      const result = await check(request)
      if (result.isAllowed || result.max === undefined) return
      // Several limits apply to one request: the headers describe the one closest to running out.
      const shown = reply.getHeader('x-ratelimit-remaining')
      if (shown === undefined || Number(shown) >= (result.remaining ?? 0) || result.isExceeded) {
        reply.header('x-ratelimit-limit', result.max)
        reply.header('x-ratelimit-remaining', result.remaining)
        reply.header('x-ratelimit-reset', result.ttlInSeconds)
      }
      if (result.isExceeded) {
        refusals[name].inc()
        throw tooMany(Math.max(1, result.ttlInSeconds ?? 1))
      }
    }
  }
  const byIp = (request: FastifyRequest): string => normalizeIP(request.ip)
  const mailWindowMs = config.RATE_LIMIT_MAIL_WINDOW_SECONDS * 1000
  // Runs after the bearer guard, which set the principal.
  const byAccount = (request: FastifyRequest): string => request.principal?.userId ?? normalizeIP(request.ip)
  const byEmail = (request: FastifyRequest): string => emailKey((request.body as { email: string }).email)
  // A browser holding a device cookie gets a bucket of its own, so a stranger behind the same
  // carrier NAT cannot spend the owner's: a forged cookie buys only a bucket still bounded by the
  // per-IP limit and by identity's per-account throttle (which the cookie does not lift unless trusted).
  const byEmailAndIp = (request: FastifyRequest): string => {
    const key = emailAndIpKey((request.body as { email: string }).email, request.ip)
    const device = request.cookies[config.DEVICE_COOKIE_NAME]
    return device !== undefined && DEVICE_ID.test(device) ? `${key}#${createHash('sha256').update(device).digest('base64url')}` : key
  }
  const beforeParsing = (hook: Hook): PreParsingHook => async (request, reply, payload) => {
    await hook(request, reply)
    return payload
  }
  return {
    loginPerIp: beforeParsing(limiter('login-ip', config.RATE_LIMIT_LOGIN_PER_IP, byIp)),
    loginPerEmail: limiter('login-email-ip', config.RATE_LIMIT_LOGIN_PER_EMAIL, byEmailAndIp),
    registerPerIp: beforeParsing(limiter('register-ip', config.RATE_LIMIT_REGISTER_PER_IP, byIp)),
    registerPerEmail: limiter('register-email', config.RATE_LIMIT_REGISTER_PER_EMAIL, byEmail),
    // Few per hour: each one puts a mail in someone's inbox (and costs a send).
    mailPerIp: beforeParsing(limiter('mail-ip', config.RATE_LIMIT_MAIL_PER_IP, byIp, mailWindowMs)),
    mailPerEmail: limiter('mail-email', config.RATE_LIMIT_MAIL_PER_ADDRESS, byEmail, mailWindowMs),
    mailPerAccount: limiter('mail-account', config.RATE_LIMIT_MAIL_PER_ADDRESS, byAccount, mailWindowMs),
  }
}
