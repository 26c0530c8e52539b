import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { createPasswordHasher, type BcryptImpl, type PasswordHasher } from '@gatehouse/crypto'
import { createDynamoClients, createUsersRepository, tableNames } from '@gatehouse/dynamo'
import { createServer, createServiceAuth, registerHealthRoutes, type App } from '@gatehouse/platform'
import { parseServiceClients } from '@gatehouse/schemas'
import type { MailTransport } from '@gatehouse/mail'
import type { Logger } from 'pino'
import type { IdentityConfig } from './config.ts'
import { createLoginAttemptsRepository } from './repositories/login-attempts-repository.ts'
import { loadCommonPasswords } from './services/common-passwords.ts'
import { createLoginThrottle } from './services/login-throttle.ts'
import { lowerThreadPoolPriority } from './services/thread-pool-priority.ts'
import { createPasswordPolicy } from './services/password-policy.ts'
import { createUserService } from './services/user-service.ts'
import { registerCredentialRoutes } from './routes/credentials.ts'
import { registerUserRoutes } from './routes/users.ts'
import { setUpMail, type MailSetup } from './mail/setup.ts'
import { createChallengesRepository } from './passkeys/challenges-repository.ts'
import { createPasskeyService } from './passkeys/passkey-service.ts'
import { createPasskeysRepository } from './passkeys/passkeys-repository.ts'
import { registerPasskeyRoutes } from './passkeys/routes.ts'

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
  const app = createServer({
    service: 'identity',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  const dynamo = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION })
  const tables = tableNames(config.TABLE_PREFIX)
  const now = options.now ?? Date.now

  const hasher = options.hasher ?? createPasswordHasher({
    cost: config.BCRYPT_COST,
    ...(config.BCRYPT_CONCURRENCY === undefined ? {} : { maxConcurrency: config.BCRYPT_CONCURRENCY }),
    ...(options.bcrypt === undefined ? {} : { impl: options.bcrypt }),
  })
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

  const service = createUserService({
    users,
    hasher,
    policy: createPasswordPolicy(loadCommonPasswords()),
    throttle: createLoginThrottle({
      attempts: createLoginAttemptsRepository(dynamo.doc, tables.LoginAttempts),
      now,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockBaseSeconds: config.LOGIN_LOCK_BASE_SECONDS,
      lockMaxSeconds: config.LOGIN_LOCK_MAX_SECONDS,
      ttlSeconds: config.LOGIN_ATTEMPTS_TTL_SECONDS,
      deviceTrustSeconds: config.LOGIN_DEVICE_TRUST_SECONDS,
    }),
    defaultScope: config.DEFAULT_SCOPE,
    now,
  })

  const findUser = async (userId: string) => {
    const user = await users.getById(userId)
    return user === undefined ? undefined : { email: user.email, scope: user.scope }
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
  })
  const scopeOf = async (userId: string): Promise<string> => (await findUser(userId))?.scope ?? config.DEFAULT_SCOPE

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
    registerUserRoutes(internal, service)
    registerCredentialRoutes(internal, service)
    registerPasskeyRoutes(internal, passkeys, scopeOf)
  })
  return { app, mail }
}
