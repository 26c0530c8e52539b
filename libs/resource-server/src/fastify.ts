import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { bearerFailure, bearerToken } from './bearer.ts'
import { TokenError } from './errors.ts'
import { createVerifier, type Verifier, type VerifierOptions, type VerifiedToken, type VerifyOptions } from './verifier.ts'

export type GatehouseFastifyOptions = (VerifierOptions | { verifier: Verifier }) & {
  /** `realm` of the WWW-Authenticate challenge (default `api`). */
  realm?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler that admits only requests with a valid gatehouse token (and these scopes). */
    requireToken(options?: VerifyOptions): preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    /** The verified token, once requireToken has run; null before. */
    token: VerifiedToken | null
  }
}

async function gatehouseAuthPlugin(app: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options)
  const realm = options.realm ?? 'api'
  app.decorateRequest('token', null)
  app.decorate('requireToken', (verifyOptions: VerifyOptions = {}): preHandlerAsyncHookHandler =>
    async function requireToken(request: FastifyRequest, reply: FastifyReply) {
      try {
        const token = bearerToken(request.headers.authorization)
        if (token === undefined) {
          const failure = bearerFailure(undefined, realm)
          return reply.code(failure.status).headers(failure.headers).send(failure.body)
        }
        request.token = await verifier.verify(token, verifyOptions)
      } catch (error) {
        if (!(error instanceof TokenError)) throw error
        if (error.code === 'unavailable') request.log.warn({ err: error.cause ?? error }, 'token verification unavailable')
        const failure = bearerFailure(error, realm)
        return reply.code(failure.status).headers(failure.headers).send(failure.body)
      }
    })
}

/**
 * `app.register(gatehouseAuth, { jwksUrl, issuer, audience })`, then
 * `{ preHandler: app.requireToken({ scopes: ['orders:read'] }) }` on a route; `request.token` holds
 * the verified claims.
 */
export const gatehouseAuth = fp(gatehouseAuthPlugin, { name: '@gatehouse/resource-server', fastify: '5.x' })
export type { VerifiedToken, VerifyOptions } from './verifier.ts'
