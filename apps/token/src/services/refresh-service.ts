import { setTimeout as sleep } from 'node:timers/promises'
import { generateOpaqueToken, hashToken, openWithToken, sealWithToken } from '@gatehouse/crypto'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type RefreshFailureReason, type RefreshRequest, type TokenPair } from '@gatehouse/schemas'
import type { RequestOrigin } from '@gatehouse/dynamo'
import { isSessionActive } from '../repositories/sessions-repository.ts'
import type { RefreshTokenRecord } from '../repositories/refresh-tokens-repository.ts'
import { instant, type Instant } from './clock.ts'
import type { TokenServiceDeps } from './token-deps.ts'
import { tokenPair } from './token-pairs.ts'

/** HKDF context of the sealed successor: a blob sealed for this never opens for anything else. */
const SUCCESSOR_CONTEXT = 'refresh-successor'
/** Transactions that collide with a concurrent one are retried this many times in all. */
const MAX_ATTEMPTS = 6
/**
 * A chain of rotations is followed at most this far (one read a hop); past it the replay gets a
 * retryable 503 that revokes nothing, never a token already used.
 */
const MAX_CHAIN = 32

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

  async function replay(token: RefreshTokenRecord, presented: string, origin: RequestOrigin): Promise<TokenPair> {
    const now = instant(deps.clock)
    const session = await deps.sessions.getForUser(token.sessionId, token.userId)
    if (!isSessionActive(session, now.sec)) throw await sessionFailure(token, now)
    const consumedMs = Date.parse(token.consumedAt as string)
    if (now.ms - consumedMs > deps.graceSec * 1000) {
      await deps.sessions.revoke(token.sessionId, now.iso)
      deps.sessionCache.invalidate(token.sessionId)
      // Its log line (`event: refresh_reuse_detected`) is a warning: a stolen token, most likely.
      await deps.events.record({ type: 'refresh_reuse_detected', userId: token.userId, sessionId: token.sessionId, ...origin }, origin.log)
      throw new RefreshTokenError('reused')
    }
    // Each used token opens the next one down the chain, up to the live (unused) end of it.
    let link = token
    let linkToken = presented
    for (let hop = 0; hop < MAX_CHAIN; hop += 1) {
      const successorToken = link.successorSealed === undefined ? undefined : openWithToken(linkToken, link.successorSealed, SUCCESSOR_CONTEXT)
      const successor = link.successorHash === undefined ? undefined : await deps.refreshTokens.get(link.successorHash)
      // Cannot happen in a normal flow (the successor is written in the same transaction); if the
      // data says otherwise, the token is unusable rather than a server error.
      if (successorToken === undefined || successor === undefined) throw new RefreshTokenError('revoked')
      if (successor.revokedAt !== undefined) throw new RefreshTokenError('revoked')
      if (successor.consumedAt === undefined) {
        if (successor.expiresAt <= now.sec) throw new RefreshTokenError('expired')
        return tokenPair(deps.accessTokens, successor, successorToken, now.sec)
      }
      link = successor
      linkToken = successorToken
    }
    throw new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, 'Refresh is contended; retry shortly', { headers: { 'retry-after': '1' } })
  }

  const { refreshes } = deps.metrics
  const OUTCOME_OF = { reused: refreshes.reuse_detected, expired: refreshes.expired, revoked: refreshes.revoked, unknown: refreshes.unknown } as const

  return {
    /** Every presentation is counted by its outcome (`gatehouse_refreshes_total`). */
    async refresh(request: RefreshRequest, origin: RequestOrigin): Promise<TokenPair> {
      try {
        const { pair, replayed } = await rotateOrReplay(request, origin)
        ;(replayed ? refreshes.grace_replay : refreshes.rotated).inc()
        return pair
      } catch (error) {
        if (error instanceof RefreshTokenError) OUTCOME_OF[error.reason].inc()
        throw error
      }
    },
  }

  async function rotateOrReplay(request: RefreshRequest, origin: RequestOrigin): Promise<{ pair: TokenPair; replayed: boolean }> {
    const presentedHash = hashToken(request.refreshToken)
    // Set once the user's marker said the address was verified after this chain's sign-in.
    let verifiedSince = false
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const token = await deps.refreshTokens.get(presentedHash)
      if (token === undefined) throw new RefreshTokenError('unknown')
      if (token.revokedAt !== undefined) throw new RefreshTokenError('revoked')
      if (token.consumedAt !== undefined) return { pair: await replay(token, request.refreshToken, origin), replayed: true }
      const now = instant(deps.clock)
      if (token.expiresAt <= now.sec) throw new RefreshTokenError('expired')

      const successorToken = generateOpaqueToken()
      // The address may have been verified since the sign-in. While the chain still says false,
      // the rotation's check of the user's marker also asks that it was not (no read first);
      // verification never goes back, so a true chain needs neither.
      const emailVerified = token.emailVerified === true || verifiedSince
      const successor: RefreshTokenRecord = {
        tokenHash: hashToken(successorToken),
        sessionId: token.sessionId,
        userId: token.userId,
        scope: token.scope,
        issuedAt: now.iso,
        authTime: token.authTime ?? token.issuedAt,
        expiresAt: Math.min(now.sec + deps.refreshTtlSec, token.sessionExpiresAt),
        sessionExpiresAt: token.sessionExpiresAt,
        // A refresh is not a sign-in: the successor keeps how (and, above, when) the user signed in.
        ...(token.amr === undefined ? {} : { amr: token.amr }),
        emailVerified,
      }
      const outcome = await deps.transactions.rotate({
        old: token,
        successor,
        successorSealed: sealWithToken(request.refreshToken, successorToken, SUCCESSOR_CONTEXT),
        nowIso: now.iso,
        nowSec: now.sec,
        userAgent: request.userAgent,
        ip: request.ip,
        unverified: !emailVerified,
      })
      if (outcome.ok) return { pair: tokenPair(deps.accessTokens, successor, successorToken, now.sec), replayed: false }
      if (outcome.failed === 'marker') {
        // Verified since (rotate again, saying so: once per chain), or ended by a revoke-all.
        if ((await deps.sessions.getMarker(token.userId))?.emailVerifiedAt === undefined) throw await sessionFailure(token, now)
        verifiedSince = true
        continue
      }
      if (outcome.failed === 'session') throw await sessionFailure(token, now)
      // Another request rotated (or is rotating) this token: read it again and follow it.
      await sleep(Math.floor(Math.random() * 10 * attempt) + 5)
    }
    throw new AppError(503, ErrorCodes.SERVICE_UNAVAILABLE, 'Refresh is contended; retry shortly', { headers: { 'retry-after': '1' } })
  }
}
