import type { SecurityEventsRepository } from '@gatehouse/dynamo'
import type { RefreshTokensRepository } from '../repositories/refresh-tokens-repository.ts'
import type { SessionsRepository } from '../repositories/sessions-repository.ts'
import type { TokenTransactions } from '../repositories/token-transactions.ts'
import type { AccessTokens } from './access-tokens.ts'
import type { Clock } from './clock.ts'
import type { SessionStateCache } from './session-state-cache.ts'
import type { TokenMetrics } from './token-metrics.ts'

/** What the session and refresh services both stand on; app.ts builds it once. */
export interface TokenServiceDeps {
  sessions: SessionsRepository
  refreshTokens: RefreshTokensRepository
  transactions: TokenTransactions
  accessTokens: AccessTokens
  sessionCache: SessionStateCache
  clock: Clock
  events: SecurityEventsRepository
  metrics: TokenMetrics
  refreshTtlSec: number
}
