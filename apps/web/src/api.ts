/**
 * The public JSON API, as any client calls it. The access token lives in this module's memory
 * only (never localStorage or sessionStorage, where any injected script could read it); a page
 * load gets a fresh one from the HttpOnly refresh cookie, and a timer refreshes it silently a
 * minute before it expires.
 */
export interface ApiErrorBody {
  code: string
  message: string
  requestId?: string
  details?: Record<string, unknown>
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown> | undefined
  constructor(status: number, body: ApiErrorBody) {
    super(body.message)
    this.status = status
    this.code = body.code
    this.details = body.details
  }
}

interface TokenResponse {
  accessToken: string
  expiresIn: number
}

let accessToken: string | undefined
let refreshTimer: ReturnType<typeof setTimeout> | undefined
const REFRESH_EARLY_SECONDS = 60

async function send(method: string, path: string, body?: unknown, bearer = false): Promise<unknown> {
  const headers: Record<string, string> = {}
  // Every POST is JSON, also the cookie endpoints, which refuse anything else (the CSRF guard).
  if (method !== 'GET') headers['content-type'] = 'application/json'
  if (bearer && accessToken !== undefined) headers['authorization'] = `Bearer ${accessToken}`
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  })
  if (response.status === 204 || response.status === 202) return undefined
  const text = await response.text()
  const json: unknown = text === '' ? undefined : JSON.parse(text)
  if (!response.ok) {
    const error = (json as { error?: ApiErrorBody } | undefined)?.error
    throw new ApiError(response.status, error ?? { code: 'HTTP_' + response.status, message: `The server answered ${response.status}` })
  }
  return json
}

function keep(tokens: TokenResponse): void {
  accessToken = tokens.accessToken
  if (refreshTimer !== undefined) clearTimeout(refreshTimer)
  const delay = Math.max(5, tokens.expiresIn - REFRESH_EARLY_SECONDS) * 1000
  refreshTimer = setTimeout(() => { void refresh().catch(() => { location.assign('/sign-in') }) }, delay)
}

export function forget(): void {
  accessToken = undefined
  if (refreshTimer !== undefined) clearTimeout(refreshTimer)
}

export const signedIn = (): boolean => accessToken !== undefined

/** Rotates the refresh cookie; the browser sends and stores it (Path=/auth, HttpOnly). */
export async function refresh(): Promise<void> {
  keep(await send('POST', '/auth/refresh') as TokenResponse)
}

export async function signIn(email: string, password: string): Promise<void> {
  keep(await send('POST', '/auth/login', { email, password }) as TokenResponse)
}

export async function signInWithTokens(tokens: unknown): Promise<void> {
  keep(tokens as TokenResponse)
}

export const post = (path: string, body?: unknown): Promise<unknown> => send('POST', path, body)
export const authed = {
  get: (path: string): Promise<unknown> => send('GET', path, undefined, true),
  post: (path: string, body?: unknown): Promise<unknown> => send('POST', path, body, true),
  patch: (path: string, body?: unknown): Promise<unknown> => send('PATCH', path, body, true),
  delete: (path: string, body?: unknown): Promise<unknown> => send('DELETE', path, body, true),
}

export async function signOut(): Promise<void> {
  try {
    await send('POST', '/auth/logout')
  } finally {
    forget()
  }
}
