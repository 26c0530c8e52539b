import bcrypt from 'bcrypt'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { BcryptImpl } from '@gatehouse/crypto'
import { useTestDynamo, type TestDynamo } from '@gatehouse/dynamo-local'
import { basicAuthorization, loadConfig, type App } from '@gatehouse/platform'
import { buildApp, type BuildOptions } from '../src/app.ts'
import { IdentityConfigSchema, type IdentityConfig } from '../src/config.ts'

export const CLIENT_ID = 'gateway'
export const CLIENT_SECRET = 'test-secret-0123456789abcdef'
export const AUTH = { authorization: basicAuthorization(CLIENT_ID, CLIENT_SECRET) }
export const PASSWORD = 'violet-harbour-lantern-42'
/** A fixed test key (32 bytes of 0x07): only tests use it. */
export const TEST_MFA_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64url')}`

type Tap = { teardown(fn: () => unknown): void }

/** A clock tests move by hand. */
export function fakeClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  const clock = { ms: start, now: () => clock.ms, advance: (seconds: number) => { clock.ms += seconds * 1000 } }
  return clock
}

/** bcrypt with counters on compare and hash, to show which paths pay for one. */
export function countingBcrypt() {
  const counted = {
    compares: 0,
    hashes: 0,
    hash: (data: string, rounds: number) => {
      counted.hashes += 1
      return bcrypt.hash(data, rounds)
    },
    compare: (data: string, encrypted: string) => {
      counted.compares += 1
      return bcrypt.compare(data, encrypted)
    },
    getRounds: (encrypted: string) => bcrypt.getRounds(encrypted),
  }
  return counted satisfies BcryptImpl
}

export function testConfig(dynamo: TestDynamo, env: Record<string, string> = {}): IdentityConfig {
  return loadConfig(IdentityConfigSchema, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_PREFIX: dynamo.prefix,
    SERVICE_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET}`,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    BODY_LIMIT: '2048',
    // Tests that read mail start a real SMTP server and pass its URL with MAIL_WORKER=on.
    SMTP_URL: 'smtp://127.0.0.1:9',
    MAIL_WORKER: 'off',
    // The shared test machine stalls whole processes for seconds: no event-loop shedding in tests.
    MAX_EVENT_LOOP_DELAY_SECONDS: '0',
    MFA_ENCRYPTION_KEYS: TEST_MFA_KEYS,
    ...env,
  })
}

export interface TestAppOptions extends BuildOptions {
  env?: Record<string, string>
  /** Reuse another app's tables (e.g. a second app with a different bcrypt cost). */
  dynamo?: TestDynamo
}

/** The identity app on fresh tables of its own, closed when the test ends. */
export async function buildTestApp(t: Tap, label: string, options: TestAppOptions = {}): Promise<{ app: App; dynamo: TestDynamo }> {
  const { env, dynamo: shared, ...buildOptions } = options
  const dynamo = shared ?? (await useTestDynamo(t, label))
  const app = await buildApp(testConfig(dynamo, env), buildOptions)
  t.teardown(() => app.close())
  return { app, dynamo }
}

export async function createUser(app: App, email: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/v1/users', headers: AUTH, payload: { email, password } })
}

export async function login(app: App, email: string, password = PASSWORD, deviceId?: string) {
  return app.inject({ method: 'POST', url: '/v1/credentials/verify', headers: AUTH, payload: { email, password, ...(deviceId === undefined ? {} : { deviceId }) } })
}

/** Every item of one table: proves what was (or was not) written. */
export async function scanAll(dynamo: TestDynamo, table: 'Users' | 'LoginAttempts' | 'Factors' | 'MfaTickets'): Promise<Record<string, unknown>[]> {
  const { Items } = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables[table], ConsistentRead: true }))
  return Items ?? []
}
