import { randomUUID } from 'node:crypto'
import { generateOpaqueToken, hashToken } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import type { RequestOrigin } from '@gatehouse/dynamo'
import { ErrorCodes, type IssueTokensRequest, type RevokedBy, type SessionSummary, type TokenPair } from '@gatehouse/schemas'
import { applyMarker, authTimeOf, isSessionActive, type SessionRecord } from '../repositories/sessions-repository.ts'
import type { RefreshTokenRecord } from '../repositories/refresh-tokens-repository.ts'
import { instant } from './clock.ts'
import type { TokenServiceDeps } from './token-deps.ts'
import { tokenPair } from './token-pairs.ts'

export interface SessionServiceDeps extends TokenServiceDeps {
  sessionMaxLifetimeSec: number
  /** Stamped on new sessions as their home region; unset outside AWS. */
  region?: string
}

export type SessionService = ReturnType<typeof createSessionService>

/** Session revocations in flight at once during a revoke-all (the marker already ended them all). */
const REVOKE_CONCURRENCY = 16

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

  return {
    async issue(request: IssueTokensRequest): Promise<TokenPair> {
      const now = instant(deps.clock)
      const sessionExpiresAt = now.sec + deps.sessionMaxLifetimeSec
      // A claimed sign-in later than now would escape a marker written in between: it counts as now.
      const authTime = request.authTime !== undefined && Date.parse(request.authTime) < now.ms ? new Date(request.authTime).toISOString() : now.iso
      const session: SessionRecord = {
        sessionId: randomUUID(),
        userId: request.userId,
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
      await deps.transactions.createSession(session, record)
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

    async list(userId: string): Promise<SessionSummary[]> {
      const nowSec = instant(deps.clock).sec
      const [sessions, marker] = await Promise.all([deps.sessions.listByUser(userId), deps.sessions.getMarker(userId)])
      return sessions.filter((session) => isSessionActive(applyMarker(session, marker), nowSec)).map((session) => ({
        sessionId: session.sessionId,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        ...(session.userAgent === undefined ? {} : { userAgent: session.userAgent }),
        ...(session.ip === undefined ? {} : { ip: session.ip }),
      }))
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
    async revokeAll(userId: string, exceptSessionId: string | undefined, origin: RequestOrigin, revokedBy: RevokedBy = 'logout_all'): Promise<void> {
      const now = instant(deps.clock)
      await deps.sessions.markAllRevoked(userId, now.iso, now.sec + deps.sessionMaxLifetimeSec, exceptSessionId)
      const sessions = await deps.sessions.listByUser(userId)
      const targets = sessions.filter((session) => isSessionActive(session, now.sec) && authTimeOf(session) <= now.iso && session.sessionId !== exceptSessionId)
      // A bounded number of writes at once: a user with thousands of sessions must not fire them all together.
      for (let at = 0; at < targets.length; at += REVOKE_CONCURRENCY) {
        await Promise.all(targets.slice(at, at + REVOKE_CONCURRENCY).map((session) => endSession(session.sessionId, now.iso, userId)))
      }
      deps.metrics.revocations.all_sessions.inc()
      // One event for the lot: "signed out everywhere" (the caller's session, when kept, is the one making the request).
      await deps.events.record({ type: 'session_revoked', userId, revokedBy, ...origin }, origin.log)
    },
  }
}
