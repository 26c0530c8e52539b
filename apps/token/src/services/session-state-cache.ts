import type { Clock } from './clock.ts'
import type { SessionRecord } from '../repositories/sessions-repository.ts'

/** What introspection needs to know about a session, and no more. */
export interface SessionState {
  userId: string
  expiresAt: number
  revoked: boolean
}

export interface SessionStateCacheOptions {
  /** The session as its user's revoke-all marker leaves it (see sessions-repository). */
  load: (sessionId: string, userId: string) => Promise<SessionRecord | undefined>
  ttlMs: number
  clock: Clock
  maxEntries?: number
}

export type SessionStateCache = ReturnType<typeof createSessionStateCache>

/**
 * A short per-instance cache of session states in front of DynamoDB, so introspection at
 * thousands of requests a second costs one read per session per `ttlMs`, not one per request.
 * `ttlMs` stays below a second, so a revocation anywhere shows everywhere within a second.
 * Concurrent lookups of one session share a single read.
 */
export function createSessionStateCache(options: SessionStateCacheOptions) {
  const maxEntries = options.maxEntries ?? 100_000
  const entries = new Map<string, { state: SessionState | undefined; fetchedAt: number }>()
  const inFlight = new Map<string, Promise<SessionState | undefined>>()

  async function fetchState(sessionId: string, userId: string): Promise<SessionState | undefined> {
    const fetchedAt = options.clock()
    const session = await options.load(sessionId, userId)
    const state = session === undefined
      ? undefined
      : { userId: session.userId, expiresAt: session.expiresAt, revoked: session.revokedAt !== undefined }
    if (options.ttlMs > 0) {
      // Oldest first: Map keeps insertion order, so the first key is the one to drop.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.delete(sessionId)
      entries.set(sessionId, { state, fetchedAt })
    }
    return state
  }

  return {
    /** Keyed by session id; `userId` (the token's `sub`) picks the revoke-all marker to apply. */
    get(sessionId: string, userId: string): Promise<SessionState | undefined> {
      const cached = entries.get(sessionId)
      if (cached !== undefined && options.clock() - cached.fetchedAt < options.ttlMs) return Promise.resolve(cached.state)
      const pending = inFlight.get(sessionId)
      if (pending !== undefined) return pending
      const promise = fetchState(sessionId, userId).finally(() => inFlight.delete(sessionId))
      inFlight.set(sessionId, promise)
      return promise
    },

    /** This instance learns of its own revocations at once. */
    invalidate(sessionId: string): void {
      entries.delete(sessionId)
    },
  }
}
