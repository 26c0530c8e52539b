import { randomUUID } from 'node:crypto'
import type { KeyRing } from '@gatehouse/crypto'
import type { AccessTokenClaims } from '@gatehouse/schemas'

// RFC 9068 §2.1: access tokens are typed so they cannot be confused with ID tokens or others.
export const ACCESS_TOKEN_TYP = 'at+jwt'
/** Instances' clocks differ a little: a token minted by one is checked by another. */
const CLOCK_TOLERANCE_SEC = 5

export interface AccessTokenDeps {
  keyRing: KeyRing
  issuer: string
  audience: string
  ttlSec: number
}

export interface AccessTokenSubject {
  userId: string
  scope: string
  sessionId: string
  /** The access token never outlives its session's absolute cap. */
  notAfterSec: number
  /** RFC 8176 methods and the sign-in time (epoch seconds), when the session recorded them. */
  amr?: string[]
  authTime?: number
  /** Whether the user's address is verified (OpenID Connect `email_verified`). */
  emailVerified: boolean
}

export type AccessTokens = ReturnType<typeof createAccessTokens>

export function createAccessTokens(deps: AccessTokenDeps) {
  return {
    issue(subject: AccessTokenSubject, nowSec: number): { accessToken: string; expiresIn: number } {
      const exp = Math.min(nowSec + deps.ttlSec, subject.notAfterSec)
      const claims: AccessTokenClaims = {
        iss: deps.issuer,
        aud: deps.audience,
        sub: subject.userId,
        scope: subject.scope,
        sid: subject.sessionId,
        jti: randomUUID(),
        iat: nowSec,
        exp,
        ...(subject.amr === undefined ? {} : { amr: subject.amr }),
        ...(subject.authTime === undefined ? {} : { auth_time: subject.authTime }),
        email_verified: subject.emailVerified,
      }
      return { accessToken: deps.keyRing.sign(claims, { typ: ACCESS_TOKEN_TYP }), expiresIn: exp - nowSec }
    },

    /**
     * The claims of a valid access token of ours, or undefined for anything else: the signature,
     * kid, alg (from our key, never the token: RFC 8725 §3.1), typ, iss, aud and expiry are all
     * checked, and the claims this service relies on must be present with the right types.
     */
    verify(token: string, nowSec: number): AccessTokenClaims | undefined {
      const result = deps.keyRing.verify(token, {
        issuer: deps.issuer,
        audience: deps.audience,
        typ: ACCESS_TOKEN_TYP,
        now: nowSec,
        clockToleranceSec: CLOCK_TOLERANCE_SEC,
      })
      if (!result.ok) return undefined
      const { sub, scope, sid, jti, iat, client_id: clientId } = result.payload
      if (typeof sub !== 'string' || typeof scope !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return undefined
      if (typeof iat !== 'number' || (clientId !== undefined && typeof clientId !== 'string')) return undefined
      const { amr, auth_time: authTime } = result.payload
      if (amr !== undefined && !(Array.isArray(amr) && amr.every((value) => typeof value === 'string'))) return undefined
      if (authTime !== undefined && typeof authTime !== 'number') return undefined
      if (result.payload['email_verified'] !== undefined && typeof result.payload['email_verified'] !== 'boolean') return undefined
      return result.payload as AccessTokenClaims
    },
  }
}
