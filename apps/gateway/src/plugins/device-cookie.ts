import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CookieSerializeOptions } from '@fastify/cookie'

export interface DeviceCookie {
  /** The device id this browser already holds, or a new one set on the reply (`minted`). */
  ensure(request: FastifyRequest, reply: FastifyReply): { deviceId: string; minted: boolean }
  /** The device id this browser holds, if it is one we could have minted. */
  read(request: FastifyRequest): string | undefined
}

/** Ids this gateway mints: 256 random bits in base64url (43 characters). */
export const DEVICE_ID = /^[A-Za-z0-9_-]{43}$/

/**
 * A long-lived random id per browser, sent to identity with each login so a device that signed in
 * to an account before keeps its own failure counter: strangers guessing the password cannot lock
 * its owner out (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies).
 * It proves nothing by itself (the password is still checked), so it needs no signature; a value
 * not in our shape is replaced rather than forwarded. HttpOnly, SameSite=Strict and Path=/auth as
 * the refresh cookie, since only the auth endpoints read it.
 */
export function createDeviceCookie(name: string, secure: boolean, maxAgeSeconds: number): DeviceCookie {
  const attributes: CookieSerializeOptions = { httpOnly: true, secure, sameSite: 'strict', path: '/auth', maxAge: maxAgeSeconds }
  const read = (request: FastifyRequest): string | undefined => {
    const held = request.cookies[name]
    return held !== undefined && DEVICE_ID.test(held) ? held : undefined
  }
  return {
    read,
    ensure: (request, reply) => {
      const held = read(request)
      if (held !== undefined) {
        // Re-issued with a full lifetime at every login: identity renews the device's trust at
        // each success, and a cookie dying a year after it was first set would end it anyway.
        reply.setCookie(name, held, attributes)
        return { deviceId: held, minted: false }
      }
      const minted = randomBytes(32).toString('base64url')
      reply.setCookie(name, minted, attributes)
      return { deviceId: minted, minted: true }
    },
  }
}
