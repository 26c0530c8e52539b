import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { createPasswordHasher, type BcryptImpl, type PasswordHasher } from '@gatehouse/crypto'
import { createDynamoClients, createSecurityEventsRepository, createUsersRepository, tableNames } from '@gatehouse/dynamo'
import { createMetrics, createServer, inSpan, instrumentServer, tracingActive, createAdminAuth, createServiceAuth, dynamoObserver, registerHealthRoutes, type App, type Metrics } from '@gatehouse/platform'
import { loadSheddingFrom, parseServiceClients } from '@gatehouse/schemas'
import type { MailTransport } from '@gatehouse/mail'
import type { Logger } from 'pino'
import type { IdentityConfig } from './config.ts'
import { createLoginAttemptsRepository } from './repositories/login-attempts-repository.ts'
import { loadCommonPasswords } from './services/common-passwords.ts'
import { busyAsUnavailable } from './services/busy-hasher.ts'
import { createIdentityMetrics } from './services/identity-metrics.ts'
import { createLoginThrottle } from './services/login-throttle.ts'
import { lowerThreadPoolPriority } from './services/thread-pool-priority.ts'
import { createPasswordPolicy } from './services/password-policy.ts'
import { createUserService, emailNotVerified } from './services/user-service.ts'
import { createSignInCompletion } from './services/sign-in-completion.ts'
import { registerActivityRoutes } from './activity/activity-routes.ts'
import { registerAdminRoutes } from './admin/admin-routes.ts'
import { createAdminService } from './admin/admin-service.ts'
import { registerCredentialRoutes } from './routes/credentials.ts'
import { registerUserRoutes } from './routes/users.ts'
import { setUpMail, type MailSetup } from './mail/setup.ts'
import { createAccountDeletion } from './lifecycle/account-deletion.ts'
import { createEmailChange } from './lifecycle/email-change.ts'
import { createEmailVerification } from './lifecycle/email-verification.ts'
import { createOneTimeTokensRepository } from './lifecycle/one-time-tokens-repository.ts'
import { createPasswordReset } from './lifecycle/password-reset.ts'
import { registerLifecycleRoutes } from './lifecycle/routes.ts'
import { createFactorsRepository } from './mfa/factors-repository.ts'
import { createLoginStep } from './mfa/login-step.ts'
import { createMfaKeys } from './mfa/mfa-keys.ts'
import { createFactorNotices } from './mfa/notices.ts'
import { createMfaService } from './mfa/mfa-service.ts'
import { createReauthentication } from './mfa/reauthenticate.ts'
import { registerMfaRoutes } from './mfa/routes.ts'
import { createSecondFactor } from './mfa/second-factor.ts'
import { createTicketsRepository } from './mfa/tickets-repository.ts'
import { createChallengesRepository } from './passkeys/challenges-repository.ts'
import { createPasskeyService } from './passkeys/passkey-service.ts'
import { createPasskeysRepository } from './passkeys/passkeys-repository.ts'
import { registerPasskeyRoutes, type PasskeySignedIn } from './passkeys/routes.ts'

export interface BuildOptions {
  logger?: Logger
  /** Epoch milliseconds; tests move time to walk through lock windows. */
  now?: () => number
  /** A bcrypt implementation for the configured cost (tests count compares). */
  bcrypt?: BcryptImpl
  /** A whole hasher, overriding BCRYPT_COST and `bcrypt`. */
  hasher?: PasswordHasher
  /** A mail transport instead of the configured one (the SMTP one is real in tests too). */
  mailTransport?: MailTransport
  /** In [0, 1): the mail back-off jitter (tests pin it). */
  random?: () => number
}

export interface Identity {
  app: App
  /** The outbox, the notice API other features call, and the worker when this process delivers. */
  mail: MailSetup
}

/** Builds the identity service; never listens (main.ts does, tests inject). */
export async function buildApp(config: IdentityConfig, options: BuildOptions = {}): Promise<App> {
  return (await buildIdentity(config, options)).app
}

