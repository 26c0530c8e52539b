import { bearerToken } from '../bearer.ts'
import { TokenError } from '../errors.ts'
import { createVerifier, type Verifier, type VerifierOptions, type VerifiedToken } from '../verifier.ts'
import type { AuthorizerEvent, AuthorizerResponse, HttpApiAuthorizerEvent, RestPolicyResponse } from './events.ts'

export type * from './events.ts'

const header = (headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value
  return undefined
}

/**
 * The policy covers the whole stage (`…/stage/*`), not just the called method: every route behind
 * this authorizer needs the same token and scope, and API Gateway caches the policy per token, so a
 * method-specific Allow would wrongly refuse that token's next call to another route.
 */
function policy(effect: 'Allow' | 'Deny', methodArn: string, principalId: string, token?: VerifiedToken): RestPolicyResponse {
  const [arn = methodArn, stage = '*'] = methodArn.split('/')
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${arn}/${stage}/*` }] },
    ...(token === undefined ? {} : { context: contextOf(token) }),
  }
}

const contextOf = (token: VerifiedToken): Record<string, string> => ({ sub: token.sub, scope: token.scopes.join(' '), sid: token.sid ?? '' })

/**
 * One handler for API Gateway token authorizers:
 * - HTTP API (payload 2.0, simple responses): `{isAuthorized, context}`;
 * - REST API, TOKEN and REQUEST types: an IAM policy, `principalId` = `sub`.
 * A missing or invalid token is a 401 (`isAuthorized: false`; for REST the `Unauthorized` error,
 * the one answer API Gateway turns into a 401), a missing scope a 403 (a Deny policy). When the
 * keys or introspection cannot be reached it throws, which API Gateway answers with a 500: the
 * authorizer fails closed.
 */
export function createAuthorizer(options: VerifierOptions | { verifier: Verifier }): (event: AuthorizerEvent) => Promise<AuthorizerResponse> {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options)
  return async (event) => {
    if ('version' in event && event.version === '2.0') return httpApi(verifier, event)
    const rest = event as Exclude<AuthorizerEvent, HttpApiAuthorizerEvent>
    let verified: VerifiedToken
    try {
      const token = bearerToken(rest.type === 'TOKEN' ? rest.authorizationToken : header(rest.headers, 'authorization'))
      if (token === undefined) throw new TokenError('invalid_token', 'No token')
      verified = await verifier.verify(token)
    } catch (error) {
      if (error instanceof TokenError && error.code === 'invalid_token') throw new Error('Unauthorized')
      if (error instanceof TokenError && error.code === 'insufficient_scope') return policy('Deny', rest.methodArn, 'insufficient_scope')
      throw error
    }
    return policy('Allow', rest.methodArn, verified.sub, verified)
  }
}

async function httpApi(verifier: Verifier, event: HttpApiAuthorizerEvent): Promise<AuthorizerResponse> {
  try {
    const token = bearerToken(header(event.headers, 'authorization') ?? event.identitySource?.[0])
    if (token === undefined) return { isAuthorized: false }
    const verified = await verifier.verify(token)
    return { isAuthorized: true, context: contextOf(verified) }
  } catch (error) {
    if (error instanceof TokenError && error.code !== 'unavailable') return { isAuthorized: false }
    throw error
  }
}

/** The authorizer's configuration from its environment (the variable names are a deployment contract). */
export function authorizerOptionsFromEnv(env: Record<string, string | undefined>): VerifierOptions {
  const missing = ['JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'].filter((name) => !env[name])
  const introspectionUrl = env['INTROSPECTION_URL']
  if (introspectionUrl) missing.push(...['INTROSPECTION_CLIENT_ID', 'INTROSPECTION_CLIENT_SECRET'].filter((name) => !env[name]))
  if (missing.length > 0) throw new Error(`gatehouse authorizer: set ${missing.join(', ')}`)
  const requireEmailVerified = env['REQUIRE_EMAIL_VERIFIED'] ?? 'false'
  // A typo must not switch a requirement off silently.
  if (requireEmailVerified !== 'true' && requireEmailVerified !== 'false') throw new Error('gatehouse authorizer: REQUIRE_EMAIL_VERIFIED must be true or false')
  return {
    jwksUrl: env['JWKS_URL'] as string,
    issuer: env['JWT_ISSUER'] as string,
    audience: env['JWT_AUDIENCE'] as string,
    requiredScopes: (env['REQUIRED_SCOPE'] ?? '').split(' ').filter(Boolean),
    ...(requireEmailVerified === 'true' ? { requireEmailVerified: true } : {}),
    ...(introspectionUrl
      ? { introspection: { url: introspectionUrl, clientId: env['INTROSPECTION_CLIENT_ID'] as string, clientSecret: env['INTROSPECTION_CLIENT_SECRET'] as string } }
      : {}),
  }
}
