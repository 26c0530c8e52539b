import { Type, type Static } from '@sinclair/typebox'
import { MailConfig } from '@gatehouse/mail'
import { AdminConfig, BaseConfig, DynamoConfig, SecurityEventsConfig, PortSchema, ScopeSchema, ServiceClientsSchema } from '@gatehouse/schemas'

export const IdentityConfigSchema = Type.Object({
  ...BaseConfig,
  ...DynamoConfig,
  ...SecurityEventsConfig,
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: PortSchema(3001),
  /** Internal callers allowed in (`id:secret,…`); the gateway is one of them. */
  SERVICE_CLIENTS: ServiceClientsSchema,
  ...AdminConfig,
  /** bcrypt work factor: 12 in production (about 250 ms a hash on one core); tests use 4. */
  BCRYPT_COST: Type.Integer({ minimum: 4, maximum: 15, default: 12 }),
  /**
   * bcrypt hashes and compares running at once (more wait in line); unset: the cores available.
   * Lower it where identity shares a host with latency-sensitive services.
   */
  BCRYPT_CONCURRENCY: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  /**
   * bcrypt hashes and compares allowed to wait for a turn; one more is refused at once with 503
   * and Retry-After, so a credential-stuffing burst cannot grow a line every real login dies in.
   */
  BCRYPT_QUEUE_MAX: Type.Integer({ minimum: 0, maximum: 10_000, default: 32 }),
  /**
   * Longest wait for a bcrypt turn, in seconds (decimals allowed); past it the work is dropped
   * unrun with 503. Below the gateway's identity timeout, so nobody waits for an answer already abandoned.
   */
  BCRYPT_QUEUE_TIMEOUT_SECONDS: Type.Number({ minimum: 0.05, maximum: 60, default: 3 }),
  /**
   * Nice value for libuv's worker threads, where bcrypt runs (Linux): above 0, request handling
   * on the host comes before bcrypt, which gets the cycles left. 0 leaves them as they are.
   */
  BCRYPT_THREAD_NICE: Type.Integer({ minimum: 0, maximum: 19, default: 10 }),
  /** Scope every new user is given; verify-credentials returns it for the token service. */
  DEFAULT_SCOPE: { ...ScopeSchema, default: 'openid profile' },
  /** Consecutive failed logins allowed before the account's login is throttled. */
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** First lock window in seconds; each further failure doubles it. */
  LOGIN_LOCK_BASE_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 1 }),
  /** Longest lock window in seconds: the lock is never permanent (15 minutes). */
  LOGIN_LOCK_MAX_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  /** How long a failure count is remembered after the last attempt (DynamoDB TTL cleans up). */
  LOGIN_ATTEMPTS_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 86_400 }),
  /**
   * How long a device (the gateway's device cookie) stays trusted for an account after its last
   * successful login there; a trusted device has its own failure counter (180 days).
   */
  LOGIN_DEVICE_TRUST_SECONDS: Type.Integer({ minimum: 3600, maximum: 63_072_000, default: 15_552_000 }),
  /**
   * Refuse sign-in (403 EMAIL_NOT_VERIFIED, said only after the password checked out) until the
   * address is verified. Off by default: a consumer app loses sign-ups that must stop at the
   * mailbox before first use (docs/decisions.md); a deployment that needs proven addresses turns it on.
   */
  REQUIRE_VERIFIED_EMAIL: Type.Boolean({ default: false }),
  /**
   * Sign-up answers 202 with one body whether or not the address has an account; the owner of a
   * taken address is mailed instead of a second account being made. Off by default (409 for a
   * taken address: docs/decisions.md says why and when to turn it on).
   */
  SIGNUP_ENUMERATION_SAFE: Type.Boolean({ default: false }),
  ...MailConfig,
  /**
   * `on`: identity delivers the outbox itself (containers, npm start). `off`: it only enqueues, and
   * the mail-worker Lambda (dist/apps/identity/mail-worker.mjs) delivers.
   */
  MAIL_WORKER: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** How often the in-process worker looks for due mail (it is also woken by every enqueue). */
  MAIL_POLL_SECONDS: Type.Number({ minimum: 0.05, maximum: 300, default: 5 }),
  /** Delivery attempts before a mail is parked (kept, logged, no longer retried). */
  MAIL_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 12 }),
  /** First retry delay; doubles with each failure (with jitter) up to MAIL_RETRY_MAX_SECONDS. */
  MAIL_RETRY_BASE_SECONDS: Type.Number({ minimum: 0.01, maximum: 3600, default: 10 }),
  MAIL_RETRY_MAX_SECONDS: Type.Number({ minimum: 0.01, maximum: 86_400, default: 1800 }),
  /** How long a password-reset link works. */
  PASSWORD_RESET_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 1800 }),
  /** How long an email verification (or email change) link works. */
  EMAIL_VERIFICATION_TTL_SECONDS: Type.Integer({ minimum: 300, maximum: 604_800, default: 86_400 }),
  /** SES API endpoint override (a local emulator); unset for AWS. */
  SES_ENDPOINT: Type.Optional(Type.String({ format: 'uri' })),
  /**
   * Keys sealing TOTP secrets and keying recovery-code digests: `id:key,…`, each key 32 random
   * bytes in base64url; the first is active, the others still open what they sealed (rotation).
   * Held in a KMS-encrypted secret store in production (docs/decisions.md), never in the database.
   */
  MFA_ENCRYPTION_KEYS: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43})*$' }),
  /** The issuer an authenticator app shows next to the account. */
  MFA_TOTP_ISSUER: Type.String({ minLength: 1, maxLength: 64, default: 'gatehouse' }),
  /** How long an mfaToken (the sign-in step after the password) lives. */
  MFA_TICKET_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 900, default: 300 }),
  /** Codes one mfaToken may try before it is dead (each also counts on the login throttle). */
  MFA_TICKET_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 5 }),
  /**
   * `on`: a completed sign-in from a device new to the account (its device cookie not trusted
   * there) mails the owner a notice, through the outbox; `off`: no such mail (the activity list
   * still records `newDevice`).
   */
  NEW_DEVICE_SIGNIN_NOTICE: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** How long a started TOTP enrolment waits for its confirming code. */
  MFA_SETUP_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  /** WebAuthn relying party id: the registrable domain of the pages' origin (no scheme, no port). */
  WEBAUTHN_RP_ID: Type.String({ default: 'localhost', pattern: '^[a-z0-9.-]+$' }),
  /** The name authenticators show beside the passkey. */
  WEBAUTHN_RP_NAME: Type.String({ default: 'gatehouse', minLength: 1, maxLength: 64 }),
  /** Comma-separated origins a passkey ceremony may come from (the hosted pages' origin). */
  WEBAUTHN_ORIGINS: Type.String({ default: 'http://localhost:3000', pattern: '^https?://[^,\\s]+(,https?://[^,\\s]+)*$' }),
  /** How long a registration or sign-in challenge stays usable (once). */
  WEBAUTHN_CHALLENGE_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 600, default: 300 }),
  /** Passkeys one account may hold: keeps the per-user listing bounded. */
  PASSKEYS_MAX_PER_USER: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
})
export type IdentityConfig = Static<typeof IdentityConfigSchema>
