import type { Metrics } from '@gatehouse/platform'

/** The sign-in outcomes an operator alarms on (a credential-stuffing wave is wrong_credentials and throttled climbing together). */
// email_not_verified: a right password refused under REQUIRE_VERIFIED_EMAIL (users stuck before their mailbox).
export const SIGN_IN_OUTCOMES = ['success', 'wrong_credentials', 'throttled', 'mfa_required', 'email_not_verified'] as const

export function createIdentityMetrics(metrics: Metrics) {
  return {
    signIns: metrics.counters('gatehouse_sign_ins_total', 'Sign-ins by outcome (success: completed by password, code step or passkey)', 'outcome', SIGN_IN_OUTCOMES),
  }
}

export type IdentityMetrics = ReturnType<typeof createIdentityMetrics>
