import { randomBytes } from 'node:crypto'
import { portInUse, freePort } from '@gatehouse/dynamo-local'
import { generateSigningKey, type KeySet } from '@gatehouse/crypto'
import { startServiceProcess, type ServiceName, type ServiceProcess } from './service-process.ts'

export interface ClientCredentials {
  id: string
  secret: string
}

export interface StackSecrets {
  /** What the gateway presents to identity and token. */
  gateway: ClientCredentials
  /** An introspection-only client, as another resource server would hold. */
  introspection: ClientCredentials
  /** Identity's MFA_ENCRYPTION_KEYS (`id:key`); a fresh key when absent (stored secrets from before it existed). */
  mfaEncryptionKeys?: string
  /** The admin API's client (ADMIN_CLIENTS on identity and token; `npm run admin`). */
  admin: ClientCredentials
}

export interface StackOptions {
  dynamoEndpoint: string
  tablePrefix: string
  /** Fixed ports (npm start); free ones are chosen when absent (tests, benchmark). */
  ports?: Partial<Record<ServiceName, number>>
  secrets?: StackSecrets
  /** A private key set; a fresh RS256 key when absent. */
  signingKeys?: KeySet
  bcryptCost?: number
  logLevel?: string
  /** Extra configuration per service (e.g. REFRESH_GRACE_SECONDS for an end-to-end test). */
  env?: Partial<Record<ServiceName, Record<string, string>>>
  fromDist?: boolean
  /** The bundles' root when `fromDist` (default dist/). */
  distRoot?: string
  log?: (line: string) => void
  /** Pretty logs for a terminal (npm start only); JSON lines otherwise. */
  prettyLogs?: boolean
  /** Bind the gateway on all interfaces (npm start) or loopback only (tests). */
  gatewayHost?: string
  /**
   * Which services to start; all three when absent. `['identity', 'token']` leaves the gateway to
   * a test that builds it in-process (its URL and port are still reserved, as the token issuer).
   */
  services?: readonly ServiceName[]
  /**
   * Where identity delivers mail (npm start's catcher, a test's SMTP server). Absent: identity only
   * queues mail (MAIL_WORKER=off), for runs that read none (the benchmark, most tests).
   */
  smtpUrl?: string
}

export interface Stack {
  urls: Record<ServiceName, string>
  secrets: StackSecrets
  /** The started services only (see StackOptions.services). */
  services: Partial<Record<ServiceName, ServiceProcess>>
  /** Stops one service (e.g. to test the gateway's 503) and starts it again on the same port. */
  stopService(name: ServiceName, signal?: NodeJS.Signals): Promise<void>
  startService(name: ServiceName): Promise<void>
  stop(): Promise<void>
}

/** One MFA key, `k<date>:<32 random bytes>`, in the form identity's MFA_ENCRYPTION_KEYS takes. */
export const newMfaKeys = (): string => `k${Date.now().toString(36)}:${randomBytes(32).toString('base64url')}`

export function newSecrets(): StackSecrets {
  const secret = (): string => randomBytes(24).toString('base64url')
  return { gateway: { id: 'gateway', secret: secret() }, introspection: { id: 'resource-server', secret: secret() }, admin: { id: 'admin', secret: secret() }, mfaEncryptionKeys: newMfaKeys() }
}

/**
 * The three services as separate processes, each given only its own configuration, exactly as
 * their containers would be. Used by `npm start`, the end-to-end tests, the benchmark and the
 * gateway's tests against the real services (which start only identity and token).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const secrets = options.secrets ?? newSecrets()
  const signingKeys = options.signingKeys ?? { keys: [generateSigningKey('RS256')] }
  const ports = {} as Record<ServiceName, number>
  for (const name of ['identity', 'token', 'gateway'] as const) {
    const fixed = options.ports?.[name]
    if (fixed !== undefined && (await portInUse(fixed))) {
      throw new Error(`port ${fixed} (${name}) is already in use: stop what holds it, or choose other ports`)
    }
    ports[name] = fixed ?? (await freePort())
  }
  const urls = {
    identity: `http://127.0.0.1:${ports.identity}`,
    token: `http://127.0.0.1:${ports.token}`,
    gateway: `http://127.0.0.1:${ports.gateway}`,
  }
  const common = { LOG_LEVEL: options.logLevel ?? 'info', HOST: '127.0.0.1' }
  const dynamo = { DYNAMODB_ENDPOINT: options.dynamoEndpoint, TABLE_PREFIX: options.tablePrefix }
  const gatewayClient = `${secrets.gateway.id}:${secrets.gateway.secret}`
  const adminClient = `${secrets.admin.id}:${secrets.admin.secret}`
  const envs: Record<ServiceName, Record<string, string>> = {
    identity: {
      ...common,
      ...dynamo,
      SERVICE_CLIENTS: gatewayClient,
      ADMIN_CLIENTS: adminClient,
      BCRYPT_COST: String(options.bcryptCost ?? 12),
      PUBLIC_URL: urls.gateway,
      ...(options.smtpUrl === undefined ? { MAIL_WORKER: 'off' } : { SMTP_URL: options.smtpUrl, MAIL_WORKER: 'on', MAIL_POLL_SECONDS: '1' }),
      MFA_ENCRYPTION_KEYS: secrets.mfaEncryptionKeys ?? newMfaKeys(),
      ...options.env?.identity,
    },
    token: {
      ...common,
      ...dynamo,
      SERVICE_CLIENTS: gatewayClient,
      INTROSPECTION_CLIENTS: `${secrets.introspection.id}:${secrets.introspection.secret}`,
      ADMIN_CLIENTS: adminClient,
      SIGNING_KEYS: JSON.stringify(signingKeys),
      JWT_ISSUER: urls.gateway,
      ...options.env?.token,
    },
    gateway: {
      ...common,
      HOST: options.gatewayHost ?? '127.0.0.1',
      IDENTITY_URL: urls.identity,
      TOKEN_URL: urls.token,
      INTERNAL_CLIENT_ID: secrets.gateway.id,
      INTERNAL_CLIENT_SECRET: secrets.gateway.secret,
      ...options.env?.gateway,
    },
  }
  const services: Partial<Record<ServiceName, ServiceProcess>> = {}
  const start = async (name: ServiceName): Promise<void> => {
    services[name] = await startServiceProcess({
      name,
      env: envs[name],
      port: ports[name],
      ...(options.fromDist === undefined ? {} : { fromDist: options.fromDist }),
      ...(options.distRoot === undefined ? {} : { distRoot: options.distRoot }),
      ...(options.log === undefined ? {} : { log: options.log }),
      pretty: options.prettyLogs === true,
    })
  }
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(services).map((service) => service.stop()))
  }
  const wanted = new Set(options.services ?? ['identity', 'token', 'gateway'])
  try {
    await Promise.all((['identity', 'token'] as const).filter((name) => wanted.has(name)).map(start))
    if (wanted.has('gateway')) await start('gateway')
  } catch (error) {
    await stop()
    throw error
  }
  return {
    urls,
    secrets,
    services,
    stop,
    startService: start,
    stopService: async (name, signal) => services[name]?.stop(signal),
  }
}
