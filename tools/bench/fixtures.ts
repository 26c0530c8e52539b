import { mapLimited } from '@gatehouse/crypto'
import type { Stack } from '@gatehouse/stack'

/** A signed-in browser: what the refresh, introspection and /auth/me figures replay. */
export interface SignedIn {
  userId: string
  accessToken: string
  refreshToken: string
}

export const REFRESH_COOKIE = 'gh_refresh'

/** The refresh token a gateway answer set, if any (Set-Cookie: gh_refresh=...; HttpOnly; ...). */
export function refreshFromSetCookie(setCookie: string | string[] | undefined): string | undefined {
  for (const cookie of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) {
    const match = new RegExp(`^${REFRESH_COOKIE}=([^;]+)`).exec(cookie)
    if (match?.[1] !== undefined) return match[1]
  }
  return undefined
}

const subjectOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8')) as { sub: string }).sub

/**
 * Real sign-ins through the gateway, a few at a time (each pays one bcrypt compare). A 503 with
 * Retry-After (identity's bcrypt line full on a busy machine) is retried after the wait it names,
 * a few times, and counted in `retried` for figures that count what a sign-in costs.
 */
export async function signIn(stack: Stack, emails: string[], password: string, concurrency = 4, retried = { count: 0 }): Promise<SignedIn[]> {
  return mapLimited(emails, concurrency, async (email) => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${stack.urls.gateway}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
        signal: AbortSignal.timeout(30_000),
      })
      const body = (await response.json()) as { accessToken?: string; error?: { code: string } }
      const wait = Number(response.headers.get('retry-after'))
      if (response.status === 503 && wait > 0 && attempt < 5) {
        retried.count++
        await new Promise((resolve) => setTimeout(resolve, wait * 1000))
        continue
      }
      const refreshToken = refreshFromSetCookie(response.headers.getSetCookie())
      if (response.status !== 200 || body.accessToken === undefined || refreshToken === undefined) {
        throw new Error(`bench sign-in failed: ${response.status} ${body.error?.code ?? ''}`)
      }
      return { userId: subjectOf(body.accessToken), accessToken: body.accessToken, refreshToken }
    }
  })
}
