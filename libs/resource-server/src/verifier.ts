import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose'
import { TokenError } from './errors.ts'
import { createIntrospection, type IntrospectionOptions } from './introspection.ts'

export interface VerifierOptions {
  /** The token service's public keys, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  jwksUrl: string | URL
  /** `iss` the tokens must carry (the gateway's public URL). */
  issuer: string
  /** `aud` the tokens must carry (`gatehouse` unless configured otherwise). */
  audience: string
  /** Scopes every token must hold; routes can ask for more. */
  requiredScopes?: readonly string[]
  /**
   * Authentication methods (RFC 8176 `amr`) every token must list, e.g. `['mfa']` to accept only
   * sign-ins that passed a second factor.
   */
  requireAmr?: readonly string[]
  /**
   * Accept only tokens whose `email_verified` claim is true: the user followed a link mailed to
   * their address (as of their sign-in or last refresh). Tokens without the claim are refused.
   */
  requireEmailVerified?: boolean
  /** Revocation-aware: ask the token service too (see IntrospectionOptions.cacheSeconds for the bound). */
  introspection?: IntrospectionOptions
  /** Allowed clock skew for `exp`/`iat`/`nbf` (default 5 s). */
  clockToleranceSeconds?: number
  /** How long fetched keys are trusted before a refetch (default 600 s). */
  jwksCacheSeconds?: number
  /** Least time between two refetches on an unknown `kid` (default 30 s): forged kids cannot hammer the JWKS. */
  jwksCooldownSeconds?: number
  /** JWKS fetch timeout (default 5 s). */
  jwksTimeoutSeconds?: number
}

/** A token that passed every check. */
export interface VerifiedToken {
  sub: string
  /** Session id: one sign-in on one device. */
  sid: string | undefined
  scopes: readonly string[]
  amr: readonly string[]
  /** Seconds since the epoch. */
  exp: number
  authTime: number | undefined
  /** The `email_verified` claim; false when the token does not carry it. */
  emailVerified: boolean
  claims: JWTPayload
}

export interface VerifyOptions {
  /** Scopes this call needs on top of `requiredScopes`. */
  scopes?: readonly string[]
  /** Authentication methods this call needs on top of `requireAmr`. */
  amr?: readonly string[]
  /** This call needs a verified address (as `requireEmailVerified`, for one route). */
  emailVerified?: boolean
}

export interface Verifier {
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>
}

// Asymmetric only: an HS256 token "signed" with a public key is refused before any key is tried.
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA']
const MAX_TOKEN_LENGTH = 8192

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []

/**
 * Local verification of gatehouse access tokens (RFC 9068): signature against the JWKS (cached;
 * an unknown `kid` triggers one rate-limited refetch, so key rotation needs no restart), `typ:
 * at+jwt`, `iss`, `aud`, `exp`, required scopes, `amr` and (when asked) `email_verified`; then, when configured, introspection
 * so that a logout is seen within a documented bound.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: (options.jwksCacheSeconds ?? 600) * 1000,
    cooldownDuration: (options.jwksCooldownSeconds ?? 30) * 1000,
    timeoutDuration: (options.jwksTimeoutSeconds ?? 5) * 1000,
  })
  const isActive = options.introspection === undefined ? undefined : createIntrospection(options.introspection)
  const baseScopes = options.requiredScopes ?? []
  const baseAmr = options.requireAmr ?? []

  return {
    async verify(token, extra = {}) {
      if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) throw new TokenError('invalid_token', 'Malformed token')
      let payload: JWTPayload
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          algorithms: ALGORITHMS,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
        }))
      } catch (error) {
        // A JWKS that cannot be fetched says nothing about the token: fail closed, as unavailable.
        if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) {
          throw new TokenError('unavailable', 'The signing keys could not be fetched', { cause: error })
        }
        throw new TokenError('invalid_token', error instanceof errors.JWTExpired ? 'The token has expired' : 'The token is invalid', { cause: error })
      }
      const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : []
      const amr = stringList(payload['amr'])
      const neededScopes = [...baseScopes, ...(extra.scopes ?? [])]
      if (!neededScopes.every((scope) => scopes.includes(scope))) {
        throw new TokenError('insufficient_scope', 'The token lacks a required scope', { requiredScopes: neededScopes })
      }
      const neededAmr = [...baseAmr, ...(extra.amr ?? [])]
      if (!neededAmr.every((method) => amr.includes(method))) {
        // RFC 9470 would say insufficient_user_authentication; RFC 6750 clients know this one.
        throw new TokenError('insufficient_scope', `The sign-in must include: ${neededAmr.join(', ')}`, { requiredScopes: neededScopes })
      }
      const emailVerified = payload['email_verified'] === true
      if ((options.requireEmailVerified === true || extra.emailVerified === true) && !emailVerified) {
        throw new TokenError('insufficient_scope', "The account's email address is not verified", { requiredScopes: neededScopes })
      }
      const exp = payload.exp as number
      if (isActive !== undefined && !(await isActive(token, exp))) throw new TokenError('invalid_token', 'The token has been revoked')
      return {
        sub: payload.sub as string,
        sid: typeof payload['sid'] === 'string' ? payload['sid'] : undefined,
        scopes,
        amr,
        exp,
        authTime: typeof payload['auth_time'] === 'number' ? payload['auth_time'] : undefined,
        emailVerified,
        claims: payload,
      }
    },
  }
}
