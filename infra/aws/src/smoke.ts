/**
 * `npm run smoke`: after a staging deploy, what a user does, against the deployed URLs:
 * register → sign in → refresh → call the example protected API, whose authorizer verifies the
 * token and introspects it at the token service. Every call has a timeout; any unexpected answer
 * fails the pipeline before production. The account is a throwaway one on staging.
 */
import { randomBytes } from 'node:crypto'

const TIMEOUT_MS = 10_000

export interface SmokeTarget { publicUrl: string; protectedUrl: string }

async function call(url: string, init: RequestInit, expected: number): Promise<Response> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${response.status}, expected ${expected}`)
  return response
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

export async function smoke(target: SmokeTarget, log: (line: string) => void): Promise<void> {
  const email = `smoke+${randomBytes(6).toString('hex')}@example.com`
  const password = randomBytes(18).toString('base64url')
  await call(`${target.publicUrl}/auth/register`, json({ email, password }), 201)
  log('register: 201')
  const login = await call(`${target.publicUrl}/auth/login`, json({ email, password }), 200)
  const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
  log('login: 200')
  const refreshed = await call(`${target.publicUrl}/auth/refresh`, { ...json({}), headers: { 'content-type': 'application/json', cookie } }, 200)
  const { accessToken } = await refreshed.json() as { accessToken: string }
  log('refresh: 200')
  await call(`${target.protectedUrl}/whoami`, { headers: { authorization: `Bearer ${accessToken}` } }, 200)
  log('protected API (authorizer: verify + introspect): 200')
}

if (import.meta.main) {
  const publicUrl = process.env['SMOKE_PUBLIC_URL']
  const protectedUrl = process.env['SMOKE_PROTECTED_URL']
  if (publicUrl === undefined || protectedUrl === undefined) {
    process.stderr.write('set SMOKE_PUBLIC_URL and SMOKE_PROTECTED_URL (the stack outputs PublicApiUrl and ExampleApiUrl)\n')
    process.exit(2)
  }
  await smoke({ publicUrl, protectedUrl }, (line) => process.stdout.write(`${line}\n`))
}
