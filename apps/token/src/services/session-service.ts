import { randomUUID } from 'node:crypto'
import { generateOpaqueToken, hashToken } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import type { EventLog, RequestOrigin } from '@gatehouse/dynamo'
import { ErrorCodes, type IssueTokensRequest, type RevokedBy, type SessionList, type TokenPair } from '@gatehouse/schemas'
import { applyMarker, authTimeOf, decodeSessionCursor, encodeSessionCursor, isSessionActive, type SessionPage, type SessionRecord } from '../repositories/sessions-repository.ts'
import type { RefreshTokenRecord } from '../repositories/refresh-tokens-repository.ts'
import { instant } from './clock.ts'
import type { TokenServiceDeps } from './token-deps.ts'
import { tokenPair } from './token-pairs.ts'

export interface SessionServiceDeps extends TokenServiceDeps {
  sessionMaxLifetimeSec: number
  /** MAX_SESSIONS_PER_USER: a sign-in past it ends the user's oldest sessions. */
  maxSessionsPerUser: number
  /** Stamped on new sessions as their home region; unset outside AWS. */
  region?: string
}

export type SessionService = ReturnType<typeof createSessionService>

/** Session revocations in flight at once during a revoke-all (the marker already ended them all). */
const REVOKE_CONCURRENCY = 16
/** Index items read per query when a whole user's sessions are walked (revoke-all, the cap). */
const WALK_PAGE = 100
/** Queries one listing page may take to fill itself past expired or marker-revoked items. */
const LIST_QUERIES_MAX = 4
/** Sessions one sign-in ends or tidies out of the index at most (the cap's excess is normally one). */
const EVICT_MAX = 32
/**
 * How long a revoke-all walks inline before it finishes the walk after answering (the marker
 * already ended them all): well inside the gateway's call timeout (TOKEN_TIMEOUT_SECONDS, 1.5 s).
 */
const REVOKE_ALL_INLINE_MS = 400
/** Index items per inline step of a revoke-all: two rounds of writes, so the deadline is checked often. */
const REVOKE_ALL_INLINE_PAGE = 32

