import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ErrorCodes } from '@gatehouse/schemas'
import { AppError } from './app-error.ts'

export const SERVICE_REALM = 'gatehouse-internal'

declare module 'fastify' {
  interface FastifyRequest {
    /** The internal client that authenticated this request (service authentication). */
    serviceClient?: string
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

function unauthenticated(message: string): AppError {
  return new AppError(401, ErrorCodes.INVALID_CLIENT, message, {
    headers: { 'www-authenticate': `Basic realm="${SERVICE_REALM}", charset="UTF-8"` },
  })
}

/** Checks a client id and secret; the one place secrets are compared, whatever carried them. */
export type ClientVerifier = (id: string, secret: string) => boolean

/**
 * Secrets are compared as SHA-256 digests with timingSafeEqual, so neither the content nor the
 * length of a secret leaks through timing; an unknown client id is compared against a dummy so it
 * costs the same.
 */
export function createClientVerifier(clients: ReadonlyMap<string, string>): ClientVerifier {
  const digests = new Map([...clients].map(([id, secret]) => [id, digest(secret)]))
  const dummy = digest('unknown-client-dummy-secret')
  return (id, secret) => {
    const expected = digests.get(id)
    const matches = timingSafeEqual(expected ?? dummy, digest(secret))
    return expected !== undefined && matches
  }
}

/** The client id and secret of an HTTP Basic header, or undefined when it is absent or not Basic. */
export function parseBasicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return 'malformed'
  // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding.
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    }
  } catch {
    return 'malformed'
  }
}

/** HTTP Basic client authentication for internal APIs (RFC 7617; as RFC 7662 §2.1 allows for introspection). */
export function createServiceAuth(clients: ReadonlyMap<string, string>) {
  const verify = createClientVerifier(clients)
  return async function authenticateService(request: FastifyRequest): Promise<void> {
    const credentials = parseBasicCredentials(request.headers.authorization)
    if (credentials === undefined) throw unauthenticated('Client authentication required')
    if (credentials === 'malformed') throw unauthenticated('Malformed client credentials')
    if (!verify(credentials.id, credentials.secret)) throw unauthenticated('Invalid client credentials')
    request.serviceClient = credentials.id
  }
}

/** The Authorization header a service client sends. */
export function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string): string => encodeURIComponent(value)
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`
}
