import { setTimeout as sleep } from 'node:timers/promises'
import { generateOpaqueToken, hashToken, openWithToken, sealWithToken } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type RefreshFailureReason, type RefreshRequest, type TokenPair } from '@gatehouse/schemas'
import type { FastifyBaseLogger } from 'fastify'
import { isSessionActive } from '../repositories/sessions-repository.ts'
import type { RefreshTokenRecord } from '../repositories/refresh-tokens-repository.ts'
import { instant, type Instant } from './clock.ts'
import type { TokenServiceDeps } from './token-deps.ts'
import { tokenPair } from './token-pairs.ts'

/** HKDF context of the sealed successor: a blob sealed for this never opens for anything else. */
const SUCCESSOR_CONTEXT = 'refresh-successor'
/** Transactions that collide with a concurrent one are retried this many times in all. */
const MAX_ATTEMPTS = 6
/** A chain of rotations inside one grace window is followed at most this far. */
const MAX_CHAIN = 5

export interface RefreshServiceDeps extends TokenServiceDeps {
  graceSec: number
}

export type RefreshService = ReturnType<typeof createRefreshService>

export class RefreshTokenError extends AppError {
  readonly reason: RefreshFailureReason

  constructor(reason: RefreshFailureReason) {
    super(401, ErrorCodes.INVALID_REFRESH_TOKEN, 'Refresh token is not valid; sign in again', { details: { reason } })
    this.reason = reason
  }
}

/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2). Every refresh consumes the
 * presented token and mints a successor in one transaction. A consumed token presented again
 * within the grace window gets that same successor (opened with the presented token itself);
 * after the window it is treated as stolen: the whole session is revoked.
 */
export function createRefreshService(deps: RefreshServiceDeps) {
  async function sessionFailure(token: RefreshTokenRecord, now: Instant): Promise<RefreshTokenError> {
    const session = await deps.sessions.getForUser(token.sessionId, token.userId)
    return new RefreshTokenError(session === undefined || (session.revokedAt === undefined && session.expiresAt <= now.sec) ? 'expired' : 'revoked')
  }

  async function replay(token: RefreshTokenRecord, presented: string, log: FastifyBaseLogger, depth: number): Promise<TokenPair> {
    const now = instant(deps.clock)
    const session = await deps.sessions.getForUser(token.sessionId, token.userId)
    if (!isSessionActive(session, now.sec)) throw await sessionFailure(token, now)
    const consumedMs = Date.parse(token.consumedAt as string)
    if (now.ms - consumedMs > deps.graceSec * 1000) {
      await deps.sessions.revoke(token.sessionId, now.iso)
      deps.sessionCache.invalidate(token.sessionId)
      log.warn({ event: 'refresh_token_reuse', sessionId: token.sessionId, userId: token.userId }, 'rotated refresh token presented again after the grace window; session revoked')
      throw new RefreshTokenError('reused')
    }
    const successorToken = token.successorSealed === undefined ? undefined : openWithToken(presented, token.successorSealed, SUCCESSOR_CONTEXT)
    const successor = token.successorHash === undefined ? undefined : await deps.refreshTokens.get(token.successorHash)
    // Cannot happen in a normal flow (the successor is written in the same transaction); if the
    // data says otherwise, the token is unusable rather than a server error.
    if (successorToken === undefined || successor === undefined) throw new RefreshTokenError('revoked')
    if (successor.consumedAt !== undefined && depth < MAX_CHAIN) return replay(successor, successorToken, log, depth + 1)
    if (successor.revokedAt !== undefined) throw new RefreshTokenError('revoked')
    if (successor.expiresAt <= now.sec) throw new RefreshTokenError('expired')
    return tokenPair(deps.accessTokens, successor, successorToken, now.sec)
  }

  return {
    async refresh(request: RefreshRequest, log: FastifyBaseLogger): Promise<TokenPair> {
      const presentedHash = hashToken(request.refreshToken)
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const token = await deps.refreshTokens.get(presentedHash)
        if (token === undefined) throw new RefreshTokenError('unknown')
        if (token.revokedAt !== undefined) throw new RefreshTokenError('revoked')
        if (token.consumedAt !== undefined) return replay(token, request.refreshToken, log, 0)
        const now = instant(deps.clock)
        if (token.expiresAt <= now.sec) throw new RefreshTokenError('expired')

        const successorToken = generateOpaqueToken()
        const successor: RefreshTokenRecord = {
          tokenHash: hashToken(successorToken),
          sessionId: token.sessionId,
          userId: token.userId,
          scope: token.scope,
          issuedAt: now.iso,
          expiresAt: Math.min(now.sec + deps.refreshTtlSec, token.sessionExpiresAt),
          sessionExpiresAt: token.sessionExpiresAt,
          // A refresh is not a sign-in: the successor keeps how and when the user signed in.
          ...(token.amr === undefined ? {} : { amr: token.amr }),
          ...(token.authTime === undefined ? {} : { authTime: token.authTime }),
        }
        const outcome = await deps.transactions.rotate({
          old: token,
          successor,
          successorSealed: sealWithToken(request.refreshToken, successorToken, SUCCESSOR_CONTEXT),
          nowIso: now.iso,
          nowSec: now.sec,
          userAgent: request.userAgent,
          ip: request.ip,
        })
        if (outcome.ok) return tokenPair(deps.accessTokens, successor, successorToken, now.sec)
        if (outcome.failed === 'session') throw await sessionFailure(token, now)
        // Another request rotated (or is rotating) this token: read it again and follow it.
        await sleep(Math.floor(Math.random() * 10 * attempt) + 5)
      }
      throw new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, 'Refresh is contended; retry shortly', { headers: { 'retry-after': '1' } })
    },
  }
}
