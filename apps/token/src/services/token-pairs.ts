import type { TokenPair } from '@gatehouse/schemas'
import type { RefreshTokenRecord } from '../repositories/refresh-tokens-repository.ts'
import type { AccessTokens } from './access-tokens.ts'

/** A fresh access token for the session that `refresh` belongs to, paired with that refresh token. */
export function tokenPair(accessTokens: AccessTokens, refresh: RefreshTokenRecord, refreshToken: string, nowSec: number): TokenPair {
  const { accessToken, expiresIn } = accessTokens.issue(
    {
      userId: refresh.userId,
      scope: refresh.scope,
      sessionId: refresh.sessionId,
      notAfterSec: refresh.sessionExpiresAt,
      ...(refresh.amr === undefined ? {} : { amr: refresh.amr }),
      // RFC 9068 auth_time, epoch seconds; items from before authTime was kept fall back to issuedAt.
      authTime: Math.floor(Date.parse(refresh.authTime ?? refresh.issuedAt) / 1000),
      emailVerified: refresh.emailVerified === true,
    },
    nowSec,
  )
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn,
    refreshToken,
    refreshExpiresIn: Math.max(0, refresh.expiresAt - nowSec),
    sessionId: refresh.sessionId,
  }
}
