import { Type, type Static } from '@sinclair/typebox'
import { BaseConfig, PortSchema } from '@gatehouse/schemas'

const OriginList = '(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)'

export const GatewayConfigSchema = Type.Object({
  ...BaseConfig,
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: PortSchema(3000),
  IDENTITY_URL: Type.String({ default: 'http://127.0.0.1:3001', pattern: '^https?://[^/\\s]+/?$' }),
  TOKEN_URL: Type.String({ default: 'http://127.0.0.1:3002', pattern: '^https?://[^/\\s]+/?$' }),
  /** The gateway's service credentials, accepted by both identity and token (their SERVICE_CLIENTS). */
  INTERNAL_CLIENT_ID: Type.String({ default: 'gateway', pattern: '^[A-Za-z0-9_.-]+$' }),
  INTERNAL_CLIENT_SECRET: Type.String({ minLength: 16 }),
  /** Identity runs bcrypt at cost 12 (about 250 ms) and may queue under load, so it gets longer. */
  IDENTITY_TIMEOUT_SECONDS: Type.Number({ minimum: 0.05, maximum: 60, default: 5 }),
  TOKEN_TIMEOUT_SECONDS: Type.Number({ minimum: 0.05, maximum: 60, default: 1.5 }),
  /**
   * Not `__Host-` prefixed: that prefix demands Path=/, and the refresh token must only travel
   * to /auth (refresh and logout), never to every request.
   */
  REFRESH_COOKIE_NAME: Type.String({ default: 'gh_refresh', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  /**
   * Long-lived random device id, sent to identity with every login so a device that signed in to
   * an account before is never locked out by strangers' failed guesses (OWASP device cookies).
   */
  DEVICE_COOKIE_NAME: Type.String({ default: 'gh_device', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  DEVICE_COOKIE_MAX_AGE_SECONDS: Type.Integer({ minimum: 86_400, maximum: 63_072_000, default: 31_536_000 }),
  /** `false` only for plain-HTTP local development; browsers drop Secure cookies over http. */
  COOKIE_SECURE: Type.Boolean({ default: true }),
  /** Comma-separated origins (scheme://host[:port]) allowed cross-origin with credentials; empty: none. */
  CORS_ORIGINS: Type.String({ default: '', pattern: `^(${OriginList}(,${OriginList})*)?$` }),
  /** Proxy hops whose X-Forwarded-For is trusted (the load balancer); `false` trusts none. */
  TRUST_PROXY: Type.String({ default: 'false', pattern: '^(false|[1-9][0-9]?)$' }),
  RATE_LIMIT_GLOBAL_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /** Window of the login and register limits below. */
  RATE_LIMIT_AUTH_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /** Window of the limits on endpoints that send mail (forgot-password, resend verification). */
  RATE_LIMIT_MAIL_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 3600 }),
  /** Mail-sending requests per window per client IP. */
  RATE_LIMIT_MAIL_PER_IP: Type.Integer({ minimum: 1, default: 20 }),
  /** Mail-sending requests per window per address (forgot-password) or per account (resend). */
  RATE_LIMIT_MAIL_PER_ADDRESS: Type.Integer({ minimum: 1, default: 3 }),
  RATE_LIMIT_LOGIN_PER_IP: Type.Integer({ minimum: 1, default: 50 }),
  RATE_LIMIT_LOGIN_PER_EMAIL: Type.Integer({ minimum: 1, default: 10 }),
  RATE_LIMIT_REGISTER_PER_IP: Type.Integer({ minimum: 1, default: 20 }),
  RATE_LIMIT_REGISTER_PER_EMAIL: Type.Integer({ minimum: 1, default: 5 }),
  /** Rate-limit counters in Redis, shared by every gateway instance; unset keeps them in memory. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** The built hosted pages (`npm run build`); a folder without them leaves the gateway API-only. */
  WEB_ROOT: Type.String({ default: 'dist/apps/web', minLength: 1 }),
  /** How long the JWKS fetched from the token service is reused (and advertised as max-age). */
  JWKS_CACHE_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
})
export type GatewayConfig = Static<typeof GatewayConfigSchema>

export function corsOrigins(config: GatewayConfig): string[] {
  return config.CORS_ORIGINS === '' ? [] : config.CORS_ORIGINS.split(',')
}

export function trustProxy(config: GatewayConfig): false | number {
  return config.TRUST_PROXY === 'false' ? false : Number(config.TRUST_PROXY)
}
