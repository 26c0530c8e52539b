import type { Logger } from 'pino'
import { loadConfig, type App } from '@gatehouse/platform'
import { buildApp } from '../src/app.ts'
import { GatewayConfigSchema, type GatewayConfig } from '../src/config.ts'
import { CLIENT_ID, CLIENT_SECRET, type FakeService } from './support/fake-identity.ts'
import { startFakeIdentity } from './support/fake-identity.ts'
import { startFakeToken } from './support/fake-token.ts'

interface Teardown { teardown(fn: () => unknown): void }

export function testConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig(GatewayConfigSchema, {
    LOG_LEVEL: 'silent',
    INTERNAL_CLIENT_ID: CLIENT_ID,
    INTERNAL_CLIENT_SECRET: CLIENT_SECRET,
    IDENTITY_TIMEOUT_SECONDS: '1',
    TOKEN_TIMEOUT_SECONDS: '0.5',
    // The shared test machine stalls whole processes for seconds: no event-loop shedding in tests.
    MAX_EVENT_LOOP_DELAY_SECONDS: '0',
    ...env,
  })
}

/** The gateway built with test config, closed in teardown. */
export async function buildGateway(t: Teardown, env: Record<string, string> = {}, logger?: Logger): Promise<App> {
  const app = await buildApp(testConfig(env), logger === undefined ? {} : { logger })
  t.teardown(() => app.close())
  return app
}

export interface GatewayWithFakes {
  app: App
  identity: Awaited<ReturnType<typeof startFakeIdentity>>
  token: Awaited<ReturnType<typeof startFakeToken>>
}

/** The gateway in front of stand-in identity and token services listening on real ports. */
export async function gatewayWithFakes(t: Teardown, env: Record<string, string> = {}): Promise<GatewayWithFakes> {
  const identity = await startFakeIdentity()
  const token = await startFakeToken()
  t.teardown(() => Promise.all([closeFake(identity), closeFake(token)]))
  const app = await buildGateway(t, { IDENTITY_URL: identity.url, TOKEN_URL: token.url, ...env })
  return { app, identity, token }
}

export async function closeFake(fake: FakeService): Promise<void> {
  await fake.app.close()
}

export const JSON_HEADERS = { 'content-type': 'application/json' }

/** `name=value` pairs and attributes of each Set-Cookie header. */
export function setCookies(headers: Record<string, unknown>): Array<{ name: string; value: string; attributes: string[] }> {
  const raw = headers['set-cookie']
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw as string[] : [String(raw)]
  return list.map((line) => {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
    const at = pair.indexOf('=')
    return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes }
  })
}
