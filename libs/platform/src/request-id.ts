import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * A caller's `x-request-id` is kept so one id follows a request across the gateway and the
 * internal services; anything that could forge or flood log lines is replaced with a new UUID.
 */
export function requestIdFrom(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER]
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID()
}