/** Sessions: opening one (the first token pair), listing them, and ending one, some or all. */
export function createSessionService(deps: SessionServiceDeps) {
  const notFound = (): AppError => new AppError(404, ErrorCodes.NOT_FOUND, 'No such active session for this user')

  async function endSession(sessionId: string, nowIso: string, userId?: string): Promise<boolean> {
    const ended = await deps.sessions.revoke(sessionId, nowIso, userId)
    deps.sessionCache.invalidate(sessionId)
    return ended
  }

  /** `sessionId`: the session that was ended; where the request came from is the one ending it. */
  const recordRevoked = (userId: string, sessionId: string, revokedBy: RevokedBy, origin: RequestOrigin): Promise<void> =>
    deps.events.record({ type: 'session_revoked', userId, sessionId, revokedBy, ...origin }, origin.log)

  /**
   * The sessions the index still lists for the user, a page at a time (bounded: the index holds
   * unrevoked ones only), until `visit` answers true ("enough") or the index has no more.
   */
  async function walk(userId: string, visit: (page: SessionRecord[]) => Promise<boolean | void>, pageSize = WALK_PAGE, from?: SessionPage['next']): Promise<void> {
    let after = from
    do {
      const page = await deps.sessions.listPage(userId, pageSize, after)
      after = page.next
      if ((await visit(page.sessions)) === true) return
    } while (after !== undefined)
  }

  /** Revokes the given sessions with a bounded number of writes in flight; how many it ended. */
  async function endEach(userId: string, sessions: SessionRecord[], nowIso: string): Promise<number> {
    let ended = 0
    for (let at = 0; at < sessions.length; at += REVOKE_CONCURRENCY) {
      const results = await Promise.all(sessions.slice(at, at + REVOKE_CONCURRENCY).map((session) => endSession(session.sessionId, nowIso, userId)))
      ended += results.filter(Boolean).length
    }
    return ended
  }

  /**
   * MAX_SESSIONS_PER_USER: the newest `max - 1` sessions other than `newSessionId` stay, older
   * ones end (`session_limit`). Runs only when the user's session count says they may be at the
   * cap (see createSession); a failure here is logged and leaves the sign-in alone: the next
   * sign-in enforces the cap again. Returns how many live sessions other than the new one remain,
   * or `max - 1` when the walk stopped early (so the next sign-in walks again).
   */
  async function enforceCap(userId: string, newSessionId: string, origin: RequestOrigin): Promise<number> {
    const now = instant(deps.clock)
    const excess: SessionRecord[] = []
    // Expired but still in the index (TTL is lazy): taken out on the way.
    const stale: SessionRecord[] = []
    let kept = 0
    let stoppedEarly = false
    // No read of the revoke-all marker (one request less): a session it ended is older than the
    // marker, so counting it among the newest only spares sessions that are dead anyway.
    await walk(userId, async (page) => {
      for (const session of page) {
        if (session.sessionId === newSessionId) continue
        if (!isSessionActive(session, now.sec)) stale.push(session)
        else if (kept < deps.maxSessionsPerUser - 1) kept += 1
        else excess.push(session)
        if (excess.length + stale.length >= EVICT_MAX) {
          stoppedEarly = true
          return true
        }
      }
      return false
    })
    const remaining = stoppedEarly ? deps.maxSessionsPerUser - 1 : kept
    if (stale.length > 0) await endEach(userId, stale, now.iso)
    if (excess.length === 0) return remaining
    const ended = await endEach(userId, excess, now.iso)
    for (let count = 0; count < ended; count += 1) deps.metrics.revocations.session_limit.inc()
    await deps.events.record({ type: 'session_revoked', userId, revokedBy: 'session_limit', ...origin }, origin.log)
    return remaining
  }

  /** Revoke-all walks still running after their answer; `drain` waits for them (shutdown, tests). */
  const finishing = new Set<Promise<void>>()

  return {
    /** `log`: the request's logger (the cap's eviction records an event and may warn). */
    async issue(request: IssueTokensRequest, log: EventLog): Promise<TokenPair> {
      const now = instant(deps.clock)
      const sessionExpiresAt = now.sec + deps.sessionMaxLifetimeSec
      // A claimed sign-in later than now would escape a marker written in between: it counts as now.
      const authTime = request.authTime !== undefined && Date.parse(request.authTime) < now.ms ? new Date(request.authTime).toISOString() : now.iso
      const session: SessionRecord = {
        sessionId: randomUUID(),
        userId: request.userId,
        activeUserId: request.userId,
        scope: request.scope,
        createdAt: now.iso,
        authTime,
        lastUsedAt: now.iso,
        expiresAt: sessionExpiresAt,
        ...(request.userAgent === undefined ? {} : { userAgent: request.userAgent }),
        ...(request.ip === undefined ? {} : { ip: request.ip }),
        ...(deps.region === undefined ? {} : { region: deps.region }),
      }
      const refreshToken = generateOpaqueToken()
      const record: RefreshTokenRecord = {
        tokenHash: hashToken(refreshToken),
        sessionId: session.sessionId,
        userId: session.userId,
        scope: session.scope,
        issuedAt: now.iso,
        authTime,
        expiresAt: Math.min(now.sec + deps.refreshTtlSec, sessionExpiresAt),
        sessionExpiresAt,
        ...(request.amr === undefined ? {} : { amr: request.amr }),
        emailVerified: request.emailVerified === true,
      }
      const origin: RequestOrigin = { ...(request.ip === undefined ? {} : { ip: request.ip }), ...(request.userAgent === undefined ? {} : { userAgent: request.userAgent }), log }
      // Most sign-ins: one transaction, the user's count under the cap. At the cap (or with no
      // count yet): walk the user's sessions, end the oldest, and write again with the count found.
      if (!(await deps.transactions.createSession(session, record, { below: deps.maxSessionsPerUser }, sessionExpiresAt))) {
        const remaining = await enforceCap(session.userId, session.sessionId, origin).catch((error: unknown) => {
          log.warn({ err: error }, 'session cap not enforced at this sign-in; the next one retries')
          return undefined
        })
        await deps.transactions.createSession(session, record, remaining === undefined ? undefined : { set: remaining + 1 }, sessionExpiresAt)
      }
      return tokenPair(deps.accessTokens, record, refreshToken, now.sec)
    },

    /**
     * RFC 7009 §2.2: the answer is the same whether or not the token was known, so a caller
     * learns nothing. A refresh token ends its session; so does one of our access tokens (a
     * JWT cannot be recalled, but its session can, and introspection then reads it inactive).
     */
    async revoke(token: string, origin: RequestOrigin): Promise<void> {
      const now = instant(deps.clock)
      const record = await deps.refreshTokens.get(hashToken(token))
      if (record !== undefined) {
        try {
          await deps.transactions.revokeTokenAndSession(record, now.iso)
        } catch (error) {
          // The session item is gone (TTL): nothing is left to end.
          if ((error as Error).name !== 'TransactionCanceledException') throw error
        }
        deps.sessionCache.invalidate(record.sessionId)
        deps.metrics.revocations.session.inc()
        await recordRevoked(record.userId, record.sessionId, 'user', origin)
        return
      }
      const claims = deps.accessTokens.verify(token, now.sec)
      if (claims !== undefined && (await endSession(claims.sid, now.iso, claims.sub))) {
        deps.metrics.revocations.session.inc()
        await recordRevoked(claims.sub, claims.sid, 'user', origin)
      }
    },

    /**
     * The user's address was verified: sessions signed in before it say so from their next refresh
     * (rotation reads the user's marker while a chain still says false; never the other way round).
     */
    async markEmailVerified(userId: string): Promise<void> {
      const now = instant(deps.clock)
      await deps.sessions.markEmailVerified(userId, now.iso, now.sec + deps.sessionMaxLifetimeSec)
    },

    /**
     * One page of the user's active sessions, newest first. A page may take a few index queries to
     * fill past expired ones TTL has not deleted yet; `next` is absent on the last page. Undefined:
     * a cursor this service did not issue.
     */
    async list(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<SessionList | undefined> {
      let after = page.cursor === undefined ? undefined : decodeSessionCursor(page.cursor)
      if (page.cursor !== undefined && after === undefined) return undefined
      const nowSec = instant(deps.clock).sec
      const marker = await deps.sessions.getMarker(userId)
      const active: SessionRecord[] = []
      for (let query = 0; query < LIST_QUERIES_MAX && active.length < page.limit; query += 1) {
        const found = await deps.sessions.listPage(userId, page.limit - active.length, after)
        active.push(...found.sessions.filter((session) => isSessionActive(applyMarker(session, marker), nowSec)))
        after = found.next
        if (after === undefined) break
      }
      return {
        sessions: active.map((session) => ({
          sessionId: session.sessionId,
          createdAt: session.createdAt,
          lastUsedAt: session.lastUsedAt,
          ...(session.userAgent === undefined ? {} : { userAgent: session.userAgent }),
          ...(session.ip === undefined ? {} : { ip: session.ip }),
        })),
        ...(after === undefined ? {} : { next: encodeSessionCursor(after) }),
      }
    },

    async revokeOne(userId: string, sessionId: string, origin: RequestOrigin, revokedBy: RevokedBy = 'user'): Promise<void> {
      const now = instant(deps.clock)
      const session = await deps.sessions.getForUser(sessionId, userId)
      if (!isSessionActive(session, now.sec)) throw notFound()
      if (!(await endSession(sessionId, now.iso, userId))) throw notFound()
      deps.metrics.revocations.session.inc()
      await recordRevoked(userId, sessionId, revokedBy, origin)
    },

    /**
     * Logout everywhere and password changes: every active session but (optionally) the caller's.
     * The user's marker is written first and is what guarantees it (rotation and introspection
     * check it); revoking each listed session as well keeps the items themselves truthful.
     */
    /** Waits for revoke-all walks that went on after their answer. */
    async drain(): Promise<void> {
      await Promise.all([...finishing])
    },

    async revokeAll(userId: string, exceptSessionId: string | undefined, origin: RequestOrigin, revokedBy: RevokedBy = 'logout_all'): Promise<void> {
      const now = instant(deps.clock)
      await deps.sessions.markAllRevoked(userId, now.iso, now.sec + deps.sessionMaxLifetimeSec, exceptSessionId)
      // A page at a time, a bounded number of writes at once: thousands of sessions never go out
      // together. The marker already ended them all; past REVOKE_ALL_INLINE_MS the walk goes on
      // after the answer, so a user with thousands of sessions gets one in bounded time.
      const deadline = performance.now() + REVOKE_ALL_INLINE_MS
      let remaining: (() => Promise<void>) | undefined
      const step = async (page: SessionRecord[]): Promise<boolean> => {
        const targets = page.filter((session) => isSessionActive(session, now.sec) && authTimeOf(session) <= now.iso && session.sessionId !== exceptSessionId)
        await endEach(userId, targets, now.iso)
        return false
      }
      let position: SessionPage['next']
      await walk(userId, async (page) => {
        await step(page)
        position = page.at(-1) === undefined ? undefined : { sessionId: page.at(-1)!.sessionId, createdAt: page.at(-1)!.createdAt }
        if (performance.now() < deadline) return false
        const resumeAt = position
        remaining = () => walk(userId, step, WALK_PAGE, resumeAt)
        return true
      }, REVOKE_ALL_INLINE_PAGE)
      if (remaining !== undefined) {
        const rest = remaining()
          .catch((error: unknown) => origin.log.warn({ err: error, userId }, 'revoke-all: the rest of the walk failed; the marker still ends those sessions'))
          .finally(() => finishing.delete(rest))
        finishing.add(rest)
      }
      deps.metrics.revocations.all_sessions.inc()
      // One event for the lot: "signed out everywhere" (the caller's session, when kept, is the one making the request).
      await deps.events.record({ type: 'session_revoked', userId, revokedBy, ...origin }, origin.log)
    },
  }
}
