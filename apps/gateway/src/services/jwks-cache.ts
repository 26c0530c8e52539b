import type { Jwks } from '@gatehouse/schemas'
import type { CallContext } from '../clients/downstream.ts'
import type { TokenClient } from '../clients/token-client.ts'

export interface JwksCache {
  get(context: CallContext): Promise<Jwks>
}

/**
 * The token service's JWKS, reused for `ttlSeconds`. When the token service is down, the last
 * good set keeps being served: verifiers need keys most when things are already going wrong.
 */
export function createJwksCache(token: TokenClient, ttlSeconds: number, now: () => number = Date.now): JwksCache {
  let cached: { jwks: Jwks; fetchedAt: number } | undefined
  let inflight: Promise<Jwks> | undefined
  return {
    async get(context) {
      if (cached !== undefined && now() - cached.fetchedAt < ttlSeconds * 1000) return cached.jwks
      inflight ??= token.jwks(context).then(
        ({ jwks }) => {
          cached = { jwks, fetchedAt: now() }
          return jwks
        },
      ).finally(() => {
        inflight = undefined
      })
      try {
        return await inflight
      } catch (error) {
        if (cached !== undefined) return cached.jwks
        throw error
      }
    },
  }
}
