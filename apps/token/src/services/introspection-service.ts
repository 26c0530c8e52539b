import type { IntrospectionResponse } from '@gatehouse/schemas'
import type { AccessTokens } from './access-tokens.ts'
import type { Clock } from './clock.ts'
import type { SessionStateCache } from './session-state-cache.ts'

export interface IntrospectionDeps {
  accessTokens: AccessTokens
  sessionCache: SessionStateCache
  clock: Clock
}

/** RFC 7662 §2.2: for anything but an active token, nothing beyond `active: false` is said. */
const INACTIVE = Object.freeze({ active: false as const })

export type IntrospectionService = ReturnType<typeof createIntrospectionService>

/**
 * Token introspection (RFC 7662) for access tokens only. Refresh tokens (and any other string)
 * read inactive: resource servers have no business holding one, and saying more would turn this
 * endpoint into an oracle for them. The signature is checked locally; the session is checked
 * through the short cache, so a revoked session reads inactive within a second.
 */
export function createIntrospectionService(deps: IntrospectionDeps) {
  return {
    async introspect(token: string): Promise<IntrospectionResponse> {
      const nowSec = Math.floor(deps.clock() / 1000)
      const claims = deps.accessTokens.verify(token, nowSec)
      if (claims === undefined) return INACTIVE
      const session = await deps.sessionCache.get(claims.sid, claims.sub)
      if (session === undefined || session.revoked || session.expiresAt <= nowSec || session.userId !== claims.sub) return INACTIVE
      return {
        active: true,
        sub: claims.sub,
        scope: claims.scope,
        sid: claims.sid,
        ...(claims.client_id === undefined ? {} : { client_id: claims.client_id }),
        exp: claims.exp,
        iat: claims.iat,
        iss: claims.iss,
        aud: claims.aud,
        jti: claims.jti,
        ...(claims.amr === undefined ? {} : { amr: claims.amr }),
        ...(claims.auth_time === undefined ? {} : { auth_time: claims.auth_time }),
        // What the token says (as of its sign-in or refresh), like every other claim here.
        ...(claims.email_verified === undefined ? {} : { email_verified: claims.email_verified }),
        token_type: 'Bearer',
      }
    },
  }
}
