import { TokenError } from './errors.ts'

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1), or undefined when none is sent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
  if (match === null) throw new TokenError('invalid_token', 'The Authorization header is not a Bearer token')
  return match[1]
}

export interface BearerFailure {
  status: 401 | 403 | 503
  headers: Record<string, string>
  body: { error: string; error_description: string }
}

const quoted = (value: string): string => value.replace(/["\\]/g, '')

/**
 * The RFC 6750 §3 answer: a request without a token gets a bare challenge; a bad one
 * `error="invalid_token"`; a good one without the scope `error="insufficient_scope"` with the
 * scope it needs. `unavailable` is a 503 with no challenge: the token may well be fine.
 */
export function bearerFailure(error: TokenError | undefined, realm: string): BearerFailure {
  if (error === undefined) {
    return { status: 401, headers: { 'www-authenticate': `Bearer realm="${quoted(realm)}"` }, body: { error: 'invalid_token', error_description: 'A Bearer token is required' } }
  }
  if (error.code === 'unavailable') {
    return { status: 503, headers: { 'retry-after': '1' }, body: { error: 'temporarily_unavailable', error_description: 'Token verification is unavailable; try again' } }
  }
  const scope = error.code === 'insufficient_scope' && error.requiredScopes.length > 0 ? `, scope="${quoted(error.requiredScopes.join(' '))}"` : ''
  return {
    status: error.status,
    headers: { 'www-authenticate': `Bearer realm="${quoted(realm)}", error="${error.code}", error_description="${quoted(error.message)}"${scope}` },
    body: { error: error.code, error_description: error.message },
  }
}
