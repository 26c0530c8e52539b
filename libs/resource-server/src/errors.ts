/**
 * Why a token was refused. `invalid_token` and `insufficient_scope` are RFC 6750 §3.1 codes (401
 * and 403); `unavailable` means the JWKS or the introspection endpoint could not be reached, and
 * the kit fails closed (503) rather than let an unchecked token through.
 */
export type TokenErrorCode = 'invalid_token' | 'insufficient_scope' | 'unavailable'

export class TokenError extends Error {
  readonly code: TokenErrorCode
  /** The HTTP status a resource server should answer. */
  readonly status: 401 | 403 | 503
  /** For insufficient_scope: the scopes the resource needs (RFC 6750 §3 `scope` attribute). */
  readonly requiredScopes: readonly string[]

  constructor(code: TokenErrorCode, message: string, options: { requiredScopes?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TokenError'
    this.code = code
    this.status = code === 'invalid_token' ? 401 : code === 'insufficient_scope' ? 403 : 503
    this.requiredScopes = options.requiredScopes ?? []
  }
}
