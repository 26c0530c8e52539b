import pino from 'pino'
import { createKeyRing, generateSigningKey, type KeySet, type PrivateJwk, type SigningAlg } from '@gatehouse/crypto'
import { useTestDynamo, type TestDynamo } from '@gatehouse/dynamo-local'
import { basicAuthorization, loadConfig, loggerOptions, type App } from '@gatehouse/platform'
import type { TokenPair } from '@gatehouse/schemas'
import { buildApp } from '../src/app.ts'
import { TokenConfigSchema, type TokenConfig } from '../src/config.ts'

export const GATEWAY = { id: 'gateway', secret: 'gateway-secret-0123456789' }
export const RESOURCE_SERVER = { id: 'orders-api', secret: 'orders-secret-0123456789' }
export const gatewayAuth = basicAuthorization(GATEWAY.id, GATEWAY.secret)
export const resourceServerAuth = basicAuthorization(RESOURCE_SERVER.id, RESOURCE_SERVER.secret)
export const USER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e'
export const OTHER_USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7'

const keyCache = new Map<SigningAlg, PrivateJwk>()
/** One key per algorithm per test file: RSA generation is slow enough to matter. */
export function testKey(alg: SigningAlg = 'RS256', status?: PrivateJwk['status']): PrivateJwk {
  let key = keyCache.get(alg)
  if (key === undefined) {
    key = generateSigningKey(alg)
    keyCache.set(alg, key)
  }
  return status === undefined ? key : { ...key, status }
}

/** A clock tests move by hand; starts at the real time so stored dates look ordinary. */
export function testClock() {
  let current = Date.now()
  return { now: () => current, advance: (ms: number) => { current += ms } }
}
export type TestClock = ReturnType<typeof testClock>

export interface TestApp {
  app: App
  dynamo: TestDynamo
  clock: TestClock
  config: TokenConfig
  keySet: KeySet
  /** Every JSON log line the app wrote. */
  logs: string[]
}

export interface TestAppOptions {
  env?: Record<string, string>
  keySet?: KeySet
  /** Share tables (and clock) with another instance: two instances of one service. */
  share?: TestApp
}

export async function buildTestApp(t: { teardown(fn: () => unknown): void }, label: string, options: TestAppOptions = {}): Promise<TestApp> {
  const dynamo = options.share?.dynamo ?? (await useTestDynamo(t, label))
  const clock = options.share?.clock ?? testClock()
  const keySet = options.keySet ?? { keys: [testKey()] }
  const config = loadConfig(TokenConfigSchema, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_PREFIX: dynamo.prefix,
    SERVICE_CLIENTS: `${GATEWAY.id}:${GATEWAY.secret}`,
    INTROSPECTION_CLIENTS: `${RESOURCE_SERVER.id}:${RESOURCE_SERVER.secret}`,
    SIGNING_KEYS: JSON.stringify(keySet),
    // The shared test machine stalls whole processes for seconds: no event-loop shedding in tests.
    MAX_EVENT_LOOP_DELAY_SECONDS: '0',
    ...options.env,
  })
  const logs: string[] = []
  const logger = pino(loggerOptions('info', 'token'), { write: (line: string) => { logs.push(line) } })
  const app = await buildApp(config, { logger, clock: clock.now })
  t.teardown(() => app.close())
  return { app, dynamo, clock, config, keySet, logs }
}

/** Signs arbitrary claims with a key of the test key set (to forge wrong-iss/aud tokens). */
export function signWith(keySet: KeySet, claims: Record<string, unknown>, typ = 'at+jwt'): string {
  return createKeyRing(keySet).sign(claims as { exp: number }, { typ })
}

export async function issue(app: App, body: Record<string, unknown> = {}): Promise<TokenPair> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers: { authorization: gatewayAuth },
    payload: { userId: USER_ID, scope: 'openid profile', ...body },
  })
  if (response.statusCode !== 201) throw new Error(`issue failed: ${response.statusCode} ${response.body}`)
  return response.json()
}

export function refresh(app: App, refreshToken: string, extra: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/refresh', headers: { authorization: gatewayAuth }, payload: { refreshToken, ...extra } })
}

/** `authorization: null` sends no credentials. */
export function introspect(app: App, token: string, authorization: string | null = resourceServerAuth) {
  return app.inject({
    method: 'POST',
    url: '/introspect',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === null ? {} : { authorization }) },
    payload: new URLSearchParams({ token }).toString(),
  })
}

export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] as string, 'base64url').toString('utf8'))
}
