/**
 * The gateway as an AWS Lambda function: API Gateway REST (payload v1) and HTTP API (payload v2)
 * events go through the exported handler, which calls real identity and token services (separate
 * processes over this file's DynamoDB Local tables), as the deployed functions would.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { httpApiEvent, lambdaContext, restApiEvent, type EventRequest } from '@gatehouse/stack'
import { startRealServices } from './support/real-services.ts'

const { gatewayEnv } = await startRealServices(t, 'gw-lambda')

// The Lambda environment: only the gateway's own configuration.
Object.assign(process.env, { LOG_LEVEL: 'warn', ...gatewayEnv })
const { handler, app } = await import('../src/lambda.ts')
t.teardown(() => app.close())

interface LambdaResult {
  statusCode: number
  headers: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
  body: string
}
type Tap = { notOk(value: unknown, message: string): void }
const formats = {
  'REST API (v1)': {
    event: restApiEvent,
    setCookies: (t: Tap, result: LambdaResult): string[] => {
      t.notOk(result.headers['set-cookie'], 'v1 carries cookies in multiValueHeaders, where several fit')
      return result.multiValueHeaders?.['set-cookie'] ?? []
    },
  },
  'HTTP API (v2)': {
    event: httpApiEvent,
    setCookies: (t: Tap, result: LambdaResult): string[] => {
      t.notOk(result.headers['set-cookie'], 'v2 carries cookies only in the cookies array')
      return result.cookies ?? []
    },
  },
}

for (const [name, format] of Object.entries(formats)) {
  t.test(`${name}: register, login, refresh rotates the cookie`, async (t) => {
    const invoke = async (request: EventRequest): Promise<LambdaResult> => (await handler(format.event(request), lambdaContext())) as LambdaResult
    const email = `lambda-${randomBytes(4).toString('hex')}@example.com`
    const password = 'a perfectly fine passphrase'

    const registered = await invoke({ method: 'POST', path: '/auth/register', body: { email, password } })
    t.equal(registered.statusCode, 201, 'registered')
    t.match(JSON.parse(registered.body), { userId: String })

    const loggedIn = await invoke({ method: 'POST', path: '/auth/login', body: { email, password } })
    t.equal(loggedIn.statusCode, 200, 'signed in')
    t.match(JSON.parse(loggedIn.body), { accessToken: String, tokenType: 'Bearer', expiresIn: Number })
    // Login may set other cookies too (the device cookie); the refresh token has its own.
    const refreshCookie = (result: LambdaResult) => format.setCookies(t, result).find((line) => line.startsWith('gh_refresh='))
    const setCookie = refreshCookie(loggedIn)
    t.match(setCookie, /^gh_refresh=[^;]+;/)
    t.match(setCookie, /HttpOnly/i)
    t.match(setCookie, /Secure/i)
    t.match(setCookie, /SameSite=Strict/i)
    t.match(setCookie, /Path=\/auth/)
    const cookie = setCookie!.split(';')[0]!

    const refreshed = await invoke({ method: 'POST', path: '/auth/refresh', body: {}, cookie })
    t.equal(refreshed.statusCode, 200, 'refreshed')
    t.match(JSON.parse(refreshed.body), { accessToken: String, tokenType: 'Bearer' })
    const rotated = refreshCookie(refreshed)
    t.match(rotated, /^gh_refresh=[^;]+;/)
    t.not(rotated!.split(';')[0], cookie, 'the refresh token rotated')

    const anonymous = await invoke({ method: 'POST', path: '/auth/refresh', body: {} })
    t.equal(anonymous.statusCode, 401, 'no cookie, no token')
    t.match(JSON.parse(anonymous.body), { error: { code: String, requestId: String } })
  })
}

t.test('health and bad input keep the shared shapes through the handler', async (t) => {
  const live = (await handler(httpApiEvent({ method: 'GET', path: '/health/ready' }), lambdaContext())) as LambdaResult
  t.equal(live.statusCode, 200, 'ready: identity and token answer')
  const bad = (await handler(restApiEvent({ method: 'POST', path: '/auth/login', body: { email: 'nope' } }), lambdaContext())) as LambdaResult
  t.equal(bad.statusCode, 400)
  t.match(JSON.parse(bad.body), { error: { code: String, message: String, requestId: String } })
})
