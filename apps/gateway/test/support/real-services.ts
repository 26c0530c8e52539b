import { useTestDynamo } from '@gatehouse/dynamo'
import { loadConfig, type App } from '@gatehouse/platform'
import { startStack, type ServiceName, type Stack } from '@gatehouse/stack'
import { buildApp } from '../../src/app.ts'
import { GatewayConfigSchema } from '../../src/config.ts'

interface Teardown { teardown(fn: () => unknown): void }

export interface RealServices {
  stack: Stack
  /** What a gateway needs to reach them: URLs and its service credentials. */
  gatewayEnv: Record<string, string>
}

/**
 * Identity and token from their sources as separate processes (apps never import apps) over
 * this file's own DynamoDB Local tables, bcrypt at cost 4; the gateway is left to the test.
 * Their warnings and errors go to stderr so a failing run shows why. With `smtpUrl`, identity's
 * mail worker delivers there (a test's real SMTP server); without, mail is only queued.
 */
export async function startRealServices(t: Teardown, label: string, env: Partial<Record<ServiceName, Record<string, string>>> = {}, options: { smtpUrl?: string } = {}): Promise<RealServices> {
  const dynamo = await useTestDynamo(t, label)
  const stack = await startStack({
    dynamoEndpoint: dynamo.endpoint,
    tablePrefix: dynamo.prefix,
    services: ['identity', 'token'],
    bcryptCost: 4,
    logLevel: 'warn',
    ...(options.smtpUrl === undefined ? {} : { smtpUrl: options.smtpUrl }),
    log: (line) => process.stderr.write(`${line}\n`),
    // The shared test machine stalls whole processes for seconds: no event-loop shedding in tests.
    env: Object.fromEntries((['identity', 'token'] as const).map((name) => [name, { MAX_EVENT_LOOP_DELAY_SECONDS: '0', ...env[name] }])),
  })
  t.teardown(() => stack.stop())
  return {
    stack,
    gatewayEnv: {
      IDENTITY_URL: stack.urls.identity,
      TOKEN_URL: stack.urls.token,
      INTERNAL_CLIENT_ID: stack.secrets.gateway.id,
      INTERNAL_CLIENT_SECRET: stack.secrets.gateway.secret,
    },
  }
}

/** The gateway in-process, in front of the real services, with test config; closed in teardown. */
export async function buildRealGateway(t: Teardown, services: RealServices, env: Record<string, string> = {}): Promise<App> {
  const app = await buildApp(loadConfig(GatewayConfigSchema, { LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_SECONDS: '0', ...services.gatewayEnv, ...env }))
  t.teardown(() => app.close())
  return app
}

/** Polls until `done` holds or `withinMs` passes, and returns the last answer (a revocation is not instant). */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, withinMs = 1500): Promise<T> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() >= deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export interface HttpAnswer {
  status: number
  headers: Headers
  body: Record<string, unknown>
  setCookies: string[]
}

/** A client over real HTTP that keeps the gateway's cookies, as a browser on the gateway's origin would. */
export class Browser {
  readonly cookies = new Map<string, string>()
  readonly base: string
  readonly userAgent: string
  constructor(base: string, userAgent = 'tap-browser/1') {
    this.base = base
    this.userAgent = userAgent
  }

  async call(method: string, path: string, options: { json?: unknown; bearer?: string } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent }
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(`${this.base}${path}`, {
      method, headers, ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      const value = pair.slice(at + 1)
      if (value === '') this.cookies.delete(pair.slice(0, at))
      else this.cookies.set(pair.slice(0, at), value)
    }
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown>, setCookies }
  }
}
