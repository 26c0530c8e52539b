import { isIP } from 'node:net'
import type { FastifyRequest } from 'fastify'

/**
 * The end user's address and user agent, as the gateway saw them, forwarded to the internal
 * services so the security events they record say where a request came from. Only callers holding
 * service credentials reach those services, so the headers are the gateway's word, not a client's.
 */
export const CLIENT_IP_HEADER = 'x-gatehouse-client-ip'
export const CLIENT_USER_AGENT_HEADER = 'x-gatehouse-user-agent'

const USER_AGENT_MAX = 512

export interface ClientOrigin {
  ip?: string | undefined
  userAgent?: string | undefined
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)

/** The forwarded origin of an internal request; a malformed address is dropped. */
export function clientOriginOf(request: Pick<FastifyRequest, 'headers'>): ClientOrigin {
  const ip = header(request.headers[CLIENT_IP_HEADER])
  const userAgent = header(request.headers[CLIENT_USER_AGENT_HEADER])
  return {
    ...(ip !== undefined && isIP(ip) !== 0 ? { ip } : {}),
    ...(userAgent === undefined || userAgent === '' ? {} : { userAgent: userAgent.slice(0, USER_AGENT_MAX) }),
  }
}
