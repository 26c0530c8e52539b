import type { FastifyRequest } from 'fastify'
import { parseServiceClients } from '@gatehouse/schemas'
import { ConfigError } from './config.ts'
import { createServiceAuth } from './service-auth.ts'

/**
 * HTTP Basic authentication for /admin/v1 with ADMIN_CLIENTS only: service and introspection
 * clients are simply unknown here (401), so no credential the gateway or a resource server holds
 * reaches an admin action. An id may not be both an admin and another kind of client. Unset, the
 * admin API answers 401 to everyone.
 */
export function createAdminAuth(adminClients: string | undefined, others: Record<string, string | undefined>): (request: FastifyRequest) => Promise<void> {
  const admins = adminClients === undefined ? new Map<string, string>() : parseServiceClients(adminClients)
  for (const [variable, value] of Object.entries(others)) {
    if (value === undefined) continue
    for (const id of parseServiceClients(value).keys()) {
      if (admins.has(id)) throw new ConfigError([`ADMIN_CLIENTS: client id ${id} is also in ${variable}`])
    }
  }
  return createServiceAuth(admins)
}
