import type { Metrics } from '@gatehouse/platform'

/** Refresh outcomes: a spike of reuse_detected is stolen refresh tokens being tried. */
export const REFRESH_OUTCOMES = ['rotated', 'grace_replay', 'reuse_detected', 'expired', 'revoked', 'unknown'] as const
/** What a revocation ended: one session (sign-out, the session list) or all of a user's. */
export const REVOCATION_KINDS = ['session', 'all_sessions', 'session_limit'] as const

export function createTokenMetrics(metrics: Metrics) {
  return {
    refreshes: metrics.counters('gatehouse_refreshes_total', 'Refresh-token presentations by outcome', 'outcome', REFRESH_OUTCOMES),
    revocations: metrics.counters('gatehouse_revocations_total', 'Sessions ended on request, by kind', 'kind', REVOCATION_KINDS),
  }
}

export type TokenMetrics = ReturnType<typeof createTokenMetrics>
