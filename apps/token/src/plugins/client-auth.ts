import type { FastifyRequest } from 'fastify'
import { AppError, ConfigError, SERVICE_REALM, createClientVerifier, createServiceAuth, parseBasicCredentials } from '@gatehouse/platform'
import { ErrorCodes, parseServiceClients } from '@gatehouse/schemas'
import { createClientAuthThrottle, type ClientAuthThrottle } from './client-auth-throttle.ts'

export interface ClientAuth {
  /** /v1/*: only SERVICE_CLIENTS (the gateway and other trusted internal callers), HTTP Basic. */
  internal: (request: FastifyRequest) => Promise<void>
  /**
   * /introspect: SERVICE_CLIENTS and INTROSPECTION_CLIENTS (resource servers, RFC 7662 §2.1), by
   * client_secret_basic or client_secret_post (RFC 6749 §2.3.1). Reads the form body, so it runs
   * as a preValidation hook.
   */
  introspection: (request: FastifyRequest) => Promise<void>
}

function invalidClient(message: string): AppError {
  return new AppError(401, ErrorCodes.INVALID_CLIENT, message, {
    headers: { 'www-authenticate': `Basic realm="${SERVICE_REALM}", charset="UTF-8"` },
  })
}

const bodyField = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined

/**
 * Two tiers of internal callers. A resource server gets introspection credentials of its own,
 * which authenticate but are refused (403) everywhere else: it cannot mint or revoke sessions.
 */
export function createClientAuth(serviceClients: string, introspectionClients: string | undefined, throttle: ClientAuthThrottle = createClientAuthThrottle()): ClientAuth {
  const internalClients = parseServiceClients(serviceClients)
  const introspectors = introspectionClients === undefined ? new Map<string, string>() : parseServiceClients(introspectionClients)
  for (const id of introspectors.keys()) {
    if (internalClients.has(id)) throw new ConfigError([`INTROSPECTION_CLIENTS: client id ${id} is also in SERVICE_CLIENTS`])
  }
  const everyone = new Map([...internalClients, ...introspectors])
  const authenticate = createServiceAuth(everyone)
  // Both transports end in this one constant-time check and one throttle.
  const verify = createClientVerifier(everyone)
  return {
    async introspection(request) {
      const wait = throttle.retryAfter(request.ip)
      if (wait > 0) {
        throw new AppError(429, ErrorCodes.TOO_MANY_ATTEMPTS, 'Too many failed client authentications; try again later', { headers: { 'retry-after': String(wait) } })
      }
      await authenticateIntrospector(request)
    },
    async internal(request) {
      await authenticate(request)
      if (!internalClients.has(request.serviceClient as string)) {
        throw new AppError(403, ErrorCodes.FORBIDDEN, 'This client may only call /introspect')
      }
    },
  }

  async function authenticateIntrospector(request: FastifyRequest): Promise<void> {
    const basic = parseBasicCredentials(request.headers.authorization)
    const postedId = bodyField(request.body, 'client_id')
    const postedSecret = bodyField(request.body, 'client_secret')
    const posted = postedId !== undefined || postedSecret !== undefined
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in a request.
    if (basic !== undefined && posted) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'Use one client authentication method: HTTP Basic or client_id/client_secret in the body, not both')
    }
    if (basic === 'malformed') throw invalidClient('Malformed client credentials')
    let credentials = basic
    if (posted) {
      if (typeof postedId !== 'string' || typeof postedSecret !== 'string' || postedId === '') throw invalidClient('client_id and client_secret are both required')
      credentials = { id: postedId, secret: postedSecret }
    }
    if (credentials === undefined) throw invalidClient('Client authentication required')
    if (!verify(credentials.id, credentials.secret)) {
      throttle.recordFailure(request.ip)
      throw invalidClient('Invalid client credentials')
    }
    request.serviceClient = credentials.id
  }
}
