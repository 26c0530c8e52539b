import type { FastifyRequest } from 'fastify'
import { AppError } from '@gatehouse/platform'
import { ErrorCodes } from '@gatehouse/schemas'

/**
 * CSRF defence for the endpoints a browser reaches with its cookies (OWASP CSRF Prevention Cheat
 * Sheet: "verifying origin with standard headers"), run before the body is read:
 * - an `Origin`, when sent, must be this gateway's own origin or in the CORS allowlist;
 * - the body must be `application/json`: an HTML form can only send urlencoded, multipart or
 *   text/plain, and a cross-site fetch with JSON needs a CORS preflight, which the allowlist refuses.
 * - Fetch Metadata (https://web.dev/articles/fetch-metadata): a browser that says the request
 *   is `cross-site`, or `same-site` from an origin that is neither ours nor allowed, is refused
 *   whatever else it carries. Clients that send no `Sec-Fetch-Site` (not browsers) are unaffected.
 * SameSite=Strict on the cookie is the last layer, not the only one.
 */
export function createCsrfGuard(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins)
  return async function csrfGuard(request: FastifyRequest): Promise<void> {
    const origin = request.headers.origin
    const trusted = origin !== undefined && (allowed.has(origin) || origin === `${request.protocol}://${request.host}`)
    if (origin !== undefined && !trusted) {
      throw new AppError(403, ErrorCodes.CSRF_REJECTED, 'Cross-site request refused: Origin is not allowed')
    }
    const site = request.headers['sec-fetch-site']
    if (site === 'cross-site' || (site === 'same-site' && !trusted)) {
      throw new AppError(403, ErrorCodes.CSRF_REJECTED, 'Cross-site request refused: Sec-Fetch-Site is not allowed')
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new AppError(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, 'Content-Type must be application/json')
    }
  }
}
