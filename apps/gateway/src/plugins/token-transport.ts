import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes, type TokenPair } from '@gatehouse/schemas'
import type { AccessTokenResponse } from '../schemas/auth.ts'
import type { RefreshCookie } from './refresh-cookie.ts'

export const TOKEN_TRANSPORT_HEADER = 'x-token-transport'

/** Where the refresh token travels for one request: the HttpOnly cookie, or the JSON body (native apps). */
export interface RefreshTransport {
  kind: 'cookie' | 'body'
  /** The refresh token the client presented this way, if any; the other way is never read. */
  read(request: FastifyRequest): string | undefined
  /** The response body for a new pair (and, for the cookie, the Set-Cookie). */
  issue(reply: FastifyReply, pair: TokenPair): AccessTokenResponse
  /** Forget the token on the client: clears the cookie; a body client just drops it. */
  clear(reply: FastifyReply): void
}

const bodyToken = (request: FastifyRequest): string | undefined => {
  const body = request.body as { refreshToken?: unknown } | null | undefined
  return typeof body?.refreshToken === 'string' ? body.refreshToken : undefined
}

/**
 * Picks the transport from `x-token-transport` (`body`, or `cookie`, the default). The two never
 * mix: a body-transport request ignores any cookie it carries, and a cookie request that puts a
 * refresh token in its body is refused, so a token issued to a native app never authenticates
 * through the cookie path or the reverse. The CSRF guard still runs for both: a body token is not
 * an ambient credential a cross-site page could ride on, and the custom header itself needs a CORS
 * preflight, which the allowlist refuses.
 */
export function createTokenTransports(cookie: RefreshCookie): (request: FastifyRequest) => RefreshTransport {
  const viaCookie: RefreshTransport = {
    kind: 'cookie',
    read(request) {
      if (bodyToken(request) !== undefined) {
        throw new AppError(400, ErrorCodes.VALIDATION_FAILED, `refreshToken in the body needs the header ${TOKEN_TRANSPORT_HEADER}: body`)
      }
      return cookie.read(request)
    },
    issue(reply, pair) {
      cookie.set(reply, pair.refreshToken, pair.refreshExpiresIn)
      return { accessToken: pair.accessToken, tokenType: 'Bearer', expiresIn: pair.expiresIn }
    },
    clear: (reply) => cookie.clear(reply),
  }
  const viaBody: RefreshTransport = {
    kind: 'body',
    read: bodyToken,
    issue: (_reply, pair) => ({
      accessToken: pair.accessToken,
      tokenType: 'Bearer',
      expiresIn: pair.expiresIn,
      refreshToken: pair.refreshToken,
      refreshExpiresIn: pair.refreshExpiresIn,
    }),
    clear: () => undefined,
  }
  return (request) => {
    const value = request.headers[TOKEN_TRANSPORT_HEADER]
    if (value === undefined || value === 'cookie') return viaCookie
    if (value === 'body') return viaBody
    throw new AppError(400, ErrorCodes.VALIDATION_FAILED, `${TOKEN_TRANSPORT_HEADER} must be "body" or "cookie"`)
  }
}