/** The identity service and its mail parts (tests drive the worker; the mail-worker Lambda reuses them). */
export async function buildIdentity(config: IdentityConfig, options: BuildOptions = {}): Promise<Identity> {
  const metrics = await createMetrics({ port: config.METRICS_PORT, host: config.METRICS_HOST, service: 'identity' })
  const app = createServer({
    service: 'identity',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT,
    loadShedding: loadSheddingFrom(config),
    metrics,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  await instrumentServer(app)
  const observe = dynamoObserver(metrics)
  const dynamo = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, ...(observe === undefined ? {} : { observe }) })
  const tables = tableNames(config.TABLE_PREFIX)
  const now = options.now ?? Date.now

  const hasher = busyAsUnavailable(options.hasher ?? createPasswordHasher({
    cost: config.BCRYPT_COST,
    ...bcryptQueueMetrics(metrics),
    ...(tracingActive() ? { span: inSpan } : {}),
    ...(config.BCRYPT_CONCURRENCY === undefined ? {} : { maxConcurrency: config.BCRYPT_CONCURRENCY }),
    maxQueue: config.BCRYPT_QUEUE_MAX,
    maxWaitMs: config.BCRYPT_QUEUE_TIMEOUT_SECONDS * 1000,
    ...(options.bcrypt === undefined ? {} : { impl: options.bcrypt }),
  }))
  // The dummy hash for unknown emails is started now, not on the first unknown email, whose answer
  // would otherwise take one extra hash and stand out. Readiness does not wait for it (one hash
  // at the configured cost, tens of ms): a login arriving earlier awaits the same promise.
  app.addHook('onReady', async () => {
    hasher.prepareDummy()
      // The hash has run on libuv's pool, so its worker threads exist (and carry their names) now.
      .then(() => { if (config.BCRYPT_THREAD_NICE > 0) lowerThreadPoolPriority(config.BCRYPT_THREAD_NICE) })
      .catch((error: unknown) => app.log.error({ err: error }, 'dummy password hash failed'))
  })

  const users = createUsersRepository(dynamo.doc, tables.Users)
  const mail = setUpMail({
    config,
    doc: dynamo.doc,
    outboxTable: tables.MailOutbox,
    users,
    log: app.log,
    now,
    deliver: config.MAIL_WORKER === 'on',
    metrics,
    ...(options.mailTransport === undefined ? {} : { transport: options.mailTransport }),
    ...(options.random === undefined ? {} : { random: options.random }),
  })
  // The worker polls only once the app is up, and stops (finishing the mail in hand) before the
  // DynamoDB client goes away.
  app.addHook('onReady', async () => {
    mail.worker?.start(config.MAIL_POLL_SECONDS)
    mail.worker?.kick()
  })
  app.addHook('onClose', async () => {
    await mail.close()
    dynamo.destroy()
  })

  const events = createSecurityEventsRepository(dynamo.doc, tables.SecurityEvents, { ttlSeconds: config.SECURITY_EVENTS_TTL_SECONDS, now })
  const tokens = createOneTimeTokensRepository(dynamo.doc, tables.OneTimeTokens, now)
  const verification = createEmailVerification({ users, usersTable: tables.Users, tokens, notices: mail.notices, verifyTtlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS, now })
  const policy = createPasswordPolicy(loadCommonPasswords())
  const throttle = createLoginThrottle({
    attempts: createLoginAttemptsRepository(dynamo.doc, tables.LoginAttempts),
    now,
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockBaseSeconds: config.LOGIN_LOCK_BASE_SECONDS,
    lockMaxSeconds: config.LOGIN_LOCK_MAX_SECONDS,
    ttlSeconds: config.LOGIN_ATTEMPTS_TTL_SECONDS,
    deviceTrustSeconds: config.LOGIN_DEVICE_TRUST_SECONDS,
  })
  const factors = createFactorsRepository(dynamo.doc, tables.Factors)
  const keys = createMfaKeys(config.MFA_ENCRYPTION_KEYS)
  const notices = createFactorNotices(mail.notices, app.log)
  const secondFactor = createSecondFactor({ factors, keys, now, onRecoveryCodeUsed: notices.recoveryCodeUsed })
  const identityMetrics = createIdentityMetrics(metrics)
  const signedIn = createSignInCompletion({ events, users, notices: mail.notices, newDeviceNotice: config.NEW_DEVICE_SIGNIN_NOTICE === 'on', now, log: app.log, counted: () => identityMetrics.signIns.success.inc() })
  const findUser = async (userId: string) => {
    const user = await users.getById(userId)
    return user === undefined ? undefined : { email: user.email, scope: user.scope, disabled: user.disabledAt !== undefined, emailVerified: user.emailVerified === true }
  }
  const passkeys = createPasskeyService({
    passkeys: createPasskeysRepository(dynamo.doc, tables.Passkeys),
    challenges: createChallengesRepository(dynamo.doc, tables.WebAuthnChallenges),
    findUser,
    config: {
      rpId: config.WEBAUTHN_RP_ID,
      rpName: config.WEBAUTHN_RP_NAME,
      origins: config.WEBAUTHN_ORIGINS.split(','),
      challengeTtlSeconds: config.WEBAUTHN_CHALLENGE_TTL_SECONDS,
      maxPerUser: config.PASSKEYS_MAX_PER_USER,
    },
    now,
    notify: { added: notices.passkeyAdded, removed: notices.passkeyRemoved },
  })
  const loginStep = createLoginStep({
    tickets: createTicketsRepository(dynamo.doc, tables.MfaTickets),
    users,
    throttle,
    secondFactor,
    passkeys,
    signedIn,
    now,
    ticketTtlSeconds: config.MFA_TICKET_TTL_SECONDS,
    maxAttempts: config.MFA_TICKET_MAX_ATTEMPTS,
  })
  const reauthenticate = createReauthentication({ users, hasher, throttle, secondFactor })
  const mfa = createMfaService({
    factors,
    keys,
    reauthenticate,
    now,
    issuer: config.MFA_TOTP_ISSUER,
    setupTtlSeconds: config.MFA_SETUP_TTL_SECONDS,
    // Each factor change is in the owner's activity and, on or off, mailed to them.
    events: {
      factorEnabled: async (userId, origin) => {
        if (origin !== undefined) await events.record({ type: 'second_factor_added', userId, method: 'totp', ...origin }, origin.log)
        await notices.factorEnabled(userId)
      },
      factorDisabled: async (userId, origin) => {
        if (origin !== undefined) await events.record({ type: 'second_factor_removed', userId, method: 'totp', ...origin }, origin.log)
        await notices.factorDisabled(userId)
      },
      recoveryCodesRenewed: async (userId, origin) => {
        if (origin !== undefined) await events.record({ type: 'recovery_codes_renewed', userId, ...origin }, origin.log)
      },
    },
  })
  const reset = createPasswordReset({ users, usersTable: tables.Users, tokens, outbox: mail.outbox, notices: mail.notices, hasher, policy, throttle, resetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS, now })
  mail.resolvers['password-reset-request'] = reset.resolveResetRequest
  const deletion = createAccountDeletion({
    usersTable: tables.Users,
    reauthenticate,
    notices: mail.notices,
    // Every per-user record identity keeps, one eraser each (add new tables' erasers here).
    erasers: [
      async (user) => tokens.eraseUser(user.userId),
      // The failure counter goes; trust granted so far is ended, so a later account with this
      // address inherits none of it (trust items themselves are keyed by device, and expire).
      async (user) => { await throttle.credentialsChanged(user.email) },
      async (user) => mfa.eraseUser(user.userId),
    ],
  })
  // The change link lives as long as a verification link: it proves the same thing, control of an address.
  const emailChange = createEmailChange({ users, usersTable: tables.Users, tokens, notices: mail.notices, reauthenticate, events, ttlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS, now })
  const service = createUserService({
    events,
    metrics: identityMetrics,
    users,
    hasher,
    policy,
    throttle,
    loginStep,
    secondFactor,
    signedIn,
    defaultScope: config.DEFAULT_SCOPE,
    now,
    signUpWrites: verification.signUpWrites,
    afterSignUp: mail.notices.wake,
    requireVerifiedEmail: config.REQUIRE_VERIFIED_EMAIL,
    ...(config.SIGNUP_ENUMERATION_SAFE
      ? { onSignUpForTakenEmail: async (email: string) => { await mail.notices.enqueueNotice({ email }, 'sign-up-attempt', {}) } }
      : {}),
  })

  metrics.gauge('gatehouse_bcrypt_queue_depth', 'bcrypt hashes and compares waiting for a slot', () => hasher.queued)
  // What a passkey sign-in carries to the token service, or 403 EMAIL_NOT_VERIFIED (REQUIRE_VERIFIED_EMAIL).
  const signInOf = async (userId: string): Promise<{ scope: string; emailVerified: boolean }> => {
    const user = await findUser(userId)
    const emailVerified = user?.emailVerified === true
    if (config.REQUIRE_VERIFIED_EMAIL && !emailVerified) throw emailNotVerified()
    return { scope: user?.scope ?? config.DEFAULT_SCOPE, emailVerified }
  }
  // A passwordless sign-in is complete once its assertion verified: the same event and notice as a password one.
  const passkeySignedIn: PasskeySignedIn = async (userId, device, origin) => {
    const user = await users.getById(userId)
    if (user === undefined) return
    const trusted = device.deviceId === undefined ? false : await throttle.deviceSignedIn(user.email, device.deviceId, device.newDevice)
    await signedIn(user, 'passkey', !trusted, origin)
  }

  registerHealthRoutes(app, {
    dynamodb: async () => {
      await dynamo.client.send(new DescribeTableCommand({ TableName: tables.Users }))
    },
  })
  // Every /v1 route is internal: only callers holding service credentials get past onRequest,
  // before any body is read.
  const authenticate = createServiceAuth(parseServiceClients(config.SERVICE_CLIENTS))
  await app.register(async (internal) => {
    internal.addHook('onRequest', authenticate)
    registerUserRoutes(internal, service, config.SIGNUP_ENUMERATION_SAFE)
    registerCredentialRoutes(internal, service)
    registerActivityRoutes(internal, events)
    registerLifecycleRoutes(internal, { reset, verification, deletion, emailChange })
    registerMfaRoutes(internal, mfa, loginStep)
    registerPasskeyRoutes(internal, passkeys, signInOf, passkeySignedIn, (type, userId, origin) => events.record({ type, userId, method: 'passkey', ...origin }, origin.log))
  })
  // The admin API: its own credentials (ADMIN_CLIENTS); service clients are unknown there (401).
  const authenticateAdmin = createAdminAuth(config.ADMIN_CLIENTS, { SERVICE_CLIENTS: config.SERVICE_CLIENTS })
  await app.register(async (admin) => {
    admin.addHook('onRequest', authenticateAdmin)
    registerAdminRoutes(admin, createAdminService({
      users, events, tokens, notices: mail.notices, factors, factorRemoved: notices.factorDisabled, passkeys, erase: deletion.erase, resetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS, now,
    }))
  })
  return { app, mail }
}

/** The bcrypt queue's wait (a login burst shows here before it shows as latency); nothing when off. */
function bcryptQueueMetrics(metrics: Metrics): { onQueueWait?: (seconds: number) => void } {
  if (!metrics.enabled) return {}
  const wait = metrics.histograms('gatehouse_bcrypt_queue_wait_seconds', 'Time a bcrypt hash or compare waited for a slot', 'pool', ['bcrypt'])
  return { onQueueWait: (seconds) => wait.bcrypt.observe(seconds) }
}
