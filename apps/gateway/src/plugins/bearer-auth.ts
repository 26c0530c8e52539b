import type { FastifyRequest } from 'fastify'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'
import type { TokenClient } from '../clients/token-client.ts'

export interface Principal {
  userId: string
  sessionId: string
  scope: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearer guard on protected routes. */
    principal?: Principal
  }
}

const MAX_TOKEN_LENGTH = 8192

/** RFC 6750 §3: the challenge tells the client whether to send a token or get a new one. */
function challenge(code: 'UNAUTHENTICATED' | 'INVALID_TOKEN', message: string): AppError {
  const header = code === 'UNAUTHENTICATED'
    ? 'Bearer realm="gatehouse"'
    : 'Bearer realm="gatehouse", error="invalid_token", error_description="The access token is invalid, expired or revoked"'
  return new AppError(401, ErrorCodes[code], message, { headers: { 'www-authenticate': header } })
}

/**
 * Every protected request is checked by the token service's introspection (RFC 7662) over a
 * keep-alive connection rather than by local JWT verification alone: a logged-out session's
 * access token is refused at once, not when it expires up to 15 minutes later.
 */
export function createBearerGuard(token: TokenClient) {
  return async function bearerGuard(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header)
    if (header === undefined || header === '') throw challenge('UNAUTHENTICATED', 'Authorization: Bearer <access token> is required')
    const accessToken = match?.[1]
    if (accessToken === undefined || accessToken.length > MAX_TOKEN_LENGTH) throw challenge('INVALID_TOKEN', 'Malformed Authorization header')
    const result = await token.introspect(request, accessToken)
    if (!result.active) throw challenge('INVALID_TOKEN', 'Access token is invalid, expired or revoked')
    request.principal = { userId: result.sub, sessionId: result.sid, scope: result.scope }
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw challenge('UNAUTHENTICATED', 'Authorization: Bearer <access token> is required')
  return request.principal
}
