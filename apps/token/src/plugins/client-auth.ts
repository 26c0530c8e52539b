import type { FastifyRequest } from 'fastify'
import { AppError, ConfigError, createServiceAuth } from '@gatehouse/platform'
import { ErrorCodes, parseServiceClients } from '@gatehouse/schemas'

export interface ClientAuth {
  /** /v1/*: only SERVICE_CLIENTS (the gateway and other trusted internal callers). */
  internal: (request: FastifyRequest) => Promise<void>
  /** /introspect: SERVICE_CLIENTS and INTROSPECTION_CLIENTS (resource servers, RFC 7662 §2.1). */
  introspection: (request: FastifyRequest) => Promise<void>
}

/**
 * Two tiers of internal callers. A resource server gets introspection credentials of its own,
 * which authenticate but are refused (403) everywhere else: it cannot mint or revoke sessions.
 */
export function createClientAuth(serviceClients: string, introspectionClients: string | undefined): ClientAuth {
  const internalClients = parseServiceClients(serviceClients)
  const introspectors = introspectionClients === undefined ? new Map<string, string>() : parseServiceClients(introspectionClients)
  for (const id of introspectors.keys()) {
    if (internalClients.has(id)) throw new ConfigError([`INTROSPECTION_CLIENTS: client id ${id} is also in SERVICE_CLIENTS`])
  }
  const authenticate = createServiceAuth(new Map([...internalClients, ...introspectors]))
  return {
    introspection: authenticate,
    async internal(request) {
      await authenticate(request)
      if (!internalClients.has(request.serviceClient as string)) {
        throw new AppError(403, ErrorCodes.FORBIDDEN, 'This client may only call /introspect')
      }
    },
  }
}
