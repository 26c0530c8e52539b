import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CookieSerializeOptions } from '@fastify/cookie'

export interface RefreshCookie {
  read(request: FastifyRequest): string | undefined
  set(reply: FastifyReply, token: string, maxAgeSeconds: number): void
  clear(reply: FastifyReply): void
}

/**
 * The refresh token lives only in this cookie: HttpOnly (no script can read it), Secure,
 * SameSite=Strict (never sent on cross-site requests) and Path=/auth (never sent to anything but
 * the auth endpoints). Max-Age follows the token's own lifetime, 30 days at sign-in.
 */
export function createRefreshCookie(name: string, secure: boolean): RefreshCookie {
  const attributes: CookieSerializeOptions = { httpOnly: true, secure, sameSite: 'strict', path: '/auth' }
  return {
    read: (request) => {
      const value = request.cookies[name]
      return value === undefined || value === '' ? undefined : value
    },
    set: (reply, token, maxAgeSeconds) => {
      reply.setCookie(name, token, { ...attributes, maxAge: maxAgeSeconds })
    },
    clear: (reply) => {
      reply.clearCookie(name, attributes)
    },
  }
}
