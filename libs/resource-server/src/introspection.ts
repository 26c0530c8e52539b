import { createHash } from 'node:crypto'
import { TokenError } from './errors.ts'

export interface IntrospectionOptions {
  /** The token service's RFC 7662 endpoint, e.g. `https://token.internal/introspect`. */
  url: string | URL
  clientId: string
  clientSecret: string
  /**
   * How long one answer is reused (default 1 s, at most 30). A logout is seen within this plus the
   * token service's own second (RFC 7662 §4: a cache trades freshness for load).
   */
  cacheSeconds?: number
  /** Most answers kept (default 10 000); the oldest go first. */
  cacheMaxEntries?: number
  /** Per call (default 2 s); a slow or failing endpoint fails closed (`unavailable`). */
  timeoutSeconds?: number
}

export type IsActive = (token: string, expiresAt: number) => Promise<boolean>

const basic = (id: string, secret: string): string =>
  // RFC 6749 §2.3.1: form-urlencode both before the Basic encoding.
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/**
 * Asks the token service whether a (locally verified) token is still active. Answers are cached
 * by the token's SHA-256, never by the token itself, for at most `cacheSeconds` and never past the
 * token's expiry; concurrent checks of one token share one call.
 */
export function createIntrospection(options: IntrospectionOptions, now: () => number = Date.now): IsActive {
  const cacheMs = Math.min(Math.max(options.cacheSeconds ?? 1, 0), 30) * 1000
  const maxEntries = options.cacheMaxEntries ?? 10_000
  const timeoutMs = (options.timeoutSeconds ?? 2) * 1000
  const authorization = basic(options.clientId, options.clientSecret)
  const cache = new Map<string, { until: number; answer: Promise<boolean> }>()

  const ask = async (token: string): Promise<boolean> => {
    let response: Response
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw new TokenError('unavailable', 'The introspection endpoint could not be reached', { cause: error })
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new TokenError('unavailable', `The introspection endpoint answered ${response.status}`)
    }
    const body = (await response.json().catch(() => ({}))) as { active?: unknown }
    return body.active === true
  }

  return async (token, expiresAt) => {
    const key = createHash('sha256').update(token).digest('base64url')
    const at = now()
    const hit = cache.get(key)
    if (hit !== undefined && hit.until > at) return hit.answer
    cache.delete(key)
    const answer = ask(token)
    if (cacheMs > 0) {
      cache.set(key, { until: Math.min(at + cacheMs, expiresAt * 1000), answer })
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string)
      // A failure is never cached: the next request tries again.
      answer.catch(() => cache.delete(key))
    }
    return answer
  }
}
