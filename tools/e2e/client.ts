/** A tiny HTTP client for end-to-end tests: real fetch over real sockets, with a cookie jar. */
export interface Reply {
  status: number
  headers: Headers
  body: Record<string, unknown> & { error?: { code: string; message: string } }
  setCookie: string[]
}

export class Browser {
  readonly base: string
  readonly origin: string | undefined
  cookies = new Map<string, string>()

  constructor(base: string, origin?: string) {
    this.base = base
    this.origin = origin
  }

  async call(method: string, path: string, options: { json?: unknown; bearer?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`
    if (this.origin !== undefined) headers['origin'] = this.origin
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      signal: AbortSignal.timeout(15_000),
    })
    const setCookie = response.headers.getSetCookie()
    for (const cookie of setCookie) {
      const [pair] = cookie.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (value === '' || /max-age=0/i.test(cookie) || /expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Reply['body']), setCookie }
  }
}

export async function introspect(tokenUrl: string, token: string, credentials?: { id: string; secret: string }): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (credentials !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${credentials.id}:${credentials.secret}`).toString('base64')}`
  const response = await fetch(`${tokenUrl}/introspect`, { method: 'POST', headers, body: new URLSearchParams({ token }).toString() })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Reply['body']), setCookie: [] }
}

/** The claims of a JWT (no check: the tests compare what the services put in). */
export const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
